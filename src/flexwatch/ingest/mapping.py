"""From a row of a file to a case record, by a profile. Pure: no Django, no I/O.

Each row becomes a ``Draft``: the values ``CaseIn`` reads, the pseudonyms and
linkage keys of the row's identifiers (made here, so that the raw values go
no further than this module), and where each value came from, so that a
problem found later is reported at the source's row and column. Rows of one
person each (court data: one row per defendant) are grouped into one draft
per case by the profile's reference.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from flexwatch import vocab
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases.record import CaseIn
from flexwatch.ingest import readings
from flexwatch.ingest.problems import Problem
from flexwatch.ingest.profile import Profile, Spec
from flexwatch.ingest.readers import Row
from flexwatch.ingest.readings import ValueProblem
from flexwatch.linkage.keys import Identity, LinkageKey, linkage_keys

ACCEPTED_SHOWN = 40
# Which person identifier makes the person's pseudonym, best first: a code
# that is one person's alone before a name that many people share.
PSEUDONYM_ORDER = ("personal_code", "passport", "full_name")
_PART_LISTS = {"decision": "decisions", "legal_event": "legal_events"}
_LIST_PARTS = {listed: part for part, listed in _PART_LISTS.items()} | {
    "assistance": "assistance"
}


@dataclass(frozen=True)
class Keys:
    """The secrets a row's identifiers are keyed with; never stored with it."""

    organisation: str
    linkage: str | None = None


@dataclass
class PersonKeys:
    pseudonym: str = ""
    linkage: list[LinkageKey] = field(default_factory=list)


@dataclass
class Draft:
    """One case in the making: ``data`` for ``CaseIn``, and where it came from.

    ``columns`` names the column each field was read from and ``person_rows``
    the row of each person, so a problem found later is reported where the
    source has it.
    """

    rows: list[int]
    reference: str
    data: dict[str, Any]
    persons: list[PersonKeys]
    problems: list[Problem]
    columns: dict[str, str]
    person_rows: list[int]

    @property
    def row(self) -> int:
        return self.rows[0]


# Puts a field's value into the draft: (value, case data, person, parts).
_Place = Callable[[Any, dict[str, Any], dict[str, Any], dict[str, Any]], None]


@dataclass(frozen=True)
class _Field:
    target: str
    column: str
    shown: str
    read: readings.Read
    place: _Place
    flags: bool


