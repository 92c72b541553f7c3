"""Counts of suspects, of cases through proceedings, and the recognition gap.

Pure: no Django, no I/O beyond the package's own data files. The inputs are
the frames of ``stats.frames`` (``proceedings``, ``victims`` and
``assistance``), or frames built by hand with the same columns::

    from flexwatch.stats.proceedings import recognition_gap

    gap = recognition_gap(victims, proceedings, assistance, by=("country",))
    gap.counts        # country, identification, treatment, assistance, victims

The steps of proceedings and the offence categories of provisions come from
``offences.yaml``; which identification decisions make a registered victim
from ``registered.yaml``; "unknown" is a category like any other; synthetic
records stay out unless asked. The rules, and why, are in
docs/statistics.md.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from flexwatch.assessment import frameworks
from flexwatch.stats import breaks
from flexwatch.stats.breaks import SeriesBreak
from flexwatch.stats.definitions import FUNNEL, OTHER, Offences, offences, registered
from flexwatch.stats.tables import (
    CASE_YEAR,
    COUNT,
    DIMENSIONS,
    NEEDED_COLUMNS,
    PER_FORM,
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

SUSPECT = "suspect"
PROCEEDINGS_BY = ("year", "sex")
FUNNEL_BY = ("year", "country")
GAP_BY = ("country", "sector", "source_kind", "year")
# The lowest level of the continuum the recognition gap counts by default.
GAP_FROM = "forced_labour"
# How a case was treated in proceedings, the most serious first.
TREATMENTS = ("trafficking", "lesser_labour", OTHER, "none")

# Dimensions of the proceedings tables: the case's and the person's codes as
# they are, and the category of the event's provision.
EVENT_DIMENSIONS = (
    "year",
    "sex",
    "country",
    "sector",
    "source_kind",
    "continuum",
    "offence",
)
CASE_DIMENSIONS = tuple(name for name in EVENT_DIMENSIONS if name != "sex")

PROCEEDINGS_REASONS: Mapping[str, str] = {
    "synthetic": "the case is a synthetic record",
    "not_a_suspect": "the event concerns proceedings against a victim, not a suspect",
}
GAP_REASONS: Mapping[str, str] = {
    "synthetic": "the case is a synthetic record",
    "continuum_unknown": "the case's continuum level is not shared",
    "other_level": "the case's continuum level is below the levels counted",
}


@dataclass(frozen=True)
class ProceedingsCounts:
    """A table of persons or cases in proceedings, and what it counts.

    Attributes:
        counts: one row per combination of ``by`` that occurs, then a column
            per step counted.
        by: the dimensions of the table.
        counted: how many distinct persons (or cases, for the funnel).
        left_out: what the frame held and the table did not count, by
            reason (``PROCEEDINGS_REASONS``): persons, or legal events for
            the funnel.
        notes: sentences a reader needs.
        basis: the date basis of the year: ``registration``,
            ``identification``, ``exploitation``, or ``case_year``.
        breaks: the series breaks inside the countries and years counted.
    """

    counts: pl.DataFrame
    by: tuple[str, ...]
    counted: int
    left_out: Mapping[str, int]
    notes: tuple[str, ...]
    basis: str = CASE_YEAR
    breaks: tuple[SeriesBreak, ...] = ()


@dataclass(frozen=True)
class GapCounts:
    """Victims of forced labour or trafficking, by how they were recognised.

    Attributes:
        counts: one row per combination of ``by``, ``identification``,
            ``treatment`` and ``assistance`` that occurs, with ``victims``.
        by: the dimensions of the table before those three.
        levels: the continuum levels counted, from the lowest up.
        victims: how many distinct persons the table counts.
        left_out: victims not counted, by reason (``GAP_REASONS``).
        notes: sentences a reader needs.
        basis: the date basis of the year, as for ``ProceedingsCounts``.
        breaks: the series breaks inside the countries and years counted.
    """

    counts: pl.DataFrame
    by: tuple[str, ...]
    levels: tuple[str, ...]
    victims: int
    left_out: Mapping[str, int]
    notes: tuple[str, ...]
    basis: str = CASE_YEAR
    breaks: tuple[SeriesBreak, ...] = ()


def suspects_prosecuted_convicted(
    frame: pl.DataFrame,
    *,
    by: Iterable[str] = PROCEEDINGS_BY,
    date_basis: Basis | None = None,
    include_synthetic: bool = False,
) -> ProceedingsCounts:
    """Count suspects, and those of them prosecuted and convicted.

    A suspect with any legal event is suspected; one whose events reached
    ``charged`` or further is prosecuted; one with an outcome that
    ``offences.yaml`` calls a conviction is convicted. A conviction under
    another provision than the event's is counted apart.

    Args:
        frame: one row per legal event, with the columns of
            ``stats.frames.proceedings``.
        by: dimensions, from ``EVENT_DIMENSIONS``; ``offence`` is the
            category of the event's provision.
        date_basis: which date of the case gives the year; ``None`` for
            the case's own year.
        include_synthetic: count synthetic records too.

    Returns:
        The counts: ``by``, then ``suspected``, ``prosecuted``, ``convicted``
        and ``convicted_of_other_offence``, each of distinct persons.

    Raises:
        TableError: an unknown dimension, or a column missing.
    """
    by = tuple(by)
    kept, left_out, column = _events(
        frame, by, EVENT_DIMENSIONS, date_basis, include_synthetic, True
    )
    found = breaks.found_in(kept)

    persons = kept.group_by([*by, "person_id"]).agg(
        pl.col("reached").max(), pl.col("convicted_of_other").any()
    )
    counts = persons.group_by(list(by)).agg(
        pl.len().alias("suspected"),
        (pl.col("reached") >= FUNNEL.index("charged")).sum().alias("prosecuted"),
        (pl.col("reached") == FUNNEL.index("convicted")).sum().alias("convicted"),
        pl.col("convicted_of_other").sum().alias("convicted_of_other_offence"),
    )
    return ProceedingsCounts(
        counts=_sorted_counts(counts, by),
        by=by,
        counted=kept["person_id"].n_unique(),
        left_out=left_out,
        notes=_proceedings_notes(by, "person", column) + breaks.note(found),
        basis=date_basis or CASE_YEAR,
        breaks=found,
    )


def proceedings_funnel(
    frame: pl.DataFrame,
    *,
    by: Iterable[str] = FUNNEL_BY,
    date_basis: Basis | None = None,
    include_synthetic: bool = False,
) -> ProceedingsCounts:
    """Count cases at each step of proceedings, from reported to convicted.

    Each step counts the cases whose suspects' legal events reached at least
    it (``FUNNEL``), so the counts fall from left to right.

    Args:
        frame: one row per legal event, with the columns of
            ``stats.frames.proceedings``.
        by: dimensions, from ``CASE_DIMENSIONS``.
        date_basis: which date of the case gives the year; ``None`` for
            the case's own year.
        include_synthetic: count synthetic records too.

    Returns:
        The counts: ``by``, then a column of distinct cases per step.

    Raises:
        TableError: an unknown dimension, or a column missing.
    """
    by = tuple(by)
    kept, left_out, column = _events(
        frame, by, CASE_DIMENSIONS, date_basis, include_synthetic, False
    )
    found = breaks.found_in(kept)

    cases = kept.group_by([*by, "case_id"]).agg(pl.col("reached").max())
    counts = cases.group_by(list(by)).agg(
        (pl.col("reached") >= n).sum().alias(step) for n, step in enumerate(FUNNEL)
    )
    return ProceedingsCounts(
        counts=_sorted_counts(counts, by),
        by=by,
        counted=kept["case_id"].n_unique(),
        left_out=left_out,
        notes=_proceedings_notes(by, "case", column) + breaks.note(found),
        basis=date_basis or CASE_YEAR,
        breaks=found,
    )


def _events(
    frame: pl.DataFrame,
    by: tuple[str, ...],
    allowed: tuple[str, ...],
    basis: str | None,
    include_synthetic: bool,
    per_person: bool,
) -> tuple[pl.DataFrame, dict[str, int], str]:
    """Suspects' events with their dimensions, the step reached and the offence,
    and the column their year was read from."""
    check_by(by, allowed)
    needed = {"case_id", "person_id", "role", "is_synthetic", "provision"}
    dimensions = set(by) - {"offence"} - ({"year"} if basis else set())
    check_columns(frame, needed | {"stage", "outcome"} | dimensions)
    frame, column = dated(frame, basis)

    tests = {}
    if not include_synthetic:
        tests["synthetic"] = pl.col("is_synthetic").fill_null(False)
    tests["not_a_suspect"] = pl.col("role").ne_missing(SUSPECT)
    kept, left_out = leave_out(frame, tests, "person_id" if per_person else None)

    kept = _read_events(kept)
    plain = [or_unknown(pl.col(name)).alias(name) for name in by if name != "year"]
    return kept.with_columns(plain), left_out, column


def _read_events(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the step each event reached and its offence category."""
    reading = offences()
    steps = {stage: FUNNEL.index(step) for stage, step in reading.stages.items()}
    # A stage the file does not know (only in frames built by hand: the store
    # checks its codes) still shows the matter reached the authorities.
    step = pl.col("stage").replace_strict(steps, default=0, return_dtype=pl.Int8)
    convicted = pl.col("outcome").is_in(list(reading.convicted))
    top = pl.lit(FUNNEL.index("convicted"), dtype=pl.Int8)
    return frame.with_columns(
        pl.when(convicted).then(top).otherwise(step).alias("reached"),
        pl.col("outcome")
        .is_in(list(reading.convicted_of_other_offence))
        .alias("convicted_of_other"),
        _offence(reading),
    )


