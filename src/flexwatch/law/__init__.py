"""Legislation as dated, comparable data, applied to cases.

Provisions are data in ``provisions/`` (one file per jurisdiction, and the
vocabulary of legal elements in ``elements.yaml``); docs/law.md describes
the format::

    from flexwatch import law

    book = law.book()
    book.provision("EE-KarS-133").version_on(date(2012, 4, 15))
"""

from functools import cache

from flexwatch.law.loader import load_book, package_files
from flexwatch.law.model import LawBook, LawDataError, UnknownProvision


@cache
def book() -> LawBook:
    """The package's provisions, read and checked once.

    Raises:
        LawDataError: a data file is malformed, naming the file and line.
    """
    return load_book(package_files())


__all__ = ["LawBook", "LawDataError", "UnknownProvision", "book", "load_book"]
