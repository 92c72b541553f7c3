"""Publishing a table as a snapshot, and reading snapshots: rights and audit.

A table is published by a person who may run statistics (the ``analyse``
capability) in the organisation that publishes it, and only after
disclosure control. ``publish`` keeps it as a ``Snapshot`` with the SHA-256
of its canonical content and writes ``statistics_published`` to the audit
trail. It is the one way a table becomes a snapshot, so a report builder
must publish each of its tables through it.
``publish_standard`` makes one of the standard tables from what the person
may see, protects it with ``disclosure.protect`` and publishes it::

    from flexwatch.stats import snapshots

    snapshot = snapshots.publish_standard(
        user, "registered_victims", countries=("EE",), first_year=2011,
        last_year=2013, by=("year", "sex"),
    )
    snapshots.verify(snapshot)   # True while content and hash agree

A snapshot is disclosure-controlled, so every member of its organisation
may read it, whatever their role; nobody else may.
"""

import csv
import datetime
import logging
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from flexwatch import files, vocab
from flexwatch.accounts import audit
from flexwatch.accounts.models import Organisation, User
from flexwatch.accounts.scoping import Scope, scope_for
from flexwatch.cases import export
from flexwatch.stats import breaks, disclosure, frames, published
from flexwatch.stats.disclosure import PublishedTable
from flexwatch.stats.indicators import (
    continuum_levels,
    indicator_prevalence,
    victims_assisted,
)
from flexwatch.stats.models import Snapshot
from flexwatch.stats.proceedings import (
    proceedings_funnel,
    recognition_gap,
    suspects_prosecuted_convicted,
)
from flexwatch.stats.published import KINDS, Metadata
from flexwatch.stats.tables import BASES, TableError, registered_victims

log = logging.getLogger(__name__)

# The dimensions each standard table is counted by, unless others are asked.
DEFAULT_BY = {
    "registered_victims": ("year", "sex"),
    "suspects": ("year", "sex"),
    "funnel": ("year", "country"),
    "recognition_gap": ("country", "year"),
    "prevalence": ("country",),
    "continuum_levels": ("country", "year"),
    "victims_assisted": ("year", "country"),
}
TITLES = {
    "registered_victims": "Registered victims",
    "suspects": "Suspects by the furthest step of proceedings reached",
    "funnel": "Cases by the furthest step of proceedings reached",
    "recognition_gap": "The recognition gap",
    "prevalence": "Indicator prevalence",
    "continuum_levels": "Cases by level of the continuum",
    "victims_assisted": "Registered victims by assistance",
}


# The longest title a snapshot keeps (models.Snapshot.title).
TITLE_LENGTH = 200


class PublishRefused(Exception):
    """The person may not publish this table, or it cannot be published."""


def publish(user: User, table: PublishedTable, metadata: Metadata) -> Snapshot:
    """Keep ``table`` as a snapshot of the publishing organisation; audited.

    Args:
        user: who publishes; they must be able to run statistics in the
            organisation (``metadata.organisation_id``, or the one
            organisation where they can).
        table: a table as ``disclosure.protect`` published it.
        metadata: what the table is and what its reader must know.

    Returns:
        The snapshot, with the SHA-256 of its canonical content.

    Raises:
        PublishRefused: the person may not publish for the organisation, the
            title is empty or longer than ``TITLE_LENGTH``, or the table shows
            a count that disclosure control suppresses.
    """
    organisation = _publisher(scope_for(user), metadata.organisation_id, user)
    _check_title(metadata.title)
    if small := published.small_values(table, metadata.threshold):
        raise PublishRefused(
            f"Table {table.name!r} shows counts below the threshold"
            f" {metadata.threshold} (first at {small[0]}): protect it first."
        )

    now = timezone.now()
    content = published.content(table, metadata) | {
        "organisation": organisation.pk,
        "published_by": user.pk,
        "published_at": now.isoformat(),
    }
    with transaction.atomic():
        snapshot = Snapshot.objects.create(
            organisation=organisation,
            kind=metadata.kind,
            title=metadata.title,
            content=content,
            sha256=published.digest(content),
            published_by=user,
            published_at=now,
        )
        audit.record(
            "statistics_published",
            actor_id=user.pk,
            organisation_id=organisation.pk,
            obj=snapshot,
            detail=_audited(snapshot),
        )

    log.info("Published %s as snapshot %d", metadata.kind, snapshot.pk)
    return snapshot