def _offence(reading: Offences) -> pl.Expr:
    return (
        pl.col("provision")
        .replace_strict(dict(reading.categories), default=OTHER, return_dtype=pl.String)
        .alias("offence")
    )


def _sorted_counts(counts: pl.DataFrame, by: tuple[str, ...]) -> pl.DataFrame:
    totals = [name for name in counts.columns if name not in by]
    counts = counts.with_columns(pl.col(totals).cast(pl.Int64))
    return counts.sort(list(by), nulls_last=True) if by else counts


def _proceedings_notes(by: tuple[str, ...], unit: str, column: str) -> tuple[str, ...]:
    notes = [
        f"Each {unit} is counted at the furthest step any of its suspects'"
        " legal events reached; a conviction implies a trial.",
        "Legal events of victims (proceedings against the victim) are not counted.",
    ]
    if "year" in by:
        notes.append(year_note(column))
    if "offence" in by:
        notes.append(
            f"A {unit} with events under provisions of several categories is"
            " counted once in each, so the counts add up to more than the"
            f" {unit}s."
        )
    return tuple(notes)


def recognition_gap(
    victims: pl.DataFrame,
    proceedings: pl.DataFrame,
    assistance: pl.DataFrame,
    *,
    by: Iterable[str] = GAP_BY,
    from_level: str = GAP_FROM,
    date_basis: Basis | None = None,
    include_synthetic: bool = False,
) -> GapCounts:
    """Count victims of cases meeting forced labour or trafficking by recognition.

    The cases counted are those whose stored continuum level is ``from_level``
    or higher, in the continuum's own order. Each victim is counted by
    ``identification`` (``registered``, ``not_registered``, ``no_decision``),
    by the case's ``treatment`` in proceedings (the most serious category of
    its suspects' events: ``trafficking``, ``lesser_labour``, ``other``, or
    ``none``), and by ``assistance`` (``recorded``, ``none_recorded``, or
    ``unknown`` when the victim is not in the assistance frame).

    Args:
        victims: the frame of ``stats.frames.victims``.
        proceedings: the frame of ``stats.frames.proceedings``.
        assistance: the frame of ``stats.frames.assistance``.
        by: dimensions, from ``DIMENSIONS``.
        from_level: the lowest continuum level counted.
        date_basis: which date of the case gives the year; ``None`` for
            the case's own year.
        include_synthetic: count synthetic records too.

    Returns:
        The counts with the levels counted, what was left out and notes.

    Raises:
        TableError: an unknown level or dimension, or a column missing.
    """
    by = tuple(by)
    check_by(by, DIMENSIONS)
    needed = {"case_id", "person_id", "is_synthetic", "continuum", "identification"}
    # The year is the frame's own column here, not one set from a date basis.
    needed |= {c for n in by for c in NEEDED_COLUMNS.get(n, (n,))} | (
        set(by) & {"year"} if date_basis is None else set()
    )
    check_columns(victims, needed)
    victims, column = dated(victims, date_basis)
    check_columns(proceedings, {"case_id", "role", "provision"})
    check_columns(assistance, {"person_id", "assisted"})
    levels = _levels_from(from_level)

    kept, left_out = _gap_victims(victims, levels, include_synthetic)
    kept = kept.with_columns(_identification()).drop("identification")
    kept = kept.rename({"recognised": "identification"})
    kept = _with_treatment(kept, proceedings)
    kept = _with_assistance(kept, assistance)
    for dimension in by:
        kept = DIMENSIONS[dimension](kept)
    found = breaks.found_in(kept)

    keys = [*by, "identification", "treatment", "assistance"]
    counts = kept.group_by(keys).agg(
        pl.col("person_id").n_unique().cast(pl.Int64).alias(COUNT)
    )
    return GapCounts(
        counts=counts.sort(keys, nulls_last=True),
        by=by,
        levels=levels,
        victims=kept["person_id"].n_unique(),
        left_out=left_out,
        notes=_gap_notes(levels, by, column) + breaks.note(found),
        basis=date_basis or CASE_YEAR,
        breaks=found,
    )


