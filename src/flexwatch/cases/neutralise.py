"""Spreadsheet cells that a spreadsheet program cannot run as formulas.

Excel, LibreOffice and Google Sheets read a cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and a leading tab or carriage return can
carry one past some of them (OWASP, "CSV Injection"). A narrative typed by a
caseworker, or a value imported from another agency's spreadsheet, could thus
run a formula on the machine of whoever opens an export. The CSV and XLSX
exports put a single quote in front of such text, which spreadsheet programs
show as text. A number is never a formula: values that are numbers, and text
that is only a number (``-3``, ``+1.5e3``), stay as they are.
"""

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: object) -> object:
    """``value``, with a quote in front when it is text a program would run.

    Examples:
        >>> neutralise("=SUM(A1:A9)")
        "'=SUM(A1:A9)"
        >>> neutralise("-12.5"), neutralise(-3)
        ('-12.5', -3)
    """
    if not isinstance(value, str) or not value.startswith(TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return QUOTE + value
