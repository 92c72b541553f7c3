"""Legislation as dated, comparable data, applied to cases.

Provisions are data in ``provisions/`` (one file per jurisdiction, and the
vocabulary of legal elements in ``elements.yaml``); docs/law.md describes
the format::

    from flexwatch import law

    book = law.book()
    book.provision("EE-KarS-133").version_on(date(2012, 4, 15))
"""

from functools import cache
from importlib import resources

from flexwatch.assessment import frameworks
from flexwatch.law.loader import (
    load_book,
    package_files,
    parse_comparisons,
    parse_crosswalk,
)
from flexwatch.law.model import (
    Comparisons,
    Crosswalk,
    LawBook,
    LawDataError,
    UnknownProvision,
)


@cache
def book() -> LawBook:
    """The package's provisions, read and checked once.

    Raises:
        LawDataError: a data file is malformed, naming the file and line.
    """
    return load_book(package_files())


@cache
def comparisons() -> Comparisons:
    """The default comparison of ``comparisons.yaml``, checked against ``book``.

    Raises:
        LawDataError: the file is malformed, naming the file and line.
    """
    name = "comparisons.yaml"
    text = resources.files("flexwatch.law").joinpath(name).read_text("utf-8")
    return parse_comparisons(name, text, book())


@cache
def crosswalk() -> Crosswalk:
    """The links from the screening's ids to legal elements, checked once.

    Raises:
        LawDataError: an id or a code is unknown, naming the file and line.
    """
    name = "crosswalk.yaml"
    text = resources.files("flexwatch.law").joinpath(name).read_text("utf-8")
    return parse_crosswalk(name, text, book().vocabulary, _unstaged_ids())


def _unstaged_ids() -> list[str]:
    """The assessment ids a link may start from: those without a stage."""
    return [
        indicator.id
        for framework in frameworks.catalogue().frameworks
        for dimension in framework.dimensions
        if dimension.stage is None
        for indicator in dimension.indicators
    ]


__all__ = [
    "Comparisons",
    "Crosswalk",
    "LawBook",
    "LawDataError",
    "UnknownProvision",
    "book",
    "comparisons",
    "crosswalk",
    "load_book",
]
