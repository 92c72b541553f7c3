"""A report written out: one HTML document from the templates, and its PDF.

The Django side of the reports, kept thin: it translates under the report's
language, formats every value with ``formatting.Formatter``, renders
``reports/report.html`` and, for the PDF, hands the same HTML to WeasyPrint.
Charts are SVG from ``charts.svg``: inline in the HTML, so the file stands
alone, and as images in the PDF.
"""

import base64
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from flexwatch.reports import charts, content, labels, methods
from flexwatch.reports.formatting import SUPPRESSED, Formatter
from flexwatch.reports.published import Shown
from flexwatch.stats import population

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
CHART_FONT = "Liberation Sans"


def build(
    frames: content.Frames,
    request: content.Request,
    denominators: population.Denominators,
) -> content.Report:
    """The report's content, its fixed texts in the report's language."""
    with translation.override(request.language):
        return content.report(frames, request, denominators, gettext)


def html(
    report: content.Report,
    denominators: population.Denominators,
    *,
    for_print: bool = False,
    today: date | None = None,
) -> str:
    """The report as one HTML document, standing alone (no external files).

    Args:
        for_print: Lay the charts out as images for WeasyPrint.
        today: The date on the title page; today by default.
    """
    request = report.request
    with translation.override(request.language):
        fmt = Formatter(request.language)
        page = {
            "request": request,
            "title": _title(report),
            "where": _countries(report),
            "period": fmt.period(request.first, request.last),
            "today": fmt.date(today or date.today()),
            "sections": [_section(s, report, fmt, for_print) for s in report.sections],
            "methods": methods.methods(report, denominators, gettext),
            "suppressed_mark": SUPPRESSED,
            "below": request.threshold - 1,
            "for_print": for_print,
        }
        return render_to_string("reports/report.html", page)


def pdf(document: str) -> bytes:
    """``document`` (from ``html(..., for_print=True)``) as an A4 PDF."""
    return pdf_with_pages(document)[0]


def pdf_with_pages(document: str) -> tuple[bytes, int]:
    """``document`` as an A4 PDF, and how many pages it has."""
    # WeasyPrint is imported here: it loads pango, which only PDFs need.
    import weasyprint

    laid_out = weasyprint.HTML(string=document).render()
    return bytes(laid_out.write_pdf()), len(laid_out.pages)


def _title(report: content.Report) -> str:
    if report.request.comparative:
        return gettext("Comparative report")
    return gettext("National report")


def _countries(report: content.Report) -> str:
    language = report.request.language
    names = labels.labels("country", list(report.request.countries), language, gettext)
    return ", ".join(names.values())


def _section(
    section: content.Section, report: content.Report, fmt: Formatter, for_print: bool
) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "short": not (section.tables or section.rates or section.listings),
        "intro": _intro(report, section.key),
        "missing": section.missing,
        "notes": section.notes,
        "tables": [_table(t, report, fmt) for t in section.tables],
        "listings": section.listings,
        "charts": [_chart(spec, report, for_print) for spec in section.charts],
        "rates": [_rate(rate, report, fmt) for rate in section.rates],
    }


def _intro(report: content.Report, key: str) -> str:
    plans = [p for p in report.plans if p.key == key]
    return plans[0].intro if plans else ""


def _table(shown: Shown, report: content.Report, fmt: Formatter) -> dict[str, Any]:
    language = report.request.language
    row_labels = labels.labels(
        shown.rows_by, [r.code for r in shown.rows], language, gettext
    )
    if shown.columns_by:
        column_labels = list(
            labels.labels(
                shown.columns_by, list(shown.columns), language, gettext
            ).values()
        )
    else:
        column_labels = [gettext("Count")]
    with_total = bool(shown.columns_by) and bool(shown.totals)
    return {
        "title": shown.title,
        "corner": labels.dimension_title(shown.rows_by, gettext),
        "columns": column_labels,
        "with_total": with_total,
        "rows": [
            {
                "label": row_labels[row.code],
                "cells": [
                    _value(v, row.shares[i] if row.shares else None, fmt)
                    for i, v in enumerate(row.values)
                ],
                "total": fmt.count(row.total),
            }
            for row in shown.rows
        ],
        "totals": [fmt.count(v) for v in shown.totals] if shown.totals else [],
        "grand": fmt.count(shown.grand),
        "wide": len(column_labels) > 6,
    }


def _value(value: int | None, share: float | None, fmt: Formatter) -> str:
    if share is None:
        return fmt.count(value)
    return f"{fmt.count(value)} ({fmt.share(share)})"


def _chart(spec: dict[str, Any], report: content.Report, for_print: bool) -> str:
    # vl-convert measures labels in the font WeasyPrint and browsers then
    # draw them in: the same font, or long labels overrun the chart's edge.
    config = {**spec.get("config", {}), "font": CHART_FONT}
    drawn = charts.svg({**spec, "config": config}, lang=report.request.language)
    if not for_print:
        return drawn
    # WeasyPrint draws an SVG image more faithfully than inline SVG markup.
    encoded = base64.b64encode(drawn.encode("utf-8")).decode("ascii")
    return f'<img class="chart" alt="" src="data:image/svg+xml;base64,{encoded}">'


def _rate(rate: content.Rate, report: content.Report, fmt: Formatter) -> dict[str, str]:
    language = report.request.language
    return {
        "country": labels.label("country", rate.country, language, gettext),
        "year": str(rate.year),
        "victims": fmt.count(rate.victims),
        "population": fmt.count(rate.population) if rate.population else "",
        "rate": fmt.number(rate.rate_per_100k, digits=2),
    }
