"""Many cases at once: JSON Lines or CSV in, one JSON line per case and framework out.

Pure functions over iterables of lines; ``flexwatch assess`` only opens the
files. An input line (JSON Lines)::

    {"id": "c1", "age": 34, "observed": ["dr.nature_of_job", "ex.excessive_hours"],
     "not_observed": ["cd.documents"], "unknown": []}

In CSV the same columns, with a header row and ids separated by ``;``. Only
``id`` is required; an empty age is not known, and an id given in no list is
unknown.

A line that cannot be read raises BadLine, naming the source, the line, the
field and what would be accepted. ``assess_lines`` checks each line before it
yields that line's results, so a caller that writes somewhere temporary and
keeps the output only when the generator finishes never publishes part of a
bad input. With ``skip_bad`` a bad line is handed to ``on_bad`` and skipped.
"""

import csv
import difflib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePath
from typing import Any, NamedTuple

from flexwatch.assessment import frameworks
from flexwatch.assessment.engine import (
    OLDEST_AGE,
    STATUSES,
    Assessment,
    CaseResult,
    Engine,
    Observations,
    Position,
    Score,
    populations,
)
from flexwatch.assessment.engine import default as default_engine
from flexwatch.assessment.explain import Explainer
from flexwatch.assessment.model import (
    LANGUAGES,
    ConflictingObservation,
    UnknownIndicator,
)

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv")
FIELDS = ("id", "age", *STATUSES)
FIELD_SET = frozenset(FIELDS)
EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
CSV_SEPARATOR = ";"
# Output lines written at once: large enough that the cost of a write fades.
BLOCK = 1024
EXAMPLE = '{"id": "c1", "age": 34, "observed": ["dr.nature_of_job"]}'
UNKNOWN_AGE = "leave it empty when not known"

Line = str | bytes


class BadLine(ValueError):
    """An input line that cannot be assessed.

    Attributes:
        source: The input's name, such as ``cases.jsonl`` or ``<stdin>``.
        line: The line number, from 1.
        problem: What is wrong and what would be accepted.
        fatal: The whole input is unusable (a bad CSV header), so it cannot be
            skipped.
    """

    def __init__(self, source: str, line: int, problem: str, fatal: bool = False):
        super().__init__(f"{source}, line {line}: {problem}")
        self.source = source
        self.line = line
        self.problem = problem
        self.fatal = fatal


class Case(NamedTuple):
    """One input line, checked."""

    line: int
    id: str | int
    age: int | None
    observations: Observations


@dataclass(frozen=True)
class Settings:
    """How a batch is assessed and written.

    Attributes:
        frameworks: The framework ids to write a line for, per case.
        language: The language of the trace and notice (en, fi, et, pl).
        trace: Write the trace (off is faster).
        skip_bad: Report and skip a bad line instead of stopping.
        source: The input's name, for messages.
    """

    frameworks: tuple[str, ...]
    language: str = "en"
    trace: bool = True
    skip_bad: bool = False
    source: str = "<input>"


@dataclass
class Tally:
    """What a batch did, filled in as it runs."""

    cases: int = 0
    written: int = 0
    skipped: int = 0


