"""What case microdata may carry, and how each quasi-identifier is generalised.

The declaration is data, ``microdata.yaml`` beside this module, so that
whoever checks a release reads the rules without reading code: the
quasi-identifiers and the ladder of each from the value as recorded to
suppressed, the sensitive attributes that must be diverse within a class,
the safe columns released as they are, the columns that may never leave, and
the default k, l and suppression budget. The loader refuses a malformed or
hostile file naming the file and line::

    from flexwatch.stats.ladders import Context, declaration

    rules = declaration()
    [q.name for q in rules.quasi_identifiers]   # ["age", "sex", ...]
    rules.quasi_identifiers[0].ladder[1].level  # "age_group"

Pure: no Django; the only files read are the package's own.
"""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl
import yaml

from flexwatch import vocab
from flexwatch.stats.definitions import DefinitionError, line_of, scalar
from flexwatch.stats.tables import UNKNOWN, citizenship_group

log = logging.getLogger(__name__)

KEYS = (
    "version",
    "sources",
    "defaults",
    "suppressed",
    "quasi_identifiers",
    "sensitive",
    "safe",
    "never_leave",
)
DEFAULT_KEYS = ("k", "l", "suppression_budget")
NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
# Value forms a column may declare besides a vocabulary.
FORMS: Mapping[str, re.Pattern[str]] = {
    "age": re.compile(r"\d{1,3}|\d{1,3}-\d{0,3}|-\d{1,3}"),
    "year": re.compile(r"\d{4}"),
    "nuts": re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}"),
    # A code computed by the system, such as a continuum level: no free text
    # (spaces, punctuation, formulas) can pass as one.
    "code": re.compile(r"[a-z][a-z0-9_]{0,39}"),
}
FIRST_RULE = "as_recorded"
LAST_RULE = "suppressed"


@dataclass(frozen=True)
class Context:
    """What a release is of: the reporting country and its years."""

    country: str
    first_year: int
    last_year: int


Rule = Callable[[pl.DataFrame, str, Context, str], pl.Series]


@dataclass(frozen=True)
class Step:
    """One level of a ladder: its name and the rule that computes it."""

    level: str
    rule: str


@dataclass(frozen=True)
class QuasiIdentifier:
    """A column an intruder may know, and its ladder from finest to suppressed."""

    name: str
    codes: str | None
    ladder: tuple[Step, ...]


@dataclass(frozen=True)
class Attribute:
    """A sensitive or safe column: released as it is, its values checked."""

    name: str
    codes: str | None
    separator: str | None = None


