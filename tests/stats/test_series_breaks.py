"""Series breaks: the file, the span rule, and every table kind carrying them."""

import datetime

import polars as pl
import pytest
import yaml

from flexwatch.stats import breaks
from flexwatch.stats.definitions import DefinitionError
from flexwatch.stats.indicators import (
    continuum_levels,
    indicator_prevalence,
    victims_assisted,
)
from flexwatch.stats.proceedings import (
    proceedings_funnel,
    recognition_gap,
    suspects_prosecuted_convicted,
)
from flexwatch.stats.tables import TableError, registered_victims
from tests.conftest import shared_file
from tests.stats.test_indicators import (
    assistance_frame,
    case,
    cases_frame,
    observations_frame,
)
from tests.stats.test_tables import event, events, frame, victim

# The file


def test_every_break_is_a_date_the_reference_model_of_legislation_gives():
    reference = yaml.safe_load(
        shared_file("reference/legislation.yaml").read_text(encoding="utf-8")
    )
    provisions = {p["id"]: p for p in reference["provisions"]}

    for found in breaks.series_breaks():
        provision = provisions[found.record]
        dates = {provision["in_force_from"]}
        dates |= {v.get("from") for v in provision.get("versions") or ()}
        assert found.date.isoformat() in dates, found.record
        assert provision["country"] == found.country


def test_the_shipped_breaks_include_estonia_2012_and_poland_2010():
    dates = {(b.country, b.date) for b in breaks.series_breaks()}
    assert ("EE", datetime.date(2012, 4, 15)) in dates
    assert ("PL", datetime.date(2010, 9, 8)) in dates


GOOD = """\
version: "1"
source: the reference model
breaks:
  - country: EE
    date: "2012-04-15"
    record: EE-KarS-133
    provision: Penal Code, § 133
    instrument: bill 140 SE
    status: partial
    note: Enslaving became trafficking.
"""


def test_a_well_formed_file_is_read():
    (found,) = breaks.load(GOOD, "good.yaml")
    assert (found.country, found.year, found.status) == ("EE", 2012, "partial")


@pytest.mark.parametrize(
    ("change", "line", "says"),
    [
        (("country: EE", "country: XX"), 4, "'XX' is not a country"),
        (('date: "2012-04-15"', 'date: "2012-13-01"'), 5, "not a date"),
        (("status: partial", "status: rumour"), 9, "'rumour' is not a status"),
        (("    note: Enslaving became trafficking.\n", ""), 4, "expected the keys"),
        (("breaks:", "breaks: []\nx:"), 1, "expected the keys"),
        (("version:", "version: [\n"), 3, "not valid YAML"),
    ],
)
def test_a_bad_file_is_refused_naming_file_and_line(change, line, says):
    text = GOOD.replace(*change)

    with pytest.raises(DefinitionError) as refused:
        breaks.load(text, "bad.yaml")

    assert f"bad.yaml, line {line}" in str(refused.value)
    assert says in str(refused.value)


def test_two_breaks_of_a_country_on_one_day_are_refused():
    twice = GOOD + GOOD.split("breaks:\n")[1]
    with pytest.raises(DefinitionError, match="line 11: EE has a second break"):
        breaks.load(twice, "twice.yaml")


# The span


@pytest.mark.parametrize(
    ("countries", "first", "last", "expected"),
    [
        (["EE"], 2011, 2013, [("EE", 2012)]),
        (["EE"], 2012, 2012, [("EE", 2012)]),
        (["EE"], 2014, 2015, []),
        (["EE"], 2008, 2011, []),
        (["FI", "EE", "PL"], 2010, 2015, [("EE", 2012), ("FI", 2015), ("PL", 2010)]),
        (["unknown"], 2000, 2030, []),
    ],
)
def test_the_breaks_inside_a_span_are_those_of_its_countries(
    countries, first, last, expected
):
    found = breaks.within(countries, first, last)
    assert [(b.country, b.year) for b in found] == expected


def test_a_span_that_starts_on_the_day_the_law_changed_has_no_break():
    (listed,) = breaks.load(GOOD.replace("2012-04-15", "2012-01-01"), "f.yaml")
    assert breaks.within(["EE"], 2012, 2013, [listed]) == ()
    assert breaks.within(["EE"], 2011, 2012, [listed]) == (listed,)


def test_a_span_backwards_is_refused():
    with pytest.raises(ValueError, match="2015 to 2014"):
        breaks.within(["EE"], 2015, 2014)


def test_the_first_year_under_the_new_law_is_flagged():
    found = breaks.within(["EE"], 2011, 2013)
    assert breaks.flagged(2012, "EE", found)
    assert breaks.flagged("2012", None, found)
    assert not breaks.flagged(2013, "EE", found)
    assert not breaks.flagged(2012, "FI", found)
    assert not breaks.flagged("unknown", "EE", found)


# Every table kind


