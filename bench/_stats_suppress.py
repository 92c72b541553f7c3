"""Secondary suppression of one 4-dimensional table, timed, then attacked.

Run by ``bench.stats`` in a process of its own (``python -m
bench._stats_suppress``, an order as JSON on standard input, a line of JSON
on standard output once the table is protected and another once it is
attacked), so that a table the solver cannot finish within the benchmark's
budget is stopped without stopping the benchmark.

The table has ``side`` categories on each of four dimensions. Its counts
are drawn from a negative binomial distribution (mean about 5.7, a sixth of
the cells zero, two fifths from 1 to 4), the skewed shape of counts of
victims crossed by four dimensions, where most cells are small.

The attacker is written here, apart from ``stats.disclosure``: it knows
every published cell and margin and that counts are not negative, and it
bounds each primarily suppressed cell with two linear programs over the
suppressed cells (sparse, so that tables of thousands of cells fit).
"""

import itertools
import json
import logging
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from flexwatch.stats.disclosure import Publication, PublishedTable, Table, protect

log = logging.getLogger("bench.stats")

DIMENSIONS = ("a", "b", "c", "d")


def table(side: int, seed: int) -> Table:
    """A table of ``side ** 4`` cells with many small counts."""
    rng = np.random.default_rng(seed)
    counts = rng.negative_binomial(1, 0.15, size=side**4)
    codes = [[f"{d}{i:02d}" for i in range(side)] for d in DIMENSIONS]
    cells = dict(zip(itertools.product(*codes), counts.tolist(), strict=True))
    return Table(DIMENSIONS, cells, name=f"table_{side}x4")


def measure(side: int, seed: int, threshold: int) -> Iterator[dict[str, Any]]:
    """Protect the table and count suppressions by rule; then attack them.

    Yields the protection's figures first, so that they are kept when the
    attack runs over the benchmark's budget, then the attack's.
    """
    counted = table(side, seed)
    started = time.perf_counter()
    publication = protect(counted, threshold)
    protect_s = time.perf_counter() - started

    reasons = [s.reason for s in publication.suppressed if None not in s.key]
    yield {
        "cells": len(counted.cells),
        "small_cells": sum(1 <= v < threshold for v in counted.cells.values()),
        "protect_s": round(protect_s, 2),
        "primary": reasons.count("primary"),
        "secondary": reasons.count("secondary"),
        "margins_suppressed": sum(None in s.key for s in publication.suppressed),
    }

    started = time.perf_counter()
    narrowest = attack(publication)
    yield {
        "narrowest_interval": narrowest,
        "attack_s": round(time.perf_counter() - started, 2),
    }


def attack(publication: Publication) -> float | None:
    """The narrowest interval the attacker finds around a primary cell."""
    published = publication.tables[0]
    primary = [
        s.key
        for s in publication.suppressed
        if s.reason == "primary" and None not in s.key
    ]
    if not primary:
        return None
    hidden = [key for key, value in published.cells.items() if value is None]
    column = {key: j for j, key in enumerate(hidden)}
    equations, totals = _equations(published, column)

    widths = []
    for key in primary:
        objective = np.zeros(len(hidden))
        objective[column[key]] = 1.0
        low = _solve(objective, equations, totals)
        high = -_solve(-objective, equations, totals)
        widths.append(high - low)
    return round(min(widths), 6)


def _equations(
    published: PublishedTable, column: dict[tuple[str, ...], int]
) -> tuple[sparse.csr_array, np.ndarray]:
    """Each published margin as a sum of suppressed cells equal to a value."""
    hidden: dict[tuple, list[int]] = {}
    known: dict[tuple, int] = {}
    size = len(published.dimensions)
    masks = list(itertools.product((True, False), repeat=size))[1:]
    for key, count in published.cells.items():
        for mask in masks:
            margin = tuple(
                k if keep else None for k, keep in zip(key, mask, strict=True)
            )
            if count is None:
                hidden.setdefault(margin, []).append(column[key])
            else:
                known[margin] = known.get(margin, 0) + count

    rows, cols, totals = [], [], []
    for margin, value in published.margins.items():
        if value is None or margin not in hidden:
            continue
        cols += hidden[margin]
        rows += [len(totals)] * len(hidden[margin])
        totals.append(value - known.get(margin, 0))
    matrix = sparse.csr_array(
        (np.ones(len(rows)), (rows, cols)), shape=(len(totals), len(column))
    )
    return matrix, np.array(totals, dtype=float)


def _solve(objective: np.ndarray, equations: sparse.csr_array, totals) -> float:
    result = linprog(
        objective, A_eq=equations, b_eq=totals, bounds=(0, None), method="highs"
    )
    if result.status == 3:
        return -np.inf
    if not result.success:
        raise RuntimeError(f"The attacker's program failed: {result.message}")
    return float(result.fun)


def main() -> None:
    order = json.load(sys.stdin)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    for report in measure(order["side"], order["seed"], order["threshold"]):
        print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
