"""Hypercubes: the cheapest cube that hides a small cell, and large tables
protected with them, judged by the attacker of the disclosure tests."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flexwatch.stats import disclosure, hypercubes
from flexwatch.stats.disclosure import protect
from tests.stats.test_disclosure import assert_protected, grid, reasons

TABLE = np.array([[2, 9, 20], [8, 30, 40], [7, 50, 60]])


def nothing_hidden(counts):
    return np.zeros(counts.shape, dtype=bool)


def test_the_cheapest_cube_gives_up_the_smallest_counts():
    found = hypercubes.corners(TABLE, nothing_hidden(TABLE), (0, 0), 5)

    # Rows 1 and columns 1: 8 + 9 + 30 given up, less than any other cube.
    assert found == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_a_cube_of_cells_already_suppressed_costs_nothing():
    hidden = nothing_hidden(TABLE)
    hidden[0, 2] = hidden[2, 0] = hidden[2, 2] = True

    found = hypercubes.corners(TABLE, hidden, (0, 0), 5)

    assert found == [(0, 0), (0, 2), (2, 0), (2, 2)]


@pytest.mark.parametrize(
    ("counts", "why"),
    [
        ([[2, 1], [1, 50]], "2 + 1 leaves an interval 3 wide"),
        ([[2, 0], [9, 50]], "a published zero cannot move"),
        ([[2, -1], [9, 50]], "a combination that cannot occur cannot move"),
        ([[2, 9, 20]], "one code in the first dimension"),
    ],
)
def test_no_cube_when_none_is_wide_enough(counts, why):
    counts = np.array(counts)

    assert hypercubes.corners(counts, nothing_hidden(counts), (0, 0), 5) is None, why


def test_the_two_smallest_corners_must_reach_the_threshold():
    counts = np.array([[2, 3], [3, 50]])

    assert hypercubes.corners(counts, nothing_hidden(counts), (0, 0), 5) is not None
    assert hypercubes.corners(counts, nothing_hidden(counts), (0, 0), 6) is None


def test_a_large_table_is_protected_without_linear_programs(monkeypatch):
    rng = np.random.default_rng(3)
    counts = rng.integers(5, 60, size=(6, 6, 6, 6))
    counts[rng.random(counts.shape) < 0.05] = 2
    table = grid(("sex", "age", "sector", "year"), counts)

    def no_program(*args):
        raise AssertionError("a small cell went to the linear programs")

    monkeypatch.setattr(disclosure, "_protected", no_program)
    publication = protect(table, 5, hypercubes_from=1000)

    assert "secondary" in reasons(publication).values()
    monkeypatch.undo()
    assert_protected(publication)


def test_below_the_size_the_linear_programs_decide():
    rows = [[3, 20, 30, 41], [15, 1, 12, 33], [40, 8, 9, 2]]
    table = grid(("sex", "sector"), rows)

    assert protect(table) == protect(table, hypercubes_from=10**6)


@st.composite
def sparse_tables(draw):
    shape = draw(st.sampled_from([(3, 4), (4, 4), (2, 3, 3), (3, 3, 3), (2, 2, 3, 3)]))
    counts = draw(
        st.lists(
            st.integers(0, 14),
            min_size=int(np.prod(shape)),
            max_size=int(np.prod(shape)),
        )
    )
    names = ("sex", "age", "sector", "year")[: len(shape)]
    return grid(names, np.array(counts).reshape(shape))


@settings(max_examples=60, deadline=None)
@given(table=sparse_tables(), threshold=st.sampled_from([3, 5]))
def test_cubes_and_programs_together_leave_nothing_narrow(table, threshold):
    # Every table takes the hypercubes first; cells no cube can hide (zeros
    # around them, a narrow line) fall back to the linear programs.
    publication = protect(table, threshold, hypercubes_from=1)

    assert_protected(publication)


def test_cells_no_cube_hides_are_hidden_in_a_box_around_them(monkeypatch):
    # Counts as skewed as victims crossed by four dimensions: a sixth zero,
    # two fifths from 1 to 4, so many small cells have no cube of their own.
    counts = np.random.default_rng(1).negative_binomial(1, 0.15, size=(4, 4, 4, 4))
    table = grid(("sex", "age", "sector", "year"), counts)
    boxes = []
    nearby = disclosure._nearby

    def counted(*args):
        found = nearby(*args)
        boxes.append(found)
        return found

    monkeypatch.setattr(disclosure, "_nearby", counted)
    publication = protect(table, 5, hypercubes_from=1)
    monkeypatch.undo()

    assert [box for box in boxes if box is not None]
    assert_protected(publication)
