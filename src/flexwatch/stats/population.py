"""Population on 1 January: the denominators of rates per 100,000 inhabitants.

SDG indicator 16.2.2 counts detected victims of trafficking per 100,000
inhabitants. The package ships Eurostat's series demo_pjan for the EU-27
(``data/population_1_january.csv``; ``data/README.md`` cites the release).
Eurostat revises past years, so users may add newer releases: CSV files of
the same columns in a folder of their own. A value there overrides the
shipped one for the same country and year; files in the folder are read in
name order, so a later name wins. Every value keeps its source and flag, so
that a table can cite where each denominator came from::

    from flexwatch.stats import population

    denominators = population.load(data_dir / "population")
    denominators.get("FI", 2024)        # population 5603851, with source, flag
    population.with_rates(counts, denominators)   # adds rate_per_100k

Reading the files is the only I/O here; nothing imports Django.
"""

import csv
import io
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import polars as pl

from flexwatch.vocab import UnknownCode, vocabulary

log = logging.getLogger(__name__)

COLUMNS = ("country", "year", "population", "source", "flag", "note")
REQUIRED = ("country", "year", "population", "source")
FIRST_YEAR, LAST_YEAR = 1950, 2100
PER = 100_000
SHIPPED = "shipped"
# Eurostat's flags, which it combines, as in "bep".
EUROSTAT_FLAGS = {
    "b": "break in series",
    "c": "confidential",
    "d": "definition differs",
    "e": "estimated",
    "f": "forecast",
    "n": "not significant",
    "p": "provisional",
    "r": "revised",
    "s": "Eurostat estimate",
    "u": "low reliability",
    "z": "not applicable",
}
# Eurostat writes Greece EL and the United Kingdom UK where ISO 3166-1 has
# GR and GB; its files are read as they are published.
EUROSTAT_CODES = {"EL": "GR", "UK": "GB"}
WHOLE_NUMBER = re.compile(r"[0-9]+")

# The columns ``with_rates`` adds.
POPULATION = "population"
POPULATION_SOURCE = "population_source"
POPULATION_FLAG = "population_flag"
RATE = "rate_per_100k"
RATE_NOTE = "rate_note"


@dataclass(frozen=True)
class Denominator:
    """The population of a country on 1 January of a year, and its provenance.

    Attributes:
        country: ISO 3166-1 alpha-2 code (``GR``, even where the file has EL).
        year: The year whose 1 January the count refers to.
        population: Inhabitants, a positive whole number.
        source: Where the figure comes from, as the file gives it.
        flag: Eurostat's flags, such as ``p`` (provisional); empty if none.
        note: The file's explanation of a flag or revision; may be empty.
        origin: ``shipped`` for the package's file, else the release's file name.
    """

    country: str
    year: int
    population: int
    source: str
    flag: str = ""
    note: str = ""
    origin: str = SHIPPED


@dataclass(frozen=True)
class Denominators:
    """Every known denominator, newer releases over the shipped file.

    Attributes:
        values: Each (country, year) and its denominator.
        files: The files read, the shipped one first, in the order applied.
    """

    values: Mapping[tuple[str, int], Denominator]
    files: tuple[str, ...]

    def get(self, country: str, year: int) -> Denominator | None:
        """The denominator for ``country`` in ``year``, or None if none is known.

        Examples:
            >>> load(None).get("FI", 2024).population
            5603851
        """
        return self.values.get((_iso(country), year))

    def series(
        self, country: str, first: int | None = None, last: int | None = None
    ) -> list[Denominator]:
        """The denominators of ``country`` from ``first`` to ``last``, by year."""
        code = _iso(country)
        chosen = [
            value
            for (where, year), value in self.values.items()
            if where == code
            and (first is None or year >= first)
            and (last is None or year <= last)
        ]
        return sorted(chosen, key=lambda value: value.year)


def explain(values: Iterable[Denominator]) -> list[str]:
    """The meaning of the flags among ``values``, then each value's note.

    Lines for the foot of a table that shows or uses the denominators.
    """
    values = list(values)
    flags = sorted({letter for value in values for letter in value.flag})
    lines = [
        f"{value.country} {value.year}: {value.note}" for value in values if value.note
    ]

    if flags:
        meanings = ", ".join(f"{letter} {EUROSTAT_FLAGS[letter]}" for letter in flags)
        lines.insert(0, f"Eurostat flags: {meanings}.")
    return lines


def load(folder: Path | None = None) -> Denominators:
    """The shipped denominators, overridden by the releases in ``folder``.

    Args:
        folder: Holds newer releases as ``.csv`` files; None, or a folder that
            does not exist, gives the shipped values alone.

    Raises:
        ValueError: A file breaks the format; the message names it and the line.
    """
    shipped = resources.files("flexwatch.stats").joinpath(
        "data", "population_1_january.csv"
    )
    values = {(v.country, v.year): v for v in read_release(shipped)}
    files = [str(shipped)]

    overridden = 0
    for path in releases(folder):
        for value in read_release(path, origin=path.name):
            overridden += (value.country, value.year) in values
            values[(value.country, value.year)] = value
        files.append(str(path))

    log.info(
        "Population denominators: %d values, %d replaced by %d newer releases",
        len(values),
        overridden,
        len(files) - 1,
    )
    return Denominators(values, tuple(files))


