"""Latency of the case list, as a page and through the API, over many cases.

A fresh PostgreSQL database gets the demo workspace (``flexwatch init`` and
``flexwatch demo``) and then, from a separate fill process (``python -m
bench.case_list``, see ``bench._case_rows``), 100,000 synthetic cases spread
over the nine demo organisations, a sharing grant of cases from the Estonian
police to the Finnish national rapporteur, and an API token for each client.
``flexwatch serve`` serves it. The user is ``fi-admin``, an admin of the
Finnish national rapporteur: it sees its own cases, those the Finnish labour
inspectorate shares (a grant of the demo) and those of the Estonian police,
so the lists are scoped by organisation and by grant.

Four targets are loaded one after the other, each by its own load process
(``bench.load``): the list page ``/cases/`` and the API list ``/api/cases``,
each unfiltered and filtered by country, year and sector. The page's clients
sign in; the API's send a token. An answer is good when it is a 200 that
shows the number of cases the list should match, with at least one row.

Settings (environment variables), as for ``home_page`` plus one:

- ``FLEXWATCH_BENCH_CASES``: synthetic cases added to the demo's own
  (default 100000; 2000 makes a quick check).
- ``FLEXWATCH_BENCH_POSTGRES_URL``, ``FLEXWATCH_BENCH_CLIENTS``,
  ``FLEXWATCH_BENCH_DURATION``, ``FLEXWATCH_BENCH_WARMUP``,
  ``FLEXWATCH_BENCH_SERVER_THREADS``: see ``bench.home_page``.
"""

import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import django

from bench import Figure, figure, load, options, postgres, server
from bench.home_page import DEFAULT_POSTGRES_URL, PASSWORD, SIGN_IN_FORM_TEXT

# Named, not __name__: the fill process runs this module as "__main__".
log = logging.getLogger("bench.case_list")

USERNAME = "fi-admin"
# The admin of the Estonian police, who shares its cases with USERNAME's
# organisation: the fields the list shows, and no others.
GRANTOR = "ee-police"
SHARED_FIELDS = [
    "country",
    "region",
    "year",
    "sector",
    "source_kind",
    "exploitation_forms",
    "persons",
]
FILTERS = {"country": "FI", "year": 2022, "sector": "nace_41"}
SEED = 2026
_FILL_TIMEOUT_S = 3600.0
_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """One list to load: a page or the API, with or without the filters."""

    name: str
    path: str
    api: bool
    filtered: bool


TARGETS = [
    Target("page_unfiltered", "/cases/", api=False, filtered=False),
    Target("page_filtered", f"/cases/?{urlencode(FILTERS)}", api=False, filtered=True),
    Target("api_unfiltered", "/api/cases", api=True, filtered=False),
    Target("api_filtered", f"/api/cases?{urlencode(FILTERS)}", api=True, filtered=True),
]


