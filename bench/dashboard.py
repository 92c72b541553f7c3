"""Seconds to count and protect the statistics page's figures, in memory.

The page reads its five frames in a fixed number of queries; what grows with
the records is the work on the frames: counting every figure
(``stats.figures.count``) and disclosure control of the groups
(``stats.figures.publish``). This benchmark builds synthetic frames of
victims, legal events, observations and cases (three countries, ten years,
every sector, seeded) and times both steps, protected and unsuppressed.

Settings (environment variables):

- ``FLEXWATCH_BENCH_DASHBOARD_VICTIMS``: victims, one case each (default
  100000).
"""

import datetime
import logging
import time

import numpy as np
import polars as pl

from bench import Figure, figure, options

log = logging.getLogger(__name__)

SEED = 6
COUNTRIES = ["FI", "EE", "PL"]
SEXES = ["female", "male", "unknown"]
DECISIONS = ["formally_identified", "presumed", "not_identified"]
FORMS = ["forced_labour", "sexual_exploitation", "begging"]
STAGES = ["reported", "investigated", "charged", "tried"]
LEVELS = ["labour_exploitation", "forced_labour", "trafficking"]
INDICATORS = ["fl.deception", "fl.documents", "fl.withholding_wages"]


def run() -> list[Figure]:
    """Time counting and protecting every figure of the page."""
    from flexwatch import vocab
    from flexwatch.stats import figures

    size = options.count("FLEXWATCH_BENCH_DASHBOARD_VICTIMS", 100_000)
    sectors = list(vocab.vocabulary("sector").codes)
    frames = _frames(size, sectors, np.random.default_rng(SEED))
    log.info("Built frames of %d victims", size)

    # Everything, then one country, sector, source and year: small cells.
    narrow = figures.Filters(
        country="EE",
        sector=sectors[0],
        source_kind="ngo",
        first_year=2020,
        last_year=2020,
    )
    choices = {"all": figures.Filters(), "narrow": narrow}
    found = []
    for name, chosen in choices.items():
        for threshold in (5, None):
            found += _timed(
                frames, chosen, threshold, {"victims": size, "filters": name}
            )
    return found


def _timed(frames, chosen, threshold: int | None, context: dict) -> list[Figure]:
    from flexwatch.stats import figures

    started = time.perf_counter()
    counted = figures.count(frames, chosen)
    counting = time.perf_counter() - started
    shown = figures.publish(counted, threshold)
    publishing = time.perf_counter() - started - counting

    suppressed = sum(len(f.suppressed) for f in shown.values())
    context = context | {
        "mode": "unsuppressed" if threshold is None else "protected",
        "figures": len(shown),
        "suppressed": suppressed,
    }
    return [
        figure("dashboard", "count_s", round(counting, 3), "s", **context),
        figure("dashboard", "publish_s", round(publishing, 3), "s", **context),
    ]


def _frames(size: int, sectors: list[str], rng: np.random.Generator):
    from flexwatch.stats import figures

    ids = np.arange(size)
    years = rng.integers(2016, 2026, size)
    cases = pl.DataFrame(
        {
            "case_id": ids,
            "owner_id": np.ones(size, dtype=np.int64),
            "country": rng.choice(COUNTRIES, size),
            "sector": rng.choice(sectors, size),
            "source_kind": rng.choice(["ngo", "labour_inspection"], size),
            "year": years.astype(np.int32),
            "continuum": rng.choice(LEVELS, size),
            "is_synthetic": np.zeros(size, dtype=bool),
        }
    )
    victims = _victims(cases, years, rng)
    events = _events(cases, rng)
    observations = cases.sample(size, with_replacement=True, seed=SEED).select(
        "case_id",
        "owner_id",
        "country",
        "sector",
        "source_kind",
        "year",
        "continuum",
        "is_synthetic",
        pl.Series("indicator", rng.choice(INDICATORS, size)),
        pl.lit("destination").alias("stage"),
        pl.Series("status", rng.choice(["observed", "not_observed"], size)),
    )
    assistance = victims.select(
        "case_id",
        "owner_id",
        "person_id",
        pl.Series("assisted", rng.random(size) < 0.6),
    )
    return figures.Frames(
        victims=victims,
        proceedings=events,
        assistance=assistance,
        observations=observations,
        cases=cases.with_columns(pl.lit(True).alias("observations_shared")),
    )


def _victims(cases: pl.DataFrame, years: np.ndarray, rng: np.random.Generator):
    size = cases.height
    dates = [datetime.date(int(y), 6, 1) for y in years]
    ages = rng.integers(12, 70, size).astype(np.int32)
    return cases.select(
        "case_id",
        "owner_id",
        "country",
        "source_kind",
        "sector",
        "continuum",
        "is_synthetic",
        pl.Series("registered_on", dates),
        pl.Series("identified_on", dates),
        pl.Series("exploitation_began", dates),
        "year",
        pl.col("case_id").alias("person_id"),
        pl.Series("sex", rng.choice(SEXES, size)),
        pl.Series("age_min", ages),
        pl.Series("age_max", ages),
        pl.Series("citizenship", rng.choice(["UA", "FI", "EE", "PL", "VN"], size)),
        pl.Series("identification", rng.choice(DECISIONS, size)),
        pl.Series(
            "forms",
            [[str(form)] for form in rng.choice(FORMS, size)],
            dtype=pl.List(pl.String),
        ),
    )


def _events(cases: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    accused = cases.sample(fraction=0.4, seed=SEED)
    size = accused.height
    return accused.select(
        "case_id",
        "owner_id",
        "country",
        "source_kind",
        "sector",
        "continuum",
        "is_synthetic",
        "year",
        (pl.col("case_id") + 10_000_000).alias("person_id"),
        pl.lit("suspect").alias("role"),
        pl.Series("sex", rng.choice(SEXES, size)),
        pl.Series("provision", rng.choice(["FI RL 25:3", "PL KK 189a"], size)),
        pl.Series("stage", rng.choice(STAGES, size)),
        pl.Series(
            "outcome",
            ["convicted" if won else None for won in rng.random(size) < 0.3],
            dtype=pl.String,
        ),
        pl.lit(None, dtype=pl.Date).alias("occurred_on"),
    )