def releases(folder: Path | None) -> list[Path]:
    """The release files in ``folder``, in the order they are applied."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("*.csv") if path.is_file())


def read_release(
    source: Traversable | Path, origin: str = SHIPPED
) -> list[Denominator]:
    """Read and validate one file of denominators.

    Raises:
        ValueError: The file breaks the format; the message names it and the line.
    """
    return _parse(str(source), source.read_bytes(), origin)


def iso_code(country: str) -> str:
    """The ISO 3166-1 alpha-2 code of ``country``, written as ISO or Eurostat do.

    Raises:
        UnknownCode: ``country`` is not a code of the ``country`` vocabulary,
            nor Eurostat's EL or UK.

    Examples:
        >>> iso_code("EL")
        'GR'
    """
    return vocabulary("country").check(_iso(country))


def add(source: Path, folder: Path) -> list[Denominator]:
    """Validate a newer release and copy it into ``folder``, all or nothing.

    The file keeps its name, which orders it among the releases: a name such
    as ``2026-03_demo_pjan.csv`` sorts after older ones. Adding the same file
    again changes nothing.

    Returns:
        The denominators the file gives.

    Raises:
        ValueError: The file breaks the format (the message names it and the
            line), is not a ``.csv`` file, or a different file of that name is
            already in ``folder``. Nothing is stored.
        OSError: The file cannot be read or the folder cannot be written.
    """
    if source.suffix.lower() != ".csv":
        raise ValueError(
            f"{source}: only .csv files are read as releases; "
            "save it as CSV with a name ending in .csv."
        )
    data = source.read_bytes()
    values = _parse(str(source), data, source.name)

    destination = folder / source.name
    if destination.exists():
        if destination.read_bytes() != data:
            raise ValueError(
                f"{source}: {folder} already holds a different {source.name}; "
                "give the new release a name of its own, such as its date."
            )
        return values

    _write_whole(destination, data)
    log.info("Added %s: %d denominators", destination, len(values))
    return values


def _write_whole(destination: Path, data: bytes) -> None:
    """Write ``data`` beside ``destination`` and move it into place at once."""
    destination.parent.mkdir(parents=True, exist_ok=True)

    # The suffix is not .csv, so a half-written file is never read as a release.
    descriptor, spool = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(spool, destination)
    finally:
        if os.path.exists(spool):
            os.unlink(spool)


# Reading and checking a file


def _parse(name: str, data: bytes, origin: str) -> list[Denominator]:
    rows = csv.reader(io.StringIO(_text(name, data), newline=""))
    seen: dict[tuple[str, int], int] = {}
    values = []

    try:
        header = _header(name, next(rows, None))
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{name}, line {rows.line_num}"
            value = _denominator(where, header, row, origin)

            key = (value.country, value.year)
            if key in seen:
                raise ValueError(
                    f"{where}: {value.country} {value.year} is given twice, "
                    f"first on line {seen[key]}; give each country and year once."
                )
            seen[key] = rows.line_num
            values.append(value)
    except csv.Error as problem:
        raise ValueError(
            f"{name}, line {rows.line_num}: is not valid CSV ({problem})."
        ) from problem

    if not values:
        raise ValueError(f"{name}: has a header but no denominators.")
    return values


def _text(name: str, data: bytes) -> str:
    try:
        # utf-8-sig: spreadsheet programs often put a byte-order mark in front.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise ValueError(
            f"{name}, line {line}: is not UTF-8 text; save the file as CSV UTF-8."
        ) from problem


def _header(name: str, row: list[str] | None) -> list[str]:
    header = [cell.strip() for cell in row or []]
    unknown = [column for column in header if column not in COLUMNS]
    missing = [column for column in REQUIRED if column not in header]
    twice = sorted({column for column in header if header.count(column) > 1})

    if unknown or missing or twice:
        problems = [
            f"unknown columns {', '.join(map(repr, unknown))}" if unknown else "",
            f"no column {', '.join(missing)}" if missing else "",
            f"{', '.join(twice)} more than once" if twice else "",
        ]
        raise ValueError(
            f"{name}, line 1: the header has {'; '.join(p for p in problems if p)}. "
            f"The columns are {', '.join(COLUMNS)}; flag and note may be left out."
        )
    return header


def _denominator(
    where: str, header: list[str], row: list[str], origin: str
) -> Denominator:
    if len(row) != len(header):
        raise ValueError(
            f"{where}: has {len(row)} cells; the header has {len(header)}."
        )
    cells = dict(zip(header, (cell.strip() for cell in row), strict=True))

    return Denominator(
        country=_country(where, cells["country"]),
        year=_year(where, cells["year"]),
        population=_population(where, cells["population"]),
        source=_source(where, cells["source"]),
        flag=_flag(where, cells.get("flag", "")),
        note=cells.get("note", ""),
        origin=origin,
    )


def _country(where: str, text: str) -> str:
    try:
        return iso_code(text)
    except UnknownCode as problem:
        raise ValueError(f"{where}: country {problem}") from problem


def _year(where: str, text: str) -> int:
    if WHOLE_NUMBER.fullmatch(text) and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    raise ValueError(
        f"{where}: year {text!r} is not a year from {FIRST_YEAR} to "
        f"{LAST_YEAR} written in digits."
    )


def _population(where: str, text: str) -> int:
    if WHOLE_NUMBER.fullmatch(text) and int(text) > 0:
        return int(text)
    raise ValueError(
        f"{where}: population {text!r} is not a positive whole number; "
        "write digits only, such as 5603851, without separators or decimals."
    )


def _source(where: str, text: str) -> str:
    if text:
        return text
    raise ValueError(
        f"{where}: source is empty; name where the figure comes from, such as "
        "'Eurostat demo_pjan (March 2026)'."
    )


def _flag(where: str, text: str) -> str:
    if all(letter in EUROSTAT_FLAGS for letter in text):
        return text
    raise ValueError(
        f"{where}: flag {text!r} is not made of Eurostat's flag letters "
        f"({', '.join(EUROSTAT_FLAGS)}); leave it empty when there is none."
    )


def _iso(country: str) -> str:
    return EUROSTAT_CODES.get(country, country)


# Rates


def rate_per_100k(count: int, population: int) -> float:
    """``count`` per 100,000 inhabitants, unrounded.

    Raises:
        ValueError: ``count`` is negative or ``population`` is not positive.

    Examples:
        >>> round(rate_per_100k(24, 5_600_000), 2)
        0.43
    """
    if count < 0:
        raise ValueError(f"A count of {count} has no rate; counts are 0 or more.")
    if population <= 0:
        raise ValueError(
            f"A population of {population} cannot be a denominator; "
            "it must be a positive whole number."
        )
    return count * PER / population


def with_rates(
    counts: pl.DataFrame,
    denominators: Denominators,
    *,
    count: str = "count",
    country: str = "country",
    year: str = "year",
) -> pl.DataFrame:
    """``counts`` with the denominator and the rate per 100,000 of every row.

    Adds ``population``, ``population_source`` and ``population_flag`` (so a
    table can cite each denominator), ``rate_per_100k`` (unrounded) and
    ``rate_note``. Where the count is missing (suppressed, say) or no
    denominator is known, the rate is left empty (null), never zero, and
    ``rate_note`` says why.

    Args:
        counts: One row per country and year (and any other dimensions).
        denominators: From ``load``.
        count, country, year: The names of those columns in ``counts``.

    Raises:
        ValueError: A column is missing, an added column is already there,
            or a count is negative.
    """
    _check_columns(counts, (count, country, year))
    lookup = _lookup(counts, denominators, country, year)

    joined = counts.join(lookup, on=[country, year], how="left", maintain_order="left")
    rated = joined.with_columns(_rate(count), _note(count, country, year))

    if missing := rated.get_column(RATE).null_count():
        log.warning(
            "%d of %d rows have no rate per 100,000: no count or no denominator",
            missing,
            rated.height,
        )
    return rated


def _check_columns(counts: pl.DataFrame, needed: tuple[str, ...]) -> None:
    if absent := [name for name in needed if name not in counts.columns]:
        raise ValueError(
            f"The counts have no column {', '.join(absent)}; "
            f"their columns are {', '.join(counts.columns)}."
        )
    added = (POPULATION, POPULATION_SOURCE, POPULATION_FLAG, RATE, RATE_NOTE)
    if clash := [name for name in added if name in counts.columns]:
        raise ValueError(
            f"The counts already have a column {', '.join(clash)}, "
            "which the rates would overwrite."
        )
    if counts.get_column(needed[0]).lt(0).any():
        raise ValueError(f"The column {needed[0]} has a negative count.")


def _lookup(
    counts: pl.DataFrame, denominators: Denominators, country: str, year: str
) -> pl.DataFrame:
    """Each country and year in ``counts``, with its denominator where known."""
    keys = counts.select(country, year).unique()
    found = [
        denominators.get(where, when) if where and when is not None else None
        for where, when in keys.iter_rows()
    ]
    added = (
        (POPULATION, "population", pl.Int64),
        (POPULATION_SOURCE, "source", pl.String),
        (POPULATION_FLAG, "flag", pl.String),
    )
    return keys.with_columns(
        pl.Series(name, [getattr(d, field) if d else None for d in found], dtype)
        for name, field, dtype in added
    )


def _rate(count: str) -> pl.Expr:
    return (pl.col(count) * PER / pl.col(POPULATION)).alias(RATE)


def _note(count: str, country: str, year: str) -> pl.Expr:
    return (
        pl.when(pl.col(count).is_null())
        .then(pl.lit("no count (suppressed or not known)"))
        .when(pl.col(country).is_null() | pl.col(year).is_null())
        .then(pl.lit("no country or no year"))
        .when(pl.col(POPULATION).is_null())
        .then(pl.format("no population on 1 January for {} in {}", country, year))
        .otherwise(None)
        .alias(RATE_NOTE)
    )
