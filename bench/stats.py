"""The statistics: standard tables beside DuckDB, frame reads, suppression.

Three parts, each printing its figures (``FLEXWATCH_BENCH_STATS_PARTS``
chooses among them):

- ``tables``: on ``FLEXWATCH_BENCH_STATS_CASES`` synthetic cases (default
  1,000,000, made by ``bench._stats_rows`` straight as the five frames of
  ``flexwatch.stats.frames``), each standard table of ``flexwatch.stats``
  with its default dimensions, timed beside the same counts written
  directly in DuckDB over the same frames (``bench._stats_floor``), the
  floor. The benchmark checks that both give the same numbers and fails
  if they do not; it prints seconds and the ratio, and never asserts
  speed. The goal is a ratio within 3.
- ``read``: the database read the two share: ``FLEXWATCH_BENCH_STATS_READ_CASES``
  cases (default 100,000) written to SQLite and to PostgreSQL, and the five
  frames read through ``flexwatch.stats.frames``, each timed, in a process
  of its own (``bench._stats_store``).
- ``suppression``: ``flexwatch.stats.disclosure.protect`` on a
  4-dimensional table of many small counts, growing to
  ``FLEXWATCH_BENCH_STATS_CELLS`` cells (default 10,000): seconds, cells
  suppressed by rule, and the narrowest interval an attacker's linear
  programs find around a primarily suppressed cell. Each size runs in a
  process of its own (``bench._stats_suppress``), stopped after
  ``FLEXWATCH_BENCH_STATS_BUDGET`` seconds; the larger sizes are then not
  tried.

The full national report as PDF on 100,000 cases, the issue's third
figure, is ``bench.report``.
"""

import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench import Figure, figure, options, postgres
from bench.options import BenchmarkError

log = logging.getLogger("bench.stats")

PARTS = ("tables", "read", "suppression")
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/flexwatch_bench_stats"
SEED = 2026
THRESHOLD = 5
# The ratio of the standard tables to the floor the issue sets as the goal.
GOAL = 3.0
_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """What the benchmark runs, from ``FLEXWATCH_BENCH_*`` variables."""

    parts: tuple[str, ...]
    cases: int
    repeats: int
    read_cases: int
    cells: int
    budget: float
    url: str

    @classmethod
    def read(cls) -> "Settings":
        """The settings, each refused with a clear message when bad."""
        raw = options.text("FLEXWATCH_BENCH_STATS_PARTS", ",".join(PARTS))
        parts = tuple(part.strip() for part in raw.split(",") if part.strip())
        if unknown := [part for part in parts if part not in PARTS]:
            raise BenchmarkError(
                f"FLEXWATCH_BENCH_STATS_PARTS names {', '.join(unknown)}; "
                f"choose among {', '.join(PARTS)}."
            )
        return cls(
            parts=parts,
            cases=options.count("FLEXWATCH_BENCH_STATS_CASES", 1_000_000),
            repeats=options.count("FLEXWATCH_BENCH_STATS_REPEATS", 3),
            read_cases=options.count("FLEXWATCH_BENCH_STATS_READ_CASES", 100_000),
            cells=options.count("FLEXWATCH_BENCH_STATS_CELLS", 10_000),
            budget=options.seconds("FLEXWATCH_BENCH_STATS_BUDGET", 900, 1),
            url=options.text("FLEXWATCH_BENCH_POSTGRES_URL", DEFAULT_URL),
        )


def run() -> list[Figure]:
    """Run the parts chosen and return their figures."""
    settings = Settings.read()
    runners: dict[str, Callable[[Settings], list[Figure]]] = {
        "tables": _tables,
        "read": _reads,
        "suppression": _suppression,
    }
    figures: list[Figure] = []
    for part in settings.parts:
        figures += runners[part](settings)
    return figures


# The standard tables beside the floor


