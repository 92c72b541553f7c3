"""Rows per second and peak memory of ``flexwatch import``, beside a floor.

A million synthetic rows in the layout of CTDC's global victim dataset (58
HTCDS columns as CTDC publishes them, plus a case number and a full name;
see ``bench._htcds_rows``) are written to a CSV file with a fixed seed, then
imported into SQLite and into PostgreSQL, each time into a fresh workspace
(migrated, with one organisation, one analyst and a linkage project joined).
The profile is the shipped ``ctdc-global`` one with the case number as the
reference and the name as an identifier, so every row is read, mapped,
checked with ``CaseIn``, pseudonymised (HMAC-SHA256), screened and stored in
one all-or-nothing transaction, as ``flexwatch import`` does it:

- ``import``: pseudonyms only;
- ``reimport``: the same file again into the same store: every case is found
  by its reference and left unchanged;
- ``linkage``: pseudonyms and the linkage keys of the project joined;
- ``import_one_process``: as ``import``, without helper processes
  (``FLEXWATCH_IMPORT_HELPERS=0``): what the helpers gain.

The others run with the helpers the settings give (one by default): a
forked process reads, maps, checks and keys the rows while the importing
process stores them (``flexwatch.ingest.preparation``). Each reports the CPU
time of the importing process and of its helpers, and the helpers' peak
memory beside the importer's.

Each runs in a process of its own (``python -m bench.ingest --measure``),
which times the import from the request to the commit, so Python's and
Django's start is left out, and reports its own peak resident memory
(``VmHWM``) once a tenth of the file is read and at the end: the two agree
when memory is bounded.

The floor, timed the same way in a process of its own: ``polars.read_csv``
of the same file and a bare bulk insert of all its rows into one plain table
of text columns, ``COPY`` on PostgreSQL and one ``executemany`` transaction on
SQLite. Figures: rows per second and peak memory of each, and the ratio of
the floor's rate to each import's (goal: within 5).

Where the time goes: the first ``PROFILED_ROWS`` rows are imported once more
in one process under cProfile (pseudonyms only, and with linkage keys), and
each function's own time is put in a group by its module (reading, mapping,
validation, pseudonymisation, screening, database, the pipeline's own
look-ups and digests). Time spent in a library or a built-in counts for the group of the
code that called it.

Settings: ``FLEXWATCH_BENCH_IMPORT_ROWS`` (default 1000000) and
``FLEXWATCH_BENCH_POSTGRES_URL`` (see ``bench.home_page``). Run it alone with
``.venv/bin/python -m bench.ingest`` (``--rows N`` for fewer rows).
"""

import argparse
import cProfile
import json
import logging
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bench import Figure, _htcds_rows, figure, options, postgres
from bench.home_page import DEFAULT_POSTGRES_URL

# Named, not __name__: the measuring processes run this module as "__main__".
log = logging.getLogger("bench.ingest")

NAME = "ingest"
DEFAULT_ROWS = 1_000_000
PROFILED_ROWS = 100_000
SEED = 2018
DATABASES = ("sqlite", "postgresql")
# Each import measured, with the profile variant it uses.
KINDS = {
    "import": "names",
    "reimport": "names",
    "linkage": "linkage",
    "import_one_process": "names",
}
# The import as it runs without helper processes (flexwatch.ingest.preparation).
ONE_PROCESS = {"FLEXWATCH_IMPORT_HELPERS": "0"}
USERNAME = "bench-importer"
PASSWORD = "synthetic-bench-importer-2018"
LINKAGE = "bench-linkage"
# A made-up secret for a project that exists only in the benchmark's store.
LINKAGE_SECRET = "bench-linkage-secret-0123456789abcdef-not-a-real-one"
FLOOR_TABLE = "floor_rows"
_CHILD_TIMEOUT_S = 4 * 3600.0
_ROOT = Path(__file__).resolve().parent.parent

