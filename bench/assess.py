"""Cases per second and peak memory of the batch assessment, beside a NumPy floor.

A million synthetic cases (``run(cases=...)`` or ``python -m bench.assess
--cases N`` for fewer) are written as JSON Lines, then read three ways, each
in a process of its own so that each peak of memory is its own:

- ``floor``: the same JSON parsing, then the same rules vectorised in NumPy
  over chunks of cases: crosswalk, dimension rule (adult and child weights),
  overall rules, continuum, and which unknown indicator would turn a
  dimension positive. It writes nothing; it is what the work costs when the
  rules cost almost nothing.
- ``batch``: ``flexwatch.assessment.batch.assess_lines`` as ``flexwatch
  assess --framework ilo_ec_delphi_2009 --no-trace`` runs it, writing JSON
  Lines to a file.
- ``batch_trace``: the same with the trace, in English.

Figures: cases per second and peak resident memory of each, the ratio of
each batch to the floor (goal: within 3 times without the trace), and the
peak memory of the batch on a hundredth of the cases, which shows that
streaming keeps memory flat. Before timing, the floor's results for the
first cases are compared with the engine's, so the floor does the same work.
"""

import argparse
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from bench import Figure, figure
from bench.options import BenchmarkError

log = logging.getLogger(__name__)

