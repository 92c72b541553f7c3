"""The sections of a report, drafted from the frames with the stats functions.

Pure: no Django, no I/O. Each planner counts with ``stats.tables``,
``stats.proceedings`` and ``stats.indicators`` and returns a ``Plan``: the
section's drafts (true counts, not yet protected), its sentences, and what
its data lack. ``content`` protects the drafts of every section together and
lays them out. A national report's tables run by year; a comparative
report's by country, summed over the period.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import polars as pl

from flexwatch import law, vocab
from flexwatch.assessment import frameworks
from flexwatch.assessment.model import Indicator, UnknownFramework
from flexwatch.law.model import LawBook
from flexwatch.reports import labels, legislation
from flexwatch.reports.formatting import Formatter
from flexwatch.reports.labels import Gettext
from flexwatch.reports.legislation import Listing
from flexwatch.reports.published import Draft, View, draft
from flexwatch.stats import breaks, disclosure, indicators, proceedings, tables
from flexwatch.stats.definitions import FUNNEL

ORDER = (
    "sources",
    "victims",
    "sectors",
    "indicators",
    "recognition",
    "proceedings",
    "assistance",
    "media",
    "legislation",
    "interviews",
    "limits",
)
DEFAULT_FRAMEWORK = "ilo_ec_delphi_2009"
HIGHEST_THRESHOLD = 100
FIRST_YEAR, LAST_YEAR = 1990, 2100
# The steps of a suspect's way through proceedings, as a partition.
SUSPECT_STEPS = ("suspected", "prosecuted", "convicted")


class RequestError(ValueError):
    """A report cannot be made as asked; the message says what is accepted."""


@dataclass(frozen=True)
class Frames:
    """The frames of ``stats.frames`` a report counts from.

    ``law`` is the law the cases are weighed against: the Django side
    passes the provisions with their added versions
    (``law.store.current_book``), as the case page does; None reads the
    package's files alone.
    """

    victims: pl.DataFrame
    proceedings: pl.DataFrame
    assistance: pl.DataFrame
    observations: pl.DataFrame
    cases: pl.DataFrame
    law: LawBook | None = None

    def of(self, countries: Sequence[str]) -> "Frames":
        """The frames of cases in ``countries`` only."""
        chosen = pl.col("country").is_in(list(countries))
        return Frames(
            victims=self.victims.filter(chosen),
            proceedings=self.proceedings.filter(chosen),
            assistance=self.assistance,
            observations=self.observations.filter(chosen),
            cases=self.cases.filter(chosen),
            law=self.law,
        )


@dataclass(frozen=True)
class Request:
    """What a report covers and how it is written.

    Attributes:
        countries: One country (a national report) or several (comparative).
        first, last: The period, in whole years.
        threshold: The smallest count published (disclosure control).
        language: ``en``, ``fi``, ``et`` or ``pl``.
        date_basis: Which date of a case gives a victim's year.
        framework: The indicator framework whose prevalence is shown.
        include_synthetic: Count synthetic records (demonstrations only).
    """

    countries: tuple[str, ...]
    first: int
    last: int
    threshold: int = disclosure.DEFAULT_THRESHOLD
    language: str = "en"
    date_basis: tables.Basis = "registration"
    framework: str = DEFAULT_FRAMEWORK
    include_synthetic: bool = False

    @property
    def comparative(self) -> bool:
        return len(self.countries) > 1

    @property
    def by_country(self) -> tuple[str, ...]:
        """The country dimension, which only a comparison needs."""
        return ("country",) if self.comparative else ()

    @property
    def columns(self) -> str:
        """What the tables' columns are: years, or the countries compared."""
        return "country" if self.comparative else "year"

    @property
    def years(self) -> tuple[str, ...]:
        return tuple(str(year) for year in range(self.first, self.last + 1))

    def check(self) -> None:
        """Raise ``RequestError`` naming the first value that cannot be used."""
        _check_countries(self.countries)
        for year in (self.first, self.last):
            if not FIRST_YEAR <= year <= LAST_YEAR:
                raise RequestError(
                    f"The year {year} is out of range; give years from "
                    f"{FIRST_YEAR} to {LAST_YEAR}."
                )
        if self.first > self.last:
            raise RequestError(
                f"The period runs backwards: {self.first} comes after "
                f"{self.last}; give the earlier year first."
            )
        if self.language not in vocab.LANGUAGES:
            raise RequestError(
                f"{self.language!r} is not a report language; use one of "
                f"{', '.join(vocab.LANGUAGES)}."
            )
        if not 2 <= self.threshold <= HIGHEST_THRESHOLD:
            raise RequestError(
                f"The threshold {self.threshold} is out of range; give a whole "
                f"number from 2 to {HIGHEST_THRESHOLD}."
            )
        if self.date_basis not in tables.BASES:
            raise RequestError(
                f"{self.date_basis!r} is not a date basis; use one of "
                f"{', '.join(tables.BASES)}."
            )


