"""Standard tables as frequency tables, and the canonical form (no database)."""

import pytest

from flexwatch.stats import published
from flexwatch.stats.disclosure import Table, protect
from flexwatch.stats.proceedings import (
    proceedings_funnel,
    suspects_prosecuted_convicted,
)
from tests.stats.test_tables import event, events


def test_suspects_are_published_by_the_furthest_step_so_cells_add_up():
    table = suspects_prosecuted_convicted(
        events(
            event(person_id=1, stage="reported"),
            event(person_id=2, stage="charged"),
            event(person_id=3, stage="tried", outcome="convicted"),
            event(person_id=4, stage="tried", outcome="convicted"),
        ),
        by=("sex",),
    )

    (frequencies,) = published.frequency_tables("suspects", table)

    assert frequencies.dimensions == ("sex", "reached")
    assert frequencies.cells == {
        ("male", "not_prosecuted"): 1,
        ("male", "prosecuted_not_convicted"): 1,
        ("male", "convicted"): 2,
    }


def test_the_funnel_is_published_by_the_furthest_step_reached():
    table = proceedings_funnel(
        events(
            event(case_id=1, stage="reported"),
            event(case_id=2, stage="investigated"),
            event(case_id=3, stage="tried", outcome="convicted"),
        ),
        by=("country",),
    )

    (frequencies,) = published.frequency_tables("funnel", table)

    assert frequencies.cells == {
        ("FI", "reported"): 1,
        ("FI", "investigated"): 1,
        ("FI", "charged"): 0,
        ("FI", "tried"): 0,
        ("FI", "convicted"): 1,
    }


def test_an_unknown_kind_is_refused_listing_the_kinds():
    with pytest.raises(published.NothingToPublish, match="registered_victims"):
        published.frequency_tables("everything", None)


def test_the_canonical_form_ignores_key_order_and_the_digest_follows_content():
    first = {"b": [1, None], "a": {"y": "ä", "x": 2}}
    second = {"a": {"x": 2, "y": "ä"}, "b": [1, None]}

    assert published.canonical(first) == published.canonical(second)
    assert published.digest(first) == published.digest(second)
    assert published.digest(first) != published.digest({**first, "b": [1, 0]})


def test_a_merged_prevalence_table_names_the_indicator_first():
    tables = [
        Table(("country", "status:a"), {("FI", "observed"): 6}, name="p:a"),
        Table(("country", "status:b"), {("FI", "unknown"): 6}, name="p:b"),
    ]

    table = published.merged(protect(tables))

    assert table.dimensions == ("indicator", "country", "status")
    assert table.cells == {("a", "FI", "observed"): 6, ("b", "FI", "unknown"): 6}


def test_a_further_parameter_cannot_hide_a_standard_one():
    table = protect(Table(("sex",), {("female",): 7, ("male",): 9})).tables[0]
    metadata = published.Metadata(
        kind="registered_victims",
        title="By sex",
        countries=("FI",),
        first_year=2023,
        last_year=2023,
        basis="registration",
        threshold=5,
        account="none suppressed",
        parameters={"threshold": 1, "dimensions": ["year"], "by": ["sex"]},
    )

    parameters = published.content(table, metadata)["parameters"]

    assert parameters["threshold"] == 5
    assert parameters["dimensions"] == ["sex"]
    assert parameters["by"] == ["sex"]
