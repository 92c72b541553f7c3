"""The national report's steps, timed one by one, for ``bench.report``.

Run by ``bench.report`` in a process of its own (``python -m
bench._report_steps``, an order as JSON on standard input, the result as
JSON on standard output) with ``FLEXWATCH_DATABASE_URL`` naming an empty
database, so that the runner never sets Django up and the peak memory is
this report's alone.

Called twice on the same database: once with ``"part": "fill"`` to fill it
with ``bench._stats_store.fill`` (the synthetic cases of
``bench._stats_rows``, written straight to the tables), and once with
``"part": "report"`` to make the report as ``reports.actions.make`` does,
in a fresh process whose peak memory is the report's alone, timing each
step:
reading the five frames as an analyst of every organisation, counting and
disclosure control, the charts drawn as SVG, the HTML for print (which draws
the charts again, as the command does) and the PDF. After each step it
notes the process's peak resident memory so far.
"""

import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

import django

log = logging.getLogger("bench.report")


def main() -> None:
    order = json.load(sys.stdin)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwatch.settings")
    django.setup()
    logging.getLogger("bench").setLevel(logging.INFO)
    part = fill if order["part"] == "fill" else report
    print(json.dumps(part(order)))


def fill(order: dict[str, Any]) -> dict[str, Any]:
    """Fill the empty database with the cases ``order`` asks for."""
    from bench import _stats_store

    _, owners, fill_s = _stats_store.fill(order["cases"], order["seed"])
    return {"fill_s": round(fill_s, 1), "owners": list(owners)}


def report(order: dict[str, Any]) -> dict[str, Any]:
    """Make the report ``order`` asks for from the filled database, timed."""
    steps = Steps()
    made = _report(order, tuple(order["owners"]), steps)
    return {"steps": steps.done, **made}


class Steps:
    """Each step's seconds and the peak memory once it has run."""

    def __init__(self) -> None:
        self.done: list[dict[str, Any]] = []

    def timed(self, name: str, work: Callable[[], Any]) -> Any:
        """Run ``work``, note its seconds and the peak memory so far."""
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        # ru_maxrss is in KiB on Linux.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.done.append(
            {"step": name, "s": round(seconds, 2), "peak_mib": round(peak)}
        )
        log.info("%s: %.2f s, peak memory %.0f MiB", name, seconds, peak)
        return result


def _report(
    order: dict[str, Any], owners: tuple[int, ...], steps: Steps
) -> dict[str, Any]:
    from flexwatch.accounts.scoping import Scope
    from flexwatch.reports import charts, content, render
    from flexwatch.stats import frames, population

    scope = Scope(user_id=None, roles=dict.fromkeys(owners, "analyst"))
    read = steps.timed("read_frames", lambda: _frames(frames, scope, content))
    request = content.Request(
        (order["country"],), order["first"], order["last"], language=order["lang"]
    )
    denominators = population.load(None)

    report = steps.timed(
        "count_and_protect", lambda: render.build(read, request, denominators)
    )
    specs = [spec for part in report.sections for spec in part.charts]
    steps.timed(
        "charts_svg", lambda: [charts.svg(s, lang=order["lang"]) for s in specs]
    )
    document = steps.timed(
        "html", lambda: render.html(report, denominators, for_print=True)
    )
    data, pages = steps.timed("pdf", lambda: render.pdf_with_pages(document))
    return {
        "report_cases": int(read.cases.filter(_in_report(order)).height),
        "frame_rows": {name: getattr(read, name).height for name in _FRAMES},
        "tables": len(report.tables),
        "charts": len(specs),
        "pages": pages,
        "pdf_bytes": len(data),
    }


_FRAMES = ("victims", "proceedings", "assistance", "observations", "cases")


def _frames(frames: Any, scope: Any, content: Any) -> Any:
    from flexwatch.law import store

    read = (getattr(frames, name)(scope) for name in _FRAMES)
    return content.Frames(*read, law=store.current_book())


def _in_report(order: dict[str, Any]) -> Any:
    import polars as pl

    return (pl.col("country") == order["country"]) & pl.col("year").is_between(
        order["first"], order["last"]
    )


if __name__ == "__main__":
    main()
