"""Charts of published counts, as Vega-Lite specifications. Pure: no Django.

One specification serves the web page, where vega-embed draws it and the
reader can hover over the bars, and the PDF, where vl-convert renders it to
SVG. The data travel inside the specification, so a chart never fetches
anything::

    from flexwatch.reports import charts

    spec = charts.bars(counts, category="sector", value="victims",
                       title="Victims by sector", labels={"sector": names})
    svg = charts.svg(spec, lang="fi")

A count that disclosure control suppressed arrives as null. It is neither
drawn as a zero bar nor left out in silence: its category keeps its place on
the axis and carries the words the caller gives for "suppressed".
"""

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import polars as pl
import vl_convert
from babel import Locale
from babel.numbers import get_decimal_symbol, get_group_symbol

# The fields of the rows inside a specification; fixed names keep codes with
# dots or brackets from being read as Vega-Lite field paths.
CATEGORY = "category"
SERIES = "series"
VALUE = "value"
YEAR = "year"
RANK = "rank"

# Sizes in CSS pixels: the PDF prints a chart at its own size (96 px to the
# inch), so its labels come out at the same 7.5 pt in every chart.
WIDTH = 440
# Horizontal bars leave room for long labels (sector names) within the page.
ACROSS_WIDTH = 330
LABEL_LIMIT = 260
GREY = "#555555"
BAR_HEIGHT = 220
TREND_HEIGHT = 180
BAR_STEP = 22
# About the width of a character of a 10 px axis label, to tell whether a
# category's name fits under its bar.
CHARACTER = 6

Labels = Mapping[str, Mapping[str, str]]


