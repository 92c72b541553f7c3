"""Standard tables made ready to publish, and the canonical form of a snapshot.

Pure: no Django, no I/O. Two steps lie between a table of counts and a
snapshot that later edits cannot change:

1. ``frequency_tables`` turns a standard table (``KINDS``) into frequency
   tables that ``disclosure.protect`` can protect: one count per cell, and
   margins that are sums a reader can rely on. The proceedings tables count
   cumulatively (every convicted suspect was also prosecuted), so they are
   published by the furthest step reached, whose cells add up; indicator
   prevalence is one table per indicator, protected together, since every
   indicator counts the same cases.
2. ``content`` writes a protected table and what a reader must know (the
   basis, the suppression account, notes, series breaks) as plain values,
   and ``digest`` gives the SHA-256 of their canonical JSON, so a snapshot
   can be checked against its hash at any time::

       tables = frequency_tables("registered_victims", result)
       publication = protect(tables, threshold=5)
       table = merged(publication)
       digest(content(table, metadata))
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from flexwatch.stats.breaks import SeriesBreak
from flexwatch.stats.disclosure import (
    Key,
    MarginKey,
    Publication,
    PublishedTable,
    Suppression,
    Table,
)
from flexwatch.stats.tables import UNKNOWN, dated

# Each standard table kind, and the dimensions it adds to those asked for.
KINDS: Mapping[str, tuple[str, ...]] = {
    "registered_victims": (),
    "suspects": ("reached",),
    "funnel": ("furthest_step",),
    "recognition_gap": ("identification", "treatment", "assistance"),
    "prevalence": ("indicator", "status"),
    "continuum_levels": ("continuum",),
    "victims_assisted": ("assistance",),
}
# The suspects table's cumulative columns, and the exclusive steps they split
# into: suspected and not prosecuted, prosecuted and not convicted, convicted.
SUSPECT_STEPS = {
    "not_prosecuted": ("suspected", "prosecuted"),
    "prosecuted_not_convicted": ("prosecuted", "convicted"),
    "convicted": ("convicted", None),
}
PREVALENCE_STATUSES = ("observed", "not_observed", UNKNOWN)
FORMAT = "flexwatch-snapshot/1"


class NothingToPublish(ValueError):
    """The table counts nobody, or is not of a kind that can be published."""


@dataclass(frozen=True)
class Metadata:
    """What a published table is, and what its reader must know.

    Attributes:
        kind: the standard table (``KINDS``) or another name a report gives.
        title: the title shown with the table.
        countries: the countries counted.
        first_year: the first year of the period, if the table has one.
        last_year: the last year of the period.
        basis: the date basis of the year.
        threshold: the threshold of disclosure control.
        account: the suppression account of the publication.
        notes: sentences a reader needs.
        breaks: the series breaks inside the countries and years counted.
        population: the population release used for rates, if any.
        parameters: any further choice the table was made with.
        suppressed: the suppressions of the publication; those of other
            tables are left out of the snapshot.
        organisation_id: the organisation that publishes; needed only when
            the person may run statistics in several.
    """

    kind: str
    title: str
    countries: tuple[str, ...]
    first_year: int | None
    last_year: int | None
    basis: str
    threshold: int
    account: str
    notes: tuple[str, ...] = ()
    breaks: tuple[SeriesBreak, ...] = ()
    population: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    suppressed: tuple[Suppression, ...] = ()
    organisation_id: int | None = None


def frequency_tables(kind: str, result: Any, name: str | None = None) -> list[Table]:
    """The frequency tables of a standard table, ready for ``protect``.

    Args:
        kind: one of ``KINDS``.
        result: the table as its function returned it (``VictimCounts``,
            ``ProceedingsCounts``, ...).
        name: the table's name in the publication; ``kind`` by default.

    Raises:
        NothingToPublish: an unknown kind, or a table with no cell.
    """
    if kind not in KINDS:
        raise NothingToPublish(
            f"{kind!r} is not a table kind; the kinds are {', '.join(KINDS)}."
        )
    name = name or kind
    counts, by = result.counts, tuple(result.by)

    if kind == "prevalence":
        return _prevalence_tables(counts, by, name)
    if kind == "suspects":
        counts = _exclusive(counts, by, "reached", SUSPECT_STEPS)
    elif kind == "funnel":
        steps = [c for c in counts.columns if c not in by]
        following = [*steps[1:], None]
        split = dict(zip(steps, zip(steps, following, strict=True), strict=True))
        counts = _exclusive(counts, by, "furthest_step", split)

    dimensions = (*by, *KINDS[kind])
    return [_table(counts, dimensions, counts.columns[-1], name)]


def _exclusive(
    counts: pl.DataFrame,
    by: tuple[str, ...],
    dimension: str,
    steps: Mapping[str, tuple[str, str | None]],
) -> pl.DataFrame:
    """Cumulative columns as one row per exclusive step: this one less the next."""
    parts = [
        counts.select(
            *by,
            pl.lit(step).alias(dimension),
            (pl.col(this) - (pl.col(after) if after else 0)).alias("count"),
        )
        for step, (this, after) in steps.items()
    ]
    return pl.concat(parts)


def _prevalence_tables(
    counts: pl.DataFrame, by: tuple[str, ...], name: str
) -> list[Table]:
    long = counts.unpivot(
        index=[*by, "indicator"],
        on=list(PREVALENCE_STATUSES),
        variable_name="status",
        value_name="count",
    )
    # Each indicator's status is a dimension of its own: the tables share
    # only the groups, whose margins (the cases) agree.
    return [
        _table(part, (*by, f"status:{indicator}"), "count", f"{name}:{indicator}")
        for (indicator,), part in long.group_by("indicator", maintain_order=True)
    ]


def _table(
    counts: pl.DataFrame, dimensions: tuple[str, ...], column: str, name: str
) -> Table:
    columns = [dimension.split(":", 1)[0] for dimension in dimensions]
    cells = {
        tuple(_code(row[c]) for c in columns): int(row[column])
        for row in counts.iter_rows(named=True)
    }
    if not cells:
        raise NothingToPublish(f"Table {name!r} counts nobody: there is no cell.")
    return Table(dimensions, cells, name=name)


def _code(value: object) -> str:
    # A key is a code; a year or level is written as text, null as unknown.
    return UNKNOWN if value is None else str(value)


def merged(publication: Publication, name: str | None = None) -> PublishedTable:
    """The publication's tables as one: itself for one table; for the tables
    of indicator prevalence, one whose first dimension names the indicator.

    Args:
        publication: what ``disclosure.protect`` returned.
        name: the merged table's name; the first table's prefix by default.
    """
    tables = publication.tables
    if len(tables) == 1:
        return tables[0]

    prefix = tables[0].name.split(":", 1)[0]
    cells: dict[Key, int | None] = {}
    margins: dict[MarginKey, int | None] = {}
    for table in tables:
        part = table.name.split(":", 1)[1]
        cells |= {(part, *key): value for key, value in table.cells.items()}
        margins |= {(part, *key): value for key, value in table.margins.items()}
    plain = (dimension.split(":", 1)[0] for dimension in tables[0].dimensions)
    dimensions = ("indicator", *plain)
    return PublishedTable(name or prefix, dimensions, cells, margins)


def suppressions(
    publication: Publication, table: PublishedTable
) -> tuple[Suppression, ...]:
    """The suppressions of ``table``, keyed as in it after ``merged``."""
    if len(publication.tables) == 1:
        return tuple(s for s in publication.suppressed if s.table == table.name)
    return tuple(
        Suppression(table.name, (s.table.split(":", 1)[1], *s.key), s.reason)
        for s in publication.suppressed
        if s.table.split(":", 1)[0] == table.name
    )


def content(table: PublishedTable, metadata: Metadata) -> dict[str, Any]:
    """A published table and its metadata as plain JSON values.

    Cells and margins are lists of ``[key, value]``, sorted, with ``None``
    for a value suppressed and, in a margin's key, for a dimension summed
    over. Suppressions of other tables are left out.
    """
    mine = [s for s in metadata.suppressed if s.table == table.name]
    return {
        "format": FORMAT,
        "kind": metadata.kind,
        "title": metadata.title,
        "table": table.name,
        # The standard parameters win over a further choice of the same name.
        "parameters": {
            **dict(metadata.parameters),
            "countries": list(metadata.countries),
            "first_year": metadata.first_year,
            "last_year": metadata.last_year,
            "basis": metadata.basis,
            "dimensions": list(table.dimensions),
            "threshold": metadata.threshold,
        },
        "cells": _pairs(table.cells),
        "margins": _pairs(table.margins),
        "suppressed": sorted(
            ([list(s.key), s.reason] for s in mine), key=lambda p: _sort_key(p[0])
        ),
        "account": metadata.account,
        "notes": list(metadata.notes),
        "breaks": [found.as_dict() for found in metadata.breaks],
        "population": metadata.population,
    }


def _pairs(
    values: Mapping[Key, int | None] | Mapping[MarginKey, int | None],
) -> list[list[Any]]:
    pairs = [[list(key), value] for key, value in values.items()]
    return sorted(pairs, key=lambda pair: _sort_key(pair[0]))


def _sort_key(key: list[str | None]) -> list[tuple[int, str]]:
    # A summed dimension (None) sorts after every code.
    return [(1, "") if code is None else (0, code) for code in key]


def canonical(values: Mapping[str, Any]) -> bytes:
    """The one byte string of ``values``: JSON, keys sorted, no spaces."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def digest(values: Mapping[str, Any]) -> str:
    """The SHA-256 of the canonical form of ``values``, in hex."""
    return hashlib.sha256(canonical(values)).hexdigest()


def in_period(
    frame: pl.DataFrame,
    countries: Iterable[str],
    first: int,
    last: int,
    basis: str,
) -> pl.DataFrame:
    """The rows of ``frame`` in ``countries`` whose date on ``basis`` falls in
    the years ``first`` to ``last``; a row without that date cannot be placed
    in the period and is not kept.

    Raises:
        TableError: an unknown basis, or its date column missing.
    """
    frame, _column = dated(frame, basis)
    return frame.filter(
        pl.col("country").is_in(list(countries)),
        pl.col("year").is_between(first, last),
    )


def period_note(countries: Iterable[str], first: int, last: int, basis: str) -> str:
    """The note that says which rows a table published for a period counts."""
    span = str(first) if first == last else f"{first} to {last}"
    return (
        f"Counted: cases in {', '.join(countries)} whose {basis} date falls in"
        f" {span}; cases without that date cannot be placed in the period and"
        " are not counted."
    )


def small_values(table: PublishedTable, threshold: int) -> list[MarginKey]:
    """The cells of ``table`` published with a count from 1 to threshold - 1:
    none, for a table that passed disclosure control."""
    return [
        key for key, value in table.cells.items() if value and 0 < value < threshold
    ]