class Mapper:
    """Turns rows of one file into drafts, by one profile.

    ``columns`` are the file's columns: each field reads the first of its
    alternatives the file has. ``missing()`` lists the columns the profile
    needs and the file lacks; the file is refused with them before any row.
    In KoboToolbox JSON only the reference is needed: a question absent
    there was not answered.
    """

    def __init__(self, profile: Profile, columns: list[str], keys: Keys, file: str):
        self.profile = profile
        self.keys = keys
        self.file = file
        present = set(columns)
        self._missing: list[str] = []
        # The KoboToolbox API leaves an unanswered question out of a
        # submission, so a question nobody answered has no key at all: it
        # reads as empty there. The reference is still required.
        self._absent_is_empty = profile.format.kind == "kobo_json"
        self._fields = [
            self._field(target, spec, present)
            for target, spec in profile.fields.items()
        ]
        self._columns = {f.target: f.shown for f in self._fields}
        self._identifiers = {
            name: (spec, self._resolve(spec, present))
            for name, spec in profile.identifier_specs().items()
        }
        self._defaults = [
            (value, _placer(target)) for target, value in profile.defaults.items()
        ]
        self._missing.extend(c for c in profile.reference_columns if c not in present)

    def missing(self) -> list[str]:
        return self._missing

    def identifier_columns(self) -> set[str]:
        """The columns whose values are identifiers, never to be shown."""
        return {column for _spec, column in self._identifiers.values() if column}

    def _field(self, target: str, spec: Spec, present: set[str]) -> _Field:
        column = self._resolve(spec, present)
        return _Field(
            target,
            column,
            column or ", ".join(spec.columns),
            readings.reader(target, spec, column),
            _placer(target, spec.stage),
            spec.flags is not None,
        )

    def _resolve(self, spec: Spec, present: set[str]) -> str:
        if spec.flags is not None:
            if not self._absent_is_empty:
                self._missing.extend(c for c in spec.flags if c not in present)
            return ""
        found = [c for c in spec.columns if c in present]
        if not found:
            if not self._absent_is_empty:
                self._missing.append(" or ".join(spec.columns))
            return ""
        return found[0]

    def draft(self, row: Row) -> Draft:
        """The draft of one row, with the problems found in its cells."""
        values = row.values
        problems = [row.problem] if row.problem else []
        data: dict[str, Any] = {"persons": [], "observations": []}
        person: dict[str, Any] = {}
        parts: dict[str, dict[str, Any]] = {}

        for value, place in self._defaults:
            place(value, data, person, parts)
        for one in self._fields:
            try:
                value = one.read(values)
            except ValueProblem as problem:
                shown = "" if one.flags else values.get(one.column, "")
                problems.append(
                    Problem(row.number, one.shown, shown, str(problem), "", self.file)
                )
                continue
            if value is not None:
                one.place(value, data, person, parts)

        keys = self._person_keys(row, problems)
        if person or parts or keys.pseudonym or keys.linkage:
            for part, fields in parts.items():
                person[_PART_LISTS.get(part, part)] = [fields]
            person.setdefault("role", "victim")
            data["persons"].append(person)
        return Draft(
            rows=[row.number],
            reference=self._reference(values),
            data=data,
            persons=[keys] if data["persons"] else [],
            problems=problems,
            columns=self._columns,
            person_rows=[row.number] if data["persons"] else [],
        )

    def _reference(self, values: dict[str, str]) -> str:
        cells = [values.get(c, "").strip() for c in self.profile.reference_columns]
        return "\x1f".join(cells) if any(cells) else ""

    def _person_keys(self, row: Row, problems: list[Problem]) -> PersonKeys:
        # The raw identifiers live only inside this method.
        raw: dict[str, Any] = {}
        for name, (spec, column) in self._identifiers.items():
            cell = row.values.get(column, "").strip()
            if not cell:
                continue
            if name == "birth_date":
                try:
                    raw[name] = readings.day(spec, cell)
                except ValueProblem as problem:
                    # The value is an identifier: the report must not show it.
                    problems.append(
                        Problem(row.number, column, "", str(problem), "", self.file)
                    )
                continue
            raw[name] = cell
        if not raw:
            return PersonKeys()
        return PersonKeys(self._pseudonym(raw), self._linkage(raw))

    def _pseudonym(self, raw: dict[str, Any]) -> str:
        for name in PSEUDONYM_ORDER:
            if name in raw:
                text = raw[name]
                if name == "full_name" and "birth_date" in raw:
                    text = f"{text}\x1f{raw['birth_date'].isoformat()}"
                return pseudonym(self.keys.organisation, text, "person")
        given, family = raw.get("given_names", ""), raw.get("family_name", "")
        if given or family:
            text = f"{given} {family}\x1f{raw.get('birth_date', '')}"
            return pseudonym(self.keys.organisation, text, "person")
        return ""

    def _linkage(self, raw: dict[str, Any]) -> list[LinkageKey]:
        if self.keys.linkage is None:
            return []
        identity = Identity(
            full_name=raw.get("full_name", ""),
            given_names=raw.get("given_names", ""),
            family_name=raw.get("family_name", ""),
            birth_date=raw.get("birth_date"),
        )
        return linkage_keys(self.keys.linkage, identity)


def _placer(target: str, stage: str = "destination") -> _Place:
    """Where a value of ``target`` goes in the draft, decided once per field."""
    part, _, name = target.partition(".")
    if not name:

        def case(value: Any, data: dict, person: dict, parts: dict) -> None:
            data[target] = value

        return case
    if part == "observation":

        def observation(value: Any, data: dict, person: dict, parts: dict) -> None:
            data["observations"].append(
                {"indicator": name, "stage": stage, "status": value}
            )

        return observation
    if part == "person":

        def of_person(value: Any, data: dict, person: dict, parts: dict) -> None:
            if name == "age" and isinstance(value, tuple):
                person["age_min"], person["age_max"] = value
            else:
                person[name] = value

        return of_person

    def of_part(value: Any, data: dict, person: dict, parts: dict) -> None:
        parts.setdefault(part, {})[name] = value

    return of_part


