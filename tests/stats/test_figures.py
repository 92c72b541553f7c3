"""The statistics page's figures: counted, filtered, and protected together."""

import datetime

import polars as pl
import pytest

from flexwatch.stats import figures, frames
from flexwatch.stats.definitions import FUNNEL
from flexwatch.stats.figures import Filters, Shown, reached


def _schema(columns: dict) -> dict:
    return {name: kind for name, (kind, _path) in columns.items()}


def _victim(n: int, **values) -> dict:
    row = {
        "case_id": n,
        "owner_id": 1,
        "country": "FI",
        "source_kind": "ngo",
        "sector": "nace_01",
        "continuum": "forced_labour",
        "is_synthetic": False,
        "registered_on": datetime.date(2023, 3, 1),
        "identified_on": datetime.date(2023, 2, 1),
        "exploitation_began": datetime.date(2022, 5, 1),
        "year": 2023,
        "person_id": n,
        "sex": "female",
        "age_min": 30,
        "age_max": 30,
        "citizenship": "UA",
        "identification": "formally_identified",
        "forms": ["forced_labour"],
    }
    return {**row, **values}


def _event(n: int, stage: str, outcome: str | None = None) -> dict:
    return {
        "case_id": n,
        "owner_id": 1,
        "country": "FI",
        "source_kind": "ngo",
        "sector": "nace_01",
        "continuum": "forced_labour",
        "is_synthetic": False,
        "year": 2023,
        "person_id": 1000 + n,
        "role": "suspect",
        "sex": "male",
        "provision": "FI RL 25:3",
        "stage": stage,
        "outcome": outcome,
        "occurred_on": None,
    }


def _frames(victims: list[dict], events: tuple[dict, ...] = ()) -> figures.Frames:
    people = pl.DataFrame(victims, schema=frames.SCHEMA)
    ended = pl.lit(None, pl.Date).alias("exploitation_ended")
    cases = people.with_columns(ended).select(list(frames.CASES)).unique("case_id")
    return figures.Frames(
        victims=people,
        proceedings=pl.DataFrame(list(events), schema=_schema(frames.PROCEEDINGS)),
        assistance=people.select(
            "case_id", "owner_id", "person_id", pl.lit(True).alias("assisted")
        ),
        observations=pl.DataFrame(schema=_schema(frames.OBSERVATIONS)),
        cases=cases.with_columns(pl.lit(True).alias("observations_shared")),
    )


def _published(victims: list[dict], threshold: int | None = 5, **chosen):
    counted = figures.count(_frames(victims), Filters(**chosen))
    return figures.publish(counted, threshold)


def _values(shown: dict[str, Shown]) -> list[int]:
    return [
        value
        for figure in shown.values()
        for value in [*figure.cells.values(), *figure.margins.values()]
        if value is not None
    ]


SIX_AND_ONE = [_victim(n) for n in range(6)] + [_victim(6, sex="male")]


def test_no_published_value_is_a_small_count():
    victims = [*SIX_AND_ONE, _victim(7, sector="nace_f", age_min=15, age_max=15)]

    shown = _published(victims)

    assert [v for v in _values(shown) if 1 <= v < 5] == []
    assert shown["by_sex"].cells == {("female",): None, ("male",): None}


def test_the_victims_figures_are_protected_as_one_population():
    shown = _published(SIX_AND_ONE)

    group = [f for f in shown.values() if f.group == "victims"]
    assert {f.name for f in group} == {
        "by_year",
        "by_sex",
        "by_age_group",
        "by_citizenship_group",
        "by_sector",
        "assisted",
    }
    assert {f.total for f in group} == {7}
    assert all(f.threshold == 5 for f in group)


def test_unsuppressed_figures_are_the_true_counts_with_their_totals():
    shown = _published(SIX_AND_ONE, threshold=None)

    assert shown["by_sex"].cells == {("female",): 6, ("male",): 1}
    assert shown["by_sex"].total == 7
    assert shown["by_sex"].suppressed == () and shown["by_sex"].threshold is None


@pytest.mark.parametrize(
    ("chosen", "victims"),
    [
        ({}, 8),
        ({"country": "EE"}, 1),
        ({"sector": "nace_f"}, 1),
        ({"source_kind": "police_investigation"}, 0),
        ({"first_year": 2024}, 1),
        ({"last_year": 2023}, 7),
        ({"date_basis": "exploitation", "last_year": 2022}, 8),
    ],
)
def test_filters_choose_the_victims_counted(chosen, victims):
    others = [
        _victim(
            7, country="EE", sector="nace_f", registered_on=datetime.date(2024, 1, 1)
        )
    ]

    shown = _published([*SIX_AND_ONE, *others], threshold=None, **chosen)

    total = shown["by_sex"].total if "by_sex" in shown else 0
    assert total == victims


def test_the_funnel_is_counted_by_the_furthest_step_and_read_back_as_running_totals():
    events = [_event(n, "reported") for n in range(6)]
    events += [_event(n, "charged") for n in range(6, 12)]
    events += [_event(n, "tried", "convicted") for n in range(12, 19)]

    counted = figures.count(_frames(SIX_AND_ONE, tuple(events)), Filters())
    shown = figures.publish(counted, None)

    assert shown["funnel"].cells == {
        ("reported",): 6,
        ("charged",): 6,
        ("convicted",): 7,
    }
    assert reached(shown["funnel"], FUNNEL) == [19, 13, 13, 7, 7]
    assert shown["suspects"].cells[("male", "suspected")] == 6


def test_running_totals_show_only_what_published_values_settle():
    shown = Shown(
        "funnel",
        "funnel",
        ("furthest",),
        cells={("reported",): 10, ("investigated",): None, ("charged",): None},
        margins={(None,): 20},
        threshold=5,
    )

    totals = reached(shown, ("reported", "investigated", "charged", "tried"))

    assert totals == [20, 10, None, 0]


def test_a_running_total_with_the_grand_total_suppressed_stays_suppressed():
    shown = Shown(
        "funnel",
        "funnel",
        ("furthest",),
        cells={("reported",): None, ("charged",): 8},
        margins={(None,): None},
        threshold=5,
    )

    assert reached(shown, ("reported", "investigated", "charged")) == [None, 8, 8]


def test_a_figure_with_nothing_counted_is_left_out():
    shown = _published(SIX_AND_ONE)

    assert "funnel" not in shown and "suspects" not in shown
    assert "by_year" in shown
