"""A report's tables: drafted from counts, protected together, laid out to read.

Pure: no Django, no I/O. A section drafts its tables of counts (``Draft``);
``protect`` passes all the drafts of a report through
``stats.disclosure.protect``, one call per population counted, so that tables
counting the same persons or cases (and so agreeing on their shared margins)
are protected together and no suppressed cell can be recovered across them;
``lay_out`` then reads each table's rows and columns from the published
cells and margins, never from the true counts.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from flexwatch.stats import disclosure

log = logging.getLogger(__name__)

TOTAL = "total"


@dataclass(frozen=True)
class View:
    """How a published table is read: which dimension runs down, which across.

    Attributes:
        rows: The dimension shown as rows.
        columns: The dimension shown as columns; None for one column.
        fixed: Dimensions held at one code (e.g. ``status``: ``observed``).
        share_over: A dimension whose margin divides each value, shown as a
            share beside it (the share of cases where an indicator was seen).
        title: The table's title as the reader sees it.
        chart: Whether the view is also drawn as a chart.
        totals: Whether column totals mean something (not for indicators,
            which each count the same cases).
    """

    rows: str
    columns: str | None
    title: str
    fixed: Mapping[str, str] = field(default_factory=dict)
    share_over: str | None = None
    chart: bool = False
    totals: bool = True


@dataclass(frozen=True)
class Draft:
    """A table of true counts, before disclosure control.

    Attributes:
        table: The counts; a dimension's codes are strings (years too).
        population: What is counted (``victims``, ``cases``, ...): drafts of
            one population agree on their shared margins and are protected
            together.
        views: How the published table is read, one or more times.
        orders: For a dimension, the order of its codes (the vocabulary's,
            the continuum's); codes not listed follow in code order.
        complete: Dimensions whose every listed code is shown, counted or
            not (the years of the period, the countries compared).
    """

    table: disclosure.Table
    population: str
    views: tuple[View, ...]
    orders: Mapping[str, Sequence[str]] = field(default_factory=dict)
    complete: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.table.name


@dataclass(frozen=True)
class Row:
    """One row of a laid-out table: a code, its values and its total."""

    code: str
    values: tuple[int | None, ...]
    total: int | None
    shares: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Shown:
    """A published table as the reader sees it; None is a suppressed value.

    Attributes:
        name: The published table's name (several views may share it).
        title: The title of the view.
        population: What the table counts.
        rows_by: The dimension of the rows; ``columns_by`` that of the columns.
        columns: The column codes, in order.
        rows: The rows, in order.
        totals: The total of each column (the margin over the rows).
        grand: The total of the whole view.
        shares: Whether rows carry shares.
        chart: Whether the view is also drawn as a chart.
    """

    name: str
    title: str
    population: str
    rows_by: str
    columns_by: str | None
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    totals: tuple[int | None, ...]
    grand: int | None
    shares: bool = False
    chart: bool = False

    def frame(self, value: str = "value") -> pl.DataFrame:
        """One row per row code and column code with its published value.

        The shape ``reports.charts`` draws from: a suppressed value is null.
        """
        column = self.columns_by or TOTAL
        records = [
            {self.rows_by: row.code, column: code, value: row.values[i]}
            for row in self.rows
            for i, code in enumerate(self.columns)
        ]
        schema = {self.rows_by: pl.String, column: pl.String, value: pl.Int64}
        return pl.DataFrame(records, schema=schema, orient="row")

    def suppressed(self) -> int:
        """How many values of the view are suppressed."""
        values = [v for row in self.rows for v in (*row.values, row.total)]
        return sum(v is None for v in (*values, *self.totals, self.grand))


@dataclass(frozen=True)
class Protected:
    """Every published table of a report, and the publications they came from.

    Attributes:
        tables: Each draft's name and its table as published.
        publications: Each population and the result of its one call to
            ``disclosure.protect`` (with what was suppressed, by rule).
    """

    tables: Mapping[str, disclosure.PublishedTable]
    publications: Mapping[str, disclosure.Publication]


def protect(drafts: Iterable[Draft], threshold: int) -> Protected:
    """Protect the drafts, one call to ``disclosure.protect`` per population.

    Raises:
        ValueError: Two drafts share a name, or drafts of one population
            disagree on a margin they share (a bug in the drafting).
    """
    groups: dict[str, list[Draft]] = {}
    for draft in drafts:
        groups.setdefault(draft.population, []).append(draft)

    tables, publications = {}, {}
    for population, members in groups.items():
        publication = disclosure.protect([d.table for d in members], threshold)
        publications[population] = publication
        tables.update({table.name: table for table in publication.tables})
        log.debug("Protected %d tables of %s", len(members), population)
    return Protected(tables, publications)


def lay_out(draft: Draft, published: disclosure.PublishedTable) -> list[Shown]:
    """Each view of ``draft`` read from its published cells and margins."""
    return [_shown(draft, published, view) for view in draft.views]


def _shown(draft: Draft, published: disclosure.PublishedTable, view: View) -> Shown:
    dimensions = published.dimensions
    row_codes = _codes(draft, dimensions, view.rows)
    columns = _codes(draft, dimensions, view.columns) if view.columns else ()

    def value(row: str | None, column: str | None) -> int | None:
        return _value(published, _key(dimensions, view, row, column))

    def share(row: str, column: str | None) -> float | None:
        return _share(published, dimensions, view, row, column)

    rows = tuple(
        Row(
            code=code,
            values=tuple(value(code, c) for c in columns or (None,)),
            total=value(code, None),
            shares=tuple(share(code, c) for c in columns or (None,))
            if view.share_over
            else (),
        )
        for code in row_codes
    )
    return Shown(
        name=draft.name,
        title=view.title,
        population=draft.population,
        rows_by=view.rows,
        columns_by=view.columns,
        columns=tuple(columns) or (TOTAL,),
        rows=rows,
        totals=tuple(value(None, c) for c in columns or (None,)) if view.totals else (),
        grand=value(None, None) if view.totals else None,
        shares=bool(view.share_over),
        chart=view.chart,
    )


def _codes(draft: Draft, dimensions: tuple[str, ...], dimension: str) -> list[str]:
    """The codes of ``dimension`` that occur, in the draft's order for it."""
    position = dimensions.index(dimension)
    found = {key[position] for key in draft.table.cells}
    everything = dimension in draft.complete
    listed = [
        code for code in draft.orders.get(dimension, ()) if everything or code in found
    ]
    return listed + sorted(found - set(listed))


def _key(
    dimensions: tuple[str, ...], view: View, row: str | None, column: str | None
) -> tuple[str | None, ...]:
    chosen = {**view.fixed, view.rows: row}
    if view.columns:
        chosen[view.columns] = column
    return tuple(chosen.get(dimension) for dimension in dimensions)


def _value(
    published: disclosure.PublishedTable, key: tuple[str | None, ...]
) -> int | None:
    """A published cell or margin; a combination that never occurs is zero."""
    if None in key:
        return published.margins.get(key, 0)
    return published.cells.get(key, 0)  # type: ignore[arg-type]


def _share(
    published: disclosure.PublishedTable,
    dimensions: tuple[str, ...],
    view: View,
    row: str,
    column: str | None,
) -> float | None:
    """The value over its margin across ``share_over``, both as published."""
    key = _key(dimensions, view, row, column)
    over = dimensions.index(str(view.share_over))
    whole = tuple(None if i == over else code for i, code in enumerate(key))
    part, total = _value(published, key), _value(published, whole)
    if part is None or not total:
        return None
    return part / total


def draft(
    counts: pl.DataFrame,
    dimensions: Sequence[str],
    *,
    name: str,
    population: str,
    views: Sequence[View],
    count: str,
    orders: Mapping[str, Sequence[str]] | None = None,
    complete: Iterable[str] = (),
) -> Draft | None:
    """A draft from a frame of counts; None when it counts nobody.

    The frame may hold other columns: the counts are summed over them.
    """
    dimensions = list(dimensions)
    summed = counts.group_by(dimensions).agg(pl.col(count).sum())
    summed = summed.filter(pl.col(count) > 0)
    if summed.is_empty():
        return None
    cells = {
        tuple(str(code) for code in row[:-1]): int(row[-1])
        for row in summed.select(*dimensions, count).iter_rows()
    }
    table = disclosure.Table(tuple(dimensions), cells, name=name)
    return Draft(
        table, population, tuple(views), dict(orders or {}), frozenset(complete)
    )
