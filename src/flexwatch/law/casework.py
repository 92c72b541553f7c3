"""The law applied to one case, as its page and the reports show it.

Pure: no Django and no I/O. Reads a case in the ``CaseIn`` shape (dicts or
model attributes alike), screens it with ``flexwatch.cases.screening`` and
weighs it against the offences of its country with
``flexwatch.law.applicability``.

The period of exploitation runs from the day it began (else 1 January of
the case's year) to the day it ended (else 31 December of the case's year,
else the day it began): an open-ended case is judged under every version in
force in its year, and never beyond what the record says.
"""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flexwatch import law
from flexwatch.assessment import frameworks
from flexwatch.cases import screening
from flexwatch.law.applicability import Match, applicable, populations
from flexwatch.law.model import LawBook


def period(
    began: date | None, ended: date | None, year: int | None
) -> tuple[date, date] | None:
    """The first and last day of exploitation, or None when nothing dates it."""
    start = began or (date(year, 1, 1) if year else None)
    if start is None:
        return None
    if ended is not None:
        return start, ended
    if year is not None and year >= start.year:
        return start, date(year, 12, 31)
    return start, start


def matches(
    country: str,
    began: date | None,
    ended: date | None,
    year: int | None,
    observations: Iterable[Mapping[str, Any]],
    persons: Iterable[Mapping[str, Any]],
    book: LawBook | None = None,
) -> list[Match]:
    """The offence versions of the case's country weighed against the case.

    Args:
        observations: each with ``indicator`` and ``status``.
        persons: each with ``role``, ``age_min`` and ``age_max``.
        book: the law to weigh against; the package's files when None (the
            pages pass the book with the added versions).

    Returns:
        Ranked matches (``applicability.applicable``); empty when the case
        has no dates or its country has no provisions.
    """
    days = period(began, ended, year)
    if days is None:
        return []
    seen = screening.seen(observations, persons)
    observed = frameworks.crosswalk().expand(seen.observed)
    return applicable(
        book or law.book(),
        law.crosswalk(),
        country,
        days,
        observed,
        populations(seen.groups),
    )


def report(
    country: str,
    began: date | None,
    ended: date | None,
    year: int | None,
    observations: Iterable[Mapping[str, Any]],
    persons: Iterable[Mapping[str, Any]],
    language: str = "en",
    book: LawBook | None = None,
) -> dict[str, Any]:
    """Everything the case page shows of the law applied to the case.

    Returns:
        ``period`` (first and last day, or None), ``covered`` (whether the
        country has provisions), ``crosswalk`` (its version) and
        ``matches``, each with the provision, version, age group, and the
        elements met, missing and to be established, labelled in
        ``language``.
    """
    book = book or law.book()
    found = matches(country, began, ended, year, observations, persons, book)
    vocabulary = book.vocabulary

    def labelled(by_group: Mapping[str, tuple[str, ...]]) -> list[dict[str, Any]]:
        # In the vocabulary's order, as the legislation pages list them.
        return [
            {
                "group": group,
                "codes": [
                    vocabulary.label(group, c, language)
                    for c in vocabulary.codes(group)
                    if c in codes
                ],
            }
            for group, codes in by_group.items()
        ]

    return {
        "period": period(began, ended, year),
        "covered": bool(book.of_country(country)),
        "crosswalk": law.crosswalk().version,
        "matches": [
            {
                "id": m.provision.id,
                "title": m.provision.title_en,
                "title_original": m.provision.title_original,
                "provision": m.provision.provision,
                "instrument": m.provision.instrument,
                "from": m.version.start,
                "to": m.version.end,
                "status": m.version.status,
                "population": m.population,
                "complete": m.complete,
                "met": labelled(m.met),
                "missing": labelled(m.missing),
                "to_establish": m.to_establish,
            }
            for m in found
        ],
    }
