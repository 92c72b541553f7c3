"""The law in a report: offences in force, gaps, breaks and cases weighed.

Pure: no Django and no I/O beyond the package's own data that
``flexwatch.law`` and ``flexwatch.stats.breaks`` read. The law book is
passed in, so a report weighs cases against the same law, added versions
included, as the case page does.

Weighing a case depends only on its country, which versions of the
country's offences were in force during its exploitation, its observed
indicators and its victims' age groups; cases alike in these are weighed
once together, so a report of many cases costs a weighing per kind of case.
"""

import bisect
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from flexwatch import law, vocab
from flexwatch.law import casework, compare
from flexwatch.law.applicability import OFFENCES
from flexwatch.law.model import GROUPS, LawBook, Provision, Version
from flexwatch.reports import labels
from flexwatch.reports.formatting import Formatter
from flexwatch.reports.labels import Gettext
from flexwatch.stats import breaks

log = logging.getLogger(__name__)

# The language a country's provisions are written in, for their own titles.
LANGUAGE_OF = {"FI": "fi", "EE": "et", "PL": "pl"}
COUNT = "cases"


@dataclass(frozen=True)
class Listing:
    """A table of facts that are not counts, shown as it stands."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def offences(
    book: LawBook, country: str, first: int, last: int
) -> list[tuple[Provision, Version]]:
    """Every version of ``country``'s offences in force during the years."""
    start, end = date(first, 1, 1), date(last, 12, 31)
    return [
        (provision, version)
        for provision in book.of_country(country)
        if provision.type in OFFENCES
        for version in provision.versions_during(start, end)
    ]


def title(provision: Provision, language: str) -> str:
    """The provision's own title when the report is in its language."""
    if LANGUAGE_OF.get(provision.country) == language:
        return provision.title_original
    return provision.title_en


def offence(provision: Provision, version: Version, language: str) -> str:
    """A version of an offence as a table's row names it."""
    days = Formatter(language)
    span = days.date(version.start) + " \u2013"
    if version.end is not None:
        span += f" {days.date(version.end)}"
    named = f"{provision.country} {provision.provision} {title(provision, language)}"
    return f"{named} ({span})"


def in_force(
    book: LawBook,
    countries: Sequence[str],
    first: int,
    last: int,
    language: str,
    gettext: Gettext,
) -> Listing | None:
    """The offences in force during the period, a version per row."""
    days = Formatter(language)
    names = labels.labels("country", list(countries), language, gettext)
    rows = tuple(
        (
            names[country],
            f"{provision.instrument}, {provision.provision}",
            title(provision, language),
            days.date(version.start),
            days.date(version.end) if version.end else gettext("in force"),
        )
        for country in countries
        for provision, version in offences(book, country, first, last)
    )
    if not rows:
        return None
    header = (
        gettext("Country"),
        gettext("Provision"),
        gettext("Title"),
        gettext("In force from"),
        gettext("In force until"),
    )
    return Listing(gettext("Offences in force during the period"), header, rows)


def series_breaks(
    countries: Sequence[str], first: int, last: int, language: str, gettext: Gettext
) -> tuple[str, ...]:
    """A sentence for each change of the law inside the period."""
    days = Formatter(language)
    names = labels.labels("country", list(countries), language, gettext)
    return tuple(
        gettext(
            "Series break in %(country)s on %(date)s: %(provision)s changed"
            " (%(instrument)s). Counts before and after this date are not of"
            " the same thing."
        )
        % {
            "country": names[found.country],
            "date": days.date(found.date),
            "provision": found.provision,
            "instrument": found.instrument,
        }
        for found in breaks.within(countries, first, last)
    )


def gaps(
    book: LawBook, countries: Sequence[str], last: int, language: str, gettext: Gettext
) -> tuple[str, ...]:
    """Each country's trafficking offence against the Directive, a sentence each."""
    defaults = law.comparisons()
    day = date(last, 12, 31)
    sentences = []
    for country in countries:
        ids = defaults.countries.get(country)
        if ids is None:
            sentences.append(
                gettext("No trafficking offence of %(country)s is compared.")
                % {"country": labels.label("country", country, language, gettext)}
            )
            continue
        found = compare.gaps(book, country, ids, day, defaults.baseline)
        sentences.append(_gap_sentence(book, found, language, gettext))
    return tuple(sentences)


def _gap_sentence(
    book: LawBook, found: compare.Gaps, language: str, gettext: Gettext
) -> str:
    names = {
        "act": gettext("act"),
        "means": gettext("means"),
        "purpose": gettext("purpose"),
    }

    def listed(by_group: Mapping[str, tuple[str, ...]]) -> str:
        parts = [
            f"{names[group]}: "
            + ", ".join(book.vocabulary.label(group, c, language) for c in codes)
            for group, codes in by_group.items()
            if codes and group in GROUPS
        ]
        return "; ".join(parts) or gettext("nothing")

    return gettext(
        "%(country)s on %(date)s, against Directive 2011/36/EU as amended:"
        " lacks %(lacks)s; adds %(adds)s."
    ) % {
        "country": labels.label("country", found.country, language, gettext),
        "date": Formatter(language).date(found.day),
        "lacks": listed(found.lacks),
        "adds": listed(found.adds),
    }