def _estonian_victims(years) -> pl.DataFrame:
    return frame(
        *(
            victim(
                country="EE",
                year=year,
                registered_on=datetime.date(year, 6, 1),
                identified_on=datetime.date(year, 5, 1),
                exploitation_began=datetime.date(year - 1, 5, 1),
            )
            for year in years
        )
    )


def _estonian_events(years) -> pl.DataFrame:
    return events(
        *(
            event(case_id=n, person_id=n, country="EE", year=year)
            for n, year in enumerate(years, 1)
        )
    )


def _estonian_cases(years) -> pl.DataFrame:
    return cases_frame(*(case(country="EE", year=year) for year in years))


def _tables(years):
    """Every kind of table, for Estonian cases of ``years``."""
    victims = _estonian_victims(years)
    assistance = assistance_frame(*((p, True) for p in victims["person_id"]))
    cases = _estonian_cases(years)
    return {
        "registered_victims": registered_victims(victims, by=("year",)),
        "suspects": suspects_prosecuted_convicted(_estonian_events(years)),
        "funnel": proceedings_funnel(_estonian_events(years)),
        "recognition_gap": recognition_gap(
            victims, _estonian_events(years), assistance, by=("year",)
        ),
        "prevalence": indicator_prevalence(observations_frame(), cases, by=("year",)),
        "continuum_levels": continuum_levels(cases),
        "victims_assisted": victims_assisted(victims, assistance),
    }


def test_every_table_of_2011_to_2013_in_estonia_carries_the_2012_break():
    for kind, table in _tables([2011, 2012, 2013]).items():
        assert [(b.country, b.year) for b in table.breaks] == [("EE", 2012)], kind
        assert any("Series break, EE 2012-04-15" in n for n in table.notes), kind


def test_no_table_of_2014_and_2015_in_estonia_carries_a_break():
    for kind, table in _tables([2014, 2015]).items():
        assert table.breaks == (), kind
        assert not any("Series break" in note for note in table.notes), kind


def test_every_table_states_its_date_basis():
    tables = _tables([2023])
    assert tables["registered_victims"].basis == "registration"
    assert tables["victims_assisted"].basis == "registration"
    for kind in ("suspects", "funnel", "recognition_gap", "prevalence"):
        assert tables[kind].basis == "case_year", kind
        assert any("case's own year" in n for n in tables[kind].notes), kind


def test_the_case_tables_count_by_a_chosen_date_basis():
    # Exploitation began in 2012, the case was registered in 2014.
    dates = {
        "registered_on": datetime.date(2014, 2, 1),
        "identified_on": datetime.date(2013, 11, 1),
        "exploitation_began": datetime.date(2012, 3, 1),
    }
    columns = [pl.lit(day).alias(name) for name, day in dates.items()]
    cases = _estonian_cases([2014]).with_columns(columns)
    proceedings = _estonian_events([2014]).with_columns(columns)

    levels = continuum_levels(cases, date_basis="exploitation")
    funnel = proceedings_funnel(proceedings, date_basis="identification")

    assert levels.basis == "exploitation"
    assert levels.counts["year"].to_list() == [2012]
    assert [(b.country, b.year) for b in levels.breaks] == [("EE", 2012)]
    assert funnel.basis == "identification"
    assert funnel.counts["year"].to_list() == [2013]
    assert any("identified_on" in note for note in funnel.notes)


def test_a_chosen_basis_whose_date_the_frame_lacks_is_refused():
    proceedings, cases = _estonian_events([2014]), _estonian_cases([2014])

    with pytest.raises(TableError, match="no column registered_on"):
        suspects_prosecuted_convicted(proceedings, date_basis="registration")
    with pytest.raises(TableError, match="'someday' is not a date basis"):
        continuum_levels(cases, date_basis="someday")  # type: ignore[arg-type]


def test_every_table_shows_unknown_as_its_own_category():
    victims = frame(victim(country=None, sex=None, sector=None))
    proceedings = events(event(country=None, sex=None))
    cases = cases_frame(case(country=None, continuum=None))
    assistance = assistance_frame()

    found = {
        "registered_victims": registered_victims(victims, by=("sex", "sector")),
        "suspects": suspects_prosecuted_convicted(proceedings, by=("sex", "country")),
        "funnel": proceedings_funnel(proceedings, by=("country",)),
        "recognition_gap": recognition_gap(
            victims, proceedings, assistance, by=("country",)
        ),
        "continuum_levels": continuum_levels(cases, by=("country",)),
        "victims_assisted": victims_assisted(victims, assistance, by=("country",)),
    }

    for kind, table in found.items():
        first = table.counts.row(0, named=True)
        assert "unknown" in {str(value) for value in first.values()}, kind
    prevalence = indicator_prevalence(observations_frame(), cases, by=("country",))
    assert set(prevalence.counts["country"]) == {"unknown"}
    assert prevalence.counts["unknown"].to_list()[0] == 1
