"""Delivery tables for Eurostat and UNODC, from victims frames built by hand."""

import csv
import datetime

import openpyxl
import polars as pl
import pytest

from flexwatch import vocab
from flexwatch.stats import deliveries
from flexwatch.stats.definitions import DefinitionError
from flexwatch.stats.deliveries import (
    PERSONS,
    REGISTERED,
    DeliveryError,
    deliver,
    layouts,
    load_layouts,
    write_csv,
    write_xlsx,
)
from flexwatch.stats.tables import TableError

from .test_tables import event, events, frame, victim

LAYOUTS = tuple(layouts())
VICTIM_LAYOUTS = tuple(n for n, found in layouts().items() if found.table == REGISTERED)
PERSON_LAYOUTS = tuple(n for n, found in layouts().items() if found.table == PERSONS)


def cells(result) -> dict:
    """The table's cells as ``{(row, column): (value, flag)}``."""
    return {(r, c): (v, f) for r, c, v, f in result.table.iter_rows()}


def mixed_frame() -> pl.DataFrame:
    """Victims of one form each, in every unknown, with one of another year."""
    return frame(
        victim(),
        victim(sex="male", forms=["sexual_exploitation"], citizenship="FI"),
        victim(sex=None, age_min=None, age_max=None, citizenship=None, forms=[]),
        victim(sex="other", age_min=16, age_max=20, citizenship="EE"),
        victim(citizenship="stateless", forms=["begging"], age_min=9, age_max=9),
        victim(registered_on=datetime.date(2022, 5, 1)),
    )


@pytest.mark.parametrize("name", VICTIM_LAYOUTS)
def test_every_category_of_the_layout_is_delivered_with_totals(name):
    result = deliver(name, mixed_frame(), country="FI", year=2023)
    layout = result.layout

    expected = {
        (row, column)
        for row in (*layout.rows.categories, "total")
        for column in (*layout.columns.categories, "total")
    }
    assert set(cells(result)) == expected
    assert result.table.height == len(expected)
    assert result.citation == layout.citation


@pytest.mark.parametrize("name", VICTIM_LAYOUTS)
def test_totals_add_up_when_each_victim_has_one_form(name):
    result = deliver(name, mixed_frame(), country="FI", year=2023)
    layout = result.layout
    table = cells(result)

    for row in (*layout.rows.categories, "total"):
        parts = sum(table[row, column][0] for column in layout.columns.categories)
        assert parts == table[row, "total"][0]
    for column in (*layout.columns.categories, "total"):
        parts = sum(table[row, column][0] for row in layout.rows.categories)
        assert parts == table["total", column][0]
    assert table["total", "total"][0] == result.victims == 5
    assert result.left_out == {"other_year": 1}


@pytest.mark.parametrize("name", VICTIM_LAYOUTS)
def test_unknowns_are_delivered_not_dropped(name):
    result = deliver(name, mixed_frame(), country="FI", year=2023)
    table = cells(result)

    assert table["total", "unknown"][0] >= 1 or table["unknown", "total"][0] >= 1


def test_other_sex_unclassifiable_age_and_stateless_go_where_the_layout_says():
    def total(name, row, column="total"):
        result = deliver(name, mixed_frame(), country="FI", year=2023)
        return cells(result)[row, column][0]

    assert total("crim_thb_vexp", "total", "unknown") == 2  # null and other
    assert total("crim_thb_vsage", "unknown") == 2  # none and 16-20
    assert total("crim_thb_vsage", "children") == 1
    assert total("eurostat_victims_by_citizenship", "non_eu") == 2  # UA, stateless
    assert total("eurostat_victims_by_citizenship", "other_eu") == 1
    assert total("eurostat_victims_by_citizenship", "unknown") == 1
    assert total("unodc_victims_detected", "unknown") == 1  # no form recorded
    assert total("eurostat_victims_by_form_detail", "begging") == 1
    assert total("eurostat_victims_by_form_detail", "other") == 0
    assert total("eurostat_victims_by_country_of_citizenship", "UA") == 1
    assert total("eurostat_victims_by_country_of_citizenship", "FI") == 1
    assert total("eurostat_victims_by_country_of_citizenship", "stateless") == 1
    assert total("unodc_victims_by_citizenship", "unknown") == 1  # not recorded