# What an agency's own CTDC-shaped file adds to the shipped profile: its case
# number as the reference (so a re-import finds its cases and compares their
# digests) and the victim's name to pseudonymise.
VARIANTS = {
    "names": f"""
name: bench-ctdc-names
title: Synthetic CTDC-shaped rows with case numbers and names
release: synthetic
reference: {_htcds_rows.REFERENCE}
identifiers:
  full_name: {_htcds_rows.FULL_NAME}
""",
    "linkage": f"""
name: bench-ctdc-linkage
title: Synthetic CTDC-shaped rows with case numbers, names and linkage keys
release: synthetic
reference: {_htcds_rows.REFERENCE}
identifiers:
  full_name: {_htcds_rows.FULL_NAME}
linkage: {LINKAGE}
""",
}

# Where a function's own time goes, by the file that holds it: the first
# group with a matching path part wins. Functions of no group (libraries,
# built-ins, the rest of the project) count for the groups of their callers.
GROUPS = (
    (
        "validation",
        (
            "flexwatch/ingest/mapping.py:validated",
            "flexwatch/ingest/mapping.py:_problems",
            "flexwatch/cases/record.py",
        ),
    ),
    (
        "reading",
        (
            "flexwatch/ingest/readers.py",
            "flexwatch/ingest/encodings.py",
            "flexwatch/ingest/delimited.py",
            "flexwatch/ingest/lines.py",
            "flexwatch/ingest/cells.py",
            "flexwatch/ingest/columns.py",
        ),
    ),
    ("mapping", ("flexwatch/ingest/mapping.py", "flexwatch/ingest/profile.py")),
    (
        "pseudonymisation",
        ("flexwatch/accounts/pseudonyms.py", "flexwatch/linkage/keys.py"),
    ),
    ("screening", ("flexwatch/cases/screening.py", "flexwatch/assessment/")),
    (
        "database",
        ("flexwatch/cases/bulk.py", "django/db/", "sqlite3/", "psycopg/"),
    ),
    (
        "pipeline",
        (
            "flexwatch/ingest/pipeline.py",
            "flexwatch/ingest/preparation.py",
            "flexwatch/ingest/commands.py",
        ),
    ),
)


