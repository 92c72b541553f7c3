"""Indicator, continuum and assistance tables, from frames built by hand."""

import datetime
from itertools import count

import polars as pl
import pytest

from flexwatch.assessment import frameworks
from flexwatch.stats.indicators import (
    continuum_levels,
    indicator_prevalence,
    victims_assisted,
)
from flexwatch.stats.tables import TableError, registered_victims
from tests.stats.test_tables import frame as victims_frame
from tests.stats.test_tables import victim

TEXT = pl.String()
# The columns of stats.frames.cases and observations (that module needs Django).
CASES = {
    "case_id": pl.Int64(),
    "owner_id": pl.Int64(),
    "country": TEXT,
    "sector": TEXT,
    "source_kind": TEXT,
    "year": pl.Int32(),
    "continuum": TEXT,
    "is_synthetic": pl.Boolean(),
    "observations_shared": pl.Boolean(),
}
OBSERVATIONS = {
    **{name: kind for name, kind in CASES.items() if name != "observations_shared"},
    "indicator": TEXT,
    "stage": TEXT,
    "status": TEXT,
}
ASSISTANCE = {
    "case_id": pl.Int64(),
    "owner_id": pl.Int64(),
    "person_id": pl.Int64(),
    "assisted": pl.Boolean(),
}
_ids = count(1000)


def case(**values) -> dict:
    """A Finnish agricultural case of forced labour in 2023, shared whole."""
    row = {
        "case_id": next(_ids),
        "owner_id": 1,
        "country": "FI",
        "sector": "nace_01",
        "source_kind": "labour_inspection",
        "year": 2023,
        "continuum": "forced_labour",
        "is_synthetic": False,
        "observations_shared": True,
    }
    return {**row, **values}


def seen(of: dict, indicator: str, status: str, stage: str = "destination") -> dict:
    row = {name: of[name] for name in OBSERVATIONS if name in of}
    return {**row, "indicator": indicator, "stage": stage, "status": status}


def cases_frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=CASES)


def observations_frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=OBSERVATIONS)


def prevalence(cases, observations, indicator="cd.documents", **options) -> dict:
    """Each group's counts of one indicator, keyed by the values of ``by``."""
    table = indicator_prevalence(
        observations_frame(*observations), cases_frame(*cases), **options
    )
    rows = table.counts.filter(pl.col("indicator") == indicator).to_dicts()
    by = table.by
    columns = ("cases", "observed", "not_observed", "unknown", "share_observed")
    return {
        tuple(row[name] for name in by): tuple(row[name] for name in columns)
        for row in rows
    }


# Indicator prevalence


def test_cases_are_counted_by_status_and_those_with_nothing_as_unknown():
    first, second, third, fourth = case(), case(), case(), case()
    observations = [
        seen(first, "cd.documents", "observed"),
        seen(second, "cd.documents", "not_observed"),
        seen(third, "cd.documents", "unknown"),
    ]

    counts = prevalence([first, second, third, fourth], observations, by=())

    assert counts == {(): (4, 1, 1, 2, 0.25)}


def test_a_case_with_several_stages_counts_once_and_observed_wins():
    both, twice = case(), case()
    observations = [
        seen(both, "cd.documents", "not_observed", "recruitment"),
        seen(both, "cd.documents", "observed", "destination"),
        seen(twice, "cd.documents", "not_observed", "recruitment"),
        seen(twice, "cd.documents", "not_observed", "destination"),
    ]

    table = indicator_prevalence(
        observations_frame(*observations), cases_frame(both, twice), by=()
    )

    row = table.counts.filter(pl.col("indicator") == "cd.documents").row(0, named=True)
    assert (row["observed"], row["not_observed"], row["unknown"]) == (1, 1, 0)
    assert any("once for each indicator" in note for note in table.notes)


def test_every_indicator_of_the_frameworks_has_a_row_with_its_framework():
    table = indicator_prevalence(observations_frame(), cases_frame(case()), by=())

    catalogue = frameworks.catalogue()
    expected = [
        (found.id, indicator.id)
        for found in catalogue.frameworks
        for indicator in found.indicators
    ]
    assert list(table.counts.select("framework", "indicator").iter_rows()) == expected
    assert table.frameworks == tuple(found.id for found in catalogue.frameworks)
    assert set(table.counts["unknown"]) == {1}


def test_one_framework_can_be_chosen_and_an_unknown_one_is_refused():
    chosen = frameworks.catalogue().frameworks[1]

    table = indicator_prevalence(
        observations_frame(), cases_frame(case()), by=(), framework=chosen.id
    )

    assert set(table.counts["framework"]) == {chosen.id}
    assert table.counts.height == len(chosen.indicators)
    with pytest.raises(TableError, match="'nope' is not a framework"):
        indicator_prevalence(observations_frame(), cases_frame(), framework="nope")


def test_groups_are_counted_apart_and_unknown_codes_are_a_group():
    finnish, estonian, blank = case(), case(country="EE"), case(sector=None)
    observations = [seen(finnish, "cd.documents", "observed")]

    counts = prevalence([finnish, estonian, blank], observations)

    assert counts == {
        ("EE", "nace_01"): (1, 0, 0, 1, 0.0),
        ("FI", "nace_01"): (1, 1, 0, 0, 1.0),
        ("FI", "unknown"): (1, 0, 0, 1, 0.0),
    }


def test_a_null_year_is_its_own_group():
    counts = prevalence([case(), case(year=None)], [], by=("year",))

    assert list(counts) == [(2023,), (None,)]