def _tables(settings: Settings) -> list[Figure]:
    # Imported here: the package's data files are read on first use only.
    from bench import _stats_floor
    from bench._stats_rows import synthetic

    started = time.perf_counter()
    frames = synthetic(settings.cases, SEED)
    log.info(
        "Made %d cases as %d rows of frames in %.1f s",
        settings.cases,
        frames.rows(),
        time.perf_counter() - started,
    )
    connection = _stats_floor.connect(vars(frames))
    context = {"cases": settings.cases, "repeats": settings.repeats}
    context |= {f"{name}_rows": frame.height for name, frame in vars(frames).items()}

    figures, ours_total, floor_total = [], 0.0, 0.0
    for table, count in _standard().items():
        ours_s, ours = _timed(partial(count, frames), settings.repeats)
        floor = partial(_stats_floor.count, connection, table)
        floor_s, floor_counts = _timed(floor, settings.repeats)
        _check_same(table, ours, floor_counts)
        log.info(
            "%s: %.3f s, DuckDB %.3f s, ratio %.2f",
            table,
            ours_s,
            floor_s,
            ours_s / floor_s,
        )
        ours_total += ours_s
        floor_total += floor_s
        figures += _compared(table, ours_s, floor_s, {**context, "rows": ours.height})
    figures += _compared("standard_tables", ours_total, floor_total, context)
    return figures


def _standard() -> dict[str, Callable[[Any], Any]]:
    """Each standard table with its default dimensions, from the frames."""
    from flexwatch.stats import indicators, proceedings, tables

    return {
        "registered_victims": lambda f: tables.registered_victims(f.victims).counts,
        "suspects_prosecuted_convicted": lambda f: (
            proceedings.suspects_prosecuted_convicted(f.proceedings).counts
        ),
        "proceedings_funnel": lambda f: (
            proceedings.proceedings_funnel(f.proceedings).counts
        ),
        "recognition_gap": lambda f: (
            proceedings.recognition_gap(f.victims, f.proceedings, f.assistance).counts
        ),
        "indicator_prevalence": lambda f: (
            indicators.indicator_prevalence(f.observations, f.cases).counts
        ),
        "continuum_levels": lambda f: indicators.continuum_levels(f.cases).counts,
        "victims_assisted": lambda f: (
            indicators.victims_assisted(f.victims, f.assistance).counts
        ),
    }