def _check_title(title: str) -> None:
    # A title cut to fit the column would no longer match the hashed content.
    if not title.strip() or len(title) > TITLE_LENGTH:
        raise PublishRefused(
            f"The title {title[:40]!r} cannot be kept: a title must have 1 to "
            f"{TITLE_LENGTH} characters, not only spaces; this one has "
            f"{len(title)}."
        )


def _publisher(scope: Scope, organisation_id: int | None, user: User) -> Organisation:
    """The organisation the person publishes for, or why they may not."""
    allowed = scope.organisations_where("analyse")
    if not allowed:
        raise PublishRefused(
            f"{user.username} may not run statistics in any organisation."
        )
    if organisation_id is None and len(allowed) > 1:
        names = Organisation.objects.filter(pk__in=allowed).order_by("name")
        raise PublishRefused(
            "Name the organisation that publishes: one of "
            f"{', '.join(org.name for org in names)}."
        )
    chosen = allowed[0] if organisation_id is None else organisation_id
    if chosen not in allowed:
        raise PublishRefused(
            f"{user.username} may not run statistics in organisation {chosen}."
        )
    return Organisation.objects.get(pk=chosen)


def _audited(snapshot: Snapshot) -> dict[str, Any]:
    content = snapshot.content
    return {
        "kind": snapshot.kind,
        "sha256": snapshot.sha256,
        "cells": len(content["cells"]),
        "suppressed": len(content["suppressed"]),
        "threshold": content["parameters"]["threshold"],
    }


def publish_standard(
    user: User,
    kind: str,
    *,
    countries: Sequence[str],
    first_year: int,
    last_year: int,
    basis: str = "registration",
    by: Sequence[str] | None = None,
    threshold: int = disclosure.DEFAULT_THRESHOLD,
    title: str | None = None,
    organisation_id: int | None = None,
) -> Snapshot:
    """Count a standard table from what the person may see, protect it, publish.

    The counts come from the cases the person may see in organisations where
    they may run statistics (as for a delivery), in ``countries``, whose date
    on ``basis`` falls in ``first_year`` to ``last_year``.

    Args:
        user: who publishes.
        kind: one of ``published.KINDS``.
        countries: country codes, such as ``("FI", "EE")``.
        first_year: the first year of the period.
        last_year: the last year, inclusive.
        basis: ``registration``, ``identification`` or ``exploitation``.
        by: the table's dimensions; ``DEFAULT_BY`` of the kind if none.
        threshold: the threshold of disclosure control.
        title: the title; the kind's own, with the countries and period, if
            none.
        organisation_id: the organisation that publishes, if the person may
            run statistics in several.

    Raises:
        PublishRefused: the person may not publish, an argument is not
            accepted, or the table counts nobody.
    """
    _check_request(kind, countries, first_year, last_year, basis)
    if title is not None:
        _check_title(title)
    scope = scope_for(user)
    _publisher(scope, organisation_id, user)
    by = tuple(DEFAULT_BY[kind] if by is None else by)

    try:
        result = _counted(
            kind,
            export.export_scope(scope),
            by,
            basis,
            countries,
            first_year,
            last_year,
        )
        tables = published.frequency_tables(kind, result)
        publication = disclosure.protect(tables, threshold)
    except (TableError, published.NothingToPublish, ValueError) as problem:
        raise PublishRefused(str(problem)) from problem

    table = published.merged(publication)
    span = (
        str(first_year) if first_year == last_year else f"{first_year} to {last_year}"
    )
    if title is None:
        title = f"{TITLES[kind]}, {', '.join(countries)}, {span}"
    metadata = Metadata(
        kind=kind,
        title=title,
        countries=tuple(countries),
        first_year=first_year,
        last_year=last_year,
        basis=basis,
        threshold=threshold,
        account=publication.account,
        notes=(
            published.period_note(countries, first_year, last_year, basis),
            *result.notes,
        ),
        breaks=result.breaks,
        parameters={"by": list(by)},
        suppressed=published.suppressions(publication, table),
        organisation_id=organisation_id,
    )
    return publish(user, table, metadata)


def _check_request(
    kind: str, countries: Sequence[str], first: int, last: int, basis: str
) -> None:
    if kind not in KINDS:
        raise PublishRefused(
            f"{kind!r} is not a table kind; the kinds are {', '.join(KINDS)}."
        )
    if basis not in BASES:
        raise PublishRefused(
            f"{basis!r} is not a date basis; use one of {', '.join(BASES)}."
        )
    known = vocab.vocabulary("exploitation_country")
    if not countries or any(code not in known for code in countries):
        raise PublishRefused(
            f"{', '.join(countries) or 'No country'}: name countries of "
            f"{', '.join(known.codes)}."
        )
    if first > last:
        raise PublishRefused(f"The period {first} to {last} ends before it starts.")


