"""Tables of registered victims, from victims frames built by hand (no database)."""

import datetime
from itertools import count

import polars as pl
import pytest
import yaml

from flexwatch import vocab
from flexwatch.stats import definitions
from flexwatch.stats.tables import (
    DIMENSIONS,
    TableError,
    citizenship_group,
    registered_victims,
)

TEXT = pl.String()
# The columns of stats.frames.victims, which this test may not import: the
# frame module needs Django.
SCHEMA = {
    "case_id": pl.Int64(),
    "owner_id": pl.Int64(),
    "country": TEXT,
    "source_kind": TEXT,
    "sector": TEXT,
    "continuum": TEXT,
    "is_synthetic": pl.Boolean(),
    "registered_on": pl.Date(),
    "identified_on": pl.Date(),
    "exploitation_began": pl.Date(),
    "year": pl.Int32(),
    "person_id": pl.Int64(),
    "sex": TEXT,
    "age_min": pl.Int32(),
    "age_max": pl.Int32(),
    "citizenship": TEXT,
    "identification": TEXT,
    "forms": pl.List(TEXT),
}
_ids = count(1)


def victim(**values) -> dict:
    """A registered adult Ukrainian victim of forced labour in Finland, 2023."""
    person = next(_ids)
    row = {
        "case_id": person,
        "owner_id": 1,
        "country": "FI",
        "source_kind": "labour_inspection",
        "sector": "nace_01",
        "continuum": "forced_labour",
        "is_synthetic": False,
        "registered_on": datetime.date(2023, 3, 1),
        "identified_on": datetime.date(2022, 12, 20),
        "exploitation_began": datetime.date(2021, 4, 1),
        "year": 2023,
        "person_id": person,
        "sex": "female",
        "age_min": 34,
        "age_max": 34,
        "citizenship": "UA",
        "identification": "formally_identified",
        "forms": ["forced_labour"],
    }
    return {**row, **values}


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def counts(*rows: dict, **options) -> dict:
    """The table's cells as ``{(code, ...): victims}``."""
    table = registered_victims(frame(*rows), **options)
    return {row[:-1]: row[-1] for row in table.counts.iter_rows()}


# Who is a registered victim


@pytest.mark.parametrize(
    ("decision", "counted"),
    [
        ("formally_identified", True),
        ("presumed", True),
        ("declined_identification", True),
        ("not_identified", False),
        (None, False),
    ],
)
def test_registered_victims_follow_the_eurostat_definition(decision, counted):
    table = registered_victims(frame(victim(identification=decision)), by=())
    assert table.counts.rows() == [(1 if counted else 0,)]


def test_what_is_left_out_is_counted_by_reason():
    table = registered_victims(
        frame(
            victim(),
            victim(is_synthetic=True),
            victim(country="EE"),
            victim(identification=None),
            victim(identification="not_identified"),
            victim(identification="not_identified"),
        ),
        by=(),
        reporting_country="FI",
    )

    assert table.victims == 1
    assert dict(table.left_out) == {
        "synthetic": 1,
        "other_country": 1,
        "no_decision": 1,
        "not_registered": 2,
    }
    assert table.statuses == definitions.registered().statuses


def test_the_definition_file_agrees_with_the_vocabulary_eurostat_attribute():
    decisions = vocab.vocabulary("identification_decision")
    expected = {
        code
        for code in decisions.codes
        if decisions.attribute(code, "eurostat") == "registered"
    }
    assert definitions.registered().statuses == expected


# Synthetic records


def test_synthetic_records_stay_out_of_the_counts_unless_asked_for():
    rows = (victim(), victim(is_synthetic=True))

    assert counts(*rows, by=()) == {(): 1}
    assert counts(*rows, by=(), include_synthetic=True) == {(): 2}


# Date bases


@pytest.mark.parametrize(
    ("basis", "year"),
    [("registration", 2023), ("identification", 2022), ("exploitation", 2021)],
)
def test_the_year_comes_from_the_chosen_date_basis(basis, year):
    table = registered_victims(frame(victim()), date_basis=basis, by=("year",))

    assert table.counts.rows() == [(year, 1)]
    assert table.basis == basis
    assert table.date_column in table.notes[0]


