"""Disclosure control: primary and secondary suppression, rounding, bad input.

The secondary suppression is judged by an attacker written here, apart from
the module: it reads only what a publication shows and bounds every
suppressed value with linear programs of its own.
"""

import itertools
import math
import random
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog

from flexwatch.stats.disclosure import (
    Publication,
    PublishedTable,
    Table,
    controlled_rounding,
    protect,
)


def grid(dimensions, rows, name="table"):
    """A table from nested lists of counts; codes are "a", "b", ... per axis."""
    counts = np.array(rows)
    cells = {
        tuple("abcdefgh"[i] for i in index): int(count)
        for index, count in np.ndenumerate(counts)
    }
    return Table(tuple(dimensions), cells, name=name)


def reasons(publication: Publication) -> dict:
    return {(s.table, s.key): s.reason for s in publication.suppressed}


def primary(publication: Publication) -> set:
    return {
        where for where, reason in reasons(publication).items() if reason == "primary"
    }


# The attacker


def covers(margin, key) -> bool:
    return all(
        code is None or code == mine for code, mine in zip(margin, key, strict=True)
    )


def attacker_intervals(publication: Publication) -> dict:
    """The narrowest interval the attacker can put around each suppressed value.

    Unknowns are the suppressed cells; every published cell is a constant and
    every published margin an equation. Tables of one publication count one
    population, so a total over the dimensions two tables share is the same
    in both.
    """
    tables = publication.tables
    unknowns = [
        (t, key)
        for t, table in enumerate(tables)
        for key, value in table.cells.items()
        if value is None
    ]
    column = {unknown: j for j, unknown in enumerate(unknowns)}

    def row_of(parts):
        """Coefficients over the unknowns and the known constant of a sum."""
        row, constant = np.zeros(len(unknowns)), 0.0
        for sign, t, margin in parts:
            for key, value in tables[t].cells.items():
                if covers(margin, key):
                    if value is None:
                        row[column[t, key]] += sign
                    else:
                        constant += sign * value
        return row, constant

    rows, rhs = [], []
    for t, table in enumerate(tables):
        for margin, value in table.margins.items():
            if value is not None:
                row, constant = row_of([(1, t, margin)])
                rows.append(row)
                rhs.append(value - constant)
    for (s, first), (t, second) in itertools.combinations(enumerate(tables), 2):
        for codes in shared_codes(first, second):
            row, constant = row_of(
                [(1, s, wildcard(first, codes)), (-1, t, wildcard(second, codes))]
            )
            rows.append(row)
            rhs.append(-constant)

    targets = [(t, key) for t, table in enumerate(tables) for key in suppressed(table)]
    intervals = {}
    for t, key in targets:
        objective, constant = row_of([(1, t, key)])
        low = solve(objective, rows, rhs)
        high = -solve(-objective, rows, rhs)
        intervals[tables[t].name, key] = (low + constant, high + constant)
    return intervals


def suppressed(table: PublishedTable) -> list:
    values = {**table.cells, **table.margins}
    return [key for key, value in values.items() if value is None]


def shared_codes(first: PublishedTable, second: PublishedTable) -> set:
    shared = [d for d in first.dimensions if d in second.dimensions]
    found = set()
    for table in (first, second):
        for key in table.cells:
            codes = dict(zip(table.dimensions, key, strict=True))
            found.add(tuple((d, codes[d]) for d in shared))
    return found


def wildcard(table: PublishedTable, codes) -> tuple:
    fixed = dict(codes)
    return tuple(fixed.get(d) for d in table.dimensions)


def solve(objective, rows, rhs) -> float:
    if not len(objective):
        return 0.0
    result = linprog(
        objective,
        A_eq=np.array(rows) if rows else None,
        b_eq=np.array(rhs) if rows else None,
        bounds=(0, None),
        method="highs",
    )
    if result.status == 3:
        return -np.inf
    assert result.status == 0, result.message
    return result.fun


