"""The law as the pages show it: provisions in force, a history, a matrix.

Pure: takes the law book and returns plain dicts with the codes labelled in
the reader's language; the views only choose the book and the language.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flexwatch.law import compare
from flexwatch.law.model import GROUPS, Comparisons, Elements, LawBook, Provision


def in_force(
    book: LawBook, day: date, country: str = "", instrument: str = ""
) -> list[Provision]:
    """The provisions in force on ``day``, of a country and instrument if given."""
    return [
        p
        for p in book.provisions
        if p.version_on(day) is not None
        and (not country or p.country == country)
        and (not instrument or p.instrument == instrument)
    ]


def instruments(book: LawBook, country: str = "") -> list[str]:
    """The instruments of a country (every one when none), in the files' order."""
    found = (
        p.instrument for p in book.provisions if not country or p.country == country
    )
    return list(dict.fromkeys(found))


def entry(
    book: LawBook, provision: Provision, day: date, language: str
) -> dict[str, Any]:
    """A provision as in force on ``day``, its elements labelled."""
    version = provision.version_on(day)
    return {
        "provision": provision,
        "version": version,
        "elements": labelled(book, version.elements, language) if version else [],
        "uncertain": labelled(book, provision.uncertain_on(day), language),
    }


def history(book: LawBook, provision: Provision, language: str) -> list[dict[str, Any]]:
    """Every version of a provision, newest first, with what it changed."""
    versions = []
    before: Elements | None = None
    for version in provision.versions:
        versions.append(
            {
                "version": version,
                "elements": labelled(book, version.elements, language),
                "added": _difference(book, version.elements, before, language),
                "removed": _difference(book, before, version.elements, language),
            }
        )
        before = version.elements
    return versions[::-1]


def labelled(book: LawBook, elements: Elements, language: str) -> list[dict[str, Any]]:
    """Each group with codes, and their labels in ``language``."""
    return [
        {"group": group, "labels": _labels(book, group, elements.of(group), language)}
        for group in GROUPS
        if elements.of(group)
    ]


def matrix(
    book: LawBook, defaults: Comparisons, day: date, language: str
) -> dict[str, Any]:
    """The default comparison on ``day``: the instruments beside the baseline,
    then each country's trafficking offence, and each country's gaps."""
    columns = [[i] for i in defaults.beside] + list(defaults.countries.values())
    found = compare.matrix(book, columns, day, defaults.baseline)
    return {
        "matrix": found,
        "rows": [
            {
                "group": row.group,
                "label": book.vocabulary.label(row.group, row.code, language),
                "in_baseline": row.in_baseline,
                "cells": row.cells,
            }
            for row in found.rows
        ],
        "gaps": [
            _gaps(book, compare.gaps(book, c, ids, day, defaults.baseline), language)
            for c, ids in defaults.countries.items()
        ],
    }


def _gaps(book: LawBook, found: compare.Gaps, language: str) -> dict[str, Any]:
    def listed(by_group: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
        return [
            {"group": g, "labels": _labels(book, g, codes, language)}
            for g, codes in by_group.items()
            if codes
        ]

    return {
        "country": found.country,
        "in_force": found.column.in_force,
        "lacks": listed(found.lacks),
        "adds": listed(found.adds),
        "uncertain": listed(found.uncertain),
        "child_without_means": found.child_without_means,
    }


def _difference(
    book: LawBook, these: Elements | None, those: Elements | None, language: str
) -> list[dict[str, Any]]:
    if these is None or those is None:
        return []
    return [
        {"group": g, "labels": _labels(book, g, these.of(g) - those.of(g), language)}
        for g in GROUPS
        if these.of(g) - those.of(g)
    ]


def _labels(
    book: LawBook, group: str, codes: Iterable[str], language: str
) -> list[str]:
    wanted = set(codes)
    return [
        book.vocabulary.label(group, code, language)
        for code in book.vocabulary.codes(group)
        if code in wanted
    ]