def bars(
    frame: pl.DataFrame,
    *,
    category: str,
    value: str,
    title: str,
    series: str | None = None,
    labels: Labels | None = None,
    category_title: str = "",
    value_title: str = "",
    suppressed_text: str = "suppressed",
    horizontal: bool = False,
    order: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A bar chart with a bar per row of ``frame``, stacked by ``series``.

    Args:
        frame: One row per category (and series); ``value`` is null where
            the count was suppressed.
        category: The column whose codes make the bars.
        value: The column of counts.
        title: The chart's title, in the reader's language.
        series: A column whose codes split each bar into coloured parts.
        labels: For a column name, the label of each code; a code without
            one shows as it is.
        category_title: What the categories are, for tooltips.
        value_title: The title of the count axis.
        suppressed_text: What a category with a suppressed count says.
        horizontal: Bars run across the page, for long category names.
        order: The categories' codes in the order to show them; by default
            the order in which they first occur in ``frame``.

    Raises:
        ValueError: a named column is missing from ``frame``.
    """
    _check_columns(frame, (category, value, series))
    rows = _rows(frame, {CATEGORY: category, SERIES: series, VALUE: value}, labels)
    sort = _label_order(frame, category, labels, order)

    along: alt.X | alt.Y = alt.X(
        f"{CATEGORY}:N", sort=sort, title=None, axis=_slanted(sort)
    )
    across: alt.X | alt.Y = alt.Y(f"{VALUE}:Q", title=value_title)
    if horizontal:
        along, across = (
            alt.Y(
                f"{CATEGORY}:N",
                sort=sort,
                title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT),
            ),
            alt.X(f"{VALUE}:Q", title=value_title),
        )

    base = alt.Chart(alt.Data(values=rows))
    encoding: dict[str, Any] = {
        "tooltip": _tooltip(series is not None, category_title, value_title)
    }
    if series is not None:
        encoding |= _series_encoding(frame, series, labels, rows)
    drawn = base.transform_filter(f"datum.{VALUE} != null").mark_bar()
    drawn = drawn.encode(along, across, **encoding)

    marker = _suppressed_marker(base, suppressed_text, horizontal, sort)
    return _finished(alt.layer(drawn, marker), title, horizontal, len(sort))


def trend(
    frame: pl.DataFrame,
    *,
    year: str,
    value: str,
    title: str,
    series: str | None = None,
    labels: Labels | None = None,
    value_title: str = "",
    suppressed_text: str = "suppressed",
) -> dict[str, Any]:
    """Counts by year as lines with points, a line per ``series`` code.

    A suppressed year breaks the line rather than dipping to zero, and the
    tooltip of its neighbours is all that is drawn there; the year itself is
    marked with ``suppressed_text`` under the axis.

    Raises:
        ValueError: a named column is missing from ``frame``.
    """
    _check_columns(frame, (year, value, series))
    rows = _rows(frame, {YEAR: year, SERIES: series, VALUE: value}, labels)

    base = alt.Chart(alt.Data(values=rows))
    encoding: dict[str, Any] = {
        "x": alt.X(f"{YEAR}:O", title=None, axis=alt.Axis(labelAngle=0)),
        "y": alt.Y(f"{VALUE}:Q", title=value_title),
        "tooltip": [alt.Tooltip(f"{YEAR}:O"), alt.Tooltip(f"{VALUE}:Q")],
    }
    if series is not None:
        encoding["color"] = alt.Color(
            f"{SERIES}:N", title=None, sort=_label_order(frame, series, labels, None)
        )
        encoding["tooltip"].insert(0, alt.Tooltip(f"{SERIES}:N"))
    lines = base.mark_line(point=True).encode(**encoding)

    marker = (
        base.transform_filter(f"datum.{VALUE} == null")
        .transform_aggregate(groupby=[YEAR])
        .mark_text(baseline="bottom", dy=-2, fontStyle="italic", color=GREY)
        .encode(x=alt.X(f"{YEAR}:O"), y=alt.datum(0), text=alt.value(suppressed_text))
    )
    return _finished(alt.layer(lines, marker), title, False, 0, TREND_HEIGHT)


def svg(spec: Mapping[str, Any], lang: str = "en") -> str:
    """``spec`` drawn as SVG, its numbers written as ``lang`` writes them."""
    return str(
        vl_convert.vegalite_to_svg(dict(spec), format_locale=format_locale(lang))
    )


def format_locale(lang: str) -> dict[str, Any]:
    """The d3-format locale of ``lang``, for vl-convert and vega-embed alike.

    Taken from Babel's CLDR data rather than d3's own list, which lacks
    Estonian.
    """
    locale = Locale.parse(lang)
    return {
        "decimal": get_decimal_symbol(locale),
        "thousands": get_group_symbol(locale),
        "grouping": [3],
        "currency": ["", "\u00a0€"],
    }


def _check_columns(frame: pl.DataFrame, names: Sequence[str | None]) -> None:
    missing = [name for name in names if name is not None and name not in frame.columns]
    if missing:
        raise ValueError(
            f"The chart needs the column(s) {', '.join(missing)}; the frame has "
            f"{', '.join(frame.columns) or 'none'}."
        )


def _rows(
    frame: pl.DataFrame, fields: Mapping[str, str | None], labels: Labels | None
) -> list[dict[str, Any]]:
    """The frame's rows under the chart's own field names, codes as labels."""
    chosen = {field: column for field, column in fields.items() if column is not None}
    rows = []
    for source in frame.select(list(chosen.values())).iter_rows(named=True):
        row = {field: source[column] for field, column in chosen.items()}
        for field, column in chosen.items():
            if field != VALUE:
                code = str(row[field])
                row[field] = (labels or {}).get(column, {}).get(code, code)
        rows.append(row)
    return rows


def _label_order(
    frame: pl.DataFrame,
    category: str,
    labels: Labels | None,
    order: Sequence[str] | None,
) -> list[str]:
    if order is None:
        order = frame[category].unique(maintain_order=True).to_list()
    names = (labels or {}).get(category, {})
    return [names.get(str(code), str(code)) for code in order]


def _series_encoding(
    frame: pl.DataFrame,
    series: str,
    labels: Labels | None,
    rows: list[dict[str, Any]],
) -> dict[str, Any]:
    """Colours, legend and stacking in the order the series first occur.

    The tables' columns (countries in the order asked, steps of proceedings
    in their order) are the order a reader expects, not the alphabet's.
    """
    order = _label_order(frame, series, labels, None)
    for row in rows:
        row[RANK] = order.index(row[SERIES])
    return {
        "color": alt.Color(f"{SERIES}:N", title=None, sort=order),
        "order": alt.Order(f"{RANK}:Q"),
    }


def _slanted(names: list[str]) -> alt.Axis:
    """Names that fit under their bars stand upright; longer ones lean."""
    longest = max((len(name) for name in names), default=0)
    fits = longest * CHARACTER <= WIDTH / max(len(names), 1)
    return alt.Axis(labelAngle=0 if fits else -35, labelLimit=180)


def _tooltip(with_series: bool, category: str, value: str) -> list[alt.Tooltip]:
    shown = [alt.Tooltip(f"{CATEGORY}:N", title=category or CATEGORY)]
    if with_series:
        shown.append(alt.Tooltip(f"{SERIES}:N", title=SERIES))
    shown.append(alt.Tooltip(f"{VALUE}:Q", title=value or VALUE))
    return shown


def _suppressed_marker(
    base: alt.Chart, text: str, horizontal: bool, sort: list[str]
) -> alt.Chart:
    """One mark per category holding a suppressed count, past its bar.

    The mark stands at the end of what is drawn of the category (zero when
    nothing is), so it never covers a published part of a stacked bar.
    """
    marked = (
        base.transform_aggregate(
            shown=f"sum({VALUE})", hidden=f"missing({VALUE})", groupby=[CATEGORY]
        )
        .transform_filter("datum.hidden > 0")
        # Vega sums nothing to undefined, where the axis needs a zero.
        .transform_calculate(drawn="datum.shown || 0")
    )
    if horizontal:
        beside = marked.mark_text(align="left", dx=3, fontStyle="italic", color=GREY)
        return beside.encode(
            alt.Y(f"{CATEGORY}:N", sort=sort), alt.X("drawn:Q"), text=alt.value(text)
        )
    above = marked.mark_text(baseline="bottom", dy=-2, fontStyle="italic", color=GREY)
    return above.encode(
        alt.X(f"{CATEGORY}:N", sort=sort), alt.Y("drawn:Q"), text=alt.value(text)
    )


def _finished(
    chart: alt.LayerChart | alt.FacetChart,
    title: str,
    horizontal: bool,
    bars: int,
    height: int = BAR_HEIGHT,
) -> dict[str, Any]:
    width = WIDTH
    if horizontal:
        # A bar's thickness, not the chart's, stays the same: two bars make
        # a short chart and thirty a tall one.
        width, height = ACROSS_WIDTH, BAR_STEP * max(bars, 3)
    sized = chart.properties(title=title, width=width, height=height)
    styled = sized.configure_view(stroke=None).configure_axis(gridColor="#e4e4e4")
    return styled.configure_title(anchor="start", fontSize=13).to_dict()
