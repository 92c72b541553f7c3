"""Writing an export table as CSV, XLSX or Parquet, chunk by chunk.

Each writer takes the table's columns and an iterator of row chunks and holds
one chunk at a time, so memory stays bounded whatever the number of rows.
CSV and XLSX are for spreadsheet programs: their text cells are neutralised
against formula injection (``cases.neutralise``). Parquet is for programs
and keeps every value as it is, typed by its column.
"""

import contextlib
import csv
import io
import logging
import queue
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any, TextIO

import polars as pl
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from polars.io.plugins import register_io_source

from flexwatch.cases.neutralise import neutralise
from flexwatch.cases.tables import Chunks, Column

log = logging.getLogger(__name__)

# Excel, and so the CSV files made for it, read UTF-8 reliably only when the
# file begins with a byte order mark.
BOM = "\ufeff"
# A sheet holds 1,048,576 rows; one is the header.
XLSX_MAX_ROWS = 1_048_575
# Chunks waiting between the reader of the store and the Parquet writer.
PARQUET_QUEUE = 2

_POLARS_TYPES: dict[str, Any] = {
    "text": pl.String,
    "integer": pl.Int64,
    "decimal": pl.Decimal(14, 2),
    "date": pl.Date,
    "boolean": pl.Boolean,
}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(neutralise(value))


def write_csv(
    stream: TextIO | io.TextIOBase, columns: tuple[Column, ...], chunks: Chunks
) -> None:
    """Write a header and the rows as CSV, after a byte order mark.

    Lines end with ``\\n``; a text stream in the platform's newline mode
    gives the platform's line ends, which every CSV reader accepts.
    """
    writer = csv.writer(stream, lineterminator="\n")
    stream.write(BOM)
    writer.writerow([column.name for column in columns])
    for chunk in chunks:
        writer.writerows([_csv_cell(row[c.name]) for c in columns] for row in chunk)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters other than tab and line ends make a workbook
        # that Excel refuses to open.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def write_xlsx(
    path: str, columns: tuple[Column, ...], chunks: Chunks, sheet: str
) -> None:
    """Write a workbook of one sheet, streaming rows to disk (write-only mode).

    Dates, numbers and booleans stay typed cells; text is neutralised.
    """
    book = Workbook(write_only=True)
    rows = book.create_sheet(sheet)
    rows.freeze_panes = "A2"
    rows.append([column.name for column in columns])
    try:
        for chunk in chunks:
            for row in chunk:
                rows.append([_xlsx_cell(row[c.name]) for c in columns])
    finally:
        # Saving closes the sheet's writer and deletes its temporary file,
        # failure or not; the caller removes the workbook of a failed export.
        book.save(path)


def parquet_schema(columns: tuple[Column, ...]) -> dict[str, Any]:
    """The polars type of each column."""
    return {column.name: _POLARS_TYPES[column.kind] for column in columns}


def write_parquet(path: str, columns: tuple[Column, ...], chunks: Chunks) -> None:
    """Write one Parquet file while the chunks are still being read.

    polars' streaming engine sinks a lazy frame whose source is a generator
    of chunk frames (``register_io_source``). The engine pulls that generator
    on threads of its own, where Django's per-thread database connection is
    not the one reading the store; so the chunks are read here, on the
    caller's thread, and handed to the sink through a queue of
    ``PARQUET_QUEUE`` frames. Memory holds those frames and the engine's
    row group buffer, never the whole table.

    Raises:
        Whatever reading the chunks raised, or what polars raised writing.
    """
    schema = parquet_schema(columns)
    sink = _ParquetSink(path, schema)
    sink.start()
    try:
        for chunk in chunks:
            sink.hand_over(pl.DataFrame(chunk, schema=schema, orient="row"))
    except BaseException:
        sink.abort()
        raise
    sink.finish()


class _Aborted(Exception):
    """The reader of the store failed: the sink must not finish the file."""


class _ParquetSink(threading.Thread):
    def __init__(self, path: str, schema: dict[str, Any]) -> None:
        super().__init__(name="parquet-sink", daemon=True)
        self.path = path
        self.schema = schema
        self.frames: queue.Queue[pl.DataFrame | BaseException | None] = queue.Queue(
            PARQUET_QUEUE
        )
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            lazy = register_io_source(self._source, schema=self.schema)
            lazy.sink_parquet(self.path, engine="streaming")
        except BaseException as failure:
            self.failure = failure

    def _source(
        self,
        with_columns: list[str] | None,
        predicate: Any,
        n_rows: int | None,
        batch_size: int | None,
    ) -> Iterator[pl.DataFrame]:
        while (frame := self.frames.get()) is not None:
            if isinstance(frame, BaseException):
                raise _Aborted("the export stopped before its last row")
            yield frame.select(with_columns) if with_columns else frame

    def hand_over(self, item: pl.DataFrame | BaseException | None) -> None:
        # Wait while the queue is full, but not for a sink that has died.
        while True:
            try:
                self.frames.put(item, timeout=0.2)
                return
            except queue.Full:
                if not self.is_alive():
                    stopped = RuntimeError("The Parquet writer stopped.")
                    raise self.failure or stopped from None

    def abort(self) -> None:
        # The caller re-raises its own error; a dead sink's matters less.
        with contextlib.suppress(Exception):
            self.hand_over(_Aborted())
        self.join()

    def finish(self) -> None:
        self.hand_over(None)
        self.join()
        if self.failure is not None:
            log.warning("writing %s failed: %s", self.path, self.failure)
            raise self.failure
