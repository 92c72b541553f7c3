"""Seconds to make synthetic victim microdata k-anonymous and l-diverse.

The rows are drawn from a seed with skewed distributions, as case files are
(most victims men of working age from a few countries, in a few regions and
sectors), so that classes form and the ladders are climbed part of the way.
Pure: no database.
"""

import random
import time

import polars as pl

from bench import Figure, figure
from flexwatch.stats.microdata import anonymise

SIZES = (1_000, 10_000, 50_000)
SEED = 20261204

_WEIGHTED = {
    "sex": {"male": 70, "female": 28, "unknown": 2},
    "citizenship": {"UA": 40, "VN": 12, "TH": 12, "EE": 8, "FI": 10, "PL": 8},
    "region": {"FI1B1": 35, "FI196": 15, "FI198": 10, "FI1C1": 20, "FI1D9": 10},
    "sector": {"nace_01": 40, "nace_f": 20, "nace_i": 20, "nace_a": 10, "nace_n": 10},
    "form": {"forced_labour": 45, "labour_exploitation": 40, "begging": 5, "other": 10},
}


def _rows(size: int, chance: random.Random) -> pl.DataFrame:
    columns = {
        name: chance.choices(list(weights), list(weights.values()), k=size)
        for name, weights in _WEIGHTED.items()
    }
    columns["age"] = [
        str(min(80, max(15, int(chance.gauss(34, 10))))) for _ in range(size)
    ]
    columns["year"] = chance.choices(["2024", "2025"], k=size)
    columns["identification"] = chance.choices(
        ["presumed", "formally_identified"], k=size
    )
    columns["source_kind"] = ["labour_inspection"] * size
    columns["continuum"] = chance.choices(["forced_labour", "trafficking"], k=size)
    columns["assisted"] = [chance.random() < 0.6 for _ in range(size)]
    return pl.DataFrame(columns)


def run() -> list[Figure]:
    """Seconds and information lost at each size, with k = 5 and l = 2."""
    figures = []
    for size in SIZES:
        rows = _rows(size, random.Random(SEED))
        started = time.perf_counter()
        release = anonymise(rows, country="FI", first_year=2024, last_year=2025)
        seconds = time.perf_counter() - started
        context = {"records": size, "k": release.k, "l": release.l}
        figures += [
            figure("microdata", "seconds", round(seconds, 2), "s", **context),
            figure(
                "microdata",
                "information_lost",
                round(100 * release.information_loss, 1),
                "%",
                **context,
                levels=dict(release.levels),
            ),
        ]
    return figures
