"""The statistics page's panels: each figure as a chart, a table and notes.

A panel is what the template shows of one figure: a Vega-Lite chart from
``reports.charts`` (the same specification the reports render for the
PDF), the table beneath it, readable without JavaScript, the notes a reader
needs, and what disclosure control suppressed. Codes are shown in the
reader's language; a suppressed value stays None, never zero.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.reports import charts
from flexwatch.stats import figures, population
from flexwatch.stats.definitions import FUNNEL
from flexwatch.stats.figures import SUSPECT_STEPS, Shown, reached
from flexwatch.stats.proceedings import TREATMENTS
from flexwatch.stats.tables import UNKNOWN

Value = int | float | None

# Codes of the tables that no vocabulary holds.
CODES = {
    "reported": gettext_lazy("Reported"),
    "investigated": gettext_lazy("Investigated"),
    "charged": gettext_lazy("Charged"),
    "tried": gettext_lazy("Tried"),
    "convicted": gettext_lazy("Convicted"),
    "suspected": gettext_lazy("Suspected"),
    "prosecuted": gettext_lazy("Prosecuted"),
    "registered": gettext_lazy("Registered as a victim"),
    "not_registered": gettext_lazy("Not registered as a victim"),
    "no_decision": gettext_lazy("No identification decision"),
    "trafficking": gettext_lazy("Trafficking offence"),
    "lesser_labour": gettext_lazy("Lesser labour offence"),
    "other": gettext_lazy("Other offence"),
    "none": gettext_lazy("No proceedings"),
    "recorded": gettext_lazy("Assistance recorded"),
    "none_recorded": gettext_lazy("No assistance recorded"),
    UNKNOWN: gettext_lazy("Unknown"),
}
BASES = {
    "registration": gettext_lazy("Year of registration"),
    "identification": gettext_lazy("Year of identification"),
    "exploitation": gettext_lazy("Year the exploitation began"),
}
YEAR_NOTES = {
    "registration": gettext_lazy(
        "The year is the year the victim's case was registered."
    ),
    "identification": gettext_lazy("The year is the year the victim was identified."),
    "exploitation": gettext_lazy("The year is the year the exploitation began."),
}
# The vocabulary that labels each dimension's codes.
VOCABULARIES = {
    "country": "exploitation_country",
    "sex": "sex",
    "age_group": "age_group",
    "citizenship_group": "citizenship_group",
    "form": "exploitation_form",
    "sector": "sector",
}


@dataclass(frozen=True)
class Row:
    """A row of a panel's table: its labels, then its values (None: suppressed)."""

    labels: tuple[str, ...]
    values: tuple[Value, ...]
    total: bool = False


@dataclass(frozen=True)
class Panel:
    """One figure of the page, as the template shows it.

    Attributes:
        name: the figure's name, an id on the page.
        title: the figure's title in the reader's language.
        spec: the Vega-Lite chart, or None when nothing was counted.
        headers: the table's column headers.
        rows: the table's rows.
        notes: what a reader needs to read the figure right.
        suppression: what disclosure control did to the figure.
    """

    name: str
    title: str
    spec: dict[str, Any] | None
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    notes: tuple[str, ...]
    suppression: str


def panels(
    shown: dict[str, Shown],
    chosen: figures.Filters,
    denominators: population.Denominators,
) -> list[Panel]:
    """Every panel of the page, in the order of the methodology's tables."""
    basis = chosen.date_basis
    builders: list[Callable[[], Panel]] = [
        lambda: _victims_by_year(shown, basis),
        lambda: _rates(shown, basis, denominators),
        *(
            (lambda name=name: _victims_by(shown, name, basis))
            for name in ("sex", "age_group", "citizenship_group", "form", "sector")
        ),
        lambda: _assisted(shown, basis),
        lambda: _funnel(shown),
        lambda: _suspects(shown),
        lambda: _gap(shown),
        lambda: _continuum(shown),
        lambda: _prevalence(shown, chosen.framework),
    ]
    return [build() for build in builders]


