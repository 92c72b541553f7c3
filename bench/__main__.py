"""Run the benchmarks: ``python -m bench [NAME ...]`` (``make bench`` runs all).

Every module in this folder that defines ``run()`` is a benchmark (see the
package docstring). Each figure is printed to standard output as one JSON
line, with the date, the number of CPUs and the load average added; progress
goes to standard error. The exit status is 1 when any benchmark failed; the
others still run.
"""

import datetime
import importlib
import json
import logging
import os
import pkgutil
import sys
import time
from pathlib import Path
from types import ModuleType

from bench.options import BenchmarkError

log = logging.getLogger("bench")


def discover() -> dict[str, ModuleType]:
    """Every benchmark module in this folder, by name, in name order."""
    folder = Path(__file__).resolve().parent
    found = {}
    for module in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if module.name.startswith("_"):
            continue
        imported = importlib.import_module(f"bench.{module.name}")
        if callable(getattr(imported, "run", None)):
            found[module.name] = imported
    return found


def _chosen(available: dict[str, ModuleType], names: list[str]) -> list[str]:
    unknown = [name for name in names if name not in available]
    if unknown:
        raise SystemExit(
            f"No benchmark named {', '.join(unknown)}; "
            f"choose from {', '.join(available)}."
        )
    return names or list(available)


def _run_one(name: str, module: ModuleType) -> bool:
    log.info("Running %s", name)
    # Other work on the machine skews the figures; the load average says how
    # busy it was when the benchmark began.
    busy = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    try:
        figures = module.run()
    except BenchmarkError as problem:
        log.error("Benchmark %s failed: %s", name, problem)
        return False
    except Exception:
        log.exception("Benchmark %s failed", name)
        return False

    today = datetime.date.today().isoformat()
    stamp = {"date": today, "cpus": os.cpu_count(), "load_average": busy}
    for figure in figures:
        print(json.dumps(figure | stamp), flush=True)
    log.info("%s done in %.1f s", name, time.perf_counter() - started)
    return True


def main(names: list[str]) -> int:
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s"
    )
    available = discover()
    results = [_run_one(name, available[name]) for name in _chosen(available, names)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
