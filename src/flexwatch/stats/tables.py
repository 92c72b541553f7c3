"""Counts of registered victims, as the methodology's tables ask for.

Pure: no Django, no I/O beyond the package's own data files. The input is
the victims frame of ``stats.frames`` (or a frame built by hand with the
same columns); the output is a table of counts with an account of what it
counts::

    from flexwatch.stats.tables import registered_victims

    table = registered_victims(frame, date_basis="identification", by=("sex",))
    table.counts      # polars frame: sex, victims
    table.left_out    # {"synthetic": 3, "no_decision": 12, ...}

The rules, and why, are in docs/statistics.md. In short: a registered victim
is a person whose latest identification decision is one of those named in
``registered.yaml``; the year is the year of the chosen date; age, citizenship
and form are grouped by the vocabularies' own logic; "unknown" is a category
like any other and is never dropped; synthetic records stay out unless asked.
The dimensions and checks here serve ``stats.proceedings`` too.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import polars as pl

from flexwatch import vocab
from flexwatch.stats import breaks
from flexwatch.stats.breaks import SeriesBreak
from flexwatch.stats.definitions import registered

log = logging.getLogger(__name__)

Basis = Literal["registration", "identification", "exploitation"]

# The case date each basis takes its year from.
BASES: Mapping[str, str] = {
    "registration": "registered_on",
    "identification": "identified_on",
    "exploitation": "exploitation_began",
}
# The basis of tables counted by the case's own year, when no basis is chosen.
CASE_YEAR = "case_year"
DEFAULT_BY = ("year", "sex", "age_category", "citizenship_group", "form", "sector")
UNKNOWN = "unknown"
COUNT = "victims"

# Dimensions read from one column of the frame as they are.
_PLAIN = ("sex", "citizenship", "sector", "country", "source_kind", "continuum")
# Dimensions that give a victim a row for each form of exploitation of the case.
PER_FORM = ("form", "form_group", "eurostat_form")

# Why persons in the frame are not counted, in the order the reasons are tried.
REASONS: Mapping[str, str] = {
    "synthetic": "the case is a synthetic record",
    "other_country": "the case is in another country than the reporting country",
    "no_decision": "no identification decision is recorded for the person",
    "not_registered": "the person's latest decision does not make them a "
    "registered victim",
}


class TableError(ValueError):
    """A table cannot be made as asked; the message says what is accepted."""


@dataclass(frozen=True)
class VictimCounts:
    """A table of registered victims and the account of what it counts.

    Attributes:
        counts: one row per combination of ``by`` that occurs, with its
            number of victims in ``victims``.
        basis: the date basis the year comes from.
        date_column: the case date of that basis.
        by: the dimensions of the table.
        statuses: the identification decisions counted as registered.
        victims: how many distinct persons the table counts.
        left_out: persons of the frame not counted, by reason (``REASONS``).
        notes: sentences a reader needs, such as how multiple forms count.
        breaks: the series breaks inside the countries and years counted.
    """

    counts: pl.DataFrame
    basis: str
    date_column: str
    by: tuple[str, ...]
    statuses: frozenset[str]
    victims: int
    left_out: Mapping[str, int]
    notes: tuple[str, ...]
    breaks: tuple[SeriesBreak, ...] = ()


def registered_victims(
    frame: pl.DataFrame,
    *,
    date_basis: Basis = "registration",
    by: Iterable[str] = DEFAULT_BY,
    include_synthetic: bool = False,
    reporting_country: str | None = None,
) -> VictimCounts:
    """Count registered victims by the dimensions ``by``.

    Args:
        frame: one row per victim, with the columns of ``stats.frames``.
        date_basis: ``registration``, ``identification`` or ``exploitation``:
            which date of the case gives the year.
        by: dimensions, from ``DIMENSIONS``.
        include_synthetic: count synthetic records too (never for
            official figures).
        reporting_country: count only cases in this country. Citizenship is
            grouped against each case's own country either way.

    Returns:
        The counts with their basis, what was left out and notes.

    Raises:
        TableError: an unknown basis or dimension, or a column missing.
        UnknownCode: ``reporting_country`` or a citizenship is not a code.
    """
    by = tuple(by)
    date_column = _check(frame, date_basis, by)
    statuses = registered().statuses
    if reporting_country is not None:
        vocab.vocabulary("exploitation_country").check(reporting_country)

    kept, left_out = _select(frame, statuses, include_synthetic, reporting_country)
    kept = kept.with_columns(pl.col(date_column).dt.year().cast(pl.Int32).alias("year"))
    for dimension in by:
        kept = DIMENSIONS[dimension](kept)

    counts = (
        kept.group_by(list(by))
        .agg(pl.col("person_id").n_unique().cast(pl.Int64).alias(COUNT))
        .sort(list(by), nulls_last=True)
    )
    victims = kept["person_id"].n_unique()
    found = breaks.found_in(kept)
    log.debug("Counted %d registered victims by %s", victims, ", ".join(by))
    return VictimCounts(
        counts=counts,
        basis=date_basis,
        date_column=date_column,
        by=by,
        statuses=statuses,
        victims=victims,
        left_out=left_out,
        notes=_notes(kept, date_column, by) + breaks.note(found),
        breaks=found,
    )


def _check(frame: pl.DataFrame, basis: str, by: tuple[str, ...]) -> str:
    if basis not in BASES:
        raise TableError(
            f"{basis!r} is not a date basis; use one of {', '.join(BASES)}."
        )
    check_by(by, DIMENSIONS)

    needed = {"person_id", "is_synthetic", "country", "identification", BASES[basis]}
    needed |= {column for name in by for column in NEEDED_COLUMNS.get(name, (name,))}
    check_columns(frame, needed - {"year"})
    return BASES[basis]


def _select(
    frame: pl.DataFrame,
    statuses: frozenset[str],
    include_synthetic: bool,
    reporting_country: str | None,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The rows counted, and how many persons each reason left out."""
    tests = {}
    if not include_synthetic:
        tests["synthetic"] = pl.col("is_synthetic").fill_null(False)
    if reporting_country is not None:
        tests["other_country"] = pl.col("country").ne_missing(reporting_country)
    tests["no_decision"] = pl.col("identification").is_null()
    tests["not_registered"] = ~pl.col("identification").is_in(list(statuses))

    return leave_out(frame, tests, "person_id")


