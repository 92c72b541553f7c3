"""Counts of indicators, continuum levels and assistance, case by case.

Pure: no Django, no I/O beyond the package's own data files. The inputs are
the frames of ``stats.frames`` (``observations``, ``cases``, ``victims`` and
``assistance``), or frames built by hand with the same columns::

    from flexwatch.stats.indicators import continuum_levels, indicator_prevalence

    table = indicator_prevalence(observations, cases, by=("country",))
    table.counts      # country, framework, indicator, cases, observed, ...
    continuum_levels(cases).levels    # the continuum's levels, in order

The indicators and the frameworks they belong to, and the continuum's
levels and their order, are read from ``assessment.frameworks``; which
identification decisions make a registered victim from ``registered.yaml``.
As in the other tables, "unknown" is a category like any other and
synthetic records stay out unless asked. The rules, and why, are in
docs/statistics.md.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from flexwatch.assessment import frameworks
from flexwatch.stats import breaks
from flexwatch.stats.breaks import SeriesBreak
from flexwatch.stats.definitions import registered
from flexwatch.stats.tables import (
    BASES,
    CASE_YEAR,
    COUNT,
    DIMENSIONS,
    NEEDED_COLUMNS,
    UNKNOWN,
    Basis,
    TableError,
    check_by,
    check_columns,
    dated,
    leave_out,
    or_unknown,
    year_note,
)

# Dimensions of the case tables: the case's own codes and year.
CASE_DIMENSIONS = ("country", "sector", "source_kind", "year", "continuum")
PREVALENCE_BY = ("country", "sector")
LEVELS_BY = ("country", "year")
ASSISTED_BY = ("year", "country")
# How a case stands towards an indicator, the status that wins first.
STATUSES = ("observed", "not_observed", UNKNOWN)
ASSISTANCE = ("recorded", "none_recorded", UNKNOWN)

PREVALENCE_REASONS: Mapping[str, str] = {
    "synthetic": "the case is a synthetic record",
    "observations_not_shared": "the case's observations are not shared",
}
LEVEL_REASONS: Mapping[str, str] = {
    "synthetic": "the case is a synthetic record",
}
ASSISTED_REASONS: Mapping[str, str] = {
    "synthetic": "the case is a synthetic record",
    "no_decision": "no identification decision is recorded for the person",
    "not_registered": "the person's latest decision does not make them a "
    "registered victim",
}


@dataclass(frozen=True)
class PrevalenceCounts:
    """How often each indicator was observed in the cases of each group.

    Attributes:
        counts: one row per group of ``by`` that has a case and indicator of
            the frameworks counted: ``framework``, ``indicator``, ``cases``,
            ``observed``, ``not_observed``, ``unknown`` (all distinct cases)
            and ``share_observed`` (``observed`` over ``cases``).
        by: the dimensions of the table.
        frameworks: the frameworks whose indicators are counted.
        cases: how many distinct cases the table counts.
        left_out: cases not counted, by reason (``PREVALENCE_REASONS``).
        unlisted: indicator ids observed but in no framework counted.
        notes: sentences a reader needs, such as how stages count.
        basis: the date basis of the year: ``registration``,
            ``identification``, ``exploitation``, or ``case_year``.
        breaks: the series breaks inside the countries and years counted.
    """

    counts: pl.DataFrame
    by: tuple[str, ...]
    frameworks: tuple[str, ...]
    cases: int
    left_out: Mapping[str, int]
    unlisted: tuple[str, ...]
    notes: tuple[str, ...]
    basis: str = CASE_YEAR
    breaks: tuple[SeriesBreak, ...] = ()


@dataclass(frozen=True)
class LevelCounts:
    """Cases by the level of the continuum of exploitation they sit at.

    Attributes:
        counts: one row per group of ``by`` and level that has a case:
            ``continuum`` (an enum of ``levels`` then ``unknown``), ``cases``.
        by: the dimensions of the table before ``continuum``.
        levels: the continuum's levels, from decent work up.
        cases: how many distinct cases the table counts.
        left_out: cases not counted, by reason (``LEVEL_REASONS``).
        notes: sentences a reader needs.
        basis: the date basis of the year, as for ``PrevalenceCounts``.
        breaks: the series breaks inside the countries and years counted.
    """

    counts: pl.DataFrame
    by: tuple[str, ...]
    levels: tuple[str, ...]
    cases: int
    left_out: Mapping[str, int]
    notes: tuple[str, ...]
    basis: str = CASE_YEAR
    breaks: tuple[SeriesBreak, ...] = ()


@dataclass(frozen=True)
class AssistedCounts:
    """Registered victims by whether any assistance is recorded for them.

    Attributes:
        counts: one row per combination of ``by`` and ``assistance``
            (``ASSISTANCE``) that occurs, with ``victims``.
        by: the dimensions of the table before ``assistance``.
        date_column: the case date the year is taken from.
        statuses: the identification decisions counted as registered.
        victims: how many distinct persons the table counts.
        left_out: persons not counted, by reason (``ASSISTED_REASONS``).
        notes: sentences a reader needs.
        basis: the date basis of the year.
        breaks: the series breaks inside the countries and years counted.
    """

    counts: pl.DataFrame
    by: tuple[str, ...]
    date_column: str
    statuses: frozenset[str]
    victims: int
    left_out: Mapping[str, int]
    notes: tuple[str, ...]
    basis: str = "registration"
    breaks: tuple[SeriesBreak, ...] = ()


def indicator_prevalence(
    observations: pl.DataFrame,
    cases: pl.DataFrame,
    *,
    by: Iterable[str] = PREVALENCE_BY,
    framework: str | None = None,
    date_basis: Basis | None = None,
    include_synthetic: bool = False,
) -> PrevalenceCounts:
    """Count, for each indicator and group, the cases where it was observed.

    Every case of the group is counted once for each indicator: ``observed``
    when any stage of its journey records the indicator observed,
    ``not_observed`` when none does and one records it not observed, and
    ``unknown`` when nothing is recorded (no row, or rows saying unknown).

    Args:
        observations: the frame of ``stats.frames.observations``.
        cases: the frame of ``stats.frames.cases``: the denominators, so a
            case with no observation counts as unknown for every indicator.
        by: dimensions, from ``CASE_DIMENSIONS``.
        framework: count only this framework's indicators; all by default.
        date_basis: which date of the case gives the year; ``None`` for
            the case's own year.
        include_synthetic: count synthetic records too.

    Returns:
        The counts with the frameworks counted, what was left out and notes.

    Raises:
        TableError: an unknown dimension or framework, or a column missing.
    """
    by = tuple(by)
    check_by(by, CASE_DIMENSIONS)
    needed = {"case_id", "is_synthetic", "observations_shared", *by}
    check_columns(cases, needed - ({"year"} if date_basis else set()))
    check_columns(observations, {"case_id", "indicator", "status"})
    listed = _indicators(framework)
    cases, column = dated(cases, date_basis)

    tests = _synthetic(include_synthetic)
    tests["observations_not_shared"] = ~pl.col("observations_shared").fill_null(False)
    kept, left_out = leave_out(cases, tests, "case_id")
    found = breaks.found_in(kept)
    kept = _grouped(kept, by)

    statuses = _statuses(observations, kept, listed)
    counts = _prevalence(kept, statuses, listed, by)
    # Distinct codes first: a set of every row's code is slow on millions.
    recorded = observations["indicator"].drop_nulls().unique()
    unlisted = set(recorded) - set(listed["indicator"])
    return PrevalenceCounts(
        counts=counts,
        by=by,
        frameworks=tuple(listed["framework"].unique(maintain_order=True)),
        cases=kept["case_id"].n_unique(),
        left_out=left_out,
        unlisted=tuple(sorted(unlisted)),
        notes=_prevalence_notes(by, unlisted, column) + breaks.note(found),
        basis=date_basis or CASE_YEAR,
        breaks=found,
    )


def _indicators(framework: str | None) -> pl.DataFrame:
    """The indicators counted and their frameworks, in the catalogue's order."""
    catalogue = frameworks.catalogue()
    ids = tuple(found.id for found in catalogue.frameworks)
    if framework is not None and framework not in ids:
        raise TableError(
            f"{framework!r} is not a framework; the frameworks are {', '.join(ids)}."
        )
    rows = [
        (found.id, indicator.id)
        for found in catalogue.frameworks
        if framework in (None, found.id)
        for indicator in found.indicators
    ]
    schema = {"framework": pl.String(), "indicator": pl.String()}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _synthetic(include_synthetic: bool) -> dict[str, pl.Expr]:
    if include_synthetic:
        return {}
    return {"synthetic": pl.col("is_synthetic").fill_null(False)}