def _timed(work: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs, and what the last one returned."""
    fastest, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest, result


def _check_same(table: str, ours: Any, floor: Any) -> None:
    """Fail unless DuckDB counted what the statistics counted."""
    import polars as pl
    import polars.selectors as cs

    def normal(frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.select(ours.columns).with_columns(
            cs.enum().cast(pl.String),
            cs.float().round(9),
            cs.integer().cast(pl.Int64),
        )
        return frame.sort(frame.columns, nulls_last=True)

    mine, theirs = normal(ours), normal(floor)
    if not mine.equals(theirs):
        differ = mine.join(theirs, on=mine.columns, how="anti", nulls_equal=True)
        raise BenchmarkError(
            f"{table}: DuckDB and the statistics disagree ({mine.height} rows "
            f"against {theirs.height}); first rows only ours: {differ.head(3)}"
        )


def _compared(
    table: str, ours_s: float, floor_s: float, context: dict[str, Any]
) -> list[Figure]:
    ratio = ours_s / floor_s if floor_s else None
    context = {**context, "table": table, "goal_ratio": GOAL}
    return [
        figure("stats", f"{table}_seconds", round(ours_s, 3), "s", **context),
        figure("stats", f"{table}_duckdb_seconds", round(floor_s, 3), "s", **context),
        figure("stats", f"{table}_ratio", ratio and round(ratio, 2), "x", **context),
    ]


# The database read


def _reads(settings: Settings) -> list[Figure]:
    figures = []
    with tempfile.TemporaryDirectory(prefix="flexwatch-bench-stats-") as folder:
        url = f"sqlite:///{Path(folder) / 'flexwatch.sqlite3'}"
        figures += _read_one("sqlite", url, folder, settings)
    with (
        tempfile.TemporaryDirectory(prefix="flexwatch-bench-stats-") as folder,
        postgres.fresh_database(settings.url) as url,
    ):
        figures += _read_one("postgresql", url, folder, settings)
    return figures


def _read_one(database: str, url: str, folder: str, settings: Settings) -> list[Figure]:
    log.info("Filling %s with %d cases", database, settings.read_cases)
    report = _in_process(
        "bench._stats_store",
        {"cases": settings.read_cases, "seed": SEED},
        _store_environment(url, folder),
        timeout=7200,
    )
    context = {"database": database, "cases": settings.read_cases}
    figures = [figure("stats", "fill_time", report["fill_s"], "s", **context)]
    for frame, seconds in report["read_s"].items():
        rows = report["rows"][frame]
        log.info("%s: read %d rows of %s in %.2f s", database, rows, frame, seconds)
        figures.append(
            figure("stats", f"read_{frame}", seconds, "s", **context, rows=rows)
        )
    total = round(sum(report["read_s"].values()), 2)
    figures.append(figure("stats", "read_frames", total, "s", **context))
    return figures


def _store_environment(url: str, folder: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEXWATCH_")}
    return env | {
        "FLEXWATCH_DATABASE_URL": url,
        "FLEXWATCH_DATA_DIR": folder,
        "FLEXWATCH_DEBUG": "false",
        "FLEXWATCH_LOG_LEVEL": "WARNING",
    }


# Secondary suppression


def _suppression(settings: Settings) -> list[Figure]:
    figures = []
    largest = round(settings.cells**0.25)
    for side in sorted({*range(min(4, largest), largest, 2), largest}):
        order = {"side": side, "seed": SEED, "threshold": THRESHOLD}
        report, finished = _protected(order, settings.budget)
        figures += _suppressed(side**4, report, settings.budget)
        if finished:
            continue
        # Only a protection over the budget says a larger table would be too;
        # the attack, a check of the result, may run over on its own.
        if "protect_s" in report:
            log.warning(
                "The attack on %d cells ran over %.0f s", side**4, settings.budget
            )
            continue
        log.warning(
            "Suppression of %d cells ran over %.0f s; larger tables not tried",
            side**4,
            settings.budget,
        )
        break
    return figures


def _protected(order: dict[str, Any], budget: float) -> tuple[dict[str, Any], bool]:
    """What the suppression process reported within ``budget``, and if it ended."""
    command = [sys.executable, "-m", "bench._stats_suppress"]
    try:
        done = subprocess.run(
            command,
            input=json.dumps(order),
            capture_output=True,
            text=True,
            cwd=_ROOT,
            timeout=budget,
            check=False,
        )
    except subprocess.TimeoutExpired as stopped:
        output = stopped.stdout or b""
        text = output.decode() if isinstance(output, bytes) else output
        return _merged(text), False
    if done.returncode != 0:
        raise BenchmarkError(
            f"bench._stats_suppress failed (status {done.returncode}): "
            f"{done.stderr[-2000:]}"
        )
    return _merged(done.stdout), True


def _merged(output: str) -> dict[str, Any]:
    report: dict[str, Any] = {}
    for line in output.splitlines():
        report |= json.loads(line)
    return report


def _suppressed(cells: int, report: dict[str, Any], budget: float) -> list[Figure]:
    context = {
        "cells": cells,
        "small_cells": report.get("small_cells"),
        "dimensions": 4,
        "threshold": THRESHOLD,
        "budget_s": budget,
    }
    log.info("Suppression of %d cells: %s", cells, report)
    found = {
        "suppression_seconds": ("protect_s", "s"),
        "suppressed_primary": ("primary", "cells"),
        "suppressed_secondary": ("secondary", "cells"),
        "suppressed_margins": ("margins_suppressed", "margins"),
        "attacker_narrowest_interval": ("narrowest_interval", "victims"),
        "attack_seconds": ("attack_s", "s"),
    }
    # A figure the process did not reach within the budget is None.
    return [
        figure("stats", name, report.get(key), unit, **context)
        for name, (key, unit) in found.items()
    ]


def _in_process(
    module: str, order: dict[str, Any], env: dict[str, str] | None, timeout: float
) -> dict[str, Any]:
    """Run ``python -m module`` with ``order`` on standard input; its JSON report.

    Raises:
        subprocess.TimeoutExpired: the process ran over ``timeout`` (it is
            stopped).
        BenchmarkError: the process failed.
    """
    done = subprocess.run(
        [sys.executable, "-m", module],
        input=json.dumps(order),
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=_ROOT,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"{module} failed (status {done.returncode}).")
    report: dict[str, Any] = json.loads(done.stdout)
    return report