@pytest.mark.parametrize(
    ("victims", "flag"), [(0, ""), (1, "c"), (4, "c"), (5, ""), (7, "")]
)
def test_small_counts_are_flagged_and_never_suppressed(victims, flag):
    result = deliver(
        "crim_thb_vexp",
        frame(*(victim() for _ in range(victims))),
        country="FI",
        year=2023,
    )
    table = cells(result)

    assert table["labour_exploitation", "females"] == (victims, flag)
    assert table["total", "total"] == (victims, flag)
    assert table["sexual_exploitation", "males"] == (0, "")
    assert "not suppressed" in " ".join(result.notes)


def test_the_threshold_moves_the_flag():
    rows = frame(*(victim() for _ in range(3)))
    flagged = deliver("crim_thb_vexp", rows, country="FI", year=2023)
    clear = deliver("crim_thb_vexp", rows, country="FI", year=2023, threshold=3)

    assert cells(flagged)["total", "total"] == (3, "c")
    assert cells(clear)["total", "total"] == (3, "")


def test_a_victim_of_several_forms_counts_once_in_the_total():
    result = deliver(
        "crim_thb_vexp",
        frame(victim(forms=["forced_labour", "begging"])),
        country="FI",
        year=2023,
    )
    table = cells(result)

    assert table["labour_exploitation", "total"][0] == 1
    assert table["other_forms", "total"][0] == 1
    assert table["total", "total"][0] == 1
    assert any("more than the total" in note for note in result.notes)


def test_only_the_reporting_country_and_year_are_counted():
    result = deliver(
        "crim_thb_vsage",
        frame(
            victim(),
            victim(country="EE"),
            victim(is_synthetic=True),
            victim(registered_on=None),
        ),
        country="FI",
        year=2023,
    )

    assert result.victims == 1
    assert result.left_out == {"other_country": 1, "synthetic": 1, "other_year": 1}
    assert result.date_column == "registered_on"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"layout_name": "crim_thb_nope"}, "not a delivery layout"),
        ({"threshold": 0}, "at least 1"),
    ],
)
def test_a_bad_request_is_refused(call, message):
    arguments = {"layout_name": "crim_thb_vexp", "threshold": 5, **call}
    with pytest.raises(DeliveryError, match=message):
        deliver(
            arguments["layout_name"],
            frame(victim()),
            country="FI",
            year=2023,
            threshold=arguments["threshold"],
        )


def test_the_other_forms_split_counts_a_victim_once_in_each_form_category():
    result = deliver(
        "eurostat_victims_by_form_detail",
        frame(
            victim(forms=["illegal_adoption", "surrogacy_exploitation"]),
            victim(forms=["forced_labour", "servitude", "begging"], sex="male"),
            victim(forms=["organ_removal"]),
        ),
        country="FI",
        year=2023,
    )
    table = cells(result)

    assert table["other", "females"][0] == 1  # two forms that are both other
    assert table["labour_exploitation", "males"][0] == 1
    assert table["begging", "males"][0] == 1
    assert table["organ_removal", "total"][0] == 1
    assert table["total", "total"][0] == 3


def test_every_country_of_citizenship_has_a_row_in_the_vocabulary_order():
    result = deliver(
        "eurostat_victims_by_country_of_citizenship",
        frame(victim(), victim(citizenship="VN"), victim(citizenship="FI")),
        country="FI",
        year=2023,
    )
    rows = result.table["citizenship"].unique(maintain_order=True).to_list()

    assert rows == [*vocab.vocabulary("citizenship").codes, "total"]
    assert {"FI", "SE", "UA", "VN", "stateless", "unknown"} < set(rows)
    assert rows[-3:] == ["stateless", "unknown", "total"]
    assert cells(result)["FI", "females"] == (1, "c")
    assert cells(result)["SE", "total"] == (0, "")


# Persons in proceedings