def label(dimension: str, code: str) -> str:
    """The label of ``code`` of ``dimension`` in the active language."""
    if code in CODES:
        return str(CODES[code])
    name = VOCABULARIES.get(dimension)
    if name is not None and code in vocab.vocabulary(name):
        return vocab.vocabulary(name).label(code, translation.get_language() or "en")
    return code


def _labels(frame: pl.DataFrame, *dimensions: str) -> dict[str, dict[str, str]]:
    return {
        d: {code: label(d, code) for code in frame[d].unique().drop_nulls()}
        for d in dimensions
    }


# The victims' figures


def _victims_by_year(shown: dict[str, Shown], basis: str) -> Panel:
    title = _("Registered victims by year")
    figure = shown.get("by_year")
    if figure is None:
        return _empty("by_year", title)

    frame = _cells_frame(figure, "victims")
    dated = frame.filter(pl.col("year") != UNKNOWN).with_columns(
        pl.col("year").cast(pl.Int32)
    )
    spec = charts.trend(
        dated,
        year="year",
        value="victims",
        title=title,
        series="country",
        labels=_labels(frame, "country"),
        value_title=_("Registered victims"),
        suppressed_text=_("suppressed"),
    )
    rows = [_row(figure, key, value) for key, value in sorted(figure.cells.items())]
    return Panel(
        "by_year",
        title,
        spec,
        (_("Country"), _("Year"), _("Registered victims")),
        (*rows, _total(figure, 2)),
        (_year_note(basis), _registered_note()),
        _suppression([figure]),
    )


def _rates(
    shown: dict[str, Shown], basis: str, denominators: population.Denominators
) -> Panel:
    title = _("Registered victims per 100,000 inhabitants")
    figure = shown.get("by_year")
    if figure is None:
        return _empty("rates", title)

    frame = _cells_frame(figure, "victims").filter(pl.col("year") != UNKNOWN)
    frame = frame.with_columns(pl.col("year").cast(pl.Int32))
    rated = population.with_rates(frame, denominators, count="victims")
    rated = rated.with_columns(pl.col(population.RATE).round(2))
    spec = charts.trend(
        rated,
        year="year",
        value=population.RATE,
        title=title,
        series="country",
        labels=_labels(rated, "country"),
        value_title=_("Per 100,000 inhabitants"),
        suppressed_text=_("suppressed or no population"),
    )
    rows = [
        Row(
            (label("country", r["country"]), str(r["year"])),
            (r["victims"], r[population.POPULATION], r[population.RATE]),
        )
        for r in rated.iter_rows(named=True)
    ]
    notes = (
        _year_note(basis),
        _(
            "Population on 1 January of the year (Eurostat, demo_pjan, or a "
            "newer release added to this workspace). A rate is left empty where "
            "the count is suppressed or no population is known."
        ),
        *population.explain(
            d
            for r in rated.iter_rows(named=True)
            if (d := denominators.get(r["country"], r["year"])) is not None
        ),
    )
    headers = (
        _("Country"),
        _("Year"),
        _("Registered victims"),
        _("Population"),
        _("Per 100,000"),
    )
    return Panel(
        "rates", title, spec, headers, tuple(rows), notes, _suppression([figure])
    )


def _victims_by(shown: dict[str, Shown], dimension: str, basis: str) -> Panel:
    titles = {
        "sex": _("Registered victims by sex"),
        "age_group": _("Registered victims by age group"),
        "citizenship_group": _("Registered victims by citizenship"),
        "form": _("Registered victims by form of exploitation"),
        "sector": _("Registered victims by sector"),
    }
    headers = {
        "sex": _("Sex"),
        "age_group": _("Age group"),
        "citizenship_group": _("Citizenship"),
        "form": _("Form of exploitation"),
        "sector": _("Sector"),
    }
    notes = [_year_note(basis), _registered_note()]
    if dimension == "form":
        notes.append(
            _(
                "A victim of a case with several forms of exploitation is counted "
                "under each, so the counts add up to more than the victims."
            )
        )
    return _bars(
        shown,
        f"by_{dimension}",
        titles[dimension],
        (headers[dimension], _("Registered victims")),
        _order(dimension),
        tuple(notes),
    )


