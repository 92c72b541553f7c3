"""Typed cell values of workbooks and JSON as the text a CSV would hold.

Every reader hands the mapping plain text, so that one profile maps a source
whether it came as CSV, XLSX or JSON. Booleans become ``1`` and ``0``, as in
the flags of the CTDC and HTCDS data; a date is an ISO 8601 date, and a
date with a time of day an ISO 8601 date and time.
"""

import datetime as dt

# Excel shows at most 15 significant digits: more are noise of binary floats
# (0.1 + 0.2 is stored as 0.30000000000000004 and shown as 0.3).
_DIGITS = ".15g"
# Beyond this a float no longer holds every integer exactly.
_EXACT = 2**53

Scalar = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta


def text_of(value: Scalar | None) -> str:
    """The text for a typed cell value; ``""`` for an empty cell.

    Examples:
        >>> [text_of(v) for v in (None, True, 12.0, 0.5, dt.date(2024, 5, 1))]
        ['', '1', '12', '0.5', '2024-05-01']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dt.datetime):
        return _moment(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < _EXACT:
        return str(int(value))
    return format(value, _DIGITS)


def _moment(value: dt.datetime) -> str:
    # Excel has no date type: a date is a date and time at midnight.
    if value.time() == dt.time(0) and value.tzinfo is None:
        return value.date().isoformat()
    return value.isoformat()