def format_of(name: str, given: str | None = None) -> str:
    """The input format: ``given`` if set, else from the file name's extension.

    Standard input (``-``) is read as JSON Lines unless told otherwise.

    Raises:
        ValueError: an unknown format or extension, naming the accepted ones.
    """
    if given is not None:
        if given not in FORMATS:
            raise ValueError(
                f"format {given!r} is not known; use {' or '.join(FORMATS)}."
            )
        return given
    if name == "-":
        return "jsonl"
    suffix = PurePath(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise ValueError(
            f"cannot tell the format of {name!r} from its extension; name the file "
            f"{', '.join(EXTENSIONS)} or give --format {' or '.join(FORMATS)}."
        )
    return EXTENSIONS[suffix]


def check_language(language: str) -> str:
    """``language`` if the trace can be written in it.

    Raises:
        ValueError: naming the language and the accepted ones.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"language {language!r} is not known; use one of {', '.join(LANGUAGES)}."
        )
    return language


# Reading


def read_cases(
    lines: Iterable[Line], fmt: str, engine: Engine, source: str = "<input>"
) -> Iterator[Case | BadLine]:
    """Each input line as a checked case, or as the BadLine saying what is wrong.

    Blank lines are passed over. A bad CSV header is a fatal BadLine.
    """
    if fmt == "csv":
        return _read_csv(lines, engine, source)
    return _read_jsonl(lines, engine, source)


def _read_jsonl(
    lines: Iterable[Line], engine: Engine, source: str
) -> Iterator[Case | BadLine]:
    loads = json.loads
    for number, raw in enumerate(lines, start=1):
        try:
            record = loads(raw)
        except ValueError as problem:
            if raw.strip():
                yield BadLine(source, number, f"not valid JSON ({problem}).")
            continue
        try:
            if type(record) is not dict:
                found = f"found {record!r}"
                raise BadLine(
                    source, number, f"expected an object such as {EXAMPLE}, {found}."
                )
            yield _case(record, engine, source, number)
        except BadLine as bad:
            yield bad


def _read_csv(
    lines: Iterable[Line], engine: Engine, source: str
) -> Iterator[Case | BadLine]:
    text = (raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw for raw in lines)
    reader = csv.DictReader(text)
    header = reader.fieldnames or []
    unknown = [name for name in header if name not in FIELDS]
    if "id" not in header or unknown:
        problem = f"the header must name the column id and may name {', '.join(FIELDS)}"
        found = f"; found {', '.join(header) or 'nothing'}."
        yield BadLine(source, 1, problem + found, fatal=True)
        return

    start = reader.line_num + 1
    for row in reader:
        number, start = start, reader.line_num + 1
        try:
            yield _case(_csv_record(row, source, number), engine, source, number)
        except BadLine as bad:
            yield bad


def _csv_record(
    row: Mapping[str | None, Any], source: str, number: int
) -> dict[str, Any]:
    if None in row:
        raise BadLine(
            source, number, "the row has more values than the header has columns."
        )
    record: dict[str, Any] = {"id": row.get("id") or None}
    age = (row.get("age") or "").strip()
    if age:
        if not age.isdigit():
            raise BadLine(
                source,
                number,
                f"age {age!r} is not a whole number of years; {UNKNOWN_AGE}.",
            )
        record["age"] = int(age)
    for status in STATUSES:
        cell = row.get(status) or ""
        record[status] = [i.strip() for i in cell.split(CSV_SEPARATOR) if i.strip()]
    return record


def _case(record: Mapping[str, Any], engine: Engine, source: str, number: int) -> Case:
    """Check one record's fields and ids."""
    if not FIELD_SET.issuperset(record):
        extra = next(key for key in record if key not in FIELDS)
        fields = ", ".join(FIELDS)
        raise BadLine(
            source, number, f"unknown field {extra!r}; the fields are {fields}."
        )
    case_id: Any = record.get("id")
    if type(case_id) not in (str, int) or case_id == "":
        problem = (
            f"id {case_id!r} is not usable; give each case an id as text or a number."
        )
        raise BadLine(source, number, problem)
    age = record.get("age")
    if age is not None and not (type(age) is int and 0 <= age <= OLDEST_AGE):
        try:
            populations(age)
        except ValueError as problem:
            raise BadLine(source, number, str(problem)) from problem

    given = (
        record.get("observed") or [],
        record.get("not_observed") or [],
        record.get("unknown") or [],
    )
    try:
        found = _known(engine.ids, *given)
    except TypeError:
        found = None  # an unhashable item; the full check below names it
    if found is None:
        found = _observations(engine, given, source, number)
    return Case(number, case_id, age, found)


def _observations(
    engine: Engine, given: tuple[Any, Any, Any], source: str, number: int
) -> Observations:
    """Check each list in turn, so that the first bad id is the one named."""
    for status, value in zip(STATUSES, given, strict=True):
        _check_list(engine, status, value, source, number)
    try:
        return engine.observations(*given)
    except ConflictingObservation as problem:
        raise BadLine(source, number, str(problem)) from problem


def _known(
    ids: frozenset[str], observed: Any, not_observed: Any, unknown: Any
) -> Observations | None:
    """The observations when every list holds known ids and none overlap, else None.

    Checked with set operations, which run at C speed: this is the path of
    nearly every line of a batch.
    """
    if type(observed) is not list or not ids.issuperset(observed):
        return None
    seen = frozenset(observed)
    if not not_observed and not unknown:
        return Observations(seen)
    if type(not_observed) is not list or type(unknown) is not list:
        return None
    if not ids.issuperset(not_observed) or not ids.issuperset(unknown):
        return None
    missed, rest = frozenset(not_observed), frozenset(unknown)
    if seen.isdisjoint(missed) and seen.isdisjoint(rest) and missed.isdisjoint(rest):
        return Observations(seen, missed)
    return None


def _check_list(
    engine: Engine, status: str, value: Any, source: str, number: int
) -> None:
    if not isinstance(value, list):
        raise BadLine(
            source,
            number,
            f"field {status!r} is {value!r}; give a list of indicator ids.",
        )
    for item in value:
        if not isinstance(item, str):
            raise BadLine(
                source,
                number,
                f"field {status!r} holds {item!r}; give indicator ids as text.",
            )
        if item not in engine.ids:
            raise BadLine(
                source, number, f"field {status!r}: {_unknown_id(engine, item)}"
            )


def _unknown_id(engine: Engine, indicator_id: str) -> str:
    """The catalogue's message for an unknown id, led by the nearest ids."""
    try:
        engine.catalogue.indicator(indicator_id)
    except UnknownIndicator as problem:
        nearest = difflib.get_close_matches(
            indicator_id, sorted(engine.ids), n=3, cutoff=0.6
        )
        if nearest:
            near = ", ".join(nearest)
            return (
                f"{indicator_id!r} is not an indicator id; nearest: {near}. {problem}"
            )
        return str(problem)
    return f"{indicator_id!r} is known"  # not reached: the caller checked


# Assessing and writing


def assess_lines(
    lines: Iterable[Line],
    fmt: str,
    settings: Settings,
    *,
    engine: Engine | None = None,
    explainer: Explainer | None = None,
    on_bad: Callable[[BadLine], None] | None = None,
    tally: Tally | None = None,
) -> Iterator[str]:
    """Assess every case of ``lines``; yield one JSON line per case and framework.

    Args:
        lines: The input, line by line (text or bytes).
        fmt: "jsonl" or "csv".
        settings: Frameworks, language, trace, skip_bad and the source's name.
        engine: The engine (default: the package's own data).
        explainer: Writes the traces (default: the package's sentences).
        on_bad: Told of each skipped line when ``settings.skip_bad`` is set.
        tally: Counts cases, lines written and lines skipped, if given.

    Yields:
        Lines of JSON, each ending in a newline.

    Raises:
        BadLine: the first bad line, unless ``settings.skip_bad`` is set (a
            fatal one always).
    """
    engine = engine or default_engine()
    explainer = explainer or Explainer(engine, frameworks.sentences())
    line = Writer(engine, explainer, settings).line
    asked = engine.frameworks(settings.frameworks)
    tally = tally or Tally()

    started = time.perf_counter()
    for item in read_cases(lines, fmt, engine, settings.source):
        if isinstance(item, BadLine):
            if item.fatal or not settings.skip_bad:
                raise item
            tally.skipped += 1
            if on_bad is not None:
                on_bad(item)
            continue
        result = engine.assess(item.observations, item.age, asked)
        tally.cases += 1
        for framework_id in asked:
            yield line(item, result, framework_id)
        tally.written += len(asked)

    seconds = time.perf_counter() - started
    log.info(
        "Assessed %d cases from %s in %.1f s: %d lines written, %d bad lines skipped",
        tally.cases,
        settings.source,
        seconds,
        tally.written,
        tally.skipped,
    )


def blocks(lines: Iterable[str], size: int = BLOCK) -> Iterator[str]:
    """``lines`` joined ``size`` at a time, for fewer, larger writes."""
    iterator = iter(lines)
    while block := "".join(islice(iterator, size)):
        yield block


class Writer:
    """Turns a case's result into the JSON line of one framework.

    A batch writes a million of these, so the line is put together from
    pieces of JSON kept from earlier cases (the dimensions, the verdict and
    the continuum take few distinct values) rather than encoded whole; the
    result is the same JSON as ``json.dumps(record(...))``.
    """

    def __init__(
        self, engine: Engine, explainer: Explainer, settings: Settings
    ) -> None:
        self.engine = engine
        self.explainer = explainer
        self.settings = settings
        self.notice = explainer.notice(settings.language)
        self._rules = {
            f.id: {
                "framework": f.id,
                "version": f.version,
                "crosswalk": engine.crosswalk.version,
                "continuum": engine.continuum.version,
            }
            for f in engine.catalogue.frameworks
        }
        self._ids = {i: _dumps(i) for i in engine.ids}
        self._pieces: dict[tuple[Any, ...], str] = {}
        self._tails: dict[tuple[str, tuple[str, ...]], str] = {}
        self._agreements: dict[tuple[str, str], str] = {}
        self._arounds: dict[tuple[object, ...], tuple[str, str]] = {}

    def line(self, case: Case, result: CaseResult, framework_id: str) -> str:
        """The JSON line for one case and one framework, newline included."""
        quoted = _quote(case.id) if type(case.id) is str else str(case.id)
        assessments = result.assessments
        if len(assessments) == 1 and not self.settings.trace:
            score = assessments[0].scores[framework_id]
            before, after = self._around(score, assessments[0].continuum)
            return '{"id": ' + quoted + before + self._asked(score.ask_next) + after

        head = '{"id": ' + quoted + ', "framework": "' + framework_id + '", '
        if len(assessments) == 1:
            score = assessments[0].scores[framework_id]
            body = self._body(score, assessments[0].continuum)
            applied: tuple[str, ...] = (score.rule.id,)
        else:
            scores = [a.scores[framework_id] for a in assessments]
            body = self._both(scores, [a.continuum for a in assessments])
            applied = tuple(score.rule.id for score in scores)

        tail = self._tail(framework_id, applied)
        if self.settings.trace:
            trace = self.explainer.trace(result, framework_id, self.settings.language)
            tail += ', "trace": ' + _dumps(trace)
        return head + body + tail + "}\n"

    def _around(self, score: Score, position: Position) -> tuple[str, str]:
        """A line without a trace, before and after its ask-next list.

        Nearly every line of a batch is one of these, so the two pieces are
        kept whole for each result already seen.
        """
        key = (score.population, position, *self._key(score))
        found = self._arounds.get(key)
        if found is None:
            name = score.framework.id
            population = (
                f', "framework": "{name}", "population": "{score.population}", '
            )
            before = population + self._piece(score, position)
            found = (before, self._tail(name, (score.rule.id,)) + "}\n")
            if len(self._arounds) < PIECES_KEPT:
                self._arounds[key] = found
        return found

    def _key(self, score: Score) -> tuple[object, ...]:
        present = score.present if score.verdict is None else ()
        return (score.framework.id, score.results, score.verdict, present)

    def _body(self, score: Score, position: Position) -> str:
        """One population's result, from the population to the ask-next list."""
        population = '"population": "' + score.population + '", '
        return population + self._piece(score, position) + self._asked(score.ask_next)

    def _both(self, scores: list[Score], positions: list[Position]) -> str:
        """An adult's and a child's results: what they agree on, then each."""
        adult, child = scores
        pieces = [self._piece(s, p) for s, p in zip(scores, positions, strict=True)]
        key = (pieces[0], pieces[1])
        agreed = self._agreements.get(key)
        if agreed is None:
            parts = [_part_of(s, p) for s, p in zip(scores, positions, strict=True)]
            found = _agreed(parts, adult.framework.verdict_field)
            del found["ask_next"]
            agreed = self._agreements[key] = _dumps(found)[1:-1] + ', "ask_next": '

        asked = self._asked(tuple(dict.fromkeys(adult.ask_next + child.ask_next)))
        each = [
            p + self._asked(s.ask_next) for s, p in zip(scores, pieces, strict=True)
        ]
        return (
            f'"population": "unknown", {agreed}{asked}, '
            f'"if_adult": {{{each[0]}}}, "if_child": {{{each[1]}}}'
        )

    def _asked(self, ids: tuple[str, ...]) -> str:
        return "[" + ", ".join(map(self._ids.__getitem__, ids)) + "]"

    def _piece(self, score: Score, position: Position) -> str:
        """The dimensions up to the ask-next list, as JSON, kept for reuse."""
        key = (
            score.framework.id,
            score.results,
            score.verdict,
            score.present if score.verdict is None else (),
            position,
            score.provisional,
        )
        found = self._pieces.get(key)
        if found is None:
            part = _part_of(score, position)
            del part["ask_next"]
            found = _dumps(part)[1:-1] + ', "ask_next": '
            if len(self._pieces) < PIECES_KEPT:
                self._pieces[key] = found
        return found

    def _tail(self, framework_id: str, applied: tuple[str, ...]) -> str:
        """The rules applied and the notice, as JSON, kept for reuse."""
        key = (framework_id, applied)
        found = self._tails.get(key)
        if found is None:
            rules = self._rules[framework_id] | {"applied": list(applied)}
            found = ', "rules": ' + _dumps(rules) + ', "notice": ' + _dumps(self.notice)
            self._tails[key] = found
        return found

    def record(
        self, case: Case, result: CaseResult, framework_id: str
    ) -> dict[str, Any]:
        """The output record for one case and one framework."""
        field = self.engine.catalogue.framework(framework_id).verdict_field
        parts = [_part(a, framework_id) for a in result.assessments]
        record: dict[str, Any] = {"id": case.id, "framework": framework_id}
        if len(parts) == 1:
            record["population"] = result.assessments[0].population
            record.update(parts[0])
        else:
            record["population"] = "unknown"
            record.update(_agreed(parts, field))
            record["if_adult"], record["if_child"] = parts

        applied = [a.scores[framework_id].rule.id for a in result.assessments]
        record["rules"] = self._rules[framework_id] | {"applied": applied}
        record["notice"] = self.notice
        if self.settings.trace:
            language = self.settings.language
            record["trace"] = self.explainer.trace(result, framework_id, language)
        return record


_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
# The C function json uses for a text when not escaping to ASCII.
_quote: Callable[[str], str] = json.encoder.encode_basestring
# How many distinct pieces of JSON a writer keeps; a batch needs a few hundred.
PIECES_KEPT = 10_000


def _part_of(score: Score, position: Position) -> dict[str, Any]:
    field = score.framework.verdict_field
    verdict = score.verdict if score.framework.scored else list(score.present)
    return {
        "dimensions": score.dimensions,
        field: verdict,
        "continuum": position.level.id,
        "continuum_gaps": [gap.id for gap in position.gaps],
        "provisional": score.provisional or position.provisional,
        "ask_next": list(score.ask_next),
    }


def _part(assessment: Assessment, framework_id: str) -> dict[str, Any]:
    """One population's result for one framework."""
    return _part_of(assessment.scores[framework_id], assessment.continuum)


def _agreed(parts: list[dict[str, Any]], field: str) -> dict[str, Any]:
    """What holds for an adult and a child alike; None where they differ."""
    adult, child = parts
    dimensions = {
        d: value if child["dimensions"][d] == value else None
        for d, value in adult["dimensions"].items()
    }
    same = {
        key: adult[key] if adult[key] == child[key] else None
        for key in (field, "continuum", "continuum_gaps")
    }
    asked = list(dict.fromkeys(adult["ask_next"] + child["ask_next"]))
    provisional = adult["provisional"] or child["provisional"]
    return {
        "dimensions": dimensions,
        **same,
        "provisional": provisional,
        "ask_next": asked,
    }
