"""The definitions the tables count by: registered victims and offences.

The rules are data beside this module, so that whoever checks the statistics
reads them without reading code: ``registered.yaml`` (which identification
decisions make a registered victim, citing Eurostat's definition) and
``offences.yaml`` (which stage of proceedings a legal event reaches, and which
provisions are trafficking or lesser labour offences, citing the reference
model of legislation). The loaders refuse a file naming a code its vocabulary
does not have, and say which file and line::

    from flexwatch.stats.definitions import offences, registered

    registered().statuses   # frozenset({"formally_identified", "presumed", ...})
    offences().category("FI RL 47:3a")   # "lesser_labour"
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from flexwatch import vocab

log = logging.getLogger(__name__)

KEYS = ("version", "source", "vocabulary", "registered")
OFFENCE_KEYS = (
    "version",
    "source",
    "stages",
    "convicted",
    "convicted_of_other_offence",
    "offences",
)
# The steps of proceedings a case or person can reach, in order.
FUNNEL = ("reported", "investigated", "charged", "tried", "convicted")
# The categories of offence a file lists; any other provision is "other".
CATEGORIES = ("trafficking", "lesser_labour")
OTHER = "other"
# The longest provision a legal event stores (cases.models.LegalEvent).
PROVISION_LENGTH = 100


class DefinitionError(ValueError):
    """A definitions file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class Registered:
    """The decisions that count a person as a registered victim, and why."""

    statuses: frozenset[str]
    vocabulary: str
    source: str


@cache
def registered() -> Registered:
    """The package's definition of a registered victim, read once.

    Raises:
        DefinitionError: ``registered.yaml`` is malformed or names an
            unknown code.
    """
    path = resources.files("flexwatch.stats").joinpath("registered.yaml")
    return load(path.read_text(encoding="utf-8"), str(path))


def load(text: str, where: str) -> Registered:
    """Read a definition of registered victims from the text of a YAML file.

    Args:
        text: the file's content.
        where: the file's name, for messages.

    Raises:
        DefinitionError: the text is not the expected mapping, or a status is
            not a code of the vocabulary it names.
    """
    root = _compose(text, where)
    entries = {key.value: value for key, value in root.value}
    if sorted(entries) != sorted(KEYS):
        raise DefinitionError(
            f"{where}, line {root.start_mark.line + 1}: expected the keys "
            f"{', '.join(KEYS)}; found {', '.join(entries) or 'none'}."
        )

    name = scalar(entries["vocabulary"], where)
    if name not in vocab.names():
        raise DefinitionError(
            f"{where}, line {line_of(entries['vocabulary'])}: {name!r} is not a "
            f"vocabulary; the vocabularies are: {', '.join(vocab.names())}."
        )
    statuses = _codes(entries["registered"], name, where, "registered")

    log.debug("Read %s: %d registered statuses", where, len(statuses))
    return Registered(statuses, name, scalar(entries["source"], where))


@dataclass(frozen=True)
class Offences:
    """How legal events are read: the step each reaches, the offence category.

    Attributes:
        stages: each ``legal_stage`` code and the ``FUNNEL`` step it reaches.
        convicted: outcomes that are a conviction under the event's provision.
        convicted_of_other_offence: outcomes that are a conviction under
            another provision.
        categories: each listed provision and its category (``CATEGORIES``).
        cites: each listed provision and the reference record it cites.
        source: what the file cites.
    """

    stages: Mapping[str, str]
    convicted: frozenset[str]
    convicted_of_other_offence: frozenset[str]
    categories: Mapping[str, str]
    cites: Mapping[str, str]
    source: str

    def category(self, provision: str) -> str:
        """``trafficking``, ``lesser_labour``, or ``other`` for any provision."""
        return self.categories.get(provision, OTHER)


@cache
def offences() -> Offences:
    """The package's reading of legal events and provisions, read once.

    Raises:
        DefinitionError: ``offences.yaml`` is malformed or names an unknown
            code.
    """
    path = resources.files("flexwatch.stats").joinpath("offences.yaml")
    return load_offences(path.read_text(encoding="utf-8"), str(path))


