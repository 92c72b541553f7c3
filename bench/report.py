"""The full national report as PDF, on many synthetic cases, step by step.

A fresh SQLite database in a temporary folder gets
``FLEXWATCH_BENCH_REPORT_CASES`` synthetic cases (default 100,000, from
``bench._stats_rows``: 30% Finnish, 20% Estonian, 50% Polish, registered
from 2008 to 2025, written straight to the tables by
``bench._stats_store.fill``). Then, in a process of its own
(``bench._report_steps``), the national report is made as ``flexwatch
report national`` makes it, and each step is timed with the process's peak
memory after it:

- ``read_frames``: the five frames of every case, read as an analyst of
  every organisation;
- ``count_and_protect``: the report's tables counted and passed through
  disclosure control, and its charts specified;
- ``charts_svg``: every chart drawn as SVG by vl-convert, alone;
- ``html``: the HTML for print, which draws the charts again inside it;
- ``pdf``: WeasyPrint's layout and the PDF written to memory.

The report's time is read, count and protect, HTML and PDF (the charts are
inside the HTML step); the goal is under a minute. The benchmark prints
seconds and never asserts speed. Settings:

- ``FLEXWATCH_BENCH_REPORT_CASES``: cases in the database (default 100000).
- ``FLEXWATCH_BENCH_REPORT_COUNTRY``: the report's country (default FI).
- ``FLEXWATCH_BENCH_REPORT_FROM``, ``FLEXWATCH_BENCH_REPORT_TO``: its period
  (default 2021 to 2025: five columns of years, as wide as a page holds).
- ``FLEXWATCH_BENCH_REPORT_LANG``: its language (default fi).
"""

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import Figure, figure, options
from bench.options import BenchmarkError
from bench.stats import _in_process

log = logging.getLogger("bench.report")

SEED = 2026
# The goal for the whole report.
GOAL_S = 60.0
# The steps the report's own time adds up: the charts are drawn in the HTML.
REPORT_STEPS = ("read_frames", "count_and_protect", "html", "pdf")
LANGUAGES = ("en", "fi", "et", "pl")
_TIMEOUT_S = 3600.0


@dataclass(frozen=True)
class Settings:
    """What the benchmark runs, from ``FLEXWATCH_BENCH_REPORT_*`` variables."""

    cases: int
    country: str
    first: int
    last: int
    lang: str

    @classmethod
    def read(cls) -> "Settings":
        """The settings, each refused with a clear message when bad."""
        read = cls(
            cases=options.count("FLEXWATCH_BENCH_REPORT_CASES", 100_000),
            country=options.text("FLEXWATCH_BENCH_REPORT_COUNTRY", "FI"),
            first=options.count("FLEXWATCH_BENCH_REPORT_FROM", 2021),
            last=options.count("FLEXWATCH_BENCH_REPORT_TO", 2025),
            lang=options.text("FLEXWATCH_BENCH_REPORT_LANG", "fi"),
        )
        read.check()
        return read

    def check(self) -> None:
        """Refuse a country, language or period the report cannot have."""
        # Imported here: it reads the package's vocabularies when imported.
        from bench._stats_rows import COUNTRIES

        if self.country not in COUNTRIES:
            raise BenchmarkError(
                f"FLEXWATCH_BENCH_REPORT_COUNTRY={self.country!r}: the synthetic"
                f" cases are of {', '.join(COUNTRIES)}; choose one of them."
            )
        if self.lang not in LANGUAGES:
            raise BenchmarkError(
                f"FLEXWATCH_BENCH_REPORT_LANG={self.lang!r}: choose one of"
                f" {', '.join(LANGUAGES)}."
            )
        if self.first > self.last:
            raise BenchmarkError(
                f"FLEXWATCH_BENCH_REPORT_FROM={self.first} comes after"
                f" FLEXWATCH_BENCH_REPORT_TO={self.last}."
            )


def run() -> list[Figure]:
    """Fill a database, make the national report as PDF, time each step."""
    settings = Settings.read()
    order = {**vars(settings), "seed": SEED}
    with tempfile.TemporaryDirectory(prefix="flexwatch-bench-report-") as folder:
        env = _environment(folder)
        log.info("Filling SQLite with %d cases", settings.cases)
        filled = _in_process(
            "bench._report_steps", order | {"part": "fill"}, env, timeout=_TIMEOUT_S
        )
        # A process of its own, so that its peak memory is the report's.
        report = _in_process(
            "bench._report_steps",
            order | {"part": "report", "owners": filled["owners"]},
            env,
            timeout=_TIMEOUT_S,
        )
    return _figures(settings, report | {"fill_s": filled["fill_s"]})


def _environment(folder: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEXWATCH_")}
    return env | {
        "FLEXWATCH_DATABASE_URL": f"sqlite:///{Path(folder) / 'flexwatch.sqlite3'}",
        "FLEXWATCH_DATA_DIR": folder,
        "FLEXWATCH_DEBUG": "false",
        "FLEXWATCH_LOG_LEVEL": "WARNING",
    }


def _figures(settings: Settings, report: dict[str, Any]) -> list[Figure]:
    context = {
        "database": "sqlite",
        "cases": settings.cases,
        "country": settings.country,
        "period": f"{settings.first}-{settings.last}",
        "language": settings.lang,
        "report_cases": report["report_cases"],
        "tables": report["tables"],
        "charts": report["charts"],
        "pages": report["pages"],
    }
    figures = [figure("report", "fill_time", report["fill_s"], "s", **context)]
    for step in report["steps"]:
        figures.append(figure("report", step["step"], step["s"], "s", **context))
        figures.append(
            figure(
                "report",
                f"{step['step']}_peak_memory",
                step["peak_mib"],
                "MiB",
                **context,
            )
        )
    total = round(sum(s["s"] for s in report["steps"] if s["step"] in REPORT_STEPS), 2)
    log.info(
        "The report: %d pages in %.1f s (goal: under %.0f s)",
        report["pages"],
        total,
        GOAL_S,
    )
    figures.append(figure("report", "report_time", total, "s", **context))
    figures.append(
        figure("report", "report_goal_ratio", round(total / GOAL_S, 2), "", **context)
    )
    return figures