def _check_countries(countries: Sequence[str]) -> None:
    if not countries:
        raise RequestError("No country was given; name one, such as FI.")
    known = vocab.vocabulary("exploitation_country")
    for country in countries:
        if country not in known or country == "unknown":
            raise RequestError(
                f"{country!r} is not a country code; give ISO 3166-1 codes "
                "such as FI, EE or PL."
            )
    if len(set(countries)) != len(countries):
        raise RequestError(f"A country is named twice in {', '.join(countries)}.")


@dataclass(frozen=True)
class Rate:
    """Registered victims of a country and year per 100,000 inhabitants."""

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "country",
        "year",
        "victims",
        "population",
        "population_source",
        "population_flag",
        "rate_per_100k",
        "rate_note",
    )

    country: str
    year: int
    victims: int | None
    population: int | None
    population_source: str | None
    population_flag: str | None
    rate_per_100k: float | None
    rate_note: str | None


@dataclass(frozen=True)
class Plan:
    """A section before disclosure control.

    Attributes:
        key: The section's name in ``ORDER``.
        title: Its heading.
        intro: What the section shows and from which data.
        drafts: Its tables of true counts.
        listings: Its tables of facts that are not counts (the law).
        rates_from: The draft whose totals by year give rates per 100,000.
        missing: Sentences saying which data are missing.
        notes: Sentences a reader needs.
        limits: Sentences for the section on the limits of the data.
        counted: What the stats functions counted, by name, for the methods.
    """

    key: str
    title: str
    intro: str = ""
    drafts: tuple[Draft, ...] = ()
    listings: tuple[Listing, ...] = ()
    rates_from: str | None = None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()
    counted: Mapping[str, int] = field(default_factory=dict)


def plan(key: str, frames: Frames, request: Request, gettext: Gettext) -> Plan:
    """The plan of the section ``key``, counted from ``frames``.

    Raises:
        RequestError: ``key`` is not a section.
    """
    if key not in PLANNERS:
        raise RequestError(
            f"{key!r} is not a section of a report; the sections are "
            f"{', '.join(ORDER)}."
        )
    return PLANNERS[key](frames, request, gettext)


