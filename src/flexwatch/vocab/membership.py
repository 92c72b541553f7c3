"""EU and EEA membership on a date, and the Eurostat grouping of citizenships.

Pure: the dates come from the package's data file
``data/membership/eu_eea.yaml``, which cites the treaty behind each one.
"""

import datetime
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from flexwatch.vocab.errors import VocabularyError
from flexwatch.vocab.registry import vocabulary

logger = logging.getLogger(__name__)

UNIONS = ("eu", "eea_efta")
PERIOD_KEYS = {"country", "joined", "left", "instrument"}


@dataclass(frozen=True)
class Period:
    """A country's membership of a union from ``joined`` to ``left`` (inclusive)."""

    country: str
    union: str
    joined: datetime.date
    left: datetime.date | None
    instrument: str

    def covers(self, on: datetime.date) -> bool:
        return self.joined <= on and (self.left is None or on <= self.left)


def eu_member(country: str, on: datetime.date) -> bool:
    """Whether ``country`` was a member of the EU (EEC and EC before it) on ``on``.

    Args:
        country: an ISO 3166-1 alpha-2 code, such as ``PL`` or ``GB``.
        on: the day asked about.

    Raises:
        UnknownCode: ``country`` is not an ISO 3166-1 alpha-2 code.

    Examples:
        >>> eu_member("PL", datetime.date(2004, 5, 1))
        True
        >>> eu_member("GB", datetime.date(2020, 2, 1))
        False
    """
    return _member("eu", country, on)


def eea_member(country: str, on: datetime.date) -> bool:
    """Whether ``country`` was in the EU or an EEA member on the EFTA side on ``on``.

    Raises:
        UnknownCode: ``country`` is not an ISO 3166-1 alpha-2 code.
    """
    return eu_member(country, on) or _member("eea_efta", country, on)


def citizenship_group(citizenship: str, reporting_country: str, year: int) -> str:
    """The Eurostat ``crim_thb`` citizenship group of a person, for one year.

    EU membership is taken at 31 December of ``year``: a country that joined
    during the year counts as EU for the whole year, and the United Kingdom
    counts as non-EU from 2020, the year it left.

    Args:
        citizenship: a code of the ``citizenship`` vocabulary.
        reporting_country: the ISO 3166-1 alpha-2 code of the country reporting.
        year: the reference year of the statistics.

    Returns:
        A code of the ``citizenship_group`` vocabulary: ``reporting_country``,
        ``other_eu``, ``non_eu``, ``stateless`` or ``unknown``.

    Raises:
        UnknownCode: either code is not in its vocabulary.
    """
    vocabulary("citizenship").check(citizenship)
    vocabulary("country").check(reporting_country)

    if citizenship in ("stateless", "unknown"):
        return citizenship
    if citizenship == reporting_country:
        return "reporting_country"
    if eu_member(citizenship, datetime.date(year, 12, 31)):
        return "other_eu"
    return "non_eu"


def _member(union: str, country: str, on: datetime.date) -> bool:
    vocabulary("country").check(country)
    return any(p.country == country and p.covers(on) for p in periods()[union])


@cache
def periods() -> Mapping[str, tuple[Period, ...]]:
    """Every membership period in the data file, by union (``eu``, ``eea_efta``).

    Raises:
        VocabularyError: the file is malformed; the message names the entry.
    """
    path = resources.files("flexwatch.vocab").joinpath("data/membership/eu_eea.yaml")
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))

    unions = raw.get("unions") if isinstance(raw, dict) else None
    if not isinstance(unions, dict) or set(unions) != set(UNIONS):
        raise VocabularyError(f"{path}: unions: must list exactly {', '.join(UNIONS)}.")

    loaded = {
        union: tuple(_period(path, union, i, e) for i, e in enumerate(unions[union], 1))
        for union in UNIONS
    }
    logger.debug("Read %s: %d periods", path, sum(map(len, loaded.values())))
    return loaded


def _period(path: object, union: str, index: int, entry: Any) -> Period:
    where = f"{path}: {union} entry {index}"
    if not isinstance(entry, dict) or not {"country", "joined"} <= set(entry):
        raise VocabularyError(f"{where}: needs a country, joined and an instrument.")
    if unknown := sorted(set(entry) - PERIOD_KEYS):
        raise VocabularyError(f"{where}: has unknown keys {unknown}.")

    country, joined, left = entry["country"], entry["joined"], entry.get("left")
    if country not in vocabulary("country"):
        raise VocabularyError(f"{where}: {country!r} is not an ISO 3166-1 code.")
    if not _is_date(joined) or not (
        left is None or (_is_date(left) and left >= joined)
    ):
        raise VocabularyError(
            f"{where} ({country}): joined must be a date (YYYY-MM-DD) and left, "
            f"if given, a date after it; found {joined!r} and {left!r}."
        )
    if not isinstance(entry.get("instrument"), str) or not entry["instrument"]:
        raise VocabularyError(f"{where} ({country}): cite the instrument.")
    return Period(country, union, joined, left, entry["instrument"])


def _is_date(value: object) -> bool:
    # YAML reads 2004-05-01 as a date; a datetime would not compare with one.
    return isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
