"""Which identification decisions make a person a registered victim.

The rule is data, ``registered.yaml`` beside this module, citing Eurostat's
definition, so that whoever checks the statistics reads it without reading
code. The loader refuses a file naming a code its vocabulary does not have,
and says which file and line::

    from flexwatch.stats.definitions import registered

    registered().statuses   # frozenset({"formally_identified", "presumed", ...})
"""

import logging
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from flexwatch import vocab

log = logging.getLogger(__name__)

KEYS = ("version", "source", "vocabulary", "registered")


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

    name = _scalar(entries["vocabulary"], where)
    if name not in vocab.names():
        raise DefinitionError(
            f"{where}, line {_line(entries['vocabulary'])}: {name!r} is not a "
            f"vocabulary; the vocabularies are: {', '.join(vocab.names())}."
        )
    statuses = _codes(entries["registered"], name, where)

    log.debug("Read %s: %d registered statuses", where, len(statuses))
    return Registered(statuses, name, _scalar(entries["source"], where))


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


def _codes(node: yaml.Node, name: str, where: str) -> frozenset[str]:
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise DefinitionError(
            f"{where}, line {_line(node)}: registered must list at least one code."
        )
    codes = vocab.vocabulary(name)
    for item in node.value:
        code = _scalar(item, where)
        if code not in codes:
            raise DefinitionError(
                f"{where}, line {_line(item)}: {code!r} is not a code of "
                f"{name}; the codes are: {', '.join(codes.codes)}."
            )
    return frozenset(item.value for item in node.value)


def _scalar(node: yaml.Node, where: str) -> str:
    if not isinstance(node, yaml.ScalarNode) or not node.value:
        raise DefinitionError(f"{where}, line {_line(node)}: expected a plain value.")
    return str(node.value)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
