"""The standard figures of the statistics page, counted and published together.

Pure: no Django, no I/O. The input is the frames of ``stats.frames`` for one
person and the page's filters; the output is every figure's table of counts
as published, either protected by ``stats.disclosure.protect`` or, for the
organisation that holds the records, unsuppressed::

    from flexwatch.stats import figures

    counted = figures.count(frames, figures.Filters(country="FI"))
    shown = figures.publish(counted, threshold=5)   # None: unsuppressed
    shown["by_sex"].cells[("female",)]               # None when suppressed

Figures counting the same population form a group (``Count.group``) and
are protected as one system, so no suppressed cell can be recovered by
setting one figure's counts beside another's. Every table is a partition
(each person or case in one cell); running totals such as the funnel's are
derived afterwards from published values only (``reached``).
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import combinations

import polars as pl

from flexwatch.stats import disclosure
from flexwatch.stats.definitions import FUNNEL
from flexwatch.stats.indicators import (
    STATUSES,
    continuum_levels,
    indicator_prevalence,
    victims_assisted,
)
from flexwatch.stats.proceedings import (
    proceedings_funnel,
    recognition_gap,
    suspects_prosecuted_convicted,
)
from flexwatch.stats.tables import BASES, UNKNOWN, Basis, registered_victims

log = logging.getLogger(__name__)

DEFAULT_FRAMEWORK = "ilo_11_indicators_2012"
# The steps a suspect reaches, as nested counts: each includes the next.
SUSPECT_STEPS = ("suspected", "prosecuted", "convicted")
# Registered victims counted by one dimension each, one figure a dimension.
VICTIM_DIMENSIONS = ("sex", "age_group", "citizenship_group", "sector")

Key = tuple[str, ...]


@dataclass(frozen=True)
class Filters:
    """What the page counts: every filter is optional but the date basis.

    Attributes:
        country: the country of exploitation, or None for every country.
        first_year, last_year: the period; victims by the year of the date
            basis, cases and proceedings by the case's own year.
        date_basis: which date of the case gives a victim's year.
        source_kind, sector: keep only cases of this kind of source, sector.
        framework: the indicator framework whose prevalence is shown.
    """

    country: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    date_basis: Basis = "registration"
    source_kind: str | None = None
    sector: str | None = None
    framework: str = DEFAULT_FRAMEWORK


@dataclass(frozen=True)
class Frames:
    """The frames of ``stats.frames`` for one person."""

    victims: pl.DataFrame
    proceedings: pl.DataFrame
    assistance: pl.DataFrame
    observations: pl.DataFrame
    cases: pl.DataFrame


@dataclass(frozen=True)
class Count:
    """One figure's true counts: a partition of its group's population.

    Attributes:
        name: the figure's name, unique on the page.
        group: figures of one group count the same persons or cases.
        dimensions: the dimension of each position of a key.
        cells: each combination that occurs and its count.
    """

    name: str
    group: str
    dimensions: tuple[str, ...]
    cells: Mapping[Key, int]


@dataclass(frozen=True)
class Shown:
    """One figure as published: None is a suppressed value.

    Attributes:
        name, group, dimensions: as in ``Count``.
        cells: each cell's count, or None.
        margins: each sub-total, the key holding None where summed over.
        suppressed: the keys suppressed and the rule, ``primary`` or
            ``secondary``.
        threshold: the threshold applied, or None for unsuppressed counts.
    """

    name: str
    group: str
    dimensions: tuple[str, ...]
    cells: Mapping[Key, int | None]
    margins: Mapping[tuple[str | None, ...], int | None]
    suppressed: tuple[tuple[tuple[str | None, ...], str], ...] = ()
    threshold: int | None = None

    @property
    def total(self) -> int | None:
        """The grand total, or None when suppressed or nothing was counted."""
        return self.margins.get((None,) * len(self.dimensions))


def count(frames: Frames, filters: Filters) -> tuple[Count, ...]:
    """Every figure of the page, counted from ``frames`` as ``filters`` ask.

    Raises:
        TableError: an unknown date basis or framework.
    """
    victims, cases = _filtered_victims(frames.victims, filters), _cases(frames, filters)
    counts = [
        *_victim_counts(victims, frames.assistance, filters.date_basis),
        _funnel(_events(frames.proceedings, filters)),
        _suspects(_events(frames.proceedings, filters)),
        _gap(victims, frames.proceedings, frames.assistance),
        _levels(cases),
        *_prevalence(_observations(frames, filters), cases, filters.framework),
    ]
    log.debug("Counted %d figures for %s", len(counts), filters)
    return tuple(c for c in counts if c.cells)


def publish(counts: Iterable[Count], threshold: int | None) -> dict[str, Shown]:
    """Each figure as published, by name.

    Args:
        counts: from ``count``.
        threshold: protect each group with ``disclosure.protect`` at this
            threshold, small margins included; None publishes the counts as
            they are (never for anyone outside the organisation).
    """
    groups: dict[str, list[Count]] = {}
    for counted in counts:
        groups.setdefault(counted.group, []).append(counted)

    shown: dict[str, Shown] = {}
    for members in groups.values():
        publish_group = _as_they_are if threshold is None else _protected
        for figure in publish_group(members, threshold or 0):
            shown[figure.name] = figure
    return shown


def reached(shown: Shown, steps: tuple[str, ...], prefix: Key = ()) -> list[int | None]:
    """The running totals of a partition by furthest step: at least each step.

    A running total is given only where published values settle it: the sum
    of the cells from the step on, or the sub-total less the cells before
    it. Otherwise it is None, as it would point at a suppressed cell.

    Args:
        shown: a figure whose last dimension is the furthest step reached.
        steps: the steps in order.
        prefix: the codes of the dimensions before the step, if any.
    """
    cells = [shown.cells.get((*prefix, step), 0) for step in steps]
    total = shown.margins.get((*prefix, None))
    totals: list[int | None] = []
    for n in range(len(steps)):
        after, before = cells[n:], cells[:n]
        if None not in after:
            totals.append(sum(c for c in after if c is not None))
        elif total is not None and None not in before:
            totals.append(total - sum(c for c in before if c is not None))
        else:
            totals.append(None)
    return totals


# Filtering the frames


def _kept(frame: pl.DataFrame, filters: Filters, year: pl.Expr) -> pl.DataFrame:
    tests = [
        pl.col(name).eq_missing(value)
        for name, value in (
            ("country", filters.country),
            ("source_kind", filters.source_kind),
            ("sector", filters.sector),
        )
        if value is not None
    ]
    if filters.first_year is not None:
        tests.append(year >= filters.first_year)
    if filters.last_year is not None:
        tests.append(year <= filters.last_year)
    return frame.filter(*tests) if tests else frame


def _filtered_victims(victims: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    year = pl.col(BASES.get(filters.date_basis, "registered_on")).dt.year()
    return _kept(victims, filters, year)


def _events(proceedings: pl.DataFrame, filters: Filters) -> pl.DataFrame:
    return _kept(proceedings, filters, pl.col("year"))


def _cases(frames: Frames, filters: Filters) -> pl.DataFrame:
    return _kept(frames.cases, filters, pl.col("year"))


def _observations(frames: Frames, filters: Filters) -> pl.DataFrame:
    return _kept(frames.observations, filters, pl.col("year"))


# Counting


def _cells(frame: pl.DataFrame, keys: list[str], value: str) -> dict[Key, int]:
    """``frame``'s counts by ``keys``, each code a string, null as unknown."""
    codes = [pl.col(k).cast(pl.String).fill_null(UNKNOWN) for k in keys]
    summed = frame.group_by(codes).agg(pl.col(value).sum())
    return {tuple(row[:-1]): int(row[-1]) for row in summed.iter_rows() if row[-1] > 0}