def assert_protected(publication: Publication) -> None:
    """Every primarily suppressed value keeps an interval the threshold wide."""
    intervals = attacker_intervals(publication)
    for where in primary(publication):
        low, high = intervals[where]
        assert high - low >= publication.threshold - 1e-6, (where, low, high)


# Primary suppression


@pytest.mark.parametrize(
    ("count", "threshold", "expected"),
    [
        (0, 5, None),
        (1, 5, "primary"),
        (4, 5, "primary"),
        (5, 5, None),
        (2, 3, "primary"),
        (3, 3, None),
    ],
)
def test_the_primary_rule_suppresses_counts_from_one_to_below_the_threshold(
    count, threshold, expected
):
    table = grid(("sex", "sector"), [[count, 20, 30], [40, 50, 60], [70, 80, 90]])

    publication = protect(table, threshold)

    assert reasons(publication).get(("table", ("a", "a"))) == expected
    if expected is None:
        assert publication.suppressed == ()
        assert publication.tables[0].cells[("a", "a")] == count


def test_a_table_with_no_small_count_is_published_whole():
    table = grid(("sex", "sector"), [[5, 0], [7, 9]])

    published = protect(table).tables[0]

    assert published.cells == table.cells
    assert published.margins == {
        ("a", None): 5,
        ("b", None): 16,
        (None, "a"): 12,
        (None, "b"): 9,
        (None, None): 21,
    }


def test_small_margins_are_primary_only_when_asked_for():
    # A small margin always bounds its small cells too closely, so it is
    # suppressed either way; asked for, it is protected in its own right.
    table = grid(("sex", "sector"), [[1, 0, 3], [10, 20, 30]])

    plain = protect(table)
    strict = protect(table, suppress_small_margins=True)

    assert reasons(plain)["table", ("a", None)] == "secondary"
    assert reasons(strict)["table", ("a", None)] == "primary"
    assert_protected(strict)


# Secondary suppression, judged by the attacker
def test_the_attacker_sees_through_primary_suppression_alone():
    table = grid(("sex", "sector"), [[3, 20, 30], [15, 25, 12], [40, 8, 9]])
    publication = protect(table)
    published = publication.tables[0]
    refilled = {
        key: table.cells[key]
        if reasons(publication).get(("table", key)) == "secondary"
        else value
        for key, value in published.cells.items()
    }

    leaky = replace(publication, tables=(replace(published, cells=refilled),))

    with pytest.raises(AssertionError):
        assert_protected(leaky)


def test_a_single_small_cell_needs_three_complements():
    table = grid(("sex", "sector"), [[3, 20, 30, 41], [15, 25, 12, 33], [40, 8, 9, 50]])

    publication = protect(table)

    found = reasons(publication)
    assert list(found.values()).count("primary") == 1
    assert list(found.values()).count("secondary") == 3
    assert found["table", ("a", "a")] == "primary"
    assert all(None not in key for _, key in found)  # no margin is given up
    assert_protected(publication)


def test_a_row_total_does_not_give_away_its_only_small_cell():
    table = grid(("sex", "sector"), [[3, 20, 30], [15, 25, 12]])

    publication = protect(table)

    row = publication.tables[0].cells
    assert sum(row[key] is None for key in row if key[0] == "a") >= 2
    assert_protected(publication)


def test_a_margin_is_given_up_when_no_cell_can_protect():
    # The small cell is alone in its row: the row total is the cell itself.
    table = grid(("sex", "sector"), [[3, 0, 0], [15, 25, 12], [40, 8, 9]])

    publication = protect(table)

    published = publication.tables[0]
    assert published.margins[("a", None)] is None
    assert published.cells[("a", "b")] == 0  # zeros are never suppressed
    assert_protected(publication)