@dataclass(frozen=True)
class Settings:
    """The ``FLEXWATCH_BENCH_*`` settings this benchmark reads."""

    url: str
    cases: int
    clients: int
    duration: float
    warmup: float
    threads: int

    @classmethod
    def read(cls) -> "Settings":
        return cls(
            url=options.text("FLEXWATCH_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
            cases=options.count("FLEXWATCH_BENCH_CASES", 100_000),
            clients=options.count("FLEXWATCH_BENCH_CLIENTS", 20),
            duration=options.seconds("FLEXWATCH_BENCH_DURATION", 10.0, minimum=1.0),
            warmup=options.seconds("FLEXWATCH_BENCH_WARMUP", 2.0),
            threads=options.count("FLEXWATCH_BENCH_SERVER_THREADS", 8),
        )


@dataclass
class Fill:
    """The fill step ``server.running_site`` runs, and what it reported."""

    cases: int
    tokens: int
    report: dict[str, Any] = field(default_factory=dict)

    def __call__(self, env: dict[str, str]) -> None:
        """Run the fill process with the site's environment; keep its report.

        Raises:
            BenchmarkError: The fill process failed or overran its time.
        """
        order = {"cases": self.cases, "tokens": self.tokens}
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench.case_list"],
                input=json.dumps(order),
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=_ROOT,
                timeout=_FILL_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired as problem:
            raise options.BenchmarkError(
                f"Filling {self.cases} cases took more than {_FILL_TIMEOUT_S:.0f} s."
            ) from problem
        if done.returncode != 0:
            raise options.BenchmarkError(
                f"The fill process failed (status {done.returncode})."
            )
        self.report = json.loads(done.stdout)


def run() -> list[Figure]:
    """Serve many synthetic cases from PostgreSQL and load the case lists."""
    settings = Settings.read()
    fill = Fill(settings.cases, settings.clients)

    started = time.perf_counter()
    with (
        postgres.fresh_database(settings.url) as database_url,
        server.running_site(database_url, settings.threads, prepare=fill) as site,
    ):
        setup_s = time.perf_counter() - started
        log.info("Set-up took %.1f s, the fill %.1f s", setup_s, fill.report["fill_s"])
        results = [
            (target, load.measure(_plan(target, site, fill.report, settings)))
            for target in TARGETS
        ]

    context = _context(settings, fill.report)
    figures = [
        figure("case_list", "setup_time", round(setup_s, 1), "s", **context),
        figure("case_list", "fill_time", fill.report["fill_s"], "s", **context),
    ]
    for target, result in results:
        _describe(target, result)
        figures += _figures(target, result, context, fill.report)
    return figures


def _plan(
    target: Target, site: server.Site, report: dict[str, Any], settings: Settings
) -> load.Plan:
    matching = report["matching"] if target.filtered else report["visible"]
    if target.api:
        expect, refuse = [f'"count": {matching}'], ['"items": []']
    else:
        expect = [f"<caption>{matching} case", 'action="/accounts/sign-out/"']
        refuse = [SIGN_IN_FORM_TEXT, "No cases to show."]
    log.info("Loading %s (%s cases match)", target.path, matching)
    return load.Plan(
        url=site.url,
        path=target.path,
        username=USERNAME,
        password=PASSWORD,
        clients=settings.clients,
        warmup_s=settings.warmup,
        duration_s=settings.duration,
        expect=expect,
        refuse=refuse,
        watch_pids={"server": site.pid},
        tokens=report["tokens"] if target.api else [],
    )


def _context(settings: Settings, report: dict[str, Any]) -> dict[str, Any]:
    return {
        "database": "postgresql",
        "cases": report["cases"],
        "visible_cases": report["visible"],
        "clients": settings.clients,
        "server_threads": settings.threads,
        "duration_s": settings.duration,
        "warmup_s": settings.warmup,
    }


def _figures(
    target: Target,
    result: load.Result,
    context: dict[str, Any],
    report: dict[str, Any],
) -> list[Figure]:
    matching = report["matching"] if target.filtered else report["visible"]
    measured = context | {
        "path": target.path,
        "matching_cases": matching,
        "requests": result.good + result.errors,
    }

    def one(name: str, value: float | None, unit: str) -> Figure:
        rounded = None if value is None else round(value, 1)
        return figure("case_list", f"{target.name}_{name}", rounded, unit, **measured)

    return [
        one("requests_per_second", result.requests_per_second, "req/s"),
        one("latency_p50", result.p50_ms, "ms"),
        one("latency_p95", result.p95_ms, "ms"),
        one("latency_max", result.max_ms, "ms"),
        one("errors", result.errors, "requests"),
    ]


def _describe(target: Target, result: load.Result) -> None:
    for name, percent in result.cpu_percent.items():
        if percent is not None:
            log.info(
                "%s: CPU of %s while measured: %.0f%% of one core",
                target.name,
                name,
                percent,
            )
    for kind, number in result.error_kinds.items():
        log.warning("%s: %s errors: %s", target.name, number, kind)


def main() -> None:
    """The fill process: an order as JSON on standard input, a report out.

    Run by ``Fill`` with the site's environment, so Django reaches the
    benchmark database; the benchmark runner itself never sets Django up.
    """
    order = json.load(sys.stdin)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwatch.settings")
    django.setup()
    # Django's logging settings send WARNING and worse to standard error; the
    # fill's progress is INFO.
    logging.getLogger("bench").setLevel(logging.INFO)
    # Imported only now: its models need Django set up.
    from bench import _case_rows

    report = _case_rows.fill(
        order["cases"],
        order["tokens"],
        _case_rows.Layout(USERNAME, GRANTOR, SHARED_FIELDS, FILTERS, SEED),
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