def _victim_counts(
    victims: pl.DataFrame, assistance: pl.DataFrame, basis: Basis
) -> list[Count]:
    """Registered victims: one population, whatever they are counted by."""
    by_year = registered_victims(victims, date_basis=basis, by=("country", "year"))
    counts = [
        Count(
            "by_year",
            "victims",
            ("country", "year"),
            _cells(by_year.counts, ["country", "year"], "victims"),
        )
    ]
    for name in VICTIM_DIMENSIONS:
        table = registered_victims(victims, date_basis=basis, by=(name,))
        cells = _cells(table.counts, [name], "victims")
        counts.append(Count(f"by_{name}", "victims", (name,), cells))

    assisted = victims_assisted(victims, assistance, by=(), date_basis=basis)
    cells = _cells(assisted.counts, ["assistance"], "victims")
    counts.append(Count("assisted", "victims", ("assistance",), cells))

    # A victim counts once under each form of the case: another population.
    forms = registered_victims(victims, date_basis=basis, by=("form",))
    counts.append(
        Count("by_form", "forms", ("form",), _cells(forms.counts, ["form"], "victims"))
    )
    return counts


def _partition(
    counts: pl.DataFrame, by: list[str], steps: tuple[str, ...]
) -> pl.DataFrame:
    """Running totals by step turned into counts by the furthest step reached."""
    following = [*steps[1:], None]
    furthest = [
        (pl.col(step) - (pl.col(after) if after else pl.lit(0))).alias(step)
        for step, after in zip(steps, following, strict=True)
    ]
    wide = counts.select(*by, *furthest)
    return wide.unpivot(steps, index=by, variable_name="furthest", value_name="n")


