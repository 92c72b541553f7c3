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

from flexwatch.law.loader import load_book, package_files, parse_comparisons
from flexwatch.law.model import Comparisons, LawBook, LawDataError, UnknownProvision


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


__all__ = [
    "Comparisons",
    "LawBook",
    "LawDataError",
    "UnknownProvision",
    "book",
    "comparisons",
    "load_book",
]