def meeting(
    book: LawBook,
    cases: pl.DataFrame,
    observations: pl.DataFrame,
    victims: pl.DataFrame,
    language: str,
) -> pl.DataFrame:
    """The cases that may meet each offence version, by country and year.

    Args:
        cases: the cases to weigh (``stats.frames.cases``), already chosen.
        observations: their indicator observations.
        victims: their victims, with ``age_min`` and ``age_max``.

    Returns:
        A frame of ``country``, ``year``, ``offence`` (as ``offence`` names
        it) and ``cases``: cases whose screening shows every element.
    """
    keyed = _kinds(book, cases, observations, victims)
    keys = ["country", "first_part", "last_part", "observed_key", "groups_key"]
    kinds = keyed.group_by(keys).agg(pl.all().first())
    weighed = [
        (*(kind[k] for k in keys), _met(book, kind, language))
        for kind in kinds.iter_rows(named=True)
    ]
    log.info("Weighed %d cases as %d kinds of case", keyed.height, kinds.height)
    schema = {name: keyed.schema[name] for name in keys}
    met = pl.DataFrame(
        weighed, schema={**schema, "offence": pl.List(pl.String)}, orient="row"
    )
    counted = keyed.select(*keys, "year").join(met, on=keys, nulls_equal=True)
    return (
        counted.explode("offence")
        .drop_nulls("offence")
        .group_by("country", "year", "offence")
        .agg(pl.len().cast(pl.Int64).alias(COUNT))
    )


def _met(book: LawBook, kind: dict, language: str) -> list[str]:
    """The offence versions whose every element one kind of case shows."""
    found = casework.matches(
        kind["country"],
        kind["began"],
        kind["ended"],
        kind["year"],
        [{"indicator": i, "status": "observed"} for i in kind["observed"]],
        [{"role": "victim", "age_min": a, "age_max": a} for a in kind["ages"]],
        book,
    )
    named = (offence(m.provision, m.version, language) for m in found if m.complete)
    return list(dict.fromkeys(named))


def _kinds(
    book: LawBook,
    cases: pl.DataFrame,
    observations: pl.DataFrame,
    victims: pl.DataFrame,
) -> pl.DataFrame:
    """Each case with what decides how the law weighs it."""
    observed = (
        observations.filter(pl.col("status") == "observed")
        .group_by("case_id")
        .agg(pl.col("indicator").unique().sort().alias("observed"))
    )
    groups = _age_groups(victims)
    frame = (
        periods(cases)
        .select("case_id", "country", "year", "began", "ended")
        .join(observed, on="case_id", how="left")
        .join(groups, on="case_id", how="left")
        .with_columns(
            pl.col("observed").fill_null(pl.lit([], dtype=pl.List(pl.String))),
            pl.col("ages").fill_null(pl.lit([None], dtype=pl.List(pl.Int32))),
            pl.col("groups").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )
        .with_columns(
            pl.col("observed").list.join(" ").alias("observed_key"),
            pl.col("groups").list.join(" ").alias("groups_key"),
        )
    )
    return _with_parts(book, frame)


# A stand-in age for each age group, so one weighing speaks for the group.
_AGE_OF_GROUP = {"child": 15, "adult": 30}


def _age_groups(victims: pl.DataFrame) -> pl.DataFrame:
    """Each case's victims' age groups, and an age standing for each."""
    pairs = victims.select("age_min", "age_max").unique()
    named = [vocab.age_category(lo, hi) for lo, hi in pairs.iter_rows()]
    pairs = pairs.with_columns(pl.Series("group", named, dtype=pl.String))
    return (
        victims.select("case_id", "age_min", "age_max")
        .join(pairs, on=["age_min", "age_max"], how="left", nulls_equal=True)
        .with_columns(
            pl.when(pl.col("group").is_in(list(_AGE_OF_GROUP)))
            .then(pl.col("group"))
            .otherwise(pl.lit("unknown"))
        )
        .group_by("case_id")
        .agg(pl.col("group").unique().sort().alias("groups"))
        .with_columns(
            pl.col("groups")
            .list.eval(
                pl.element().replace_strict(
                    _AGE_OF_GROUP, default=None, return_dtype=pl.Int32
                )
            )
            .alias("ages")
        )
    )


def _with_parts(book: LawBook, frame: pl.DataFrame) -> pl.DataFrame:
    """Which stretch between two changes of the law each end of a case falls in.

    Cases whose exploitation begins and ends in the same stretches lived
    under the same versions, whatever their exact days.
    """
    parts = []
    for country in frame["country"].unique().to_list():
        changes = _changes(book, country)
        rows = frame.filter(pl.col("country") == country)
        first = [_part(changes, day) for day in rows["began"].to_list()]
        last = [_part(changes, day) for day in rows["ended"].to_list()]
        parts.append(
            rows.with_columns(
                pl.Series("first_part", first, dtype=pl.Int32),
                pl.Series("last_part", last, dtype=pl.Int32),
            )
        )
    if not parts:
        return frame.with_columns(
            pl.lit(None, pl.Int32).alias("first_part"),
            pl.lit(None, pl.Int32).alias("last_part"),
        )
    return pl.concat(parts)


def _changes(book: LawBook, country: str | None) -> list[date]:
    """The days on which an offence of ``country`` changed, in order."""
    days = set()
    for provision in book.of_country(country or ""):
        for version in provision.versions:
            days.add(version.start)
            if version.end is not None:
                days.add(date.fromordinal(version.end.toordinal() + 1))
    return sorted(days)


def _part(changes: list[date], day: date | None) -> int | None:
    return None if day is None else bisect.bisect_right(changes, day)


def periods(cases: pl.DataFrame) -> pl.DataFrame:
    """``cases`` with the first and last day of exploitation, as the case page
    judges them (``law.casework.period``)."""
    began, ended = pl.col("exploitation_began"), pl.col("exploitation_ended")
    year = pl.col("year")
    new_year = pl.date(year, 1, 1)
    start = pl.coalesce(began, new_year)
    end = (
        pl.when(ended.is_not_null())
        .then(ended)
        .when(year.is_not_null() & (year >= start.dt.year()))
        .then(pl.date(year, 12, 31))
        .otherwise(start)
    )
    return cases.with_columns(start.alias("began"), end.alias("ended"))