def totals_by_year(
    published: disclosure.PublishedTable, request: Request
) -> pl.DataFrame:
    """Each country's published total for each year of the period.

    The table has the dimensions (country,) year and one more; its margin
    over that last dimension is the total.
    """
    rows = []
    for country in request.countries:
        for year in request.years:
            key = (country, year, None) if request.comparative else (year, None)
            rows.append((country, int(year), published.margins.get(key, 0)))
    schema = {"country": pl.String, "year": pl.Int32, "victims": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


# Drafting


def _period(counts: pl.DataFrame, request: Request) -> pl.DataFrame:
    return counts.filter(pl.col("year").is_between(request.first, request.last))


def _draft(
    counts: pl.DataFrame,
    dimensions: Sequence[str],
    views: Sequence[View],
    request: Request,
    *,
    name: str,
    population: str,
    count: str,
) -> Draft | None:
    """A draft of the period's counts, every dimension in its list's order."""
    orders: dict[str, Sequence[str]] = {name: labels.order(name) for name in dimensions}
    orders.update({"year": request.years, "country": request.countries})
    return draft(
        _period(counts, request),
        dimensions,
        name=name,
        population=population,
        views=views,
        count=count,
        orders=orders,
        complete=("year", "country"),
    )


def _by_year(
    request: Request, rows: str, title: str, chart: bool = False
) -> tuple[tuple[str, ...], tuple[View, ...]]:
    """The dimensions and view of a table of one dimension by year or country."""
    dimensions = (*request.by_country, "year", rows)
    return dimensions, (View(rows, request.columns, title, chart=chart),)


def _kept(*drafts: Draft | None) -> tuple[Draft, ...]:
    return tuple(found for found in drafts if found is not None)


def _amount(count: int, request: Request, gettext: Gettext) -> str:
    """A count for a sentence; a small one only as "fewer than" the threshold."""
    if 0 < count < request.threshold:
        return gettext("fewer than %(threshold)s") % {"threshold": request.threshold}
    return Formatter(request.language).count(count)


def _where(request: Request) -> str:
    names = labels.labels("country", list(request.countries), request.language, str)
    period = Formatter(request.language).period(request.first, request.last)
    return f"{', '.join(names.values())} {period}"


def _left_out(
    left_out: Mapping[str, int],
    sentences: Mapping[str, str],
    request: Request,
    gettext: Gettext,
) -> tuple[str, ...]:
    return tuple(
        sentences[reason] % {"amount": _amount(count, request, gettext)}
        for reason, count in left_out.items()
        if reason in sentences
    )


# The sections


def _sources(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    title = gettext("Cases by kind of source")
    dimensions, views = _by_year(request, "source_kind", title, chart=True)
    levels = indicators.continuum_levels(
        frames.cases,
        by=(*request.by_country, "year", "source_kind"),
        include_synthetic=request.include_synthetic,
    )
    found = _draft(
        levels.counts,
        dimensions,
        views,
        request,
        name="cases_by_source",
        population="cases",
        count="cases",
    )
    missing = () if found else (_nothing(gettext("No case"), request, gettext),)
    basis = labels_of_basis(gettext)[request.date_basis]
    return Plan(
        key="sources",
        title=gettext("Data and sources"),
        intro=gettext(
            "The figures count the case records that the organisations taking"
            " part hold and share: police, prosecution, courts, labour"
            " inspection, victim assistance and NGOs each record a case on"
            " one template. A case's year is the year it was registered."
        ),
        drafts=_kept(found),
        missing=missing,
        notes=(
            gettext("Registered victims are counted by the year of %(basis)s.")
            % {"basis": basis},
            gettext(
                "Counts from 1 to %(below)s are suppressed (x), with further"
                " values where needed so that none can be worked out."
            )
            % {"below": request.threshold - 1},
        ),
        counted={"cases": levels.cases},
    )


def labels_of_basis(gettext: Gettext) -> dict[str, str]:
    """The date bases, as a sentence names them."""
    return {
        "registration": gettext("registration"),
        "identification": gettext("identification"),
        "exploitation": gettext("the start of exploitation"),
    }


def _nothing(what: str, request: Request, gettext: Gettext) -> str:
    return gettext("%(what)s is recorded for %(where)s.") % {
        "what": what,
        "where": _where(request),
    }


def _victims(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    breakdowns = (
        ("sex", gettext("Registered victims by sex"), True),
        ("age_category", gettext("Registered victims by age"), False),
        ("citizenship_group", gettext("Registered victims by citizenship"), True),
    )
    drafts: list[Draft | None] = []
    left_out: Mapping[str, int] = {}
    counted = 0
    for rows, title, chart in breakdowns:
        result = _registered(frames, request, rows)
        dimensions, views = _by_year(request, rows, title, chart)
        drafts.append(
            _draft(
                result.counts,
                dimensions,
                views,
                request,
                name=f"victims_by_{rows}",
                population="victims",
                count=tables.COUNT,
            )
        )
        left_out, counted = result.left_out, result.victims
    kept = _kept(*drafts)
    return Plan(
        key="victims",
        title=gettext("Victims"),
        intro=gettext(
            "Registered victims are the persons formally identified as victims"
            " of trafficking or forced labour, presumed to be victims, or who"
            " declined identification, as Eurostat counts them. The rate per"
            " 100,000 inhabitants is SDG indicator 16.2.2."
        ),
        drafts=kept,
        rates_from="victims_by_sex" if kept else None,
        missing=()
        if kept
        else (_nothing(gettext("No registered victim"), request, gettext),),
        limits=_left_out(left_out, _victim_reasons(gettext), request, gettext),
        counted={"registered_victims": counted},
    )


def _registered(frames: Frames, request: Request, rows: str) -> tables.VictimCounts:
    # Only the period's victims, so that those left out (named in the
    # limits) are counted over the same years as the tables.
    year = pl.col(tables.BASES[request.date_basis]).dt.year()
    return tables.registered_victims(
        frames.victims.filter(year.is_between(request.first, request.last)),
        date_basis=request.date_basis,
        by=(*request.by_country, "year", rows),
        include_synthetic=request.include_synthetic,
    )


def _victim_reasons(gettext: Gettext) -> dict[str, str]:
    return {
        "no_decision": gettext(
            "Victims with no identification decision on record (%(amount)s)"
            " are not counted as registered victims."
        ),
        "not_registered": gettext(
            "Persons found not to be victims (%(amount)s) are not counted as"
            " registered victims."
        ),
    }


def _sectors(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    by_sector = _registered(frames, request, "sector")
    dimensions, views = _by_year(
        request, "sector", gettext("Registered victims by sector"), chart=True
    )
    sector = _draft(
        by_sector.counts,
        dimensions,
        views,
        request,
        name="victims_by_sector",
        population="victims",
        count=tables.COUNT,
    )
    by_form = _registered(frames, request, "form")
    dimensions, views = _by_year(
        request, "form", gettext("Registered victims by form of exploitation"), True
    )
    form = _draft(
        by_form.counts,
        dimensions,
        views,
        request,
        name="victims_by_form",
        population="victim_forms",
        count=tables.COUNT,
    )
    missing = [
        gettext(
            "Recruitment channels and countries of recruitment are part of the"
            " case record but not yet of the statistics, so this report does"
            " not count them."
        )
    ]
    if not (sector or form):
        missing.append(_nothing(gettext("No registered victim"), request, gettext))
    return Plan(
        key="sectors",
        title=gettext("Sectors and recruitment"),
        intro=gettext(
            "The economic sector is the sector of the case's workplace (NACE);"
            " the forms of exploitation are those recorded for the case."
        ),
        drafts=_kept(sector, form),
        missing=tuple(missing),
        notes=(
            gettext(
                "A victim of a case with several forms of exploitation is"
                " counted once under each, so that table adds up to more than"
                " the victims."
            ),
        ),
    )


def _indicators(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    levels = indicators.continuum_levels(
        frames.cases,
        by=(*request.by_country, "year"),
        include_synthetic=request.include_synthetic,
    )
    dimensions, views = _by_year(
        request, "continuum", gettext("Cases by level of the continuum"), True
    )
    counts = levels.counts.with_columns(pl.col("continuum").cast(pl.String))
    continuum = _draft(
        counts,
        dimensions,
        views,
        request,
        name="cases_by_continuum",
        population="cases",
        count="cases",
    )
    prevalence = _prevalence(frames, request, gettext)
    kept = _kept(continuum, prevalence)
    missing = () if kept else (_nothing(gettext("No case"), request, gettext),)
    if continuum and not prevalence:
        missing = (_nothing(gettext("No indicator observation"), request, gettext),)
    return Plan(
        key="indicators",
        title=gettext("Indicators and the continuum"),
        intro=gettext(
            "Each case is screened against the indicators of forced labour and"
            " trafficking and placed on the continuum from decent work to"
            " trafficking at the highest level it meets."
        ),
        drafts=kept,
        missing=missing,
        notes=(
            gettext(
                "An indicator nobody recorded in a case counts as unknown there,"
                " not as absent; indicators observed in no case are not listed."
            ),
        ),
    )


def _prevalence(frames: Frames, request: Request, gettext: Gettext) -> Draft | None:
    result = indicators.indicator_prevalence(
        frames.observations,
        frames.cases,
        by=(*request.by_country, "year"),
        framework=request.framework,
        include_synthetic=request.include_synthetic,
    )
    statuses = result.counts.unpivot(
        index=[*request.by_country, "year", "indicator"],
        on=list(indicators.STATUSES),
        variable_name="status",
        value_name="count",
    )
    statuses = _period(statuses, request)
    seen = statuses.filter((pl.col("status") == "observed") & (pl.col("count") > 0))
    statuses = statuses.join(seen.select("indicator").unique(), on="indicator")

    title = gettext("Cases in which each indicator was observed")
    if request.comparative:
        views = (
            View(
                "indicator",
                "country",
                title,
                {"status": "observed"},
                share_over="status",
                totals=False,
            ),
        )
    else:
        views = (View("indicator", "status", title, share_over="status", totals=False),)
    order = [i.id for i in _framework_indicators(request.framework)]
    found = _draft(
        statuses,
        (*request.by_country, "indicator", "status"),
        views,
        request,
        name="indicator_prevalence",
        population="indicator_cases",
        count="count",
    )
    if found is None:
        return None
    return Draft(
        found.table,
        found.population,
        found.views,
        {**found.orders, "indicator": order, "status": indicators.STATUSES},
        found.complete,
    )


def _framework_indicators(framework: str) -> tuple[Indicator, ...]:
    try:
        return frameworks.catalogue().framework(framework).indicators
    except UnknownFramework as problem:
        raise RequestError(str(problem)) from problem


def _recognition(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    gap = proceedings.recognition_gap(
        frames.victims,
        frames.proceedings,
        frames.assistance,
        by=(*request.by_country, "year"),
        include_synthetic=request.include_synthetic,
    )
    dimensions = (*request.by_country, "identification", "treatment", "assistance")
    identified = gettext("Victims by identification")
    treated = gettext("Victims by how the authorities treated the case")
    helped = gettext("Victims by assistance")
    if request.comparative:
        views: tuple[View, ...] = (
            View("identification", "country", identified, chart=True),
            View("treatment", "country", treated, chart=True),
            View("assistance", "country", helped),
        )
    else:
        views = (
            View(
                "identification",
                "treatment",
                gettext("Victims by identification and treatment of the case"),
                chart=True,
            ),
            View(
                "assistance",
                "identification",
                gettext("Victims by assistance and identification"),
            ),
        )
    found = _draft(
        gap.counts,
        dimensions,
        views,
        request,
        name="recognition_gap",
        population="gap",
        count=tables.COUNT,
    )
    level_names = labels.labels(
        "continuum", list(gap.levels), request.language, gettext
    )
    return Plan(
        key="recognition",
        title=gettext("Recognition of victims"),
        intro=gettext(
            "The recognition gap sets the cases whose screening meets forced"
            " labour or trafficking against what the authorities did: whether"
            " the victim was identified, whether the case was investigated,"
            " charged or tried as trafficking, as a lesser labour offence or"
            " not at all, and whether help reached the victim."
        ),
        drafts=_kept(found),
        missing=()
        if found
        else (
            _nothing(
                gettext("No victim of a case meeting forced labour or trafficking"),
                request,
                gettext,
            ),
        ),
        notes=(
            gettext("Victims of cases at these levels are counted: %(levels)s.")
            % {"levels": ", ".join(level_names.values())},
            gettext(
                "A case counts as treated as trafficking if any legal event of"
                " its suspects is under a trafficking provision; the year is"
                " the case's own year."
            ),
        ),
        counted={"gap_victims": gap.victims},
    )


def _proceedings(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    suspects = _suspects(frames, request, gettext)
    funnel = _funnel(frames, request, gettext)
    kept = _kept(suspects, funnel)
    return Plan(
        key="proceedings",
        title=gettext("Legal proceedings"),
        intro=gettext(
            "Suspects are counted by the furthest step their proceedings"
            " reached; cases by the furthest step any of their suspects'"
            " proceedings reached, from a report to the police to a"
            " conviction."
        ),
        drafts=kept,
        missing=()
        if kept
        else (_nothing(gettext("No legal proceeding"), request, gettext),),
        notes=(
            gettext("Proceedings against victims themselves are not counted here."),
        ),
    )


def _suspects(frames: Frames, request: Request, gettext: Gettext) -> Draft | None:
    result = proceedings.suspects_prosecuted_convicted(
        frames.proceedings,
        by=(*request.by_country, "year", "sex"),
        include_synthetic=request.include_synthetic,
    )
    steps = result.counts.with_columns(
        (pl.col("suspected") - pl.col("prosecuted")).alias("suspected"),
        (pl.col("prosecuted") - pl.col("convicted")).alias("prosecuted"),
    )
    steps = steps.unpivot(
        index=[*request.by_country, "year", "sex"],
        on=list(SUSPECT_STEPS),
        variable_name="step",
        value_name="persons",
    )
    if request.comparative:
        views: tuple[View, ...] = (
            View(
                "step",
                "country",
                gettext("Suspects by the furthest step reached"),
                chart=True,
            ),
            View("sex", "country", gettext("Suspects by sex")),
        )
    else:
        title = gettext("Suspects by sex and the furthest step reached")
        views = (View("sex", "step", title, chart=True),)
    found = _draft(
        steps,
        (*request.by_country, "sex", "step"),
        views,
        request,
        name="suspects",
        population="suspects",
        count="persons",
    )
    return _ordered(found, "step", SUSPECT_STEPS)


def _funnel(frames: Frames, request: Request, gettext: Gettext) -> Draft | None:
    result = proceedings.proceedings_funnel(
        frames.proceedings,
        by=(*request.by_country, "year"),
        include_synthetic=request.include_synthetic,
    )
    # The funnel counts cases that reached at least a step; its partition,
    # the furthest step reached, is what a table with margins can publish.
    further = [*FUNNEL[1:], None]
    furthest = result.counts.with_columns(
        (pl.col(step) - (pl.col(after) if after else 0)).alias(step)
        for step, after in zip(FUNNEL, further, strict=True)
    )
    furthest = furthest.unpivot(
        index=[*request.by_country, "year"],
        on=list(FUNNEL),
        variable_name="step",
        value_name="cases",
    )
    dimensions, views = _by_year(
        request, "step", gettext("Cases by the furthest step of proceedings"), True
    )
    found = _draft(
        furthest,
        dimensions,
        views,
        request,
        name="funnel",
        population="proceeding_cases",
        count="cases",
    )
    return _ordered(found, "step", FUNNEL)


def _ordered(found: Draft | None, dimension: str, order: Sequence[str]) -> Draft | None:
    if found is None:
        return None
    orders = {**found.orders, dimension: order}
    return Draft(found.table, found.population, found.views, orders, found.complete)


def _assistance(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    result = indicators.victims_assisted(
        frames.victims,
        frames.assistance,
        by=(*request.by_country, "year"),
        date_basis=request.date_basis,
        include_synthetic=request.include_synthetic,
    )
    dimensions, views = _by_year(
        request, "assistance", gettext("Registered victims by assistance"), True
    )
    found = _draft(
        result.counts,
        dimensions,
        views,
        request,
        name="victims_by_assistance",
        population="victims",
        count=tables.COUNT,
    )
    return Plan(
        key="assistance",
        title=gettext("Victim assistance"),
        intro=gettext(
            "Whether any assistance (accommodation, health care, legal aid,"
            " a residence permit, ...) is recorded for each registered victim."
        ),
        drafts=_kept(found),
        missing=()
        if found
        else (_nothing(gettext("No registered victim"), request, gettext),),
        notes=(gettext("No assistance recorded is not proof that no help was given."),),
    )


def _absent(key: str, title: str, sentence: str) -> Plan:
    return Plan(key=key, title=title, missing=(sentence,))


def _media(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    return _absent(
        "media",
        gettext("Media"),
        gettext(
            "Media reporting is not yet collected in this system: this section"
            " will show it once the media module is in use."
        ),
    )


def _legislation(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    book = frames.law or law.book()
    where = (request.countries, request.first, request.last)
    listing = legislation.in_force(book, *where, request.language, gettext)
    counted = _offence_cases(frames, request, book, gettext)

    missing = []
    if listing is None:
        missing.append(
            gettext("No offence of %(where)s is held in this system.")
            % {"where": _where(request)}
        )
    if counted is None:
        what = gettext("No case whose screening shows every element of an offence")
        missing.append(_nothing(what, request, gettext))
    found_breaks = legislation.series_breaks(*where, request.language, gettext)
    return Plan(
        key="legislation",
        title=gettext("Legislation"),
        intro=gettext(
            "The offences of each country in force during the period, the"
            " changes of the law that split the series, how each country's"
            " trafficking offence compares with Directive 2011/36/EU as"
            " amended, and the cases whose screening shows every element of"
            " an offence. This is decision support, not a legal finding:"
            " whether an offence was committed is for the authorities and"
            " the courts."
        ),
        drafts=_kept(counted),
        listings=(listing,) if listing else (),
        missing=tuple(missing),
        notes=(
            *(found_breaks or (_no_break(gettext),)),
            *legislation.gaps(
                book, request.countries, request.last, request.language, gettext
            ),
            gettext(
                "A case is counted under every version of an offence whose"
                " elements its screening shows, so the table adds up to more"
                " than the cases; cases whose indicators are not shared with"
                " you are not weighed."
            ),
        ),
    )


def _no_break(gettext: Gettext) -> str:
    return gettext(
        "No change of the law that defines what is counted (series break)"
        " falls within the period."
    )


def _offence_cases(
    frames: Frames, request: Request, book: LawBook, gettext: Gettext
) -> Draft | None:
    """Cases of the period whose screening shows every element of an offence."""
    chosen = frames.cases.filter(pl.col("year").is_between(request.first, request.last))
    if not request.include_synthetic:
        chosen = chosen.filter(pl.col("is_synthetic").ne_missing(True))
    if "observations_shared" in chosen.columns:
        chosen = chosen.filter(pl.col("observations_shared"))
    counts = legislation.meeting(
        book, chosen, frames.observations, frames.victims, request.language
    )
    title = gettext("Cases whose screening shows every element of an offence")
    dimensions = (*request.by_country, "year", "offence")
    views = (View("offence", request.columns, title, totals=False),)
    found = _draft(
        counts,
        dimensions,
        views,
        request,
        name="offence_cases",
        population="offence_cases",
        count=legislation.COUNT,
    )
    named = [
        legislation.offence(provision, version, request.language)
        for country in request.countries
        for provision, version in legislation.offences(
            book, country, request.first, request.last
        )
    ]
    return _ordered(found, "offence", named)


def _interviews(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    return _absent(
        "interviews",
        gettext("Expert interviews"),
        gettext(
            "Expert interviews are not yet coded in this system: this section"
            " will show their findings once the interviews module is in use."
        ),
    )


def _limits(frames: Frames, request: Request, gettext: Gettext) -> Plan:
    return _general_limits(request, gettext)


def _general_limits(request: Request, gettext: Gettext) -> Plan:
    sentences = [
        gettext(
            "The figures count what the organisations recorded and shared:"
            " victims nobody detected or recorded are not in them."
        ),
        gettext(
            "Unknown is shown as a category of its own: a sector, a sex or an"
            " age not recorded is never left out nor guessed."
        ),
        _breaks_limit(request, gettext),
    ]
    if request.include_synthetic:
        sentences.insert(
            0,
            gettext(
                "This report includes synthetic records: it demonstrates the"
                " software and is no official statistic."
            ),
        )
    return Plan(
        key="limits", title=gettext("Limits of the data"), notes=tuple(sentences)
    )


def _breaks_limit(request: Request, gettext: Gettext) -> str:
    found = breaks.within(request.countries, request.first, request.last)
    if not found:
        return _no_break(gettext)
    days = Formatter(request.language)
    named = ", ".join(f"{b.country} {days.date(b.date)}" for b in found)
    return gettext(
        "The law that defines what is counted changed within the period"
        " (%(breaks)s): counts before and after a series break are not of the"
        " same thing; the legislation section names each change."
    ) % {"breaks": named}


def limits(plans: Sequence[Plan], request: Request, gettext: Gettext) -> Plan:
    """The section on the limits of the data, with what every section found."""
    general = _general_limits(request, gettext)
    gathered = tuple(line for found in plans for line in found.limits)
    return Plan(key=general.key, title=general.title, notes=(*general.notes, *gathered))


PLANNERS: Mapping[str, Callable[[Frames, Request, Gettext], Plan]] = {
    "sources": _sources,
    "victims": _victims,
    "sectors": _sectors,
    "indicators": _indicators,
    "recognition": _recognition,
    "proceedings": _proceedings,
    "assistance": _assistance,
    "media": _media,
    "legislation": _legislation,
    "interviews": _interviews,
    "limits": _limits,
}