def grouped(drafts: Iterable[Draft]) -> Iterator[Draft]:
    """Drafts of one person each merged into one per case, by reference.

    Holds one draft per case in memory until the end of the file, since a
    case's rows need not be next to each other. A case field that differs
    between the rows of one case is a problem of the later row.
    """
    cases: dict[str, Draft] = {}
    for draft in drafts:
        first = cases.get(draft.reference)
        if first is None:
            cases[draft.reference] = draft
        else:
            _merge(first, draft)
    yield from cases.values()


def _merge(case: Draft, other: Draft) -> None:
    for name, value in other.data.items():
        if name in ("persons", "observations"):
            continue
        if name in case.data and case.data[name] != value:
            case.problems.append(
                Problem(
                    other.row,
                    other.columns.get(name, name),
                    str(value),
                    f"differs from row {case.row} of the same case ({case.data[name]})",
                )
            )
        case.data.setdefault(name, value)
    case.data["persons"].extend(other.data["persons"])
    _merge_observations(case, other)
    case.persons.extend(other.persons)
    case.rows.extend(other.rows)
    case.person_rows.extend(other.person_rows)
    case.problems.extend(other.problems)


def _merge_observations(case: Draft, other: Draft) -> None:
    seen = {(o["indicator"], o["stage"]) for o in case.data["observations"]}
    for observation in other.data["observations"]:
        if (observation["indicator"], observation["stage"]) not in seen:
            case.data["observations"].append(observation)


def validated(draft: Draft, file: str) -> CaseIn | None:
    """The draft as a checked ``CaseIn``, or None with its problems added.

    The record is checked even when a cell could not be read, so the report
    lists every problem of the row at once; a cell already reported is not
    reported again as missing.
    """
    try:
        data = CaseIn.model_validate(draft.data)
    except ValidationError as error:
        seen = {(p.row, p.column) for p in draft.problems}
        found = _problems(draft, error, file)
        draft.problems.extend(p for p in found if (p.row, p.column) not in seen)
        return None
    return None if draft.problems else data


def _problems(draft: Draft, error: ValidationError, file: str) -> list[Problem]:
    found = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        row, column = _origin(draft, loc)
        value = item.get("input")
        shown = value if isinstance(value, str | int | float | date) else ""
        found.append(
            Problem(
                row,
                column,
                str(shown),
                item["msg"].removeprefix("Value error, "),
                _accepted(item),
                file,
            )
        )
    return found


def _origin(draft: Draft, loc: tuple) -> tuple[int, str]:
    """The row and column of the source a ``CaseIn`` error location points at."""
    target = _target(draft, loc)
    row = draft.row
    if loc[0] == "persons" and len(loc) > 1 and loc[1] < len(draft.person_rows):
        row = draft.person_rows[loc[1]]
    for name in (target, "person.age" if target.startswith("person.age") else ""):
        if name in draft.columns:
            return row, draft.columns[name]
    return row, ".".join(str(part) for part in loc) or "(row)"


def _target(draft: Draft, loc: tuple) -> str:
    """The profile's name of the field at ``loc`` (``person.sex``, …)."""
    head = str(loc[0]) if loc else ""
    if head == "observations" and len(loc) > 1:
        observations = draft.data["observations"]
        if isinstance(loc[1], int) and loc[1] < len(observations):
            return f"observation.{observations[loc[1]]['indicator']}"
    if head == "persons" and len(loc) > 2:
        if loc[2] in _LIST_PARTS and len(loc) > 4:
            return f"{_LIST_PARTS[loc[2]]}.{loc[4]}"
        return f"person.{loc[2]}"
    return head


def _accepted(item: Any) -> str:
    name = (item.get("ctx") or {}).get("vocabulary")
    if not name or name not in vocab.names():
        return ""
    codes = list(vocab.vocabulary(name).codes)
    shown = ", ".join(codes[:ACCEPTED_SHOWN])
    return shown + (f" … ({len(codes)} codes)" if len(codes) > ACCEPTED_SHOWN else "")