def test_a_victim_without_the_basis_date_is_kept_under_an_unknown_year():
    table = registered_victims(
        frame(victim(), victim(identified_on=None)),
        date_basis="identification",
        by=("year",),
    )

    assert table.counts.rows() == [(2022, 1), (None, 1)]
    assert any("without a identified_on: 1" in note for note in table.notes)


def test_the_case_year_column_is_not_a_fallback_for_a_missing_date():
    row = victim(registered_on=None, identified_on=None, exploitation_began=None)
    assert counts(row, by=("year",)) == {(None,): 1}


# Age


@pytest.mark.parametrize(
    ("age_min", "age_max", "category"),
    [
        (34, 34, "adult"),
        (18, 18, "adult"),
        (17, 17, "child"),
        (9, 17, "child"),
        (16, 20, "not_classifiable"),
        (17, 18, "not_classifiable"),
        (None, 17, "child"),
        (18, None, "adult"),
        (None, None, "unknown"),
    ],
)
def test_age_category_comes_from_the_interval_of_possible_ages(
    age_min, age_max, category
):
    row = victim(age_min=age_min, age_max=age_max)
    assert counts(row, by=("age_category",)) == {(category,): 1}


def test_age_group_uses_the_vocabulary_bands():
    rows = (victim(age_min=12, age_max=17), victim(age_min=9, age_max=17))
    assert counts(*rows, by=("age_group",)) == {
        ("not_classifiable",): 1,
        ("y12_17",): 1,
    }


# Citizenship


@pytest.mark.parametrize(
    ("citizenship", "country", "year", "group"),
    [
        ("FI", "FI", 2023, "reporting_country"),
        ("EE", "FI", 2023, "other_eu"),
        ("UA", "FI", 2023, "non_eu"),
        ("HR", "FI", 2012, "non_eu"),
        ("HR", "FI", 2013, "other_eu"),
        ("GB", "FI", 2019, "other_eu"),
        ("GB", "FI", 2020, "non_eu"),
        ("stateless", "FI", 2023, "stateless"),
        ("unknown", "FI", 2023, "unknown"),
        ("EE", "FI", None, "unknown"),
        ("FI", "FI", None, "reporting_country"),
        ("EE", "ZZ", 2023, "unknown"),
        ("EE", None, 2023, "unknown"),
    ],
)
def test_citizenship_group_follows_eu_membership_in_the_year(
    citizenship, country, year, group
):
    assert citizenship_group(citizenship, country, year) == group


def test_citizenship_is_grouped_against_the_case_country_in_the_case_year():
    rows = (
        victim(citizenship="HR", registered_on=datetime.date(2012, 6, 1)),
        victim(citizenship="HR", registered_on=datetime.date(2013, 6, 1)),
        victim(citizenship="GB", registered_on=datetime.date(2019, 6, 1)),
        victim(citizenship="GB", registered_on=datetime.date(2020, 6, 1)),
        victim(country="EE", citizenship="EE"),
        victim(country="EE", citizenship="FI"),
    )

    assert counts(*rows, by=("year", "citizenship_group")) == {
        (2012, "non_eu"): 1,
        (2013, "other_eu"): 1,
        (2019, "other_eu"): 1,
        (2020, "non_eu"): 1,
        (2023, "other_eu"): 1,
        (2023, "reporting_country"): 1,
    }


def test_a_reporting_country_keeps_its_own_cases_only():
    rows = (victim(), victim(country="EE", citizenship="FI"))
    table = registered_victims(
        frame(*rows), by=("citizenship_group",), reporting_country="EE"
    )

    assert table.counts.rows() == [("other_eu", 1)]
    assert table.left_out == {"other_country": 1}


def test_an_unknown_reporting_country_is_refused():
    with pytest.raises(vocab.UnknownCode):
        registered_victims(frame(victim()), reporting_country="XX")


# Forms of exploitation


