"""From a row of a file to a case record, by a profile. Pure: no Django, no I/O.

Each row becomes a ``Draft``: the values ``CaseIn`` reads, the pseudonyms and
linkage keys of the row's identifiers (made here, so that the raw values go
no further than this module), and where each value came from, so that a
problem found later is reported at the source's row and column. Rows of one
person each (court data: one row per defendant) are grouped into one draft
per case by the profile's reference.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from flexwatch import vocab
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases.record import MAX_AGE, CaseIn
from flexwatch.ingest.problems import Problem
from flexwatch.ingest.profile import LIST_TARGETS, Profile, Spec
from flexwatch.ingest.readers import Row
from flexwatch.linkage.keys import Identity, LinkageKey, linkage_keys

FALSY = ("0", "false", "no", "ei", "ei ole", "nie", "")
ACCEPTED_SHOWN = 40
_AGE_RANGE = re.compile(r"^(\d{1,3})\s*(?:-{1,2}|\u2013|\u2014|to)\s*(\d{1,3})$")
_AGE_OPEN = re.compile(r"^(\d{1,3})\s*\+$")
# Which person identifier makes the person's pseudonym, best first: a code
# that is one person's alone before a name that many people share.
PSEUDONYM_ORDER = ("personal_code", "passport", "full_name")


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
    """One case in the making: ``data`` for ``CaseIn``, and its origins."""

    rows: list[int]
    reference: str
    data: dict[str, Any]
    persons: list[PersonKeys]
    origins: dict[tuple, tuple[int, str]]
    problems: list[Problem]

    @property
    def row(self) -> int:
        return self.rows[0]


class ValueProblem(ValueError):
    """A cell that cannot become the field's value."""


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
        self._column = {
            target: self._resolve(spec, present)
            for target, spec in profile.fields.items()
        }
        self._identifiers = {
            name: (spec, self._resolve(spec, present))
            for name, spec in profile.identifier_specs().items()
        }
        for column in profile.reference_columns:
            if column not in present:
                self._missing.append(column)

    def missing(self) -> list[str]:
        return self._missing

    def identifier_columns(self) -> set[str]:
        """The columns whose values are identifiers, never to be shown."""
        return {column for _spec, column in self._identifiers.values() if column}

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
        problems = [row.problem] if row.problem else []
        data: dict[str, Any] = {"persons": [], "observations": []}
        person: dict[str, Any] = {}
        parts: dict[str, dict[str, Any]] = {}
        origins: dict[tuple, tuple[int, str]] = {}

        for target, value in self.profile.defaults.items():
            _place(target, value, data, person, parts)
        for target, spec in self.profile.fields.items():
            column = self._column[target] or ", ".join(spec.columns)
            try:
                value = self._value(target, spec, row.values)
            except ValueProblem as problem:
                problems.append(self._problem(row, column, target, spec, problem))
                continue
            if value is None:
                # A required field left empty is reported at its column.
                origins.setdefault((target,), (row.number, column))
                continue
            loc = _place(target, value, data, person, parts, spec.stage)
            origins[loc] = (row.number, column)

        keys = self._person_keys(row, problems)
        if person or parts or keys.pseudonym or keys.linkage:
            _attach_parts(person, parts, origins)
            person.setdefault("role", "victim")
            data["persons"].append(person)
        return Draft(
            rows=[row.number],
            reference=self._reference(row.values),
            data=data,
            persons=[keys] if data["persons"] else [],
            origins=origins,
            problems=problems,
        )

    def _reference(self, values: dict[str, str]) -> str:
        cells = [values.get(c, "").strip() for c in self.profile.reference_columns]
        return "\x1f".join(cells) if any(cells) else ""

    def _value(self, target: str, spec: Spec, values: dict[str, str]) -> Any:
        if spec.flags is not None:
            truthy = spec.truthy_set
            codes = [
                code
                for column, code in spec.flags.items()
                if (cell := values.get(column)) and cell.strip().casefold() in truthy
            ]
            return self._listed(target, spec, codes)

        raw = values.get(self._column[target], "").strip()
        if not raw and spec.default is not None:
            raw = spec.default
        if spec.separator is not None:
            cells = [c.strip() for c in raw.split(spec.separator) if c.strip()]
            codes = [c for c in (_mapped(spec, cell) for cell in cells) if c]
            return self._listed(target, spec, codes)
        mapped = _mapped(spec, raw)
        if not mapped:
            return None
        return _converted(target, spec, mapped)

    def _listed(self, target: str, spec: Spec, codes: list[str]) -> Any:
        codes = list(dict.fromkeys(codes))
        if target in LIST_TARGETS:
            return codes
        if len(codes) > 1 and spec.several == "refuse":
            raise ValueProblem(
                f"holds several values ({', '.join(codes)}) for a field of one"
            )
        return codes[0] if codes else None

    def _problem(
        self, row: Row, column: str, target: str, spec: Spec, problem: ValueProblem
    ) -> Problem:
        value = row.values.get(column, "") if spec.flags is None else ""
        return Problem(row.number, column, value, str(problem), "", self.file)

    def _person_keys(self, row: Row, problems: list[Problem]) -> PersonKeys:
        # The raw identifiers live only inside this method.
        raw: dict[str, Any] = {}
        for name, (spec, column) in self._identifiers.items():
            cell = row.values.get(column, "").strip()
            if not cell:
                continue
            if name == "birth_date":
                try:
                    raw[name] = _date(spec, cell)
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


