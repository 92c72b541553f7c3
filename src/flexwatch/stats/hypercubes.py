"""Hypercubes of cells that hide a small count in a large table. Pure.

In a table with every margin published, suppress the 2**d corners of a
hypercube: a cell, and for each of the table's d dimensions one other code.
Adding some amount to the corners whose codes differ from the small cell's
in an even number of dimensions, and taking it from the others, leaves every
margin as it was: each margin sums over at least one dimension, and the two
corners that differ only in that dimension cancel. So an attacker who sees
the margins cannot tell the true table from the moved one, and the small
count may lie anywhere from its value less the smallest even corner to its
value plus the smallest odd corner. A cube whose two smallest corners add up
to the threshold therefore protects the count as well as the linear programs
of ``stats.disclosure`` do, at the cost of a table look-up instead of a
solve over the whole table. The corners must all be counted and not zero: a
zero is published and known, and a combination that cannot occur cannot move.

The method follows the hypercube heuristic of statistical offices (Repsilber's
GHMITER, as used in tau-ARGUS): cheap, never less safe, sometimes suppressing
more than the least that would do.
"""

from itertools import product

import numpy as np

# Cubes weighed per small count: partner codes per dimension are cut to the
# most populous ones so that a table of many dimensions stays cheap.
MOST_CUBES = 4096


def corners(
    counts: np.ndarray, suppressed: np.ndarray, cell: tuple[int, ...], threshold: int
) -> list[tuple[int, ...]] | None:
    """The corners of the cheapest cube that hides ``cell``, or None.

    Args:
        counts: the table as a dense array; -1 where a combination cannot
            occur.
        suppressed: which cells are already suppressed; reusing them is free.
        cell: the index of the small count.
        threshold: the width its interval must keep.

    Returns:
        Every corner of the chosen cube, ``cell`` first; None when no cube
        of non-zero counts is wide enough (a dimension with one code, say).
    """
    found = partners(counts, cell, max(1, int(MOST_CUBES ** (1 / counts.ndim))))
    if found is None:
        return None
    offsets = np.array(list(product((0, 1), repeat=counts.ndim)), dtype=bool)
    odd = offsets.sum(axis=1) % 2 == 1

    # Index of every corner of every cube: cubes x corners x dimensions.
    chosen = np.array(list(product(*found)), dtype=int)
    home = np.array(cell, dtype=int)
    index = np.where(offsets[np.newaxis], chosen[:, np.newaxis], home)
    at = tuple(index[..., d] for d in range(counts.ndim))
    values, hidden = counts[at], suppressed[at]

    usable = (values > 0).all(axis=1)
    width = values[:, ~odd].min(axis=1) + values[:, odd].min(axis=1)
    usable &= width >= threshold
    if not usable.any():
        return None
    # Fewest new suppressions first, then the smallest counts given up.
    new = np.where(hidden, 0, 1).sum(axis=1)
    lost = np.where(hidden, 0, values).sum(axis=1)
    order = np.lexsort((lost, new, ~usable))
    return [tuple(int(i) for i in corner) for corner in index[order[0]]]


def partners(
    counts: np.ndarray, cell: tuple[int, ...], keep: int
) -> list[list[int]] | None:
    """For each dimension, up to ``keep`` other codes, most populous first.

    None when a dimension has no other code with a count on ``cell``'s line.
    """
    found = []
    for d, home in enumerate(cell):
        # The counts along the line through ``cell`` in dimension d.
        rest = tuple(code for i, code in enumerate(cell) if i != d)
        line = np.moveaxis(counts, d, -1)[rest]
        ranked = np.argsort(-line, kind="stable")
        others = [i for i in ranked if i != home and line[i] > 0]
        if not others:
            return None
        found.append([int(i) for i in others[:keep]])
    return found
