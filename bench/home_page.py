"""Requests per second and latency of the signed-in home page on PostgreSQL.

A fresh PostgreSQL database gets the demo workspace (``flexwatch init`` and
``flexwatch demo``); ``flexwatch serve`` serves it; a separate load process
(``bench.load``) signs clients in as ``fi-admin`` and has each ask for ``/``
again and again. After a warm-up, it counts good answers per second and their
latency (median, 95th percentile, slowest) and the errors. An answer is good
when it is a 200 showing the home page's organisations table and the sign-out
button, and not the sign-in form. The database is dropped at the end, also when
the run fails.

Settings (environment variables):

- ``FLEXWATCH_BENCH_POSTGRES_URL``: the database to drop, create and drop
  again; its name must contain "bench" (default
  ``postgresql://postgres@127.0.0.1:5432/flexwatch_bench``).
- ``FLEXWATCH_BENCH_CLIENTS``: concurrent clients (default 20).
- ``FLEXWATCH_BENCH_DURATION``: seconds measured, at least 1 (default 10).
- ``FLEXWATCH_BENCH_WARMUP``: seconds of load before measuring (default 2).
- ``FLEXWATCH_BENCH_SERVER_THREADS``: ``flexwatch serve --threads`` (default 8,
  as for ``flexwatch serve``).
"""

import logging

from bench import Figure, figure, load, options, postgres, server

log = logging.getLogger(__name__)

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/flexwatch_bench"
USERNAME = "fi-admin"
PASSWORD = "flexwatch-demo"
# Texts only the signed-in home page has, and one only the sign-in form has.
HOME_PAGE_TEXTS = ['id="memberships-heading"', 'action="/accounts/sign-out/"']
SIGN_IN_FORM_TEXT = 'name="password"'


def run() -> list[Figure]:
    """Serve the demo workspace from PostgreSQL and load its home page."""
    clients = options.count("FLEXWATCH_BENCH_CLIENTS", 20)
    duration = options.seconds("FLEXWATCH_BENCH_DURATION", 10.0, minimum=1.0)
    warmup = options.seconds("FLEXWATCH_BENCH_WARMUP", 2.0)
    threads = options.count("FLEXWATCH_BENCH_SERVER_THREADS", 8)
    url = options.text("FLEXWATCH_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)

    with (
        postgres.fresh_database(url) as database_url,
        server.running_site(database_url, threads) as site,
    ):
        plan = load.Plan(
            url=site.url,
            path="/",
            username=USERNAME,
            password=PASSWORD,
            clients=clients,
            warmup_s=warmup,
            duration_s=duration,
            expect=HOME_PAGE_TEXTS,
            refuse=[SIGN_IN_FORM_TEXT],
            watch_pids={"server": site.pid},
        )
        result = load.measure(plan)

    _describe(result)
    context = {
        "database": "postgresql",
        "clients": clients,
        "server_threads": threads,
        "duration_s": duration,
        "warmup_s": warmup,
        "requests": result.good + result.errors,
    }
    return _figures(result, context)


def _figures(result: load.Result, context: dict[str, object]) -> list[Figure]:
    def one(name: str, value: float | None, unit: str) -> Figure:
        rounded = None if value is None else round(value, 1)
        return figure("home_page", name, rounded, unit, **context)

    return [
        one("requests_per_second", result.requests_per_second, "req/s"),
        one("latency_p50", result.p50_ms, "ms"),
        one("latency_p95", result.p95_ms, "ms"),
        one("latency_max", result.max_ms, "ms"),
        one("errors", result.errors, "requests"),
    ]


def _describe(result: load.Result) -> None:
    log.info("Signing the clients in took %.1f s", result.sign_in_s)
    for name, percent in result.cpu_percent.items():
        if percent is not None:
            log.info("CPU of %s while measured: %.0f%% of one core", name, percent)
    for kind, number in result.error_kinds.items():
        log.warning("%s errors: %s", number, kind)