NAME = "assess"
DEFAULT_CASES = 1_000_000
FRAMEWORK = "ilo_ec_delphi_2009"
CHUNK = 65_536
SEED = 2009
AGES = (None, 14, 16, 17, 19, 24, 31, 38, 45, 52, 60)
CHECKED = 2_000
REPEATS = 3
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def run(cases: int = DEFAULT_CASES) -> list[Figure]:
    """Write ``cases`` synthetic cases, assess them three ways, compare."""
    if cases < 100:
        raise BenchmarkError(f"cases={cases} is too few to time; give at least 100.")
    with tempfile.TemporaryDirectory(prefix="flexwatch-bench-") as folder:
        path = Path(folder) / "cases.jsonl"
        started = time.perf_counter()
        write_cases(path, cases)
        log.info("Wrote %d cases in %.1f s", cases, time.perf_counter() - started)
        check_floor(path)

        measured = _interleaved(("floor", "batch"), path, REPEATS)
        measured["batch_trace"] = _measure("batch_trace", path)
        small = path.with_name("small.jsonl")
        _head(path, small, max(cases // 100, 100))
        measured["batch_small"] = _measure("batch", small)
    return _figures(measured, cases)


def _figures(measured: dict[str, dict[str, float]], cases: int) -> list[Figure]:
    context = {"cases": cases, "framework": FRAMEWORK, "chunk": CHUNK}
    floor = measured["floor"]["cases_per_second"]
    figures = []
    for kind in ("floor", "batch", "batch_trace"):
        rate = measured[kind]["cases_per_second"]
        figures.append(
            figure(NAME, f"{kind}_cases_per_second", round(rate), "cases/s", **context)
        )
        peak = measured[kind]["peak_mib"]
        figures.append(figure(NAME, f"{kind}_peak_memory", peak, "MiB", **context))
    for kind in ("batch", "batch_trace"):
        ratio = floor / measured[kind]["cases_per_second"]
        figures.append(
            figure(NAME, f"{kind}_floor_ratio", round(ratio, 2), "x", **context)
        )
    small = measured["batch_small"]
    figures.append(
        figure(
            NAME,
            "batch_peak_memory_small",
            small["peak_mib"],
            "MiB",
            **(context | {"cases": int(small["cases"])}),
        )
    )
    return figures


# Synthetic cases


def write_cases(path: Path, cases: int, seed: int = SEED) -> None:
    """Write ``cases`` synthetic cases as JSON Lines, the same for a seed.

    Most ids are Delphi indicators, some from the other frameworks; a few
    are given as not observed; the age is sometimes unknown or a child's.
    """
    from flexwatch.assessment import frameworks

    catalogue = frameworks.catalogue()
    delphi = [i.id for i in catalogue.framework(FRAMEWORK).indicators]
    others = sorted(catalogue.ids - set(delphi))
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(cases):
            out.write(json.dumps(_case(rng, n, delphi, others)) + "\n")


def _case(
    rng: random.Random, n: int, delphi: list[str], others: list[str]
) -> dict[str, Any]:
    picked = rng.sample(delphi, rng.randint(0, 9)) + rng.sample(
        others, rng.randint(0, 2)
    )
    rng.shuffle(picked)
    cut = len(picked) - rng.randint(0, min(2, len(picked)))
    case: dict[str, Any] = {
        "id": f"c{n}",
        "age": rng.choice(AGES),
        "observed": picked[:cut],
    }
    if cut < len(picked):
        case["not_observed"] = picked[cut:]
    return case


def _head(source: Path, target: Path, lines: int) -> None:
    with source.open("rb") as read, target.open("wb") as write:
        for n, line in enumerate(read):
            if n >= lines:
                break
            write.write(line)


# Measuring, each kind in a process of its own


def _interleaved(
    kinds: tuple[str, ...], path: Path, repeats: int
) -> dict[str, dict[str, float]]:
    """The best of ``repeats`` runs of each kind, the kinds taking turns.

    The machine may be shared, and other work only ever slows a run down, so
    the fastest run is the one least disturbed; taking turns lets the kinds
    compared meet the same disturbances.
    """
    best: dict[str, dict[str, float]] = {}
    for _ in range(repeats):
        for kind in kinds:
            found = _measure(kind, path)
            if (
                kind not in best
                or found["cases_per_second"] > best[kind]["cases_per_second"]
            ):
                best[kind] = found
    return best


def _measure(kind: str, path: Path) -> dict[str, float]:
    """One run in a fresh process, NumPy's BLAS on one thread like the batch."""
    log.info("Measuring %s on %s", kind, path.name)
    command = [sys.executable, "-m", "bench.assess", "--measure", kind]
    one_thread = dict.fromkeys(BLAS_THREADS, "1")
    done = subprocess.run(
        [*command, "--input", str(path)],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
        env=os.environ | one_thread,
    )
    if done.returncode != 0:
        raise BenchmarkError(f"measuring {kind} failed: {done.stderr.strip()[-2000:]}")
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    rate, peak = found["cases_per_second"], found["peak_mib"]
    log.info("%s: %.0f cases/s, peak %.0f MiB", kind, rate, peak)
    return found


def measure(kind: str, path: Path) -> dict[str, float]:
    """Time one way of assessing the file (run in a process of its own)."""
    if kind == "floor":
        floor = Floor()
        started = time.perf_counter()
        cases = floor.run(path)
    else:
        cases, started = _batch(path, trace=kind == "batch_trace")
    seconds = time.perf_counter() - started
    return {
        "cases": cases,
        "seconds": round(seconds, 3),
        "cases_per_second": cases / seconds,
        "peak_mib": round(peak_memory_mib(), 1),
    }


def peak_memory_mib() -> float:
    """This process's peak resident memory, in MiB.

    Linux's ``ru_maxrss`` keeps the parent's peak across fork and exec, so a
    measuring process would report the runner's memory; ``VmHWM`` starts
    afresh with the new program.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # given in kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _batch(path: Path, trace: bool) -> tuple[int, float]:
    from flexwatch.assessment import batch, engine, frameworks

    engine.default()
    frameworks.sentences()
    settings = batch.Settings(frameworks=(FRAMEWORK,), trace=trace, source=path.name)
    tally = batch.Tally()
    started = time.perf_counter()
    with (
        path.open(encoding="utf-8") as lines,
        tempfile.TemporaryFile("w", encoding="utf-8") as out,
    ):
        for block in batch.blocks(
            batch.assess_lines(lines, "jsonl", settings, tally=tally)
        ):
            out.write(block)
    return tally.cases, started


# The floor: the same parsing, the rules in NumPy


class Floor:
    """The batch's rules as array operations over chunks of cases.

    It reads the frameworks, crosswalk and continuum from the same data files
    as the engine, but not the engine's compiled tables, so it is also an
    independent check of the engine's results.
    """

    def __init__(self) -> None:
        from flexwatch.assessment import frameworks

        self.catalogue = frameworks.catalogue()
        self.continuum = frameworks.continuum()
        ids = sorted(self.catalogue.ids)
        self.index = {i: n for n, i in enumerate(ids)}
        self.reach = self._reach(frameworks.crosswalk().reach, len(ids))
        self.slots = [(f, d) for f in self.catalogue.frameworks for d in f.dimensions]
        self.slot_of_id = np.zeros(len(ids), dtype=np.intp)
        for k, (_, d) in enumerate(self.slots):
            for i in d.indicators:
                self.slot_of_id[self.index[i.id]] = k
        self.tiers = {p: self._tier_matrix(p, len(ids)) for p in ("adult", "child")}
        self.tier_of_id = {
            p: matrix.reshape(len(ids), len(self.slots), 4).sum(axis=1).argmax(axis=1)
            for p, matrix in self.tiers.items()
        }

    def _reach(self, reach: Mapping[str, frozenset[str]], size: int) -> Any:
        matrix = np.eye(size, dtype=np.float32)
        for source, targets in reach.items():
            for target in targets:
                matrix[self.index[source], self.index[target]] = 1.0
        return matrix

    def _tier_matrix(self, population: str, size: int) -> Any:
        """Rows of ids, columns of (slot, tier): where an observed id adds one."""
        tiers = ("strong", "medium", "weak")
        matrix = np.zeros((size, len(self.slots) * 4), dtype=np.float32)
        for k, (_, dimension) in enumerate(self.slots):
            for i in dimension.indicators:
                strength = i.child_strength if population == "child" else i.strength
                tier = tiers.index(strength) if strength in tiers else 3
                matrix[self.index[i.id], k * 4 + tier] = 1.0
        return matrix

    def run(self, path: Path) -> int:
        """Assess every case of the file; the number of cases."""
        total = 0
        with path.open(encoding="utf-8") as lines:
            for chunk in self.chunks(lines):
                self.assess(*chunk)
                total += len(chunk[2])
        return total

    def chunks(
        self, lines: Iterable[str | bytes]
    ) -> Iterator[tuple[Any, Any, list[int | None]]]:
        """The cases of ``lines`` as matrices, a chunk at a time."""
        index = self.index
        rows: list[int] = []
        cols: list[int] = []
        missed_rows: list[int] = []
        missed_cols: list[int] = []
        ages: list[int | None] = []
        for line in lines:
            case = json.loads(line)
            row = len(ages)
            ages.append(case.get("age"))
            for i in case.get("observed", ()):
                rows.append(row)
                cols.append(index[i])
            for i in case.get("not_observed", ()):
                missed_rows.append(row)
                missed_cols.append(index[i])
            if len(ages) == CHUNK:
                yield self._matrices(rows, cols, missed_rows, missed_cols, ages)
                rows, cols, missed_rows, missed_cols, ages = [], [], [], [], []
        if ages:
            yield self._matrices(rows, cols, missed_rows, missed_cols, ages)

    def _matrices(
        self,
        rows: list[int],
        cols: list[int],
        missed_rows: list[int],
        missed_cols: list[int],
        ages: list[int | None],
    ) -> tuple[Any, Any, list[int | None]]:
        shape = (len(ages), len(self.index))
        observed = np.zeros(shape, dtype=np.float32)
        observed[rows, cols] = 1.0
        missed = np.zeros(shape, dtype=bool)
        missed[missed_rows, missed_cols] = True
        return observed, missed, ages

    def assess(
        self, observed: Any, missed: Any, ages: list[int | None]
    ) -> dict[str, Any]:
        """Per population: dimensions, verdicts, continuum level, ask-next."""
        counted = (observed @ self.reach) > 0
        known = counted | missed
        age = np.array([-1 if a is None else a for a in ages])
        results = {}
        for population in ("adult", "child"):
            applies = (age < 0) | ((age >= 18) if population == "adult" else (age < 18))
            results[population] = self._population(population, counted, known, applies)
        return results

    def _population(
        self, population: str, counted: Any, known: Any, applies: Any
    ) -> dict[str, Any]:
        counts = (counted.astype(np.float32) @ self.tiers[population]).astype(np.int32)
        counts = counts.reshape(len(counted), len(self.slots), 4)
        positive = np.stack(
            [self._positive(f, counts[:, k]) for k, (f, _) in enumerate(self.slots)],
            axis=1,
        )
        verdicts = {
            f.id: self._test(f.rule_for(population).test, f, positive, counted)  # type: ignore[union-attr]
            for f in self.catalogue.frameworks
            if f.scored
        }
        level = self._level(positive, counted, verdicts)
        ask = self._ask_next(population, counts, positive, known)
        return {
            "positive": positive[applies],
            "verdicts": {k: v[applies] for k, v in verdicts.items()},
            "level": level[applies],
            "ask": ask[applies],
        }

    def _positive(self, framework: Any, counts: Any) -> Any:
        rule = framework.dimension_rule
        if rule is None:
            return np.zeros(len(counts), dtype=bool)
        places = {
            "strong": (0,),
            "medium": (1,),
            "weak": (2,),
            "medium_or_weak": (1, 2),
            "any": (0, 1, 2, 3),
        }
        met = np.zeros(len(counts), dtype=bool)
        for option in rule.alternatives:
            holds = np.ones(len(counts), dtype=bool)
            for tier, least in option:
                holds &= counts[:, list(places[tier])].sum(axis=1) >= least
            met |= holds
        return met

    def _test(self, test: Any, framework: Any, positive: Any, counted: Any) -> Any:
        if isinstance(test, str):
            return self._leaf(test, framework, positive, counted)
        operator, parts = test
        found = [self._test(p, framework, positive, counted) for p in parts]
        return (
            np.logical_and.reduce(found)
            if operator == "all_of"
            else np.logical_or.reduce(found)
        )

    def _leaf(self, name: str, framework: Any, positive: Any, counted: Any) -> Any:
        if "." in name:
            return counted[:, self.index[name]]
        framework_id, _, dimension_id = name.partition("/")
        if not dimension_id:
            framework_id, dimension_id = framework.id, name
        k = next(
            n
            for n, (f, d) in enumerate(self.slots)
            if f.id == framework_id and d.id == dimension_id
        )
        return positive[:, k]

    def _level(self, positive: Any, counted: Any, verdicts: dict[str, Any]) -> Any:
        level = np.zeros(len(counted), dtype=np.int8)
        for n, item in enumerate(self.continuum.levels[1:], start=1):
            met = self._level_test(item.test, positive, counted, verdicts)
            level[met] = n
        return level

    def _level_test(
        self, test: Any, positive: Any, counted: Any, verdicts: dict[str, Any]
    ) -> Any:
        if isinstance(test, str) and test in verdicts:
            return verdicts[test]
        if isinstance(test, str):
            return self._leaf(test, None, positive, counted)
        operator, parts = test
        found = [self._level_test(p, positive, counted, verdicts) for p in parts]
        return (
            np.logical_and.reduce(found)
            if operator == "all_of"
            else np.logical_or.reduce(found)
        )

    def _ask_next(self, population: str, counts: Any, positive: Any, known: Any) -> Any:
        """Unknown ids whose observation would turn their dimension positive."""
        turns = np.zeros((len(counts), len(self.slots), 4), dtype=bool)
        for tier in range(4):
            more = counts.copy()
            more[:, :, tier] += 1
            turns[:, :, tier] = np.stack(
                [self._positive(f, more[:, k]) for k, (f, _) in enumerate(self.slots)],
                axis=1,
            )
        tier_of = self.tier_of_id[population]
        flips = turns[:, self.slot_of_id, tier_of] & ~positive[:, self.slot_of_id]
        return flips & ~known


def check_floor(path: Path) -> None:
    """The floor and the engine agree on the first cases of the file.

    Raises:
        BenchmarkError: naming the first case where they differ.
    """
    from flexwatch.assessment import engine

    screen = engine.default()
    floor = Floor()
    with path.open("rb") as read:
        lines = list(islice(read, CHECKED))
    cases = [json.loads(line) for line in lines]
    chunk = next(floor.chunks(lines))
    found = floor.assess(*chunk)
    for population in ("adult", "child"):
        ages = (engine.populations(case["age"]) for case in cases)
        rows = [n for n, applies in enumerate(ages) if population in applies]
        for at, row in enumerate(rows):
            _compare(screen, floor, found[population], at, cases[row], population)
    log.info("The floor agrees with the engine on %d cases", len(cases))


def _compare(
    screen: Any,
    floor: Floor,
    found: dict[str, Any],
    at: int,
    case: dict[str, Any],
    population: str,
) -> None:
    seen = screen.observations(case["observed"], case.get("not_observed", ()))
    result = screen.assess(seen, case["age"])
    expected = next(a for a in result.assessments if a.population == population)
    score = expected.scores[FRAMEWORK]
    ids = sorted(floor.index)
    own = {i.id for i in score.framework.indicators}
    slots = [k for k, (f, _) in enumerate(floor.slots) if f.id == FRAMEWORK]
    by_floor = (
        floor.continuum.levels[found["level"][at]].id,
        bool(found["verdicts"][FRAMEWORK][at]),
        [bool(found["positive"][at, k]) for k in slots],
        sorted(ids[n] for n in np.flatnonzero(found["ask"][at]) if ids[n] in own),
    )
    by_engine = (
        expected.continuum.level.id,
        score.verdict,
        list(score.dimensions.values()),
        sorted(score.ask_next),
    )
    if by_floor != by_engine:
        raise BenchmarkError(
            f"case {case['id']} as {population}: the floor gives {by_floor}; "
            f"the engine {by_engine}."
        )


def main(argv: list[str]) -> int:
    """``python -m bench.assess [--cases N]``, or one measurement (internal)."""
    parser = argparse.ArgumentParser(prog="python -m bench.assess")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES)
    parser.add_argument("--measure", choices=("floor", "batch", "batch_trace"))
    parser.add_argument("--input", type=Path)
    options = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(name)s: %(message)s"
    )

    if options.measure:
        print(json.dumps(measure(options.measure, options.input)))
        return 0
    for found in run(options.cases):
        print(json.dumps(found), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