def _counted(
    kind: str,
    scope: Scope,
    by: tuple[str, ...],
    basis: str,
    countries: Sequence[str],
    first: int,
    last: int,
) -> Any:
    """The standard table ``kind``, counted from the frames of ``scope``."""

    def kept(frame: pl.DataFrame) -> pl.DataFrame:
        return published.in_period(frame, countries, first, last, basis)

    options: dict[str, Any] = {"by": by, "date_basis": basis}
    if kind == "registered_victims":
        return registered_victims(kept(frames.victims(scope)), **options)
    if kind == "victims_assisted":
        return victims_assisted(
            kept(frames.victims(scope)), frames.assistance(scope), **options
        )
    if kind == "suspects":
        return suspects_prosecuted_convicted(kept(frames.proceedings(scope)), **options)
    if kind == "funnel":
        return proceedings_funnel(kept(frames.proceedings(scope)), **options)
    if kind == "recognition_gap":
        return recognition_gap(
            kept(frames.victims(scope)),
            frames.proceedings(scope),
            frames.assistance(scope),
            **options,
        )
    if kind == "prevalence":
        return indicator_prevalence(
            frames.observations(scope), kept(frames.cases(scope)), **options
        )
    return continuum_levels(kept(frames.cases(scope)), **options)


def readable(who: User | Scope) -> QuerySet[Snapshot]:
    """The snapshots a user (or scope) may read: those of every organisation
    they are a member of, in any role."""
    scope = who if isinstance(who, Scope) else scope_for(who)
    organisations = list(scope.roles)
    return Snapshot.objects.filter(organisation_id__in=organisations).select_related(
        "organisation"
    )


def verify(snapshot: Snapshot) -> bool:
    """Whether the snapshot's content still hashes to its SHA-256, and its
    columns agree with that content."""
    content = snapshot.content
    return (
        published.digest(content) == snapshot.sha256
        and content.get("kind") == snapshot.kind
        and content.get("title") == snapshot.title
        and content.get("organisation") == snapshot.organisation_id
        and content.get("published_by") == snapshot.published_by_id
    )


def rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The cells then the margins of a snapshot, one row each, for pages and
    files: the codes by dimension (``total`` where summed over), the value
    (``None`` where suppressed), the rule that suppressed it, and whether the
    row is the first year under a changed law."""
    content = snapshot.content
    dimensions = content["parameters"]["dimensions"]
    reasons = {tuple(key): reason for key, reason in content["suppressed"]}
    found = [_break(entry) for entry in content["breaks"]]
    return [
        _row(dimensions, key, value, reasons.get(tuple(key), ""), found)
        for part in ("cells", "margins")
        for key, value in content[part]
    ]


def _break(entry: dict[str, Any]) -> breaks.SeriesBreak:
    values = {name: entry[name] for name in breaks.ENTRY_KEYS if name != "date"}
    return breaks.SeriesBreak(date=datetime.date.fromisoformat(entry["date"]), **values)


def _row(
    dimensions: list[str],
    key: list[str | None],
    value: int | None,
    reason: str,
    found: list[breaks.SeriesBreak],
) -> dict[str, Any]:
    codes = dict(zip(dimensions, key, strict=True))
    return {
        "codes": ["total" if code is None else code for code in key],
        "value": value,
        "suppressed": reason,
        "series_break": breaks.flagged(codes.get("year"), codes.get("country"), found),
    }


def write_csv(snapshot: Snapshot, path: str) -> int:
    """Write a snapshot's cells and margins as CSV; all or nothing.

    The columns are the dimensions, ``value`` (empty where suppressed),
    ``suppressed`` (the rule) and ``series_break``. Returns the rows written.
    """
    dimensions = snapshot.content["parameters"]["dimensions"]
    written = rows(snapshot)
    with files.all_or_nothing(path) as out:
        writer = csv.writer(out)
        writer.writerow([*dimensions, "value", "suppressed", "series_break"])
        for row in written:
            value = "" if row["value"] is None else row["value"]
            flag = "yes" if row["series_break"] else ""
            writer.writerow([*row["codes"], value, row["suppressed"], flag])
    log.info("Snapshot %d written to %s: %d rows", snapshot.pk, path, len(written))
    return len(written)