def suspects() -> pl.DataFrame:
    """Suspects of a Finnish case of 2023 at every step, and others left out."""
    return events(
        event(person_id=1, stage="reported"),
        event(person_id=2, stage="charged"),
        event(person_id=2, stage="investigated", provision="FI RL 47:3a"),
        event(person_id=3, stage="tried", outcome="convicted", sex="female"),
        # Convicted under the lesser provision only: not of trafficking.
        event(person_id=4, stage="tried", provision="FI RL 47:3a", outcome="convicted"),
        event(person_id=5, stage="tried", outcome="convicted_other_offence"),
        event(person_id=6, role="victim"),
        event(person_id=7, country="EE", provision="EE KarS 133"),
        event(person_id=8, year=2022),
        event(person_id=9, is_synthetic=True),
        event(person_id=10, sex=None),
    )


@pytest.mark.parametrize("name", PERSON_LAYOUTS)
def test_suspects_of_trafficking_are_delivered_by_legal_status_and_sex(name):
    result = deliver(name, suspects(), country="FI", year=2023)
    layout = result.layout
    table = cells(result)
    suspected, prosecuted, convicted = layout.rows.categories
    assert (suspected, prosecuted, convicted) == {
        "eurostat_persons_by_legal_status": ("suspected", "prosecuted", "convicted"),
        "unodc_persons_by_legal_status": (
            "investigated_or_suspected",
            "prosecuted",
            "convicted",
        ),
    }[name]

    assert table[suspected, "males"][0] == 3  # persons 1, 2 and 5
    assert table[suspected, "females"][0] == 1
    assert table[suspected, "unknown"][0] == 1  # person 10
    assert table[prosecuted, "total"][0] == 4  # 2, 3, 5 and 10
    assert table[convicted, "total"] == (1, "c")  # 3; not 4 nor 5
    assert table["total", "total"][0] == result.victims == 5
    assert result.left_out == {
        "synthetic": 1,
        "other_country": 1,
        "not_a_suspect": 1,
        "other_offence": 1,
        "other_year": 1,
    }
    assert any("statuses nest" in note for note in result.notes)
    assert "case's own year" in result.notes[0]


def test_a_layout_of_persons_in_proceedings_needs_the_proceedings_frame():
    with pytest.raises(TableError, match="no column provision, role"):
        deliver(
            "eurostat_persons_by_legal_status",
            frame(victim()),
            country="FI",
            year=2023,
        )


def test_the_workbook_of_persons_says_which_offences_it_counts(tmp_path):
    result = deliver(
        "eurostat_persons_by_legal_status", suspects(), country="FI", year=2023
    )
    path = tmp_path / "persons.xlsx"
    write_xlsx(result, path)

    notes = dict(openpyxl.load_workbook(path)["notes"].iter_rows(values_only=True))
    assert notes["persons counted"] == 5
    assert notes["offences counted"].startswith("trafficking: ")
    assert "registered victim" not in notes
    assert notes["date basis"] == "case_year (year)"


# Writing


def test_the_csv_reads_back_as_the_table(tmp_path):
    result = deliver("crim_thb_vexp", mixed_frame(), country="FI", year=2023)
    path = tmp_path / "delivery.csv"
    write_csv(result, path)

    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))

    assert rows[0] == ["country", "year", "form_group", "sex", "value", "flag"]
    expected = [
        ["FI", "2023", r, c, str(v), f] for r, c, v, f in result.table.iter_rows()
    ]
    assert rows[1:] == expected
    assert [p.name for p in tmp_path.iterdir()] == ["delivery.csv"]


def test_the_workbook_arranges_the_table_and_its_notes(tmp_path):
    result = deliver("crim_thb_vsage", mixed_frame(), country="FI", year=2023)
    path = tmp_path / "delivery.xlsx"
    write_xlsx(result, path)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["table", "notes"]
    sheet = [list(row) for row in book["table"].iter_rows(values_only=True)]
    header = sheet[0]
    assert header[:3] == ["age_category", "females", "females flag"]
    table = cells(result)
    for line in sheet[1:]:
        for column, value, flag in zip(
            header[1::2], line[1::2], line[2::2], strict=True
        ):
            assert (value, flag or "") == table[line[0], column]
    assert [line[0] for line in sheet[1:]] == ["adults", "children", "unknown", "total"]

    notes = dict(book["notes"].iter_rows(values_only=True))
    assert notes["source"] == result.layout.citation
    assert notes["date basis"] == "registration (registered_on)"
    assert "Directive 2011/36/EU" in notes["registered victim"]
    assert notes["left out: other_year"].startswith("1 ")
    assert "confidential" in notes["flag c"]