@dataclass(frozen=True)
class Declaration:
    """The whole of ``microdata.yaml``, checked."""

    version: str
    sources: tuple[str, ...]
    k: int
    l: int
    budget: float
    suppressed: str
    quasi_identifiers: tuple[QuasiIdentifier, ...]
    sensitive: tuple[Attribute, ...]
    safe: tuple[Attribute, ...]
    never_leave: frozenset[str]

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column a release may carry, in release order."""
        return (
            *(q.name for q in self.quasi_identifiers),
            *(a.name for a in self.sensitive),
            *(a.name for a in self.safe),
        )


@cache
def declaration() -> Declaration:
    """The package's microdata declaration, read once.

    Raises:
        DefinitionError: ``microdata.yaml`` is malformed.
    """
    path = resources.files("flexwatch.stats").joinpath("microdata.yaml")
    return load(path.read_text(encoding="utf-8"), str(path))


def load(text: str, where: str) -> Declaration:
    """Read a microdata declaration from the text of a YAML file.

    Args:
        text: the file's content.
        where: the file's name, for messages.

    Raises:
        DefinitionError: naming the file and line of the first problem.
    """
    root = _compose(text, where)
    entries = _keyed(root, where, KEYS, KEYS)
    k, l, budget = _defaults(entries["defaults"], where)
    suppressed = _name(entries["suppressed"], where)
    if suppressed == UNKNOWN:
        raise DefinitionError(
            f"{where}, line {line_of(entries['suppressed'])}: the suppressed "
            f"category must differ from {UNKNOWN!r}, so a value withheld is "
            "not read as one never recorded."
        )

    quasi = tuple(_quasi(n, where) for n in _items(entries["quasi_identifiers"], where))
    sensitive = tuple(_attribute(n, where) for n in _items(entries["sensitive"], where))
    safe = tuple(_attribute(n, where) for n in _listed(entries["safe"], where))
    never = _never(entries["never_leave"], where)
    made = Declaration(
        scalar(entries["version"], where),
        tuple(scalar(n, where) for n in _items(entries["sources"], where)),
        k,
        l,
        budget,
        suppressed,
        quasi,
        sensitive,
        safe,
        frozenset(never),
    )
    _check_names(made, never, where)

    log.debug("Read %s: %d quasi-identifiers", where, len(quasi))
    return made


# Reading the file


def _compose(text: str, where: str) -> yaml.Node:
    """The file's node tree, refusing anchors, aliases and explicit tags.

    Aliases can make a small file expand without bound, and tags ask a loader
    to build objects: a declaration needs neither.
    """
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            _check_event(event, where)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{where}{line}: not valid YAML ({error}).") from error
    if root is None:
        raise DefinitionError(f"{where}: the file is empty.")
    return root


def _check_event(event: yaml.Event, where: str) -> None:
    line = event.start_mark.line + 1 if event.start_mark else 0
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
        raise DefinitionError(
            f"{where}, line {line}: anchors and aliases are not accepted; "
            "write each value out."
        )
    tag = getattr(event, "tag", None)
    if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
        raise DefinitionError(
            f"{where}, line {line}: the tag {tag!r} is not accepted; write "
            "plain values."
        )


def _keyed(
    node: yaml.Node, where: str, allowed: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise DefinitionError(f"{where}, line {line_of(node)}: expected a mapping.")
    entries: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = scalar(key, where)
        if name not in allowed or name in entries:
            raise DefinitionError(
                f"{where}, line {line_of(key)}: {name!r} is not expected here or "
                f"given twice; the keys are: {', '.join(allowed)}."
            )
        entries[name] = value
    if missing := [key for key in required if key not in entries]:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {', '.join(missing)} missing; the "
            f"keys are: {', '.join(allowed)}."
        )
    return entries


def _listed(node: yaml.Node, where: str) -> list[yaml.Node]:
    if not isinstance(node, yaml.SequenceNode):
        raise DefinitionError(f"{where}, line {line_of(node)}: expected a list.")
    return list(node.value)


def _items(node: yaml.Node, where: str) -> list[yaml.Node]:
    items = _listed(node, where)
    if not items:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: list one entry at least."
        )
    return items


def _name(node: yaml.Node, where: str) -> str:
    name = scalar(node, where)
    if not NAME.fullmatch(name):
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {name!r} is not a name; use lower "
            "case letters, digits and underscores, starting with a letter."
        )
    return name


def _number(node: yaml.Node, where: str, kind: type, low: float, high: float) -> float:
    text = scalar(node, where)
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not low <= value < high:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {text!r} is not a {kind.__name__} "
            f"from {low} up to (not including) {high}."
        )
    return float(value)


def _defaults(node: yaml.Node, where: str) -> tuple[int, int, float]:
    entries = _keyed(node, where, DEFAULT_KEYS, DEFAULT_KEYS)
    k = int(_number(entries["k"], where, int, 2, 1000))
    l = int(_number(entries["l"], where, int, 1, 1000))
    budget = _number(entries["suppression_budget"], where, float, 0, 1)
    return k, l, budget


def _codes(node: yaml.Node | None, where: str) -> str | None:
    if node is None:
        return None
    codes = scalar(node, where)
    if codes not in FORMS and codes not in vocab.names():
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {codes!r} is neither a value form "
            f"({', '.join(FORMS)}) nor a vocabulary ({', '.join(vocab.names())})."
        )
    return codes


def _quasi(node: yaml.Node, where: str) -> QuasiIdentifier:
    entries = _keyed(node, where, ("name", "codes", "ladder"), ("name", "ladder"))
    ladder = tuple(_step(item, where) for item in _items(entries["ladder"], where))
    name = _name(entries["name"], where)

    rules = [step.rule for step in ladder]
    levels = [step.level for step in ladder]
    if (
        len(ladder) < 2
        or rules[0] != FIRST_RULE
        or rules[-1] != LAST_RULE
        or {FIRST_RULE, LAST_RULE} & set(rules[1:-1])
        or len(set(levels)) != len(levels)
    ):
        raise DefinitionError(
            f"{where}, line {line_of(entries['ladder'])}: the ladder of {name} "
            f"must start with the rule {FIRST_RULE}, end with {LAST_RULE}, use "
            "each of them once and name each level once."
        )
    return QuasiIdentifier(name, _codes(entries.get("codes"), where), ladder)


def _step(node: yaml.Node, where: str) -> Step:
    entries = _keyed(node, where, ("level", "rule"), ("level", "rule"))
    rule = scalar(entries["rule"], where)
    if rule not in RULES:
        raise DefinitionError(
            f"{where}, line {line_of(entries['rule'])}: {rule!r} is not a rule; "
            f"the rules are: {', '.join(RULES)}."
        )
    return Step(_name(entries["level"], where), rule)


def _attribute(node: yaml.Node, where: str) -> Attribute:
    entries = _keyed(node, where, ("name", "codes", "separator"), ("name",))
    separator = entries.get("separator")
    return Attribute(
        _name(entries["name"], where),
        _codes(entries.get("codes"), where),
        None if separator is None else scalar(separator, where),
    )


def _never(node: yaml.Node, where: str) -> dict[str, yaml.Node]:
    return {_name(item, where): item for item in _items(node, where)}


def _check_names(made: Declaration, never: dict[str, yaml.Node], where: str) -> None:
    columns = list(made.columns)
    for name in columns:
        if columns.count(name) > 1:
            raise DefinitionError(
                f"{where}: the column {name!r} is declared twice; a column is a "
                "quasi-identifier, sensitive or safe, once."
            )
    for name, node in never.items():
        if name in columns:
            raise DefinitionError(
                f"{where}, line {line_of(node)}: {name!r} may never leave, yet "
                "it is declared as a column a release carries."
            )


# The rules of the ladders


def _as_recorded(frame: pl.DataFrame, column: str, _: Context, __: str) -> pl.Series:
    return frame[column]


def _suppressed(frame: pl.DataFrame, column: str, _: Context, value: str) -> pl.Series:
    return pl.Series(column, [value] * frame.height, dtype=pl.String)


def _mapped(
    frame: pl.DataFrame, columns: list[str], name: str, rule: Callable[..., str]
) -> pl.Series:
    """``rule`` applied once per distinct combination of ``columns``."""
    distinct = frame.select(columns).unique()
    values = [rule(*row) for row in distinct.iter_rows()]
    lookup = distinct.with_columns(pl.Series("_value", values, dtype=pl.String))
    joined = frame.select(columns).join(
        lookup, on=columns, how="left", nulls_equal=True, maintain_order="left"
    )
    return joined["_value"].alias(name)


def parse_age(text: str) -> tuple[int | None, int | None]:
    """The youngest and oldest possible ages of an age as recorded.

    Examples:
        >>> parse_age("34"), parse_age("16-20"), parse_age("18-"), parse_age("unknown")
        ((34, 34), (16, 20), (18, None), (None, None))
    """
    if text == UNKNOWN:
        return None, None
    low, _, high = text.partition("-")
    if not _:
        return int(low), int(low)
    return (int(low) if low else None), (int(high) if high else None)


def _age_group(frame: pl.DataFrame, column: str, _: Context, __: str) -> pl.Series:
    return _mapped(frame, [column], column, lambda a: vocab.age_group(*parse_age(a)))


def _age_category(frame: pl.DataFrame, column: str, _: Context, __: str) -> pl.Series:
    def category(age: str) -> str:
        return vocab.age_category(*parse_age(age))

    return _mapped(frame, [column], column, category)


def _citizenship_group(
    frame: pl.DataFrame, column: str, context: Context, _: str
) -> pl.Series:
    # EU membership depends on the year of each record: the year column as
    # recorded, when the declaration has one.
    def group(citizenship: str, year: str | None) -> str:
        known = int(year) if year and year.isdigit() else None
        return citizenship_group(citizenship, context.country, known)

    if "year" not in frame.columns:
        return _mapped(frame, [column], column, lambda c: group(c, None))
    return _mapped(frame, [column, "year"], column, group)


def _nuts(length: int) -> Rule:
    def rule(frame: pl.DataFrame, column: str, _: Context, __: str) -> pl.Series:
        values = frame[column]
        shorter = values.str.slice(0, length)
        return pl.select(
            pl.when(values == UNKNOWN).then(values).otherwise(shorter)
        ).to_series()

    return rule


def _country(frame: pl.DataFrame, column: str, context: Context, _: str) -> pl.Series:
    # The release is of one country: every case's region lies in it.
    return pl.Series(column, [context.country] * frame.height, dtype=pl.String)


def _period(frame: pl.DataFrame, column: str, context: Context, _: str) -> pl.Series:
    first, last = context.first_year, context.last_year
    period = str(first) if first == last else f"{first}-{last}"
    return pl.Series(column, [period] * frame.height, dtype=pl.String)


def _nace_section(frame: pl.DataFrame, column: str, _: Context, __: str) -> pl.Series:
    sectors = vocab.vocabulary("sector")

    def section(code: str) -> str:
        parent = sectors.attribute(code, "section") if code in sectors else None
        return str(parent) if parent else code

    return _mapped(frame, [column], column, section)


# Each rule takes the frame as recorded, the column, the release's context
# and the suppressed category, and returns the column at its level.
RULES: Mapping[str, Rule] = {
    FIRST_RULE: _as_recorded,
    "age_group": _age_group,
    "age_category": _age_category,
    "citizenship_group": _citizenship_group,
    "nuts_2": _nuts(4),
    "nuts_1": _nuts(3),
    "country": _country,
    "period": _period,
    "nace_section": _nace_section,
    LAST_RULE: _suppressed,
}


def accepts(codes: str | None, value: str) -> bool:
    """Whether ``value`` is of the form or vocabulary ``codes`` names."""
    if codes is None or value == UNKNOWN:
        return True
    if codes in FORMS:
        return bool(FORMS[codes].fullmatch(value))
    return value in vocab.vocabulary(codes)
