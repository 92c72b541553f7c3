"""One row per victim for a microdata release, and writing a release out.

``victim_rows`` is pure: it takes the frames of ``stats.frames`` and keeps,
for the victims of one country and period, only the columns the microdata
declaration allows, at their finest (``stats.microdata`` then generalises
them)::

    from flexwatch.stats import frames
    from flexwatch.stats.microdata_rows import victim_rows

    rows, left_out = victim_rows(
        frames.victims(user), frames.regions(user), frames.assistance(user),
        country="FI", first_year=2024, last_year=2025,
    )

``write_csv`` and ``write_parquet`` write a release so that the file appears
whole or not at all.
"""

import csv
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import polars as pl

from flexwatch.cases.neutralise import neutralise
from flexwatch.stats.ladders import declaration
from flexwatch.stats.microdata import Release
from flexwatch.stats.tables import UNKNOWN, check_columns, leave_out

log = logging.getLogger(__name__)

# Why victims of the frame are not in the rows, tried in this order.
REASONS = {
    "synthetic": "the case is a synthetic record",
    "other_country": "the case is in another country",
    "outside_period": "the case's year is unknown or outside the period",
}
BOM = "\ufeff"


def victim_rows(
    victims: pl.DataFrame,
    regions: pl.DataFrame,
    assistance: pl.DataFrame,
    *,
    country: str,
    first_year: int,
    last_year: int,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The victims of ``country`` whose case's year is in the period, one row each.

    Args:
        victims: the victims frame of ``stats.frames``.
        regions: the regions frame (case and NUTS region).
        assistance: the assistance frame (victim and whether assisted).
        country: the case's country of exploitation.
        first_year: the first year of the case's own year counted.
        last_year: the last.

    Returns:
        The rows, with exactly the declared columns (the year is the case's
        own), and how many victims each reason (``REASONS``) left out.
        Synthetic records are always left out.
    """
    check_columns(victims, {"person_id", "case_id", "forms", "age_min", "age_max"})
    kept, left_out = leave_out(
        victims,
        {
            "synthetic": pl.col("is_synthetic").fill_null(False),
            "other_country": pl.col("country").ne_missing(country),
            "outside_period": ~pl.col("year").is_between(first_year, last_year)
            | pl.col("year").is_null(),
        },
        "person_id",
    )

    kept = kept.join(regions.select("case_id", "region"), on="case_id", how="left")
    assisted = assistance.select("person_id", "assisted")
    kept = kept.join(assisted, on="person_id", how="left")
    rows = kept.select(
        _age().alias("age"),
        "sex",
        "citizenship",
        "region",
        pl.col("year").cast(pl.String),
        "sector",
        _form().alias("form"),
        "identification",
        "source_kind",
        "continuum",
        "assisted",
    )

    log.info("Microdata rows: %d victims, %s left out", rows.height, left_out)
    return rows.select(declaration().columns), left_out


def _age() -> pl.Expr:
    """An exact age as ``34``, an interval as ``16-20``, open as ``18-``."""
    low = pl.col("age_min").cast(pl.String)
    high = pl.col("age_max").cast(pl.String)
    return (
        pl.when(low.is_null() & high.is_null())
        .then(pl.lit(UNKNOWN))
        .when(low == high)
        .then(low)
        .otherwise(pl.concat_str(low.fill_null(""), pl.lit("-"), high.fill_null("")))
    )


def _form() -> pl.Expr:
    # Several forms are one value, in code order, so that a class's
    # diversity counts combinations the same way whatever the entry order.
    (sensitive,) = [a for a in declaration().sensitive if a.name == "form"]
    forms = pl.col("forms").list.unique().list.sort()
    joined = forms.list.join(sensitive.separator or "+")
    recorded = pl.col("forms").is_not_null() & (pl.col("forms").list.len() > 0)
    return pl.when(recorded).then(joined).otherwise(pl.lit(UNKNOWN))


# Writing a release


def write_csv(release: Release, path: str | os.PathLike[str]) -> None:
    """Write the released rows as CSV with a byte order mark.

    Text a spreadsheet would run as a formula is quoted (``neutralise``); a
    null is an empty field; true and false are written so.
    """

    def write(spool: Path) -> None:
        with spool.open("w", encoding="utf-8", newline="") as out:
            out.write(BOM)
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(release.frame.columns)
            for row in release.frame.iter_rows():
                writer.writerow([_cell(value) for value in row])

    _atomically(Path(path), write)


def write_parquet(release: Release, path: str | os.PathLike[str]) -> None:
    """Write the released rows as Parquet, the account in the file's metadata."""

    def write(spool: Path) -> None:
        release.frame.write_parquet(spool, metadata={"account": release.account})

    _atomically(Path(path), write)


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else neutralise(value)


def _atomically(destination: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a spool file beside ``destination``, then rename it."""
    descriptor, name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    os.close(descriptor)
    spool = Path(name)
    try:
        write(spool)
        os.replace(spool, destination)
    finally:
        spool.unlink(missing_ok=True)