def run(rows: int | None = None) -> list[Figure]:
    """Write the rows, import them into each database, measure the floor."""
    count = rows or options.count("FLEXWATCH_BENCH_IMPORT_ROWS", DEFAULT_ROWS)
    url = options.text("FLEXWATCH_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    if count < 1000:
        raise options.BenchmarkError(
            f"{count} rows are too few to time; give at least 1000."
        )
    with tempfile.TemporaryDirectory(prefix="flexwatch-bench-") as temporary:
        folder = Path(temporary)
        files = _inputs(folder, count)
        figures = []
        for database in DATABASES:
            measured = _measure_database(database, folder, files, url)
            figures += _figures(database, measured, count)
    return figures


def _inputs(folder: Path, count: int) -> dict[str, Path]:
    started = time.perf_counter()
    rows = folder / "ctdc-bench.csv"
    _htcds_rows.write(rows, count, SEED)
    small = folder / "ctdc-bench-small.csv"
    _htcds_rows.write(small, min(count, PROFILED_ROWS), SEED)
    log.info(
        "Wrote %d rows (%.0f MiB) in %.1f s",
        count,
        rows.stat().st_size / 2**20,
        time.perf_counter() - started,
    )
    return {"rows": rows, "small": small} | {
        variant: _profile(folder, variant) for variant in VARIANTS
    }


def _profile(folder: Path, variant: str) -> Path:
    """The shipped CTDC profile with the variant's keys, as a file."""
    shipped = resources.files("flexwatch.ingest") / "profiles" / "ctdc-global.yaml"
    profile = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    profile |= yaml.safe_load(VARIANTS[variant])
    path = folder / f"bench-{variant}.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return path


# Measuring, each in a fresh workspace and a process of its own


def _measure_database(
    database: str, folder: Path, files: dict[str, Path], url: str
) -> dict[str, dict[str, Any]]:
    log.info("Measuring on %s", database)
    measured = {}
    with _workspace(database, folder, "floor", url, prepared=False) as env:
        target = env["FLEXWATCH_DATABASE_URL"]
        if database == "sqlite":
            target = str(Path(env["FLEXWATCH_DATA_DIR"]) / "floor.sqlite3")
        measured["floor"] = _child(env, "floor", files["rows"], target)
    with _workspace(database, folder, "import", url) as env:
        measured["import"] = _child(env, "import", files["rows"], files["names"])
        measured["reimport"] = _child(env, "import", files["rows"], files["names"])
    with _workspace(database, folder, "linkage", url) as env:
        measured["linkage"] = _child(env, "import", files["rows"], files["linkage"])
    with _workspace(database, folder, "one-process", url) as env:
        measured["import_one_process"] = _child(
            env | ONE_PROCESS, "import", files["rows"], files["names"]
        )
    # In one process, so that the profile sees all of the work.
    for variant in VARIANTS:
        with _workspace(database, folder, f"profile-{variant}", url) as env:
            found = _child(env | ONE_PROCESS, "profile", files["small"], files[variant])
            measured[f"profile_{variant}"] = found
    return measured


@contextmanager
def _workspace(
    database: str, folder: Path, label: str, url: str, *, prepared: bool = True
) -> Iterator[dict[str, str]]:
    """A data folder and an empty database; migrated and peopled if prepared.

    Yields:
        The environment of the processes that use it.
    """
    data_dir = folder / f"{database}-{label}"
    data_dir.mkdir()
    try:
        with _database(database, data_dir, url) as database_url:
            env = _environment(database_url, data_dir)
            if prepared:
                _run_child(env, ["--prepare"])
            yield env
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def _database(database: str, data_dir: Path, url: str) -> Iterator[str]:
    if database == "sqlite":
        yield f"sqlite:///{data_dir / 'flexwatch.sqlite3'}"
        return
    with postgres.fresh_database(url) as fresh:
        yield fresh


def _environment(database_url: str, data_dir: Path) -> dict[str, str]:
    # The caller's own FLEXWATCH_* settings must not reach the workspace.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEXWATCH_")}
    return env | {
        "FLEXWATCH_DATABASE_URL": database_url,
        "FLEXWATCH_DATA_DIR": str(data_dir),
        "FLEXWATCH_DEBUG": "false",
        "FLEXWATCH_LOG_LEVEL": "WARNING",
    }


def _child(env: dict[str, str], kind: str, path: Path, target: Any) -> dict[str, Any]:
    """Measure one kind in a fresh process; what it found."""
    log.info("Measuring %s of %s", kind, path.name)
    argv = ["--measure", kind, "--input", str(path), "--target", str(target)]
    found: dict[str, Any] = json.loads(_run_child(env, argv).splitlines()[-1])
    # All of it, so that a long run stopped halfway still leaves its figures.
    log.info("%s of %s: %s", kind, path.name, json.dumps(found))
    return found


def _run_child(env: dict[str, str], argv: list[str]) -> str:
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.ingest", *argv],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=_ROOT,
            timeout=_CHILD_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as problem:
        raise options.BenchmarkError(
            f"python -m bench.ingest {' '.join(argv)} took more than "
            f"{_CHILD_TIMEOUT_S:.0f} s."
        ) from problem
    if done.returncode != 0:
        raise options.BenchmarkError(
            f"python -m bench.ingest {' '.join(argv)} failed "
            f"(status {done.returncode}); its errors are above."
        )
    return done.stdout


def _figures(
    database: str, measured: dict[str, dict[str, Any]], rows: int
) -> list[Figure]:
    context = {"database": database, "rows": rows, "seed": SEED}

    def one(name: str, value: float | None, unit: str, **extra: Any) -> Figure:
        return figure(NAME, name, value, unit, **(context | extra))

    floor = measured["floor"]
    figures = [
        one("floor_rows_per_second", round(floor["rows_per_second"]), "rows/s"),
        one("floor_peak_memory", floor["peak_mib"], "MiB"),
    ]
    for kind, variant in KINDS.items():
        found = measured[kind]
        rate = found["rows_per_second"]
        figures += [
            one(f"{kind}_rows_per_second", round(rate), "rows/s", profile=variant),
            one(f"{kind}_peak_memory", found["peak_mib"], "MiB", profile=variant),
            one(
                f"{kind}_peak_memory_tenth",
                found["peak_mib_tenth"],
                "MiB",
                profile=variant,
            ),
            one(
                f"{kind}_floor_ratio",
                round(floor["rows_per_second"] / rate, 2),
                "x",
                profile=variant,
            ),
            one(f"{kind}_cpu", found["cpu_seconds"], "s", profile=variant),
            one(
                f"{kind}_helpers_cpu",
                found["helpers_cpu_seconds"],
                "s",
                profile=variant,
            ),
            one(
                f"{kind}_helpers_peak_memory",
                found["helpers_peak_mib"],
                "MiB",
                profile=variant,
            ),
        ]
    for variant in VARIANTS:
        found = measured[f"profile_{variant}"]
        figures += [
            one(f"time_share_{group}", share, "%", rows=found["rows"], profile=variant)
            for group, share in found["shares"].items()
        ]
    return figures


# Inside a measuring process


def prepare() -> None:
    """Migrate the workspace's database; add the importer and its project."""
    _django()
    from django.core.management import call_command

    from flexwatch.accounts import actions
    from flexwatch.accounts.models import Organisation
    from flexwatch.linkage import projects

    call_command("migrate", interactive=False, verbosity=0)
    owner = Organisation.objects.create(
        name="Benchmark importer", country="FI", kind="national_rapporteur"
    )
    actions.create_user(USERNAME, PASSWORD, organisation=owner, role="analyst")
    projects.join(owner, LINKAGE, LINKAGE_SECRET, "Benchmark linkage")


def measure(kind: str, path: Path, target: str) -> dict[str, Any]:
    """Time one kind of work on the file (run in a process of its own).

    Args:
        kind: ``floor``, ``import`` or ``profile``.
        path: the CSV file.
        target: for ``floor`` the SQLite file or PostgreSQL URL to fill; for
            the others the profile file.
    """
    if kind == "floor":
        return Floor(target).measure(path)
    _django()
    if kind == "import":
        return _import(path, Path(target))
    return _profiled(path, Path(target))


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwatch.settings")
    import django

    django.setup()
    # Django's logging settings pass on WARNING and worse; progress is INFO.
    log.setLevel(logging.INFO)


class _Watch:
    """The import's progress callback: notes the peak memory at a tenth."""

    def __init__(self) -> None:
        self.tenths = 0
        self.peak_mib_tenth: float | None = None

    def __call__(self, done: int, total: int | None, message: str) -> None:
        if not total or done * 10 < total * (self.tenths + 1):
            return
        self.tenths = done * 10 // total
        if self.peak_mib_tenth is None:
            self.peak_mib_tenth = round(peak_memory_mib(), 1)
        log.info(
            "%d%% of the file read, peak %.0f MiB", self.tenths * 10, peak_memory_mib()
        )


def _import(path: Path, profile: Path) -> dict[str, Any]:
    from flexwatch.ingest import commands

    watch = _Watch()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    request = commands.request(
        str(path), str(profile), USERNAME, None, dry_run=False, skip_bad=False
    )
    outcome = commands.run(request, watch)
    seconds = time.perf_counter() - started
    _check(outcome, commands.summary(outcome))
    used = resource.getrusage(resource.RUSAGE_SELF)
    helpers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rows": outcome.rows_read,
        "created": outcome.cases_created,
        "unchanged": outcome.cases_unchanged,
        "seconds": round(seconds, 3),
        "rows_per_second": outcome.rows_read / seconds,
        "peak_mib": round(peak_memory_mib(), 1),
        "peak_mib_tenth": watch.peak_mib_tenth,
        "cpu_seconds": round(_cpu(used) - _cpu(cpu), 2),
        # Helpers are this process's only children, each waited for.
        "helpers_cpu_seconds": round(_cpu(helpers), 2),
        "helpers_peak_mib": round(helpers.ru_maxrss / 1024, 1),
    }


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def _check(outcome: Any, summary: list[str]) -> None:
    # Every row is new the first time and unchanged the second: anything
    # else means the benchmark measured something other than an import.
    stored = outcome.cases_created + outcome.cases_unchanged
    if outcome.status != "committed" or stored != outcome.rows_read:
        raise options.BenchmarkError(
            "The import did not store every row: " + " ".join(summary)
        )