def test_a_victim_counts_once_per_form_in_a_table_by_form():
    rows = (
        victim(forms=["forced_labour", "begging"]),
        victim(forms=["forced_labour"]),
    )
    table = registered_victims(frame(*rows), by=("form",))

    assert dict(table.counts.rows()) == {"begging": 1, "forced_labour": 2}
    assert table.victims == 2
    assert any("once under each" in note for note in table.notes)


def test_a_victim_of_several_forms_counts_once_in_other_tables():
    row = victim(forms=["forced_labour", "begging", "criminal_activities"])
    table = registered_victims(frame(row), by=("sex",))

    assert table.counts.rows() == [("female", 1)]
    assert not any("once under each" in note for note in table.notes)


def test_forms_in_one_eurostat_group_count_the_victim_once_in_it():
    row = victim(forms=["forced_labour", "servitude", "begging"])
    assert counts(row, by=("form_group",)) == {
        ("labour_exploitation",): 1,
        ("other_forms",): 1,
    }


@pytest.mark.parametrize("forms", [[], None])
def test_a_case_with_no_form_counts_its_victims_under_unknown(forms):
    assert counts(victim(forms=forms), by=("form", "form_group")) == {
        ("unknown", "unknown"): 1
    }


# Unknowns


def test_unknown_is_its_own_category_in_every_dimension():
    row = victim(
        sector=None,
        sex="unknown",
        age_min=None,
        age_max=None,
        citizenship="unknown",
        forms=[],
        registered_on=None,
    )
    table = registered_victims(frame(row, victim(sector="")))

    assert table.counts.rows() == [
        (2023, "female", "adult", "non_eu", "forced_labour", "unknown", 1),
        (None, "unknown", "unknown", "unknown", "unknown", "unknown", 1),
    ]


def test_every_dimension_can_be_counted_by():
    table = registered_victims(frame(victim()), by=tuple(DIMENSIONS))
    assert table.counts.columns == [*DIMENSIONS, "victims"]
    assert table.counts["victims"].to_list() == [1]


def test_an_empty_frame_gives_an_empty_table():
    table = registered_victims(frame())
    assert table.counts.is_empty()
    assert table.victims == 0


# Bad requests


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date_basis": "judgement"}, "use one of registration"),
        ({"by": ("nationality",)}, "the dimensions are year"),
        ({"by": ("sex", "sex")}, "named twice"),
    ],
)
def test_a_bad_request_is_refused_with_what_is_accepted(options, message):
    with pytest.raises(TableError, match=message):
        registered_victims(frame(victim()), **options)


def test_a_frame_without_a_needed_column_is_refused():
    with pytest.raises(TableError, match="no column age_max, age_min"):
        registered_victims(frame(victim()).drop("age_min", "age_max"))


# The definition file


def _definition(registered: list[str], vocabulary="identification_decision") -> str:
    return yaml.safe_dump(
        {
            "version": "1",
            "source": "Eurostat crim_thb",
            "vocabulary": vocabulary,
            "registered": registered,
        },
        sort_keys=False,
    )


def test_a_definition_naming_an_unknown_code_is_refused_with_file_and_line():
    text = _definition(["presumed", "identified"])
    with pytest.raises(
        definitions.DefinitionError, match=r"^bad\.yaml, line 6: 'identified'"
    ):
        definitions.load(text, "bad.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_definition([]), "line 4: registered must list at least one code"),
        (_definition(["presumed"], "decisions"), "line 3: 'decisions' is not a"),
        ("version: '1'\nregistered: [presumed]\n", "line 1: expected the keys"),
        ("registered: [presumed\n", "not valid YAML"),
        ("- presumed\n", "expected a mapping"),
    ],
)
def test_a_malformed_definition_is_refused(text, message):
    with pytest.raises(definitions.DefinitionError, match=message):
        definitions.load(text, "bad.yaml")


def test_the_package_definition_counts_identified_presumed_and_declined():
    assert definitions.registered().statuses == {
        "formally_identified",
        "presumed",
        "declined_identification",
    }
