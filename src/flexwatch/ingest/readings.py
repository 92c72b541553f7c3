"""How one field of the record is read from a row's cells. Pure: no Django.

A profile's field spec (``profile.Spec``) is turned once, when an import
starts, into a plain function from a row's values to the field's value, so
that the choices a spec makes (flags or a column, a separator, a date format,
a transformation) are not made again for every row of a large file.
"""

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flexwatch.cases.record import MAX_AGE
from flexwatch.ingest.profile import LIST_TARGETS, Spec

FALSY = ("0", "false", "no", "ei", "ei ole", "nie", "")
_AGE_RANGE = re.compile(r"^(\d{1,3})\s*(?:-{1,2}|\u2013|\u2014|to)\s*(\d{1,3})$")
_AGE_OPEN = re.compile(r"^(\d{1,3})\s*\+$")

Read = Callable[[dict[str, str]], Any]
Convert = Callable[[str], Any]


class ValueProblem(ValueError):
    """A cell that cannot become the field's value; the message says why."""


def reader(target: str, spec: Spec, column: str) -> Read:
    """The function reading ``target`` from a row's values (None: no value)."""
    if spec.flags is not None:
        return _flags(target, spec)
    if spec.separator is not None:
        return _several(target, spec, column)
    return _one(spec, column, converter(spec))


def _flags(target: str, spec: Spec) -> Read:
    truthy = spec.truthy_set
    flags = list((spec.flags or {}).items())
    keep = _keeper(target, spec)

    def read(values: dict[str, str]) -> Any:
        return keep(
            [
                code
                for column, code in flags
                if (cell := values.get(column)) and cell.strip().casefold() in truthy
            ]
        )

    return read


def _several(target: str, spec: Spec, column: str) -> Read:
    separator, default = spec.separator, spec.default
    keep = _keeper(target, spec)

    def read(values: dict[str, str]) -> Any:
        raw = values.get(column, "").strip() or default or ""
        cells = (cell.strip() for cell in raw.split(separator))
        return keep([code for cell in cells if cell and (code := mapped(spec, cell))])

    return read


def _one(spec: Spec, column: str, convert: Convert | None) -> Read:
    default = spec.default

    def read(values: dict[str, str]) -> Any:
        raw = values.get(column, "").strip()
        if not raw:
            if default is None:
                return None
            raw = default
        value = mapped(spec, raw)
        if not value:
            return None
        return convert(value) if convert else value

    return read


def _keeper(target: str, spec: Spec) -> Callable[[list[str]], Any]:
    """What a field keeps of the codes a row gives it: all, or just one."""
    if target in LIST_TARGETS:
        return lambda codes: list(dict.fromkeys(codes))

    def one(codes: list[str]) -> str | None:
        codes = list(dict.fromkeys(codes))
        if len(codes) > 1 and spec.several == "refuse":
            raise ValueProblem(
                f"holds several values ({', '.join(codes)}) for a field of one"
            )
        return codes[0] if codes else None

    return one


def mapped(spec: Spec, cell: str) -> str | None:
    """The cell through the profile's value map: exact, then ignoring case."""
    if cell in spec.values:
        return spec.values[cell]
    return spec.folded_values.get(cell.casefold(), cell)


def converter(spec: Spec) -> Convert | None:
    """The conversion a spec asks of a mapped value; None when it is kept."""
    if spec.dates:
        return lambda value: day(spec, value).isoformat()
    conversions: dict[str, Convert] = {
        "age_range": age_range,
        "number": number,
        "boolean": lambda value: boolean(spec, value),
        "upper": str.upper,
        "lower": str.lower,
    }
    return conversions.get(spec.transform or "")


def day(spec: Spec, value: str) -> date:
    for pattern in spec.dates or ["%Y-%m-%d"]:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueProblem(f"is not a date in the form {' or '.join(spec.dates)}")


def age_range(value: str) -> tuple[int, int]:
    text = value.strip()
    if text.isdigit():
        return int(text), int(text)
    if match := _AGE_RANGE.match(text):
        return int(match[1]), int(match[2])
    if match := _AGE_OPEN.match(text):
        return int(match[1]), MAX_AGE
    raise ValueProblem("is not an age or an age range such as 18-20 or 48+")


def number(value: str) -> str:
    text = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        return str(Decimal(text))
    except InvalidOperation:
        raise ValueProblem("is not a number") from None


def boolean(spec: Spec, value: str) -> bool:
    folded = value.casefold()
    if folded in spec.truthy_set:
        return True
    if folded in FALSY:
        return False
    raise ValueProblem(
        f"is not yes or no; accepted: {', '.join(spec.truthy)} or {', '.join(FALSY)}"
    )