def test_synthetic_cases_and_cases_not_sharing_observations_are_left_out():
    kept, synthetic, hidden = (
        case(),
        case(is_synthetic=True),
        case(observations_shared=False),
    )
    observations = [seen(synthetic, "cd.documents", "observed")]

    table = indicator_prevalence(
        observations_frame(*observations), cases_frame(kept, synthetic, hidden)
    )
    counted = indicator_prevalence(
        observations_frame(*observations),
        cases_frame(kept, synthetic, hidden),
        include_synthetic=True,
    )

    assert table.left_out == {"synthetic": 1, "observations_not_shared": 1}
    assert table.cases == 1
    assert counted.cases == 2
    row = counted.counts.filter(pl.col("indicator") == "cd.documents").row(
        0, named=True
    )
    assert (row["cases"], row["observed"]) == (2, 1)


def test_indicators_in_no_framework_are_named_not_counted():
    one = case()
    observations = [seen(one, "zz.made_up", "observed")]

    table = indicator_prevalence(observations_frame(*observations), cases_frame(one))

    assert table.unlisted == ("zz.made_up",)
    assert "zz.made_up" not in set(table.counts["indicator"])
    assert set(table.counts["observed"]) == {0}


def test_prevalence_refuses_unknown_dimensions_and_missing_columns():
    with pytest.raises(TableError, match="'sex' cannot be counted by"):
        indicator_prevalence(observations_frame(), cases_frame(), by=("sex",))
    with pytest.raises(TableError, match="no column observations_shared"):
        indicator_prevalence(
            observations_frame(), cases_frame().drop("observations_shared")
        )


# Continuum levels


def levels(*cases: dict, **options) -> dict:
    table = continuum_levels(cases_frame(*cases), **options)
    keys = [*table.by, "continuum"]
    return {
        tuple(row[name] for name in keys): row["cases"]
        for row in table.counts.to_dicts()
    }


def test_cases_are_counted_by_level_in_the_continuums_order():
    order = [level.id for level in frameworks.continuum().levels]
    rows = [case(continuum=level) for level in reversed(order)]

    table = continuum_levels(cases_frame(*rows, case(continuum=None)), by=())

    assert table.levels == tuple(order)
    assert table.counts["continuum"].cast(TEXT).to_list() == [*order, "unknown"]
    assert table.counts["cases"].to_list() == [1] * (len(order) + 1)
    assert table.counts["continuum"].dtype == pl.Enum([*order, "unknown"])


def test_levels_are_counted_by_country_and_year_with_unknowns_kept():
    counts = levels(
        case(),
        case(),
        case(country=None, continuum="trafficking"),
        case(year=None, continuum=""),
    )

    assert counts == {
        ("FI", 2023, "forced_labour"): 2,
        ("FI", None, "unknown"): 1,
        ("unknown", 2023, "trafficking"): 1,
    }


def test_synthetic_cases_are_left_out_of_levels_unless_asked():
    rows = [case(), case(is_synthetic=True)]

    assert continuum_levels(cases_frame(*rows)).left_out == {"synthetic": 1}
    assert continuum_levels(cases_frame(*rows), include_synthetic=True).cases == 2


def test_a_level_the_continuum_does_not_have_is_refused():
    with pytest.raises(TableError, match="'severe' is not a level"):
        continuum_levels(cases_frame(case(continuum="severe")))
    with pytest.raises(TableError, match="'continuum' cannot be counted by"):
        continuum_levels(cases_frame(), by=("continuum",))


# Registered victims and assistance


def assistance_frame(*rows: tuple[int, bool]) -> pl.DataFrame:
    return pl.DataFrame(
        [(1, 1, person, assisted) for person, assisted in rows],
        schema=ASSISTANCE,
        orient="row",
    )


def test_registered_victims_are_counted_by_whether_assistance_is_recorded():
    helped, unhelped, missing = victim(), victim(), victim(country="EE")
    victims = victims_frame(helped, unhelped, missing)
    assistance = assistance_frame(
        (helped["person_id"], True), (unhelped["person_id"], False)
    )

    table = victims_assisted(victims, assistance)

    assert table.counts.to_dicts() == [
        {"year": 2023, "country": "EE", "assistance": "unknown", "victims": 1},
        {"year": 2023, "country": "FI", "assistance": "none_recorded", "victims": 1},
        {"year": 2023, "country": "FI", "assistance": "recorded", "victims": 1},
    ]
    assert table.victims == 3


def test_only_registered_victims_are_counted_as_registered_victims_does():
    rows = [
        victim(),
        victim(identification="presumed"),
        victim(identification="not_identified"),
        victim(identification=None),
        victim(is_synthetic=True),
    ]
    victims = victims_frame(*rows)

    table = victims_assisted(victims, assistance_frame(), by=("year",))
    registered = registered_victims(victims, by=("year",))

    assert table.left_out == registered.left_out
    assert table.left_out == {"synthetic": 1, "no_decision": 1, "not_registered": 1}
    assert table.victims == registered.victims == 2
    assert table.statuses == registered.statuses


def test_the_year_follows_the_date_basis():
    one = victim(identified_on=datetime.date(2021, 5, 1))

    table = victims_assisted(
        victims_frame(one),
        assistance_frame(),
        by=("year",),
        date_basis="identification",
    )

    assert table.counts["year"].to_list() == [2021]
    assert table.date_column == "identified_on"


def test_victims_assisted_refuses_a_bad_basis_or_dimension():
    with pytest.raises(TableError, match="'arrival' is not a date basis"):
        victims_assisted(victims_frame(), assistance_frame(), date_basis="arrival")  # type: ignore[arg-type]
    with pytest.raises(TableError, match="'height' cannot be counted by"):
        victims_assisted(victims_frame(), assistance_frame(), by=("height",))
