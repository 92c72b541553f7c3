"""Mapping profiles: how one organisation's spreadsheets become case records.

A profile is a YAML file kept per organisation and source. It says how the
file is read, which columns identify a case, which hold identifiers to
pseudonymise, and how each column becomes a field of the case record
(``cases.record.CaseIn``), with value maps, date formats and other
transformations. Pure: no Django; reading a profile's text is the caller's.

A bad profile is refused naming the file and the line, like a bad row.
"""

import re
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from flexwatch.assessment import frameworks
from flexwatch.cases.record import (
    AssistanceIn,
    CaseIn,
    DecisionIn,
    LegalEventIn,
    PersonIn,
)
from flexwatch.ingest.readers import Format

# The fields a profile may fill: those of the case template, less what an
# import makes itself (the parts' ids, lists of parts, identifiers).
_MADE_HERE = {"id", "persons", "observations", "source_reference", "identifier"}
_PARTS = {"decisions", "legal_events", "assistance"}


def _fields(model: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name in model.model_fields if name not in _MADE_HERE | _PARTS)


CASE_TARGETS = _fields(CaseIn)
PART_TARGETS = {
    "person": _fields(PersonIn),
    "decision": _fields(DecisionIn),
    "legal_event": _fields(LegalEventIn),
    "assistance": _fields(AssistanceIn),
}
LIST_TARGETS = {"exploitation_forms", "person.means_of_control"}
TRUTHY = ("1", "x", "true", "yes", "kyllä", "jah", "tak")
_FORMAT_CODE = re.compile(r"%[a-zA-Z%]")


Identifier = Literal[
    "full_name", "given_names", "family_name", "birth_date", "personal_code", "passport"
]


IDENTIFIERS = get_args(Identifier)


class ProfileError(Exception):
    """A profile that cannot be used; the message names the file and line."""


class Spec(BaseModel):
    """How one field of the record is read from the file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str | list[str] | None = None
    flags: dict[str, str] | None = None
    truthy: list[str] = Field(default_factory=lambda: list(TRUTHY))
    values: dict[str, str | None] = Field(default_factory=dict)
    separator: str | None = None
    several: Literal["refuse", "first"] = "refuse"
    dates: list[str] = Field(default_factory=list)
    transform: Literal["age_range", "number", "boolean", "upper", "lower"] | None = None
    default: str | None = None
    stage: str = "destination"

    @model_validator(mode="after")
    def _one_source(self) -> "Spec":
        if (self.column is None) == (self.flags is None):
            raise ValueError("give either a column or flags, not both or neither")
        for pattern in self.dates:
            if not _FORMAT_CODE.search(pattern):
                raise ValueError(f"{pattern!r} is not a date format such as %d.%m.%Y")
        return self

    @cached_property
    def truthy_set(self) -> frozenset[str]:
        return frozenset(value.casefold() for value in self.truthy)

    @cached_property
    def folded_values(self) -> dict[str, str | None]:
        """The value map by source value in any case."""
        return {source.casefold(): code for source, code in self.values.items()}

    @property
    def columns(self) -> list[str]:
        """Every column this field may read (alternatives for ``column``)."""
        if self.flags is not None:
            return list(self.flags)
        return (
            [self.column] if isinstance(self.column, str) else list(self.column or [])
        )


IdentifierSpec = Annotated[str | Spec, Field()]


def check_target(target: str) -> str:
    """Refuse a field name the case record does not have."""
    if target in CASE_TARGETS:
        return target
    part, _, name = target.partition(".")
    if part == "observation":
        frameworks.catalogue().indicator(name)
        return target
    if name in PART_TARGETS.get(part, ()):
        return target
    choices = [
        *CASE_TARGETS,
        *(f"{p}.{n}" for p, ns in PART_TARGETS.items() for n in ns),
    ]
    raise ValueError(
        f"{target!r} is not a field of the case record; use one of "
        f"{', '.join(choices)} or observation.<indicator id>"
    )


Target = Annotated[str, AfterValidator(check_target)]


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    title: str = ""
    version: int = Field(default=1, ge=1)
    format: Format
    rows: Literal["case", "person"] = "case"
    reference: str | list[str] | None = None
    release: Literal["official", "synthetic", "deidentified"] = "official"
    defaults: dict[Target, Any] = Field(default_factory=dict)
    fields: dict[Target, Spec] = Field(default_factory=dict)
    identifiers: dict[Identifier, IdentifierSpec] = Field(default_factory=dict)
    linkage: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "Profile":
        if self.rows == "person" and not self.reference_columns:
            raise ValueError(
                "rows: person needs a reference: the columns that group a "
                "case's rows together"
            )
        return self

    @property
    def reference_columns(self) -> list[str]:
        if self.reference is None:
            return []
        return [self.reference] if isinstance(self.reference, str) else self.reference

    @property
    def is_official(self) -> bool:
        return self.release == "official"

    def identifier_specs(self) -> dict[str, Spec]:
        return {
            name: spec if isinstance(spec, Spec) else Spec(column=spec)
            for name, spec in self.identifiers.items()
        }

    def columns(self) -> set[str]:
        """Every column the profile reads: the file must have each of them
        (or one of a field's alternatives)."""
        specs = [*self.fields.values(), *self.identifier_specs().values()]
        named = {c for spec in specs for c in spec.columns}
        return named | set(self.reference_columns)


def parse(text: str, source: str) -> Profile:
    """The profile in ``text``; ``source`` names it in errors (a file name).

    Raises:
        ProfileError: the text is not YAML, or not a valid profile.
    """
    try:
        data = yaml.safe_load(text)
        lines = _key_lines(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise ProfileError(f"{source}{line}: not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a profile is a mapping of keys such as name.")
    try:
        return Profile.model_validate(data)
    except (ValidationError, frameworks.UnknownIndicator) as error:
        raise ProfileError(_explain(error, source, lines)) from None


def _explain(error: Exception, source: str, lines: dict[tuple, int]) -> str:
    if not isinstance(error, ValidationError):
        return f"{source}: {error}"
    first = error.errors()[0]
    location = tuple(str(part) for part in first["loc"])
    line = _nearest_line(location, lines)
    where = ".".join(part for part in location if part != "[key]") or "profile"
    message = first["msg"].removeprefix("Value error, ")
    return f"{source}, line {line}: {where}: {message}"


def _nearest_line(location: tuple[str, ...], lines: dict[tuple, int]) -> int:
    # The deepest key of the path that the file has: a missing key is
    # reported at the mapping that should hold it.
    for end in range(len(location), 0, -1):
        if location[:end] in lines:
            return lines[location[:end]]
    return 1


def _key_lines(text: str) -> dict[tuple, int]:
    """The line of every mapping key in the YAML text, by its path."""
    found: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, str(key.value))
                found[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                found[(*path, str(index))] = item.start_mark.line + 1
                walk(item, (*path, str(index)))

    root = yaml.compose(text)
    if root is not None:
        walk(root, ())
    return found