def _assisted(shown: dict[str, Shown], basis: str) -> Panel:
    notes = (
        _year_note(basis),
        _(
            "No assistance recorded is not proof that no help was given: a "
            "service may not have recorded it here."
        ),
    )
    return _bars(
        shown,
        "assisted",
        _("Registered victims by assistance"),
        (_("Assistance"), _("Registered victims")),
        ("recorded", "none_recorded", UNKNOWN),
        notes,
    )


def _bars(
    shown: dict[str, Shown],
    name: str,
    title: str,
    headers: tuple[str, str],
    order: tuple[str, ...] | None,
    notes: tuple[str, ...],
) -> Panel:
    """A panel of one dimension: a bar per code, the table and its total."""
    figure = shown.get(name)
    if figure is None:
        return _empty(name, title)

    dimension = figure.dimensions[0]
    frame = _cells_frame(figure, "count")
    keys = sorted(figure.cells, key=lambda key: _position(order, key[0]))
    spec = charts.bars(
        frame,
        category=dimension,
        value="count",
        title=title,
        labels=_labels(frame, dimension),
        value_title=headers[1],
        suppressed_text=_("suppressed"),
        horizontal=len(keys) > 6,
        order=[key[0] for key in keys],
    )
    rows = [_row(figure, key, figure.cells[key]) for key in keys]
    return Panel(
        name,
        title,
        spec,
        headers,
        (*rows, _total(figure, 1)),
        notes,
        _suppression([figure]),
    )


# Proceedings and recognition


def _funnel(shown: dict[str, Shown]) -> Panel:
    title = _("Cases through proceedings")
    figure = shown.get("funnel")
    if figure is None:
        return _empty("funnel", title)

    totals = reached(figure, FUNNEL)
    frame = pl.DataFrame(
        {"step": list(FUNNEL), "cases": totals},
        schema={"step": pl.String, "cases": pl.Int64},
    )
    spec = charts.bars(
        frame,
        category="step",
        value="cases",
        title=title,
        labels={"step": _code_labels(FUNNEL)},
        value_title=_("Cases"),
        suppressed_text=_("suppressed"),
        horizontal=True,
        order=list(FUNNEL),
    )
    rows = [Row((label("", s),), (n,)) for s, n in zip(FUNNEL, totals, strict=True)]
    notes = (
        _(
            "Each step counts the cases whose suspects' legal events reached at "
            "least that step, so the counts fall from step to step."
        ),
        _case_year_note(),
    )
    return Panel(
        "funnel",
        title,
        spec,
        (_("Step reached"), _("Cases")),
        tuple(rows),
        notes,
        _suppression([figure]),
    )


def _suspects(shown: dict[str, Shown]) -> Panel:
    title = _("Suspects, prosecuted and convicted, by sex")
    figure = shown.get("suspects")
    if figure is None:
        return _empty("suspects", title)

    sexes = sorted({key[0] for key in figure.cells}, key=_vocab_position("sex"))
    rows, records = [], []
    for sex in sexes:
        totals = reached(figure, SUSPECT_STEPS, (sex,))
        rows.append(Row((label("sex", sex),), tuple(totals)))
        records += [
            {"step": step, "sex": sex, "persons": n}
            for step, n in zip(SUSPECT_STEPS, totals, strict=True)
        ]
    frame = pl.DataFrame(
        records, schema={"step": pl.String, "sex": pl.String, "persons": pl.Int64}
    )
    spec = charts.bars(
        frame,
        category="step",
        value="persons",
        title=title,
        series="sex",
        labels={"step": _code_labels(SUSPECT_STEPS), **_labels(frame, "sex")},
        value_title=_("Persons"),
        suppressed_text=_("suppressed"),
        order=list(SUSPECT_STEPS),
    )
    headers = (_("Sex"), *(label("", step) for step in SUSPECT_STEPS))
    notes = (
        _(
            "Persons suspected in any legal event; prosecuted when charged or "
            "further; convicted under the provision of the event."
        ),
        _case_year_note(),
    )
    return Panel(
        "suspects", title, spec, headers, tuple(rows), notes, _suppression([figure])
    )


