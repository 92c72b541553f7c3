"""Breaks in the series: where a change of the law splits what a table counts.

Pure: no Django; the only file read is the package's ``series_breaks.yaml``,
whose entries cite the project's reference model of legislation. A table
that spans a break counts, before and after it, offences or victims defined
by different law, and must say so::

    from flexwatch.stats.breaks import within

    within(["EE"], 2011, 2013)   # (SeriesBreak(country="EE", year=2012, ...),)
    within(["EE"], 2014, 2015)   # ()

A break lies inside a span when some of the span comes before its date and
some on or after it: a span that starts on the very day the law changed
counts under one law only.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import polars as pl
import yaml

from flexwatch import vocab
from flexwatch.stats.definitions import DefinitionError, line_of, scalar

log = logging.getLogger(__name__)

KEYS = ("version", "source", "breaks")
ENTRY_KEYS = (
    "country",
    "date",
    "record",
    "provision",
    "instrument",
    "status",
    "note",
)
# The reference model's own statuses of a fact (legislation.yaml).
STATUSES = ("confirmed", "partial", "recall")


@dataclass(frozen=True)
class SeriesBreak:
    """A date where the law defining what is counted changed in a country.

    Attributes:
        country: the country whose law changed.
        date: the day the new law came into force.
        record: the provision's id in the reference model of legislation.
        provision: the provision, as a reader would cite it.
        instrument: the act that made the change.
        status: how the reference model holds the fact (``STATUSES``).
        note: what a reader of the series must know.
    """

    country: str
    date: datetime.date
    record: str
    provision: str
    instrument: str
    status: str
    note: str

    @property
    def year(self) -> int:
        """The first year with counts under the new law."""
        return self.date.year

    def as_dict(self) -> dict[str, str | int]:
        """The break as plain values, for snapshots and pages."""
        return {
            "country": self.country,
            "date": self.date.isoformat(),
            "year": self.year,
            "record": self.record,
            "provision": self.provision,
            "instrument": self.instrument,
            "status": self.status,
            "note": self.note,
        }


@cache
def series_breaks() -> tuple[SeriesBreak, ...]:
    """The package's series breaks, read and checked once, by date.

    Raises:
        DefinitionError: ``series_breaks.yaml`` is malformed.
    """
    path = resources.files("flexwatch.stats").joinpath("series_breaks.yaml")
    return load(path.read_text(encoding="utf-8"), str(path))


def load(text: str, where: str) -> tuple[SeriesBreak, ...]:
    """Read series breaks from the text of a YAML file.

    Args:
        text: the file's content.
        where: the file's name, for messages.

    Returns:
        The breaks, in order of country and date.

    Raises:
        DefinitionError: the text is not the expected mapping, a value is
            missing or not accepted, or a country has two breaks on one day.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{where}{line}: not valid YAML ({error}).") from error
    entries = _mapping(root, where, KEYS)
    scalar(entries["source"], where)
    listed = entries["breaks"]
    if not isinstance(listed, yaml.SequenceNode) or not listed.value:
        raise DefinitionError(
            f"{where}, line {line_of(listed)}: breaks must list at least one break."
        )

    found: dict[tuple[str, datetime.date], SeriesBreak] = {}
    for node in listed.value:
        entry = _entry(node, where)
        if (entry.country, entry.date) in found:
            raise DefinitionError(
                f"{where}, line {line_of(node)}: {entry.country} has a second "
                f"break on {entry.date.isoformat()}."
            )
        found[entry.country, entry.date] = entry

    log.debug("Read %s: %d series breaks", where, len(found))
    return tuple(found[key] for key in sorted(found))


def _entry(node: yaml.Node, where: str) -> SeriesBreak:
    entry = _mapping(node, where, ENTRY_KEYS)
    values = {key: scalar(value, where) for key, value in entry.items()}

    countries = vocab.vocabulary("exploitation_country")
    if values["country"] not in countries:
        raise DefinitionError(
            f"{where}, line {line_of(entry['country'])}: {values['country']!r} is "
            f"not a country; the countries are {', '.join(countries.codes)}."
        )
    if values["status"] not in STATUSES:
        raise DefinitionError(
            f"{where}, line {line_of(entry['status'])}: {values['status']!r} is "
            f"not a status; use one of {', '.join(STATUSES)}."
        )
    day = _date(values.pop("date"), line_of(entry["date"]), where)
    return SeriesBreak(date=day, **values)


def _mapping(
    node: yaml.Node | None, where: str, keys: tuple[str, ...]
) -> dict[str, yaml.Node]:
    """The values of a mapping that has exactly ``keys``, by key."""
    if not isinstance(node, yaml.MappingNode):
        line = f", line {line_of(node)}" if node is not None else ""
        raise DefinitionError(f"{where}{line}: expected a mapping of keys to values.")
    entries = {scalar(key, where): value for key, value in node.value}
    if sorted(entries) != sorted(keys):
        raise DefinitionError(
            f"{where}, line {line_of(node)}: expected the keys {', '.join(keys)}; "
            f"found {', '.join(entries) or 'none'}."
        )
    return entries


def _date(value: str, line: int, where: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise DefinitionError(
            f"{where}, line {line}: {value!r} is not a date written as YYYY-MM-DD."
        ) from error


def within(
    countries: Iterable[str],
    first: int,
    last: int,
    breaks: Iterable[SeriesBreak] | None = None,
) -> tuple[SeriesBreak, ...]:
    """The breaks of ``countries`` inside the years ``first`` to ``last``.

    Args:
        countries: country codes; codes with no break (or ``unknown``) add
            nothing.
        first: the first year the table spans.
        last: the last year, inclusive.
        breaks: the breaks to look in; the package's by default.

    Returns:
        The breaks dated after 1 January of ``first`` and no later than
        31 December of ``last``, in order of country and date.

    Raises:
        ValueError: ``first`` comes after ``last``.

    Examples:
        >>> [b.year for b in within(["EE", "FI"], 2011, 2013)]
        [2012]
    """
    if first > last:
        raise ValueError(f"The span {first} to {last} ends before it starts.")
    wanted = set(countries)
    start, end = datetime.date(first, 1, 1), datetime.date(last, 12, 31)
    listed = series_breaks() if breaks is None else tuple(breaks)
    return tuple(b for b in listed if b.country in wanted and start < b.date <= end)


def found_in(frame: pl.DataFrame) -> tuple[SeriesBreak, ...]:
    """The breaks inside the countries and years of the rows a table counted.

    The frame's ``country`` and ``year`` columns say what the table spans; a
    frame without either, or with no known year, spans no break that can be
    placed.
    """
    if "country" not in frame.columns or "year" not in frame.columns:
        return ()
    years = pl.col("year")
    first, last = frame.select(years.min().alias("first"), years.max()).row(0)
    if first is None:
        return ()
    countries = frame["country"].drop_nulls().unique().to_list()
    return within(countries, int(first), int(last))


def note(found: Iterable[SeriesBreak]) -> tuple[str, ...]:
    """A sentence for each break, for a table's notes."""
    return tuple(
        f"Series break, {b.country} {b.date.isoformat()}: {b.provision} changed"
        f" ({b.instrument}). {b.note}"
        for b in found
    )


def flagged(
    year: int | str | None, country: str | None, found: Iterable[SeriesBreak]
) -> bool:
    """Whether a row of ``year`` (and ``country``, if the table has one) is the
    first year counted under a changed law, so a chart or page can mark it."""
    if year is None or str(year) == "unknown":
        return False
    return any(
        b.year == int(year) and (country is None or b.country == country) for b in found
    )
