"""Tables to import, read from CSV, XLSX or KoboToolbox JSON: file in, rows out.

One interface for every format: ``open_table`` gives a ``Table`` whose
columns are known at once and whose rows are streamed, each numbered where a
person finds it in the file. A file that cannot be read as a table raises
``ReadError`` naming the file, the row and the column; a row that can be read
but does not fit the header is still given, with its ``problem`` set.

The readers never put a cell's content in a problem: any cell may hold a
name or a personal code.
"""

import contextlib
import dataclasses
import hashlib
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from flexwatch.ingest import columns, encodings
from flexwatch.ingest.delimited import DELIMITERS, open_csv
from flexwatch.ingest.kobo import JsonSource
from flexwatch.ingest.problems import Problem, ReadError
from flexwatch.ingest.xlsx import check_archive, open_sheet

__all__ = ["Format", "ReadError", "Row", "Table", "open_table"]

logger = logging.getLogger(__name__)

KINDS = ("csv", "xlsx", "kobo_json")
_HASH_CHUNK = 1 << 20
_WIDE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class Format:
    """How to read a file, as a profile declares it.

    Attributes:
        kind: ``csv``, ``xlsx`` or ``kobo_json``.
        encoding: ``auto`` or one of ``encodings.ENCODINGS`` (text files).
        delimiter: ``auto`` or one of ``,`` ``;`` tab ``|`` (CSV).
        sheet: the sheet to read (XLSX); None for the first one.
        group_separator: ``/`` for KoboToolbox, ``-`` for ODK Central: each
            header is reduced to the question name after its last separator.
    """

    kind: Literal["csv", "xlsx", "kobo_json"]
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | None = None
    group_separator: str | None = None


@dataclass(frozen=True)
class Row:
    """A record of the table.

    Attributes:
        number: where a person finds it: the CSV line where the record
            begins (the header is line 1 when nothing is above it), the XLSX
            sheet row, the submission's place in the JSON (from 1).
        values: the cell under each column; a missing or empty cell is "".
        problem: why the row does not fit its header, if it does not.
    """

    number: int
    values: dict[str, str]
    problem: Problem | None = None


class Source(Protocol):
    """What each format's reader gives: records of text cells, header first."""

    encoding: str
    # Sheets and JSON leave trailing empty cells out: a short row is no fault.
    short_rows_padded: bool

    @property
    def position(self) -> int: ...

    def records(self) -> Iterator[tuple[int, list[str]]]: ...


class Table:
    """An open table: its columns at once, its rows as they are read.

    Attributes:
        columns: the column names, as ``Row.values`` holds them.
        encoding: the encoding read, detected or declared ("" for XLSX).
        size: the file's size in bytes.
        empty_rows: blank lines and rows of empty cells skipped so far.
    """

    def __init__(
        self, source: Source, fmt: Format, *, name: str, size: int, sha256: str
    ) -> None:
        self._source = source
        self._records = source.records()
        self._layout = columns.layout(self._header(), fmt.group_separator)
        self._name = name
        self._sha256 = sha256
        self.columns = self._layout.columns
        self.encoding = source.encoding
        self.size = size
        self.empty_rows = 0

    @property
    def position(self) -> int:
        """Bytes read so far (for XLSX and JSON, rows read scaled to bytes)."""
        return self._source.position

    @property
    def sha256(self) -> str:
        """The hex SHA-256 digest of the file's bytes."""
        return self._sha256

    def rows(self) -> Iterator[Row]:
        """The rows after the header, once; rows with no value are skipped.

        Raises:
            ReadError: from the first row that cannot be read at all.
        """
        started, count = time.monotonic(), 0
        # Locals, for the common case: a million rows pass here.
        names, width, plain = self.columns, self._layout.width, self._layout.plain
        try:
            for number, cells in self._records:
                if not "".join(cells).strip():
                    self.empty_rows += 1  # a blank line, or a row of empty cells
                    continue
                count += 1
                if plain and len(cells) == width:
                    yield Row(number, dict(zip(names, cells, strict=True)))
                else:
                    yield self._row(number, cells)
        except ReadError as error:
            raise _in_file(error, self._name) from None
        logger.info("read %d rows in %.1f s", count, time.monotonic() - started)

    def _header(self) -> list[str]:
        for _number, cells in self._records:
            if "".join(cells).strip():
                return cells
        raise ReadError(
            Problem(None, "", "", "The table is empty: it has no header row.")
        )

    def _row(self, number: int, cells: list[str]) -> Row:
        values, problem = columns.values(self._layout, number, cells)
        width = self._layout.width
        if len(cells) > width or (
            len(cells) < width and not self._source.short_rows_padded
        ):
            problem = Problem(
                number,
                "",
                "",
                f"This row has {len(cells)} cells, the header has {width}.",
            )
        if problem is not None:
            problem = dataclasses.replace(problem, file=self._name)
        return Row(number, values, problem)