def _gap(shown: dict[str, Shown]) -> Panel:
    title = _("The recognition gap")
    figure = shown.get("gap")
    if figure is None:
        return _empty("gap", title)

    pairs = [
        (key[0], key[1], value)
        for key, value in figure.margins.items()
        if key[0] is not None and key[1] is not None and key[2] is None
    ]
    pairs.sort(key=lambda p: (_position(_GAP_ORDER, p[0]), _position(TREATMENTS, p[1])))
    frame = pl.DataFrame(
        pairs,
        schema={
            "identification": pl.String,
            "treatment": pl.String,
            "victims": pl.Int64,
        },
        orient="row",
    )
    spec = charts.bars(
        frame,
        category="treatment",
        value="victims",
        title=title,
        series="identification",
        labels=_labels(frame, "treatment", "identification"),
        value_title=_("Victims"),
        suppressed_text=_("suppressed"),
        order=list(TREATMENTS),
    )
    rows = [Row((label("", i), label("", t)), (n,)) for i, t, n in pairs]
    notes = (
        _(
            "Victims of cases whose screening meets forced labour or "
            "trafficking, by whether they were registered as victims and by "
            "the most serious offence their case was pursued as."
        ),
        _year_note(None),
    )
    headers = (_("Identification"), _("Treatment in proceedings"), _("Victims"))
    return Panel(
        "gap",
        title,
        spec,
        headers,
        (*rows, _total(figure, 2)),
        notes,
        _suppression([figure]),
    )


_GAP_ORDER = ("registered", "not_registered", "no_decision")


# Cases: the continuum and the indicators


def _continuum(shown: dict[str, Shown]) -> Panel:
    title = _("Cases by level of the continuum of exploitation")
    figure = shown.get("continuum")
    if figure is None:
        return _empty("continuum", title)

    levels = dict(_levels())
    frame = _cells_frame(figure, "cases")
    dated = frame.filter(pl.col("year") != UNKNOWN).with_columns(
        pl.col("year").cast(pl.Int32)
    )
    spec = charts.trend(
        dated,
        year="year",
        value="cases",
        title=title,
        series="continuum",
        labels={"continuum": levels | {UNKNOWN: str(CODES[UNKNOWN])}},
        value_title=_("Cases"),
        suppressed_text=_("suppressed"),
    )
    order = list(levels)
    keys = sorted(figure.cells, key=lambda k: (k[0], _position(tuple(order), k[1])))
    rows = [
        Row(
            (k[0] if k[0] != UNKNOWN else label("", k[0]), levels.get(k[1], k[1])),
            (figure.cells[k],),
        )
        for k in keys
    ]
    notes = (
        _(
            "A case sits at the highest level of the continuum its screening "
            "meets, and is counted once."
        ),
        _case_year_note(),
    )
    headers = (_("Year"), _("Level"), _("Cases"))
    return Panel(
        "continuum",
        title,
        spec,
        headers,
        (*rows, _total(figure, 2)),
        notes,
        _suppression([figure]),
    )


def _prevalence(shown: dict[str, Shown], framework: str) -> Panel:
    title = _("Indicators observed in cases")
    found = [f for name, f in shown.items() if name.startswith("indicator:")]
    if not found:
        return _empty("prevalence", title)

    language = translation.get_language() or "en"
    indicators = _indicator_labels(framework, language)
    records = [_share(figure) for figure in found]
    frame = pl.DataFrame(
        [(r[0], r[3]) for r in records],
        schema={"indicator": pl.String, "share": pl.Float64},
        orient="row",
    )
    named = {r[0]: indicators.get(r[0], r[0]) for r in records}
    spec = charts.bars(
        frame,
        category="indicator",
        value="share",
        title=title,
        labels={"indicator": named},
        value_title=_("Share of cases (%)"),
        suppressed_text=_("suppressed"),
        horizontal=True,
        order=[r[0] for r in records],
    )
    rows = [Row((named[r[0]],), (r[1], r[2], r[3])) for r in records]
    notes = (
        _(
            "A case counts as observed when any stage of its journey records the "
            "indicator observed. A case with nothing recorded counts as unknown, "
            "not as absent, and stays in the denominator."
        ),
        _case_year_note(),
    )
    headers = (_("Indicator"), _("Cases observed"), _("Cases"), _("Share (%)"))
    return Panel(
        "prevalence", title, spec, headers, tuple(rows), notes, _suppression(found)
    )