def test_a_three_way_table_is_protected():
    rng = random.Random(3)
    counts = np.array([rng.choice([0, 2, 6, 11, 17]) for _ in range(18)])
    table = grid(("sex", "age", "sector"), counts.reshape(2, 3, 3))

    publication = protect(table)

    assert len(primary(publication)) >= 2
    assert_protected(publication)


def test_a_four_way_table_is_protected():
    rng = random.Random(4)
    shape = (2, 3, 2, 3)
    counts = np.array([rng.choice([0, 1, 3, 8, 14, 25]) for _ in range(36)])
    table = grid(("sex", "age", "sector", "region"), counts.reshape(shape))

    publication = protect(table)

    assert len(primary(publication)) >= 5
    assert_protected(publication)


def test_tables_published_together_are_protected_across_their_shared_margin():
    by_sector = grid(("sex", "sector"), [[3, 12, 20], [20, 30, 9]], name="by_sector")
    by_age = grid(("sex", "age"), [[4, 31], [25, 34]], name="by_age")

    publication = protect([by_sector, by_age])

    # Each small cell, and every number equal to it, is hidden in both tables.
    assert ("by_age", ("a", "a")) in primary(publication)
    assert ("by_sector", ("a", "a")) in primary(publication)
    assert_protected(publication)


def test_a_cell_of_one_table_is_suppressed_where_another_shows_it_as_a_margin():
    by_sex = grid(("sex",), [4, 60], name="by_sex")
    by_sector = grid(("sex", "sector"), [[2, 2], [30, 30]], name="by_sector")

    publication = protect([by_sex, by_sector])

    assert publication.tables[1].margins[("a", None)] is None
    assert reasons(publication)["by_sector", ("a", None)] == "primary"
    assert_protected(publication)


def test_the_account_counts_suppressions_by_rule():
    table = grid(("sex", "sector"), [[3, 20, 30, 41], [15, 25, 12, 33], [40, 8, 9, 50]])

    account = protect(table).account

    assert "Threshold 5" in account
    assert "table: 12 cells (1 suppressed as primary, 3 as secondary)" in account
    assert "8 margins (none suppressed)" in account


def test_the_same_input_gives_the_same_publication():
    rows = [[3, 20, 30, 41], [15, 1, 12, 33], [40, 8, 9, 2]]
    table = grid(("sex", "sector"), rows)
    shuffled = list(table.cells.items())
    random.Random(1).shuffle(shuffled)

    first = protect(table)

    assert protect(table) == first
    assert protect(Table(table.dimensions, dict(shuffled))) == first


small_counts = st.integers(0, 14)


@st.composite
def tables(draw):
    shape = draw(st.sampled_from([(2, 3), (3, 3), (3, 4), (2, 2, 2), (2, 3, 2)]))
    counts = draw(
        st.lists(small_counts, min_size=math.prod(shape), max_size=math.prod(shape))
    )
    names = ("sex", "age", "sector")[: len(shape)]
    return grid(names, np.array(counts).reshape(shape))


@given(table=tables(), threshold=st.sampled_from([3, 5]))
def test_no_suppressed_small_count_can_be_narrowed(table, threshold):
    publication = protect(table, threshold)

    assert_protected(publication)
    for (_, key), reason in reasons(publication).items():
        true = sum(count for cell, count in table.cells.items() if covers(key, cell))
        if reason == "primary":
            assert 1 <= true < threshold
        assert true != 0
    assert protect(table, threshold) == publication


# Controlled rounding


def assert_rounded(table: Table, base: int) -> None:
    rounded = controlled_rounding(table, base)
    for key, value in rounded.cells.items():
        assert value % base == 0
        assert abs(value - table.cells[key]) < base
        if table.cells[key] % base == 0:
            assert value == table.cells[key]
    for margin, value in rounded.margins.items():
        true = sum(c for key, c in table.cells.items() if covers(margin, key))
        assert value % base == 0
        assert abs(value - true) < base
        assert value == sum(
            v for key, v in rounded.cells.items() if covers(margin, key)
        )