def _profiled(path: Path, profile: Path) -> dict[str, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    found = _import(path, profile)
    profiler.disable()
    shares = time_shares(pstats.Stats(profiler))
    return {"rows": found["rows"], "seconds": found["seconds"], "shares": shares}


def peak_memory_mib() -> float:
    """This process's peak resident memory, in MiB.

    Linux's ``ru_maxrss`` keeps the parent's peak across fork and exec;
    ``VmHWM`` starts afresh with the new program.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # given in kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Where the time goes


def time_shares(stats: pstats.Stats) -> dict[str, float]:
    """Each group's share of the profiled time, in percent.

    A function of no group passes its own time on to its callers' groups,
    in proportion to the time it spent for each caller.
    """
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    memo: dict[Any, dict[str, float]] = {}
    totals: dict[str, float] = {}
    for function, (_cc, _nc, own, _cum, _callers) in table.items():
        for group, share in _groups_of(function, table, memo, set()).items():
            totals[group] = totals.get(group, 0.0) + own * share
    whole = sum(totals.values()) or 1.0
    ordered = sorted(totals.items(), key=lambda item: -item[1])
    return {group: round(100 * spent / whole, 1) for group, spent in ordered}


def _groups_of(
    function: Any,
    table: dict[Any, Any],
    memo: dict[Any, dict[str, float]],
    visiting: set[Any],
) -> dict[str, float]:
    if function in memo:
        return memo[function]
    own = _group(function)
    if own is not None:
        return memo.setdefault(function, {own: 1.0})
    callers = table[function][4] if function in table else {}
    spent = {caller: times[2] or times[0] for caller, times in callers.items()}
    whole = sum(spent.values())
    if function in visiting or not whole:
        return {"other": 1.0}
    visiting.add(function)
    found: dict[str, float] = {}
    for caller, time_for_caller in spent.items():
        for group, share in _groups_of(caller, table, memo, visiting).items():
            found[group] = found.get(group, 0.0) + share * time_for_caller / whole
    visiting.discard(function)
    memo[function] = found
    return found


def _group(function: Any) -> str | None:
    filename, _line, name = function
    place = f"{filename}:{name}"
    for group, parts in GROUPS:
        if any(part in place for part in parts):
            return group
    return None


# The floor: polars reads the file, one bulk insert stores it


class Floor:
    """``polars.read_csv`` and one bulk insert into a plain table of text."""

    def __init__(self, target: str) -> None:
        self.target = target

    def measure(self, path: Path) -> dict[str, Any]:
        import polars

        started = time.perf_counter()
        # Every column as text: the floor converts nothing.
        frame = polars.read_csv(path, infer_schema_length=0)
        if self.target.startswith(("postgres:", "postgresql:")):
            self._copy(frame)
        else:
            self._executemany(frame)
        seconds = time.perf_counter() - started
        return {
            "rows": frame.height,
            "seconds": round(seconds, 3),
            "rows_per_second": frame.height / seconds,
            "peak_mib": round(peak_memory_mib(), 1),
        }

    def _create(self, columns: list[str]) -> str:
        listed = ", ".join(f'"{name}" text' for name in columns)
        return f"CREATE TABLE {FLOOR_TABLE} ({listed})"

    def _copy(self, frame: Any) -> None:
        import psycopg

        with psycopg.connect(self.target) as connection:
            connection.execute(self._create(frame.columns))
            with connection.cursor().copy(f"COPY {FLOOR_TABLE} FROM STDIN") as copy:
                for row in frame.iter_rows():
                    copy.write_row(row)

    def _executemany(self, frame: Any) -> None:
        import sqlite3

        # The app's own settings for SQLite (flexwatch.settings).
        connection = sqlite3.connect(self.target, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(self._create(frame.columns))
            marks = ", ".join("?" * frame.width)
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                f"INSERT INTO {FLOOR_TABLE} VALUES ({marks})", frame.iter_rows()
            )
            connection.execute("COMMIT")
        finally:
            connection.close()


def main(argv: list[str]) -> int:
    """``python -m bench.ingest [--rows N]``, or one step of it (internal)."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    parser.add_argument("--rows", type=int)
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--measure", choices=("floor", "import", "profile"))
    parser.add_argument("--input", type=Path)
    parser.add_argument("--target")
    chosen = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s"
    )

    if chosen.prepare:
        prepare()
        return 0
    if chosen.measure:
        print(json.dumps(measure(chosen.measure, chosen.input, chosen.target)))
        return 0
    for found in run(chosen.rows):
        print(json.dumps(found), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