def load_offences(text: str, where: str) -> Offences:
    """Read stages, convictions and offence categories from a YAML file's text.

    Args:
        text: the file's content.
        where: the file's name, for messages.

    Raises:
        DefinitionError: the text is not the expected mapping, a stage or
            outcome is not a code of its vocabulary, a stage code is not
            mapped, or a provision is malformed or listed twice.
    """
    root = _compose(text, where)
    entries = _keyed(root, where, OFFENCE_KEYS, OFFENCE_KEYS)

    stages = _stages(entries["stages"], where)
    convicted = _codes(entries["convicted"], "legal_outcome", where, "convicted")
    other = _codes(
        entries["convicted_of_other_offence"],
        "legal_outcome",
        where,
        "convicted_of_other_offence",
    )
    if both := convicted & other:
        raise DefinitionError(
            f"{where}, line {line_of(entries['convicted'])}: {', '.join(sorted(both))}"
            " cannot be both a conviction under the event's provision and under"
            " another."
        )
    categories, cites = _provisions(entries["offences"], where)

    log.debug("Read %s: %d provisions", where, len(categories))
    return Offences(
        stages, convicted, other, categories, cites, scalar(entries["source"], where)
    )


def _keyed(
    node: yaml.Node, where: str, allowed: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, yaml.Node]:
    """The values of a mapping by key, refusing keys it may not or must have."""
    if not isinstance(node, yaml.MappingNode):
        raise DefinitionError(f"{where}, line {line_of(node)}: expected a mapping.")
    entries = {scalar(key, where): value for key, value in node.value}
    unknown = [key for key in entries if key not in allowed]
    missing = [key for key in required if key not in entries]
    if unknown or missing:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: expected the keys {', '.join(allowed)}; "
            f"found {', '.join(entries) or 'none'}."
        )
    return entries


def _stages(node: yaml.Node, where: str) -> dict[str, str]:
    codes = vocab.vocabulary("legal_stage")
    entries = _keyed(node, where, codes.codes, codes.codes)
    stages = {}
    for code, value in entries.items():
        step = scalar(value, where)
        if step not in FUNNEL[:-1]:
            raise DefinitionError(
                f"{where}, line {line_of(value)}: {step!r} is not a step a stage "
                f"can reach; the steps are: {', '.join(FUNNEL[:-1])}."
            )
        stages[code] = step
    return stages


def _provisions(node: yaml.Node, where: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each listed provision's category and citation, checked per country."""
    countries = vocab.vocabulary("exploitation_country")
    categories: dict[str, str] = {}
    cites: dict[str, str] = {}
    for key, value in _keyed(node, where, countries.codes, ()).items():
        for category, listed in _keyed(value, where, CATEGORIES, ()).items():
            if not isinstance(listed, yaml.SequenceNode):
                raise DefinitionError(
                    f"{where}, line {line_of(listed)}: {category} must be a list."
                )
            for item in listed.value:
                provision, cited = _provision(item, key, where)
                if provision in categories:
                    raise DefinitionError(
                        f"{where}, line {line_of(item)}: {provision!r} is listed twice."
                    )
                categories[provision], cites[provision] = category, cited
    return categories, cites


def _provision(node: yaml.Node, country: str, where: str) -> tuple[str, str]:
    entry = _keyed(node, where, ("provision", "cites"), ("provision", "cites"))
    provision = scalar(entry["provision"], where)
    # Stored provisions start with their country, so one code means one law.
    if not provision.startswith(f"{country} ") or len(provision) > PROVISION_LENGTH:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {provision!r} must start with "
            f"{country!r} and a space and be at most {PROVISION_LENGTH} characters."
        )
    return provision, scalar(entry["cites"], where)


def _compose(text: str, where: str) -> yaml.MappingNode:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{where}{line}: not valid YAML ({error}).") from error
    if not isinstance(root, yaml.MappingNode):
        raise DefinitionError(f"{where}: expected a mapping of keys to values.")
    return root


def _codes(node: yaml.Node, name: str, where: str, key: str) -> frozenset[str]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {key} must list at least one code."
        )
    codes = vocab.vocabulary(name)
    for item in node.value:
        code = scalar(item, where)
        if code not in codes:
            raise DefinitionError(
                f"{where}, line {line_of(item)}: {code!r} is not a code of "
                f"{name}; the codes are: {', '.join(codes.codes)}."
            )
    return frozenset(item.value for item in node.value)


def scalar(node: yaml.Node, where: str) -> str:
    """A plain value of a data file, or an error naming the file and line."""
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        raise DefinitionError(f"{where}, line {line_of(node)}: expected a plain value.")
    return str(node.value)


def line_of(node: yaml.Node) -> int:
    """The line of a data file a node starts on, counted from 1."""
    return int(node.start_mark.line) + 1
