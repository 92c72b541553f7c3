"""The package's vocabularies by name, each loaded once and checked whole."""

import dataclasses
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

from flexwatch.vocab.errors import VocabularyError
from flexwatch.vocab.loader import read_file
from flexwatch.vocab.vocabulary import Vocabulary

SUFFIXES = (".yaml", ".csv")


def _data() -> Traversable:
    return resources.files("flexwatch.vocab").joinpath("data")


@cache
def _files() -> dict[str, Traversable]:
    return {
        entry.name.rsplit(".", 1)[0]: entry
        for entry in _data().iterdir()
        if entry.is_file() and entry.name.endswith(SUFFIXES)
    }


def names() -> tuple[str, ...]:
    """The names of every vocabulary in the package, in alphabetical order."""
    return tuple(sorted(_files()))


@cache
def vocabulary(name: str) -> Vocabulary:
    """The vocabulary called ``name``, read from its file on first use.

    Raises:
        KeyError: no vocabulary has that name; the message lists the names.
        VocabularyError: its file, or a file it refers to, is malformed.
    """
    if name not in _files():
        raise KeyError(
            f"There is no vocabulary {name!r}; the vocabularies are: "
            f"{', '.join(names())}."
        )
    source = _files()[name]
    loaded = read_file(source)

    if loaded.extends:
        base = _referred(source, "extends", loaded.extends)
        loaded = _extend(loaded, base, source)
    _check_references(loaded, source)
    return loaded


def _referred(source: Traversable, key: str, name: str) -> Vocabulary:
    if name not in _files():
        raise VocabularyError(
            f"{source}: {key}: names {name!r}, which is not a vocabulary; "
            f"the vocabularies are: {', '.join(names())}."
        )
    return vocabulary(name)


def _extend(own: Vocabulary, base: Vocabulary, source: Traversable) -> Vocabulary:
    """``own`` with ``base``'s codes in front: citizenship is country + more."""
    if clash := sorted(set(own.codes) & set(base.codes)):
        raise VocabularyError(
            f"{source}: code {clash[0]!r}: is already a code of {base.name}, "
            "which this vocabulary extends."
        )
    return dataclasses.replace(
        own,
        codes=base.codes + own.codes,
        _labels=MappingProxyType({**base._labels, **own._labels}),
        _attributes=MappingProxyType({**base._attributes, **own._attributes}),
    )


def _check_references(vocab: Vocabulary, source: Traversable) -> None:
    """Attributes of kind ``code`` with ``of`` must name codes of that vocabulary."""
    for spec in vocab.attribute_specs.values():
        if spec.kind != "code" or not spec.of:
            continue
        other = _referred(source, f"attribute {spec.name!r}", spec.of)

        for code in vocab.codes:
            value = vocab.attribute(code, spec.name)
            if value is not None and value not in other:
                raise VocabularyError(
                    f"{source}: code {code!r}: attribute {spec.name!r} is "
                    f"{value!r}, which is not a code of {spec.of}."
                )