@contextlib.contextmanager
def open_table(
    path: str | Path,
    fmt: Format,
    *,
    name: str | None = None,
    max_unpacked: int = 1 << 30,
) -> Iterator[Table]:
    """Open a file as a table, to be read inside the ``with`` block.

    Args:
        path: the file.
        fmt: how to read it.
        name: the file's name as its owner knows it (an upload is stored
            under another); the name of ``path`` when not given.
        max_unpacked: the most bytes an XLSX archive may unpack to.

    Raises:
        ReadError: the format is not known, or the file is not a table.

    Example:
        >>> with open_table("cases.csv", Format("csv")) as table:  # doctest: +SKIP
        ...     for row in table.rows():
        ...         print(row.number, row.values["gender"], row.problem)
    """
    path = Path(path)
    shown = name or path.name
    with contextlib.ExitStack() as stack:
        try:
            table = _table(path, fmt, stack, shown, max_unpacked)
        except ReadError as error:
            raise _in_file(error, shown) from None
        logger.info(
            "opened a %s table: %d bytes, %d columns",
            fmt.kind,
            table.size,
            len(table.columns),
        )
        yield table


def _table(
    path: Path, fmt: Format, stack: contextlib.ExitStack, name: str, max_unpacked: int
) -> Table:
    _check(fmt)
    size, sha256, wide = _fingerprint(path)

    source: Source
    if fmt.kind == "csv":
        source = stack.enter_context(open_csv(path, fmt.encoding, fmt.delimiter, wide))
    elif fmt.kind == "xlsx":
        check_archive(path, max_unpacked)
        source = stack.enter_context(open_sheet(path, fmt.sheet, size))
    else:
        source = JsonSource(path, fmt.encoding, size)
    return Table(source, fmt, name=name, size=size, sha256=sha256)


def _check(fmt: Format) -> None:
    for setting, value, known in (
        ("kind", fmt.kind, KINDS),
        ("encoding", fmt.encoding, encodings.ENCODINGS),
        ("delimiter", fmt.delimiter, DELIMITERS),
    ):
        if value not in known:
            # A tab or a comma shows only when quoted.
            shown = map(repr, known) if setting == "delimiter" else known
            raise ReadError(
                Problem(
                    None,
                    setting,
                    str(value),
                    f"{value!r} is not a {setting} the readers know.",
                    accepted=", ".join(shown),
                )
            )


def _fingerprint(path: Path) -> tuple[int, str, int | None]:
    """Size, SHA-256 and the offset of the first byte beyond ASCII (if any)."""
    digest, size, wide = hashlib.sha256(), 0, None
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(_HASH_CHUNK):
                digest.update(chunk)
                if wide is None and not chunk.isascii():
                    wide = size + _first_wide(chunk)
                size += len(chunk)
    except OSError as error:
        raise ReadError(
            Problem(None, "", "", f"The file cannot be read: {error.strerror}.")
        ) from None
    return size, digest.hexdigest(), wide


def _first_wide(chunk: bytes) -> int:
    found = _WIDE.search(chunk)
    return found.start() if found else 0


def _in_file(error: ReadError, name: str) -> ReadError:
    return ReadError(dataclasses.replace(error.problem, file=name))