def test_rounding_keeps_a_two_way_table_additive():
    table = grid(("sex", "sector"), [[3, 7, 12, 0], [1, 2, 2, 9], [4, 4, 4, 4]])

    rounded = controlled_rounding(table)

    assert rounded.base == 5
    assert len(rounded.margins) == 3 + 4 + 1
    assert_rounded(table, 5)


@given(
    counts=st.lists(st.integers(0, 40), min_size=6, max_size=6),
    shape=st.sampled_from([(6,), (2, 3), (3, 2)]),
    base=st.sampled_from([2, 3, 5, 10]),
)
def test_rounding_stays_within_one_base_and_additive(counts, shape, base):
    names = ("sex", "sector")[: len(shape)]
    assert_rounded(grid(names, np.array(counts).reshape(shape)), base)


def test_rounding_refuses_three_dimensions():
    table = grid(("sex", "age", "sector"), [[[1, 2], [3, 4]], [[5, 6], [7, 8]]])

    with pytest.raises(ValueError, match=r"3 dimensions.*protect"):
        controlled_rounding(table)


# Bad input


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({("f", "agri"): -1}, r"count of \('f', 'agri'\) is -1"),
        ({("f", "agri"): 2.5}, r"count of \('f', 'agri'\) is 2\.5"),
        ({("f", "agri"): "3"}, r"count of \('f', 'agri'\) is '3'"),
        ({("f", "agri"): True}, r"count of \('f', 'agri'\) is True"),
        ({("f",): 3}, r"key \('f',\) has 1 codes, but the table has 2 dimensions"),
        ({("f", "agri", "x"): 3}, r"has 3 codes"),
        ({"f": 3}, r"key 'f' is not a tuple"),
        ({("f", 1): 3}, r"code 1 in the key \('f', 1\) is not a string"),
        ({}, r"has no cells"),
    ],
)
def test_a_malformed_table_is_refused_by_name(cells, message):
    with pytest.raises(ValueError, match=rf"Table 'victims'.*{message}"):
        Table(("sex", "sector"), cells, name="victims")


def test_numpy_integers_are_counts():
    table = Table(("sex",), {("f",): np.int64(7)})

    assert table.cells == {("f",): 7}


@pytest.mark.parametrize("threshold", [1, 0, -5, 2.0, True])
def test_a_threshold_below_two_is_refused(threshold):
    with pytest.raises(ValueError, match="threshold is"):
        protect(grid(("sex",), [3, 9]), threshold)


def test_tables_that_disagree_on_a_shared_margin_are_refused():
    by_sector = grid(("sex", "sector"), [[3, 12], [20, 30]], name="by_sector")
    by_sex = grid(("sex",), [15, 51], name="by_sex")

    with pytest.raises(ValueError, match=r"'by_sector' and 'by_sex' disagree.*sex=b"):
        protect([by_sector, by_sex])


def test_tables_of_different_populations_are_refused():
    by_sex = grid(("sex",), [15, 50], name="by_sex")
    by_age = grid(("age",), [10, 10], name="by_age")

    with pytest.raises(ValueError, match="grand total: 65 in 'by_sex', 20"):
        protect([by_sex, by_age])


def test_two_tables_with_one_name_are_refused():
    with pytest.raises(ValueError, match="Two tables are named 'table'"):
        protect([grid(("sex",), [3, 9]), grid(("sex",), [3, 9])])


@pytest.mark.parametrize("dimensions", [(), ("sex", "sex"), ("sex", "")])
def test_bad_dimension_names_are_refused(dimensions):
    with pytest.raises(ValueError, match="Table 'table'"):
        Table(dimensions, {("f",) * len(dimensions): 1})


def test_a_rounding_base_below_two_is_refused():
    with pytest.raises(ValueError, match="base is 1"):
        controlled_rounding(grid(("sex",), [3, 9]), 1)