def _share(figure: Shown) -> tuple[str, Value, Value, Value]:
    """An indicator's id, cases observed, cases, and the share observed."""
    indicator = figure.name.removeprefix("indicator:")
    observed = figure.cells.get(("observed",), 0)
    cases = figure.total
    share = None
    if observed is not None and cases:
        share = round(100 * observed / cases, 1)
    return indicator, observed, cases, share


def _indicator_labels(framework: str, language: str) -> dict[str, str]:
    catalogue = frameworks.catalogue()
    return {
        indicator.id: indicator.labels.get(language)
        for found in catalogue.frameworks
        if found.id == framework
        for indicator in found.indicators
    }


def _levels() -> list[tuple[str, str]]:
    language = translation.get_language() or "en"
    return [(lv.id, lv.labels.get(language)) for lv in frameworks.continuum().levels]


# Shared pieces


def _cells_frame(figure: Shown, value: str) -> pl.DataFrame:
    schema = {**{d: pl.String() for d in figure.dimensions}, value: pl.Int64()}
    rows = [(*key, count) for key, count in sorted(figure.cells.items())]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _row(figure: Shown, key: tuple[str, ...], value: Value) -> Row:
    labels = tuple(
        label(d, code) if d != "year" or code == UNKNOWN else code
        for d, code in zip(figure.dimensions, key, strict=True)
    )
    return Row(tuple(str(x) for x in labels), (value,))


def _total(figure: Shown, width: int) -> Row:
    return Row((_("Total"), *("",) * (width - 1)), (figure.total,), total=True)


def _empty(name: str, title: str) -> Panel:
    return Panel(name, title, None, (), (), (), "")


def _order(dimension: str) -> tuple[str, ...] | None:
    name = VOCABULARIES.get(dimension)
    return (*vocab.vocabulary(name).codes, UNKNOWN) if name else None


def _position(order: Iterable[str] | None, code: str) -> tuple[int, str]:
    listed = tuple(order or ())
    return (listed.index(code) if code in listed else len(listed), code)


def _vocab_position(dimension: str) -> Callable[[str], tuple[int, str]]:
    order = _order(dimension)
    return lambda code: _position(order, code)


def _code_labels(codes: Iterable[str]) -> dict[str, str]:
    return {code: label("", code) for code in codes}


def _year_note(basis: str | None) -> str:
    if basis is None:
        return _("The year is that of the date basis chosen above.")
    return str(YEAR_NOTES[basis])


def _case_year_note() -> str:
    return _("The year is the case's own year.")


def _registered_note() -> str:
    return _(
        "Registered victims are those formally identified, presumed, or who "
        "declined identification, as Eurostat counts them."
    )


def _suppression(found: list[Shown]) -> str:
    """What disclosure control did to the figures ``found``, in a sentence."""
    threshold = found[0].threshold
    if threshold is None:
        return _("Unsuppressed counts of your own organisation: not for publication.")
    primary = sum(
        1 for f in found for _k, reason in f.suppressed if reason == "primary"
    )
    secondary = sum(len(f.suppressed) for f in found) - primary
    if not primary and not secondary:
        return _("Counts from 1 to %(small)d would be suppressed; none had to be.") % {
            "small": threshold - 1
        }
    return ngettext(
        "Counts from 1 to %(small)d are suppressed: %(primary)d value as small, "
        "and %(secondary)d more so that none can be worked out from the rest.",
        "Counts from 1 to %(small)d are suppressed: %(primary)d values as small, "
        "and %(secondary)d more so that none can be worked out from the rest.",
        primary,
    ) % {"small": threshold - 1, "primary": primary, "secondary": secondary}
