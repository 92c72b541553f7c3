"""What a report says: its sections' published tables, charts and sentences.

Pure: no Django, no I/O. The Django side reads the frames of
``stats.frames`` for a person's scope and the population denominators; this
module counts with the stats functions, protects every table of the report
with ``stats.disclosure`` (tables of one population together), and returns
the sections in order, ready for the templates::

    from flexwatch.reports import content

    request = content.Request(countries=("FI",), first=2024, last=2025)
    report = content.report(frames, request, denominators)
    report.sections[1].tables      # registered victims by sex, age, ...

``section`` builds one section alone (its tables protected among
themselves), which is what the dashboard shows.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from flexwatch.reports import charts, labels, sections
from flexwatch.reports.labels import Gettext
from flexwatch.reports.legislation import Listing
from flexwatch.reports.published import Protected, Shown, lay_out, protect
from flexwatch.reports.sections import Frames, Plan, Rate, Request
from flexwatch.stats import population

log = logging.getLogger(__name__)

__all__ = [
    "Frames",
    "Rate",
    "Report",
    "Request",
    "Section",
    "report",
    "section",
]


@dataclass(frozen=True)
class Section:
    """One section as the reader sees it.

    Attributes:
        key: The section's name in ``sections.ORDER``.
        title: Its heading in the report's language.
        tables: Its tables, read from published values only.
        listings: Its tables of facts that are not counts (the law in force).
        charts: A Vega-Lite specification per chart (``reports.charts``).
        rates: Registered victims per 100,000 inhabitants, where shown.
        missing: Sentences saying which data the section lacks.
        notes: Sentences a reader needs to read the tables right.
    """

    key: str
    title: str
    tables: tuple[Shown, ...] = ()
    listings: tuple[Listing, ...] = ()
    charts: tuple[dict[str, Any], ...] = ()
    rates: tuple[Rate, ...] = ()
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A whole report: its request, sections and what disclosure control did."""

    request: Request
    sections: tuple[Section, ...]
    protected: Protected
    plans: tuple[Plan, ...] = field(repr=False, default=())

    @property
    def tables(self) -> tuple[Shown, ...]:
        return tuple(table for part in self.sections for table in part.tables)


def report(
    frames: Frames,
    request: Request,
    denominators: population.Denominators,
    gettext: Gettext = str,
) -> Report:
    """Every section of the report, its tables protected together.

    Args:
        frames: The frames of ``stats.frames`` for the person's scope.
        request: The countries, period, threshold and language.
        denominators: Population on 1 January, for rates per 100,000.
        gettext: Translates the report's fixed texts into its language.

    Raises:
        sections.RequestError: The request cannot be met (an unknown
            country, a reversed period).
    """
    request.check()
    frames = frames.of(request.countries)
    plans = [sections.plan(key, frames, request, gettext) for key in sections.ORDER]
    plans[-1] = sections.limits(plans, request, gettext)

    protected = protect((d for p in plans for d in p.drafts), request.threshold)
    shown = [_section(p, protected, request, denominators, gettext) for p in plans]
    log.info(
        "Report for %s, %d-%d: %d tables",
        ",".join(request.countries),
        request.first,
        request.last,
        sum(len(s.tables) for s in shown),
    )
    return Report(request, tuple(shown), protected, tuple(plans))


def section(
    key: str,
    frames: Frames,
    request: Request,
    denominators: population.Denominators,
    gettext: Gettext = str,
) -> Section:
    """One section alone, its tables protected among themselves.

    Args:
        key: A name from ``sections.ORDER``, such as ``victims``.

    Raises:
        sections.RequestError: An unknown section or a request that cannot
            be met.
    """
    request.check()
    frames = frames.of(request.countries)
    plan = sections.plan(key, frames, request, gettext)
    protected = protect(plan.drafts, request.threshold)
    return _section(plan, protected, request, denominators, gettext)


def _section(
    plan: Plan,
    protected: Protected,
    request: Request,
    denominators: population.Denominators,
    gettext: Gettext,
) -> Section:
    tables = [
        shown
        for draft in plan.drafts
        for shown in lay_out(draft, protected.tables[draft.name])
    ]
    rates = _rates(plan, protected, request, denominators)
    return Section(
        key=plan.key,
        title=plan.title,
        tables=tuple(tables),
        listings=plan.listings,
        charts=tuple(_charts(plan, tables, rates, request, gettext)),
        rates=tuple(rates),
        missing=plan.missing,
        notes=plan.notes,
    )


def _rates(
    plan: Plan,
    protected: Protected,
    request: Request,
    denominators: population.Denominators,
) -> list[Rate]:
    """Victims per 100,000, from published totals by country and year only."""
    if plan.rates_from is None or plan.rates_from not in protected.tables:
        return []
    totals = sections.totals_by_year(protected.tables[plan.rates_from], request)
    rated = population.with_rates(totals, denominators, count="victims")
    return [Rate(**row) for row in rated.select(*Rate.COLUMNS).iter_rows(named=True)]


def _charts(
    plan: Plan,
    tables: Sequence[Shown],
    rates: Sequence[Rate],
    request: Request,
    gettext: Gettext,
) -> list[dict[str, Any]]:
    specs = []
    if any(rate.victims for rate in rates):
        specs.append(_trend(rates, request, gettext))
    drawn = (_bars(table, request, gettext) for table in tables if table.chart)
    specs += [spec for spec in drawn if spec is not None]
    return specs


def _trend(rates: Sequence[Rate], request: Request, gettext: Gettext) -> dict[str, Any]:
    frame = pl.DataFrame(
        [(r.country, r.year, r.victims) for r in rates],
        schema={"country": pl.String, "year": pl.Int32, "victims": pl.Int64},
        orient="row",
    )
    countries = list(request.countries)
    return charts.trend(
        frame,
        year="year",
        value="victims",
        title=gettext("Registered victims by year"),
        series="country" if request.comparative else None,
        labels={
            "country": labels.labels("country", countries, request.language, gettext)
        },
        value_title=gettext("Victims"),
        suppressed_text=gettext("suppressed"),
    )


def _bars(table: Shown, request: Request, gettext: Gettext) -> dict[str, Any] | None:
    """A bar per row; by country in a comparison, the period's total otherwise.

    None when nothing in it is published: a chart of suppressed bars only
    tells the reader nothing the table does not.
    """
    by_year = table.columns_by == "year"
    frame = _totals_frame(table) if by_year else table.frame()
    if frame["value"].fill_null(0).sum() == 0:
        return None

    codes = [row.code for row in table.rows]
    language = request.language
    names = {table.rows_by: labels.labels(table.rows_by, codes, language, gettext)}
    series = None if by_year or len(table.columns) < 2 else table.columns_by
    if series:
        names[series] = labels.labels(series, list(table.columns), language, gettext)
    longest = max(len(name) for name in names[table.rows_by].values())
    return charts.bars(
        frame,
        category=table.rows_by,
        value="value",
        title=table.title,
        series=series,
        labels=names,
        value_title=gettext("Count"),
        suppressed_text=gettext("suppressed"),
        horizontal=len(codes) > 4 or longest > 14,
        order=codes,
    )


def _totals_frame(table: Shown) -> pl.DataFrame:
    """Each row's published total over the period."""
    return pl.DataFrame(
        [(row.code, row.total) for row in table.rows],
        schema={table.rows_by: pl.String, "value": pl.Int64},
        orient="row",
    )
