"""Records of one sheet of an XLSX workbook, streamed.

An XLSX file is a zip archive, and a small archive can unpack to gigabytes:
the archive's own table of contents is checked before any of it is unpacked.
The sheet is then read by openpyxl in read-only mode, a row at a time.
"""

import contextlib
import logging
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook

from flexwatch.ingest.cells import text_of
from flexwatch.ingest.problems import Problem, ReadError

logger = logging.getLogger(__name__)

# Worksheet XML compresses well, but not a hundredfold; a member this small
# cannot hurt whatever its ratio.
MAX_RATIO = 100
_SMALL_MEMBER = 1 << 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def check_archive(path: Path, max_unpacked: int) -> None:
    """Refuse a file that is not an XLSX workbook or would unpack too far.

    Raises:
        ReadError: not a zip archive, no workbook inside, more than
            ``max_unpacked`` bytes unpacked, or a member compressed more than
            ``MAX_RATIO`` to one.
    """
    members = _members(path)
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ReadError(_not_a_workbook(path))

    unpacked = sum(member.file_size for member in members)
    if unpacked > max_unpacked:
        raise ReadError(
            _bomb(
                f"it would unpack to {unpacked} bytes, over the limit of {max_unpacked}"
            )
        )
    for member in members:
        if member.file_size > _SMALL_MEMBER and (
            member.file_size > MAX_RATIO * member.compress_size
        ):
            raise ReadError(
                _bomb(
                    f"its part {member.filename} is compressed more than "
                    f"{MAX_RATIO} to one"
                )
            )


@contextlib.contextmanager
def open_sheet(path: Path, sheet: str | None, size: int) -> Iterator["XlsxSource"]:
    """The records of a sheet (the first one when ``sheet`` is None).

    Raises:
        ReadError: the workbook cannot be read, or has no such sheet.
    """
    # The file is opened here, not by openpyxl, which leaves it open when the
    # workbook proves damaged.
    with open(path, "rb") as stream:
        try:
            with _quiet():
                workbook = openpyxl.load_workbook(
                    stream, read_only=True, data_only=True
                )
        except Exception as error:  # openpyxl raises anything on a damaged file
            raise ReadError(_damaged(error)) from None
        try:
            yield XlsxSource(_worksheet(workbook, sheet), size)
        finally:
            workbook.close()


class XlsxSource:
    """The rows of a read-only worksheet as records of text cells."""

    encoding = ""
    short_rows_padded = True

    def __init__(self, worksheet: Any, size: int) -> None:
        # The dimension a file declares may be wrong; openpyxl would stop at
        # it, so it is used only to estimate progress.
        self._declared_rows = worksheet.max_row or 0
        worksheet.reset_dimensions()
        self._worksheet = worksheet
        self._size = size
        self._row = 0

    @property
    def position(self) -> int:
        """Rows read, scaled to the file's size in bytes."""
        if not self._declared_rows:
            return 0
        return min(self._size, self._size * self._row // self._declared_rows)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Each row as its sheet row number and its cells, trailing blanks cut.

        Raises:
            ReadError: the sheet's XML is damaged.
        """
        rows = self._worksheet.iter_rows(values_only=True)
        while True:
            try:
                with _quiet():
                    values = next(rows, None)
            except Exception as error:  # a damaged sheet surfaces while parsed
                raise ReadError(_damaged(error, self._row + 1)) from None
            if values is None:
                return

            self._row += 1
            cells = [text_of(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()
            yield self._row, cells


def _members(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except Exception:  # a damaged archive fails in many ways
        raise ReadError(_not_a_workbook(path)) from None


def _worksheet(workbook: Workbook, sheet: str | None) -> Any:
    worksheets = workbook.worksheets
    if not worksheets:
        raise ReadError(Problem(None, "", "", "The workbook has no worksheet."))
    if sheet is None:
        return worksheets[0]

    for worksheet in worksheets:
        if worksheet.title == sheet:
            return worksheet
    titles = ", ".join(worksheet.title for worksheet in worksheets)
    raise ReadError(
        Problem(
            None,
            "",
            sheet,
            f"The workbook has no sheet named {sheet!r}; it has: {titles}.",
            accepted=titles,
        )
    )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # openpyxl warns of features it drops (extensions, data validation): they
    # carry no data, and tests run with warnings as errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def _not_a_workbook(path: Path) -> Problem:
    with open(path, "rb") as stream:
        old = stream.read(4) == _OLE_MAGIC
    hint = (
        " It looks like an old Excel .xls file or a password-protected workbook: "
        "save it as .xlsx without a password."
        if old
        else ""
    )
    return Problem(None, "", "", f"The file is not an XLSX workbook.{hint}")


def _bomb(why: str) -> Problem:
    return Problem(
        None,
        "",
        "",
        f"The file is refused as a possible zip bomb: {why}.",
    )


def _damaged(error: Exception, row: int | None = None) -> Problem:
    logger.debug("openpyxl failed: %s", type(error).__name__)
    return Problem(
        row,
        "",
        "",
        "The workbook is damaged or not in the XLSX format: it could not be "
        f"read ({type(error).__name__}).",
    )