def leave_out(
    frame: pl.DataFrame, tests: Mapping[str, pl.Expr], key: str | None
) -> tuple[pl.DataFrame, dict[str, int]]:
    """``frame`` without the rows each test picks, tried in order, and how
    many distinct ``key`` values (rows, for ``None``) each test left out."""
    left_out = {}
    for reason, test in tests.items():
        dropped = frame.filter(test)
        if dropped.height:
            left_out[reason] = dropped[key].n_unique() if key else dropped.height
        frame = frame.filter(~test)
    return frame, left_out


def _plain(name: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    def derive(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(or_unknown(pl.col(name)).alias(name))

    return derive


def or_unknown(column: pl.Expr) -> pl.Expr:
    # A code left blank and a code not recorded are the same unknown.
    return (
        pl.when(column.is_null() | (column == ""))
        .then(pl.lit(UNKNOWN))
        .otherwise(column)
    )


def _year(frame: pl.DataFrame) -> pl.DataFrame:
    # The year was set from the basis before the dimensions; null is unknown.
    return frame


def _looked_up(
    frame: pl.DataFrame, keys: list[str], name: str, rule: Callable[..., str]
) -> pl.DataFrame:
    """``frame`` with ``name`` from ``rule`` applied once per distinct key."""
    distinct = frame.select(keys).unique()
    values = [rule(*row) for row in distinct.iter_rows()]
    lookup = distinct.with_columns(pl.Series(name, values, dtype=pl.String))
    return frame.join(lookup, on=keys, how="left", nulls_equal=True)


def _age_category(frame: pl.DataFrame) -> pl.DataFrame:
    return _looked_up(frame, ["age_min", "age_max"], "age_category", vocab.age_category)


def _age_group(frame: pl.DataFrame) -> pl.DataFrame:
    return _looked_up(frame, ["age_min", "age_max"], "age_group", vocab.age_group)


def _citizenship_group(frame: pl.DataFrame) -> pl.DataFrame:
    keys = ["citizenship", "country", "year"]
    return _looked_up(frame, keys, "citizenship_group", citizenship_group)


def citizenship_group(
    citizenship: str | None, country: str | None, year: int | None
) -> str:
    """The citizenship group of a victim of a case in ``country`` in ``year``.

    ``vocab.citizenship_group`` decides whenever it can. Whether a foreign
    citizenship was of the EU depends on the year, so without one, or without
    a known country of the case (``ZZ``), the group is ``unknown``.

    Examples:
        >>> citizenship_group("HR", "FI", 2012), citizenship_group("HR", "FI", 2013)
        ('non_eu', 'other_eu')
        >>> citizenship_group("SE", "FI", None)
        'unknown'
    """
    if not citizenship or citizenship in ("stateless", UNKNOWN):
        return citizenship or UNKNOWN
    if citizenship == country:
        return "reporting_country"
    if year is None or not country or country not in vocab.vocabulary("country"):
        return UNKNOWN
    return vocab.citizenship_group(citizenship, country, year)


def _form(frame: pl.DataFrame) -> pl.DataFrame:
    if "form" in frame.columns:
        return frame
    # A case with no form recorded (or not shared) counts its victims once,
    # under unknown; exploding an empty list would drop them.
    forms = pl.col("forms")
    recorded = forms.is_not_null() & (forms.list.len() > 0)
    listed = pl.when(recorded).then(forms).otherwise(pl.lit([UNKNOWN]))
    return frame.with_columns(listed.alias("form")).explode("form")


def _rolled_up(attribute: str, name: str) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """The dimension ``name``: the forms grouped by an attribute of theirs."""

    def derive(frame: pl.DataFrame) -> pl.DataFrame:
        forms = vocab.vocabulary("exploitation_form")
        groups = {code: str(forms.attribute(code, attribute)) for code in forms.codes}
        frame = _form(frame)
        group = pl.col("form").replace_strict(
            groups, default=UNKNOWN, return_dtype=pl.String
        )
        return frame.with_columns(group.alias(name))

    return derive


# Every dimension a table can count by, and how its column is derived.
DIMENSIONS: Mapping[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
    "year": _year,
    "sex": _plain("sex"),
    "age_category": _age_category,
    "age_group": _age_group,
    "citizenship": _plain("citizenship"),
    "citizenship_group": _citizenship_group,
    "form": _form,
    "form_group": _rolled_up("eurostat_group", "form_group"),
    "eurostat_form": _rolled_up("eurostat_form", "eurostat_form"),
    "sector": _plain("sector"),
    "country": _plain("country"),
    "source_kind": _plain("source_kind"),
    "continuum": _plain("continuum"),
}
# The frame's columns a derived dimension reads.
NEEDED_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "year": (),
    "age_category": ("age_min", "age_max"),
    "age_group": ("age_min", "age_max"),
    "citizenship_group": ("citizenship",),
    "form": ("forms",),
    "form_group": ("forms",),
    "eurostat_form": ("forms",),
}


def _notes(
    kept: pl.DataFrame, date_column: str, by: tuple[str, ...]
) -> tuple[str, ...]:
    notes = [f"The year is the year of the case's {date_column}."]
    undated = kept.filter(pl.col("year").is_null())["person_id"].n_unique()
    if undated:
        notes.append(
            f"Victims counted without a {date_column}: {undated}. Their year is"
            " unknown (null), and a foreign citizenship of theirs is grouped as"
            " unknown, since EU membership depends on the year."
        )
    if set(by) & set(PER_FORM):
        notes.append(
            "A victim of a case with several forms of exploitation is counted"
            " once under each, so the counts add up to more than the victims."
        )
    return tuple(notes)


# Proceedings: persons suspected, prosecuted and convicted; the funnel of
# cases; and the recognition gap, which sets both beside the victims.


def dated(frame: pl.DataFrame, basis: str | None) -> tuple[pl.DataFrame, str]:
    """``frame`` with its ``year`` taken from the date of ``basis``, and the
    column read; ``None`` keeps the case's own ``year``.

    Raises:
        TableError: an unknown basis, or its date column missing.
    """
    if basis is None:
        return frame, "year"
    if basis not in BASES:
        raise TableError(
            f"{basis!r} is not a date basis; use one of {', '.join(BASES)}."
        )
    column = BASES[basis]
    check_columns(frame, {column})
    year = pl.col(column).dt.year().cast(pl.Int32).alias("year")
    return frame.with_columns(year), column


def year_note(date_column: str) -> str:
    """The note that says where a table's year comes from."""
    if date_column == "year":
        return (
            "The year is the case's own year: of its registration, else its"
            " identification, else the start of exploitation."
        )
    return f"The year is the year of the case's {date_column}."


def check_by(by: tuple[str, ...], allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    unknown = [name for name in by if name not in allowed]
    if unknown:
        raise TableError(
            f"{', '.join(map(repr, unknown))} cannot be counted by; the "
            f"dimensions are {', '.join(allowed)}."
        )
    if len(set(by)) != len(by):
        raise TableError(f"A dimension is named twice in {by}.")


def check_columns(frame: pl.DataFrame, needed: set[str]) -> None:
    if missing := sorted(needed - set(frame.columns)):
        raise TableError(f"The frame has no column {', '.join(missing)}.")
