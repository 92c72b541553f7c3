"""ISO 3166-1 alpha-2 countries, read from the package's data file."""

import csv
from functools import cache
from importlib import resources


class UnknownCode(ValueError):
    """A code that is not in the vocabulary it was checked against."""


@cache
def countries() -> dict[str, str]:
    """Map each ISO 3166-1 alpha-2 code to its English short name."""
    text = (
        resources.files(__package__)
        .joinpath("data/countries.csv")
        .read_text(encoding="utf-8")
    )
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return {row["code"]: row["name"] for row in csv.DictReader(lines)}


def check_country(code: str) -> str:
    """Return ``code`` if it is an ISO 3166-1 alpha-2 code, else raise.

    Raises:
        UnknownCode: naming the code; the message says where the list comes from.
    """
    if code not in countries():
        raise UnknownCode(
            f"{code!r} is not an ISO 3166-1 alpha-2 country code "
            f"(two capital letters, such as FI, EE or PL)."
        )
    return code