def _funnel(events: pl.DataFrame) -> Count:
    table = proceedings_funnel(events, by=())
    cells = _cells(_partition(table.counts, [], FUNNEL), ["furthest"], "n")
    return Count("funnel", "funnel", ("furthest",), cells)


def _suspects(events: pl.DataFrame) -> Count:
    table = suspects_prosecuted_convicted(events, by=("sex",))
    parted = _partition(table.counts, ["sex"], SUSPECT_STEPS)
    cells = _cells(parted, ["sex", "furthest"], "n")
    return Count("suspects", "suspects", ("sex", "furthest"), cells)


def _gap(
    victims: pl.DataFrame, proceedings: pl.DataFrame, assistance: pl.DataFrame
) -> Count:
    table = recognition_gap(victims, proceedings, assistance, by=())
    keys = ["identification", "treatment", "assistance"]
    return Count("gap", "gap", tuple(keys), _cells(table.counts, keys, "victims"))


def _levels(cases: pl.DataFrame) -> Count:
    table = continuum_levels(cases, by=("year",))
    cells = _cells(table.counts, ["year", "continuum"], "cases")
    return Count("continuum", "cases", ("year", "continuum"), cells)


def _prevalence(
    observations: pl.DataFrame, cases: pl.DataFrame, framework: str
) -> list[Count]:
    """One partition of the cases per indicator: observed, not, or unknown.

    Each indicator is a dimension of its own, so the tables share only the
    grand total, the cases whose observations may be read.
    """
    table = indicator_prevalence(observations, cases, by=(), framework=framework)
    counts = []
    for row in table.counts.iter_rows(named=True):
        cells: dict[Key, int] = {
            (status,): int(row[status]) for status in STATUSES if row[status]
        }
        name = f"indicator:{row['indicator']}"
        counts.append(Count(name, "indicators", (name,), cells))
    return counts


# Publishing


def _as_they_are(members: list[Count], threshold: int) -> list[Shown]:
    return [
        Shown(c.name, c.group, c.dimensions, dict(c.cells), _margins(c))
        for c in members
    ]


def _margins(counted: Count) -> dict[tuple[str | None, ...], int | None]:
    size = len(counted.dimensions)
    margins: dict[tuple[str | None, ...], int | None] = {}
    for length in range(size):
        for positions in combinations(range(size), length):
            for key, value in counted.cells.items():
                margin = tuple(c if i in positions else None for i, c in enumerate(key))
                margins[margin] = (margins.get(margin) or 0) + value
    return margins


def _protected(members: list[Count], threshold: int) -> list[Shown]:
    tables = [disclosure.Table(c.dimensions, c.cells, name=c.name) for c in members]
    publication = disclosure.protect(
        tables, threshold=threshold, suppress_small_margins=True
    )
    shown = []
    for counted, table in zip(members, publication.tables, strict=True):
        suppressed = tuple(
            (s.key, s.reason) for s in publication.suppressed if s.table == table.name
        )
        figure = Shown(
            counted.name, counted.group, counted.dimensions, table.cells, table.margins
        )
        shown.append(replace(figure, suppressed=suppressed, threshold=threshold))
    return shown
