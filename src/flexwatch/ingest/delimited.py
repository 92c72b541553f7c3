"""Records of a delimited text file (CSV), streamed.

The records are parsed by the standard ``csv`` module, strictly, from the
checked lines of ``lines``; a record that spans lines (a quoted cell holding
a line break) is numbered by the line where it begins.
"""

import contextlib
import csv
import itertools
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flexwatch.ingest.encodings import Encoding, choose
from flexwatch.ingest.lines import Lines
from flexwatch.ingest.problems import Problem, ReadError

logger = logging.getLogger(__name__)

DELIMITERS = ("auto", ",", ";", "\t", "|")
# Bytes read ahead from the first byte beyond ASCII to tell encodings apart.
SAMPLE = 1 << 16
# A quoted header cell may hold any delimiter; it does not count.
_QUOTED = re.compile(r'"[^"]*"')


@contextlib.contextmanager
def open_csv(
    path: Path, encoding: str, delimiter: str, wide: int | None
) -> Iterator["CsvSource"]:
    """The records of a delimited file.

    Args:
        path: the file.
        encoding: as declared, or ``auto``.
        delimiter: as declared, or ``auto``.
        wide: the offset of the file's first byte beyond ASCII, if any: the
            sample for detection starts there, however far into the file.

    Raises:
        ReadError: the encoding cannot be used, or the first lines are bad.
    """
    with open(path, "rb") as stream:
        head = stream.read(4)
        sample = b""
        if wide is not None:
            stream.seek(wide)
            sample = stream.read(SAMPLE)
        yield CsvSource(stream, choose(encoding, head, sample), delimiter)


def detect_delimiter(header: str) -> str:
    """The delimiter that occurs most often in a header line; ``,`` on a tie."""
    bare = _QUOTED.sub("", header)
    return max(DELIMITERS[1:], key=bare.count)


class CsvSource:
    """The records of a delimited file, header first.

    Args:
        stream: the file, opened in binary mode.
        encoding: as chosen by ``encodings.choose``.
        delimiter: one of ``DELIMITERS``.
    """

    short_rows_padded = False

    def __init__(self, stream: BinaryIO, encoding: Encoding, delimiter: str) -> None:
        self.encoding = encoding.name
        self._stream = stream
        self._lines = Lines(stream, encoding)
        # Lines read ahead to find the header, to be parsed in their turn.
        self._ahead: list[str] = []

        if delimiter == "auto":
            delimiter = detect_delimiter(self._first_filled_line())
            logger.debug("delimiter detected: %r", delimiter)
        self.delimiter = delimiter

    @property
    def position(self) -> int:
        """Bytes read so far."""
        return self._stream.tell()

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """Each record as its first line's number and its cells.

        Raises:
            ReadError: a quoted cell left open at the end of the file, a quote
                in the wrong place, a cell too long, or a bad line.
        """
        texts = itertools.chain(self._ahead, self._lines)
        reader = csv.reader(texts, delimiter=self.delimiter, strict=True)
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ReadError(self._broken(error, start)) from None
            yield start, cells

    def _first_filled_line(self) -> str:
        for text in self._lines:
            self._ahead.append(text)
            if text.strip():
                return text
        return ""

    def _broken(self, error: csv.Error, start: int) -> Problem:
        text = str(error)
        if self._lines.ended:
            problem = (
                f"A quoted cell that begins in the record on line {start} is not "
                "closed before the end of the file: the file is truncated, or a "
                "quote is missing."
            )
        elif "field larger" in text:
            problem = (
                f"A cell in the record that begins on line {start} is longer than "
                f"{csv.field_size_limit()} characters."
            )
        elif "new-line" in text:
            problem = (
                f"The record that begins on line {start} has a line that ends "
                "with a bare carriage return: save the file with ordinary line "
                "ends."
            )
        else:
            problem = (
                f"The record that begins on line {start} has a quote in the wrong "
                "place: a quoted cell must end with a quote followed by the "
                f"delimiter or the end of the line ({text})."
            )
        return Problem(start, "", "", problem)