@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_an_interrupted_write_leaves_no_file(tmp_path, monkeypatch, writer):
    result = deliver("crim_thb_vexp", mixed_frame(), country="FI", year=2023)
    path = tmp_path / "delivery"

    def fail(*args):
        raise OSError("disk full")

    # Each writer fails mid-way, after it has begun the spool file.
    monkeypatch.setattr(deliveries, "neutralise", fail)
    with pytest.raises(OSError, match="disk full"):
        writer(result, path)

    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    result = deliver("crim_thb_vexp", mixed_frame(), country="FI", year=2023)
    path = tmp_path / "delivery.csv"
    path.write_text("previous", encoding="utf-8")

    monkeypatch.setattr(deliveries, "neutralise", lambda value: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_csv(result, path)

    assert path.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["delivery.csv"]


# The layouts file

GOOD = """\
version: "1"
layouts:
  test_layout:
    collection: Eurostat crim_thb
    title: A test
    table: registered_victims
    date_basis: registration
    rows:
      dimension: age_category
      categories:
        adults: [adult]
        children: [child]
        unknown: [not_classifiable, unknown]
    columns:
      dimension: sex
      categories:
        females: [female]
        males: [male]
        unknown: [other, unknown]
    citation: A test
"""


def test_the_package_layouts_are_read():
    assert set(LAYOUTS) == {
        "crim_thb_vexp",
        "crim_thb_vsage",
        "eurostat_victims_by_citizenship",
        "eurostat_victims_by_country_of_citizenship",
        "eurostat_victims_by_form_detail",
        "eurostat_persons_by_legal_status",
        "unodc_victims_detected",
        "unodc_victims_by_age_and_sex",
        "unodc_victims_by_citizenship",
        "unodc_persons_by_legal_status",
    }
    assert load_layouts(GOOD, "good.yaml")["test_layout"].rows.dimension == (
        "age_category"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("dimension: sex", "dimension: sector", "line 15: 'sector' is not a dimension"),
        ("[adult]", "[grown_up]", "line 11: 'grown_up' is not a category"),
        ("[child]", "[adult]", "line 12: 'adult' is mapped twice"),
        ("        males: [male]\n", "", "line 15: male of sex must be mapped"),
        ("date_basis: registration", "date_basis: arrest", "line 7: 'arrest'"),
        ("table: registered_victims", "table: cases", "line 6: 'cases' is not a table"),
        ("    title: A test\n", "", "line 4: expected the keys"),
        ("[female]", "[]", "line 17: females must list"),
        ("dimension: sex", "dimension: legal_status", "line 15: 'legal_status'"),
        (
            "date_basis: registration",
            "date_basis: case_year",
            "line 7: 'case_year' is not a date basis of registered_victims",
        ),
        ("[female]", "each", "line 17: females must list"),
    ],
)
def test_a_bad_layouts_file_is_refused_naming_file_and_line(old, new, message):
    assert old in GOOD
    with pytest.raises(DefinitionError, match=f"bad.yaml, {message}"):
        load_layouts(GOOD.replace(old, new, 1), "bad.yaml")


def test_a_layout_may_not_gather_two_forms_in_one_category():
    text = GOOD.replace("dimension: age_category", "dimension: form_group").replace(
        "adults: [adult]\n        children: [child]\n"
        "        unknown: [not_classifiable, unknown]",
        "sexual_exploitation: [sexual_exploitation]\n"
        "        others: [labour_exploitation, other_forms]\n"
        "        unknown: [unknown]",
    )
    with pytest.raises(DefinitionError, match=r"bad\.yaml, line 12: .* only one"):
        load_layouts(text, "bad.yaml")


def test_a_file_that_is_not_yaml_is_refused_with_its_line():
    with pytest.raises(DefinitionError, match=r"bad\.yaml, line 2: not valid YAML"):
        load_layouts("version: 1\n  layouts: [\n", "bad.yaml")