def _mapped(spec: Spec, cell: str) -> str | None:
    """The cell through the profile's value map: exact, then ignoring case."""
    if cell in spec.values:
        return spec.values[cell]
    return spec.folded_values.get(cell.casefold(), cell)


def _converted(target: str, spec: Spec, value: str) -> Any:
    if spec.dates:
        return _date(spec, value).isoformat()
    if spec.transform == "age_range":
        return _age_range(value)
    if spec.transform == "number":
        return _number(value)
    if spec.transform == "boolean":
        return _boolean(spec, value)
    if spec.transform == "upper":
        return value.upper()
    if spec.transform == "lower":
        return value.lower()
    return value


def _date(spec: Spec, value: str) -> date:
    for pattern in spec.dates or ["%Y-%m-%d"]:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueProblem(f"is not a date in the form {' or '.join(spec.dates)}")


def _age_range(value: str) -> tuple[int, int]:
    text = value.strip()
    if text.isdigit():
        return int(text), int(text)
    if match := _AGE_RANGE.match(text):
        return int(match[1]), int(match[2])
    if match := _AGE_OPEN.match(text):
        return int(match[1]), MAX_AGE
    raise ValueProblem("is not an age or an age range such as 18-20 or 48+")


def _number(value: str) -> str:
    text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return str(Decimal(text))
    except InvalidOperation:
        raise ValueProblem("is not a number") from None


def _boolean(spec: Spec, value: str) -> bool:
    folded = value.casefold()
    if folded in spec.truthy_set:
        return True
    if folded in FALSY:
        return False
    raise ValueProblem(
        f"is not yes or no; accepted: {', '.join(spec.truthy)} or {', '.join(FALSY)}"
    )


def _place(
    target: str,
    value: Any,
    data: dict[str, Any],
    person: dict[str, Any],
    parts: dict[str, dict[str, Any]],
    stage: str = "destination",
) -> tuple:
    """Put ``value`` where ``target`` says; return its location in ``CaseIn``."""
    part, _, name = target.partition(".")
    if not name:
        data[target] = value
        return (target,)
    if part == "observation":
        data["observations"].append(
            {"indicator": name, "stage": stage, "status": value}
        )
        return ("observations", len(data["observations"]) - 1)
    if part == "person":
        if name == "age" and isinstance(value, tuple):
            person["age_min"], person["age_max"] = value
        else:
            person[name] = value
        return ("persons", 0, name)
    parts.setdefault(part, {})[name] = value
    return (part, name)


_PART_LISTS = {"decision": "decisions", "legal_event": "legal_events"}


def _attach_parts(
    person: dict[str, Any],
    parts: dict[str, dict[str, Any]],
    origins: dict[tuple, tuple[int, str]],
) -> None:
    for part, values in parts.items():
        listed = _PART_LISTS.get(part, part)
        person[listed] = [values]
        for name in values:
            if (part, name) in origins:
                origins[("persons", 0, listed, 0, name)] = origins.pop((part, name))


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
    index = len(case.data["persons"])
    for name, value in other.data.items():
        if name in ("persons", "observations"):
            continue
        if name in case.data and case.data[name] != value:
            row, column = other.origins.get((name,), (other.row, name))
            case.problems.append(
                Problem(
                    row,
                    column,
                    str(value),
                    f"differs from row {case.row} of the same case ({case.data[name]})",
                )
            )
        case.data.setdefault(name, value)
    case.data["persons"].extend(other.data["persons"])
    _merge_observations(case, other)
    case.persons.extend(other.persons)
    case.rows.extend(other.rows)
    case.problems.extend(other.problems)
    for loc, origin in other.origins.items():
        if loc[0] == "persons":
            case.origins[("persons", index + loc[1], *loc[2:])] = origin


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
    for end in range(len(loc), 0, -1):
        if loc[:end] in draft.origins:
            return draft.origins[loc[:end]]
    return draft.row, ".".join(str(part) for part in loc) or "(row)"


def _accepted(item: Any) -> str:
    name = (item.get("ctx") or {}).get("vocabulary")
    if not name or name not in vocab.names():
        return ""
    codes = list(vocab.vocabulary(name).codes)
    shown = ", ".join(codes[:ACCEPTED_SHOWN])
    return shown + (f" … ({len(codes)} codes)" if len(codes) > ACCEPTED_SHOWN else "")