def _levels_from(level: str) -> tuple[str, ...]:
    """The continuum's levels from ``level`` up, in the continuum's order."""
    ids = tuple(found.id for found in frameworks.continuum().levels)
    if level not in ids:
        raise TableError(
            f"{level!r} is not a level of the continuum; the levels are "
            f"{', '.join(ids)}."
        )
    return ids[ids.index(level) :]


def _gap_victims(
    victims: pl.DataFrame, levels: tuple[str, ...], include_synthetic: bool
) -> tuple[pl.DataFrame, dict[str, int]]:
    tests = {}
    if not include_synthetic:
        tests["synthetic"] = pl.col("is_synthetic").fill_null(False)
    tests["continuum_unknown"] = pl.col("continuum").is_null()
    tests["other_level"] = ~pl.col("continuum").is_in(list(levels))
    return leave_out(victims, tests, "person_id")


def _identification() -> pl.Expr:
    decision = pl.col("identification")
    return (
        pl.when(decision.is_null())
        .then(pl.lit("no_decision"))
        .when(decision.is_in(list(registered().statuses)))
        .then(pl.lit("registered"))
        .otherwise(pl.lit("not_registered"))
        .alias("recognised")
    )


def _with_treatment(kept: pl.DataFrame, proceedings: pl.DataFrame) -> pl.DataFrame:
    """``kept`` with its case's most serious category of suspects' events."""
    # Rank "none" lowest, so that the highest rank is the most serious.
    ranks = {name: n for n, name in enumerate(reversed(TREATMENTS))}
    events = proceedings.filter(pl.col("role") == SUSPECT)
    ranked = events.select(
        "case_id",
        _offence(offences()).replace_strict(ranks, return_dtype=pl.Int8).alias("rank"),
    )
    names = {n: name for name, n in ranks.items()}
    worst = ranked.group_by("case_id").agg(
        pl.col("rank").max().replace_strict(names, return_dtype=pl.String)
    )
    kept = kept.join(worst.rename({"rank": "treatment"}), on="case_id", how="left")
    return kept.with_columns(pl.col("treatment").fill_null(pl.lit("none")))


def _with_assistance(kept: pl.DataFrame, assistance: pl.DataFrame) -> pl.DataFrame:
    assisted = assistance.select(
        "person_id",
        pl.when(pl.col("assisted"))
        .then(pl.lit("recorded"))
        .otherwise(pl.lit("none_recorded"))
        .alias("assistance"),
    ).unique("person_id")
    kept = kept.join(assisted, on="person_id", how="left")
    return kept.with_columns(pl.col("assistance").fill_null(pl.lit(UNKNOWN)))


def _gap_notes(
    levels: tuple[str, ...], by: tuple[str, ...], column: str
) -> tuple[str, ...]:
    notes = [
        f"Victims of cases at the continuum levels {', '.join(levels)} are"
        " counted; those of other levels, or whose level is not shared, are"
        " not.",
        "A case is treated as trafficking if any legal event of its suspects"
        " is under a trafficking provision, even if others are under lesser"
        " offences.",
        "No assistance recorded is not proof that no help was given.",
    ]
    if "year" in by:
        notes.append(year_note(column))
    if set(by) & set(PER_FORM):
        notes.append(
            "A victim of a case with several forms of exploitation is counted"
            " once under each, so the counts add up to more than the victims."
        )
    return tuple(notes)