def _grouped(kept: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    """The cases with their dimensions: codes not known as ``unknown``."""
    plain = [or_unknown(pl.col(name)).alias(name) for name in by if name != "year"]
    return kept.select("case_id", *by).with_columns(plain).unique("case_id")


def _statuses(
    observations: pl.DataFrame, kept: pl.DataFrame, listed: pl.DataFrame
) -> pl.DataFrame:
    """One row per counted case and indicator recorded: observed or not."""
    status = pl.col("status")
    recorded = (
        observations.join(kept.select("case_id"), on="case_id", how="semi")
        .join(listed.select("indicator"), on="indicator", how="semi")
        .group_by("case_id", "indicator")
        .agg(
            (status == "observed").any().alias("observed"),
            (status == "not_observed").any().alias("not_observed"),
        )
    )
    # Observed at any stage wins over not observed at another.
    return recorded.with_columns(
        (~pl.col("observed") & pl.col("not_observed")).alias("not_observed")
    )


def _prevalence(
    kept: pl.DataFrame,
    statuses: pl.DataFrame,
    listed: pl.DataFrame,
    by: tuple[str, ...],
) -> pl.DataFrame:
    """Every group with a case, crossed with every indicator, and its counts."""
    groups = _counted(kept, by, pl.col("case_id").n_unique().alias("cases"))
    # The row index keeps the groups' order and the catalogue's through joins.
    grid = groups.join(listed, how="cross").with_row_index("order")

    seen = statuses.join(kept, on="case_id").group_by([*by, "indicator"])
    tallies = seen.agg(pl.col("observed", "not_observed").sum().cast(pl.Int64))
    counts = grid.join(tallies, on=[*by, "indicator"], how="left", nulls_equal=True)
    counts = counts.sort("order").with_columns(
        pl.col("observed", "not_observed").fill_null(0)
    )

    counts = counts.with_columns(
        (pl.col("cases") - pl.col("observed") - pl.col("not_observed")).alias(UNKNOWN),
        (pl.col("observed") / pl.col("cases")).alias("share_observed"),
    )
    return counts.select(
        *by, "framework", "indicator", "cases", *STATUSES, "share_observed"
    )


def _counted(frame: pl.DataFrame, by: tuple[str, ...], total: pl.Expr) -> pl.DataFrame:
    # A table with no dimension is one group.
    if not by:
        return frame.select(total.cast(pl.Int64))
    counted = frame.group_by(list(by)).agg(total.cast(pl.Int64))
    return counted.sort(list(by), nulls_last=True)


def _prevalence_notes(
    by: tuple[str, ...], unlisted: set[str], column: str
) -> tuple[str, ...]:
    notes = [
        "A case counts once for each indicator, however many stages of its"
        " journey record it: as observed if any stage records it observed,"
        " as not observed if none does and one records it not observed, and"
        " as unknown otherwise.",
        "A case with no observation recorded counts as unknown for every"
        " indicator: nobody ticking an indicator is no evidence it was absent.",
    ]
    if "year" in by:
        notes.append(year_note(column))
    if unlisted:
        notes.append(
            f"Observations of {len(unlisted)} indicator(s) in no framework"
            " counted are not counted (see unlisted)."
        )
    return tuple(notes)


def continuum_levels(
    cases: pl.DataFrame,
    *,
    by: Iterable[str] = LEVELS_BY,
    date_basis: Basis | None = None,
    include_synthetic: bool = False,
) -> LevelCounts:
    """Count cases by their stored level of the continuum of exploitation.

    Args:
        cases: the frame of ``stats.frames.cases``.
        by: dimensions, from ``CASE_DIMENSIONS`` other than ``continuum``.
        date_basis: which date of the case gives the year; ``None`` for
            the case's own year.
        include_synthetic: count synthetic records too.

    Returns:
        The counts, the continuum's levels in order, what was left out and
        notes. A level not shared is counted as ``unknown``.

    Raises:
        TableError: an unknown dimension, a column missing, or a level the
            continuum does not have.
    """
    by = tuple(by)
    check_by(by, tuple(name for name in CASE_DIMENSIONS if name != "continuum"))
    needed = {"case_id", "is_synthetic", "continuum", *by}
    check_columns(cases, needed - ({"year"} if date_basis else set()))
    levels = tuple(level.id for level in frameworks.continuum().levels)
    cases, column = dated(cases, date_basis)

    kept, left_out = leave_out(cases, _synthetic(include_synthetic), "case_id")
    _check_levels(kept, levels)
    found = breaks.found_in(kept)
    order = pl.Enum([*levels, UNKNOWN])
    kept = _grouped(kept, (*by, "continuum"))
    kept = kept.with_columns(pl.col("continuum").cast(order))

    keys = [*by, "continuum"]
    counts = kept.group_by(keys).agg(
        pl.col("case_id").n_unique().cast(pl.Int64).alias("cases")
    )
    return LevelCounts(
        counts=counts.sort(keys, nulls_last=True),
        by=by,
        levels=levels,
        cases=kept["case_id"].n_unique(),
        left_out=left_out,
        notes=_level_notes(by, column) + breaks.note(found),
        basis=date_basis or CASE_YEAR,
        breaks=found,
    )


def _check_levels(kept: pl.DataFrame, levels: tuple[str, ...]) -> None:
    # Only a frame built by hand can hold another code: the store checks it.
    found = set(kept["continuum"].drop_nulls().unique()) - {*levels, UNKNOWN, ""}
    if found:
        raise TableError(
            f"{', '.join(map(repr, sorted(found)))} is not a level of the"
            f" continuum; the levels are {', '.join(levels)}."
        )


def _level_notes(by: tuple[str, ...], column: str) -> tuple[str, ...]:
    notes = [
        "A case sits at the highest level of the continuum it meets, as its"
        " screening stored it; each case is counted once.",
        "Levels with no case in a group have no row; the levels are listed in"
        " order in levels.",
    ]
    if "year" in by:
        notes.append(year_note(column))
    return tuple(notes)


def victims_assisted(
    victims: pl.DataFrame,
    assistance: pl.DataFrame,
    *,
    by: Iterable[str] = ASSISTED_BY,
    date_basis: Basis = "registration",
    include_synthetic: bool = False,
) -> AssistedCounts:
    """Count registered victims by whether any assistance is recorded.

    Registered is as in ``tables.registered_victims``: the latest
    identification decision is listed in ``registered.yaml``. ``assistance``
    is ``recorded``, ``none_recorded``, or ``unknown`` when the victim is not
    in the assistance frame.

    Args:
        victims: the frame of ``stats.frames.victims``.
        assistance: the frame of ``stats.frames.assistance``.
        by: dimensions, from ``tables.DIMENSIONS``.
        date_basis: which date of the case gives the year, as for
            ``registered_victims``.
        include_synthetic: count synthetic records too.

    Returns:
        The counts with the date column, what was left out and notes.

    Raises:
        TableError: an unknown basis or dimension, or a column missing.
    """
    by = tuple(by)
    date_column = _check_victims(victims, date_basis, by)
    check_columns(assistance, {"person_id", "assisted"})
    statuses = registered().statuses

    tests = _synthetic(include_synthetic)
    tests["no_decision"] = pl.col("identification").is_null()
    tests["not_registered"] = ~pl.col("identification").is_in(list(statuses))
    kept, left_out = leave_out(victims, tests, "person_id")

    year = pl.col(date_column).dt.year().cast(pl.Int32).alias("year")
    kept = _with_assistance(kept.with_columns(year), assistance)
    for dimension in by:
        kept = DIMENSIONS[dimension](kept)
    found = breaks.found_in(kept)

    keys = [*by, "assistance"]
    counts = kept.group_by(keys).agg(
        pl.col("person_id").n_unique().cast(pl.Int64).alias(COUNT)
    )
    return AssistedCounts(
        counts=counts.sort(keys, nulls_last=True),
        by=by,
        date_column=date_column,
        statuses=statuses,
        victims=kept["person_id"].n_unique(),
        left_out=left_out,
        notes=_assisted_notes(date_column) + breaks.note(found),
        basis=date_basis,
        breaks=found,
    )


def _check_victims(victims: pl.DataFrame, basis: str, by: tuple[str, ...]) -> str:
    if basis not in BASES:
        raise TableError(
            f"{basis!r} is not a date basis; use one of {', '.join(BASES)}."
        )
    check_by(by, DIMENSIONS)
    needed = {"person_id", "is_synthetic", "identification", BASES[basis]}
    needed |= {column for name in by for column in NEEDED_COLUMNS.get(name, (name,))}
    check_columns(victims, needed - {"year"})
    return BASES[basis]


def _with_assistance(kept: pl.DataFrame, assistance: pl.DataFrame) -> pl.DataFrame:
    recorded = pl.col("assisted").fill_null(False).any()
    assisted = assistance.group_by("person_id").agg(recorded)
    label = (
        pl.when(pl.col("assisted").is_null())
        .then(pl.lit(UNKNOWN))
        .when(pl.col("assisted"))
        .then(pl.lit("recorded"))
        .otherwise(pl.lit("none_recorded"))
    )
    kept = kept.join(assisted, on="person_id", how="left")
    return kept.with_columns(label.alias("assistance")).drop("assisted")


def _assisted_notes(date_column: str) -> tuple[str, ...]:
    return (
        f"The year is the year of the case's {date_column}.",
        "No assistance recorded is not proof that no help was given; a victim"
        " not in the assistance frame is counted as unknown.",
    )
