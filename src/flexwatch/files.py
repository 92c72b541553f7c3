"""Files for the command line: input with progress, output all or nothing.

A batch over victims' data must not leave half a result behind: output goes
to a temporary file beside its destination and is moved into place only when
the whole run succeeded. ``-`` stands for standard input or output.
"""

import contextlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

STDIO = "-"
# Lines between two updates of a progress bar: updating it costs more than
# reading a line.
PROGRESS_EVERY = 4096


@contextlib.contextmanager
def lines_of(path: str, console: Console, label: str) -> Iterator[Iterable[str]]:
    """The lines of ``path`` (``-``: standard input), with a progress bar.

    The bar follows the characters read against the file's size, so it is
    drawn for files only; standard input has no size to measure.
    """
    if path == STDIO:
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")
        try:
            yield stdin
        finally:
            stdin.detach()  # leave standard input itself open
        return

    columns = (TextColumn(label), BarColumn(), TextColumn("{task.percentage:>3.0f}%"))
    with (
        open(path, encoding="utf-8", newline="") as stream,
        Progress(*columns, console=console, transient=True) as bar,
    ):
        task = bar.add_task(label, total=os.path.getsize(path) or 1)
        yield _advancing(stream, bar, task)


def _advancing(lines: Iterable[str], bar: Progress, task: TaskID) -> Iterator[str]:
    read = 0
    for number, line in enumerate(lines, start=1):
        read += len(line)
        if number % PROGRESS_EVERY == 0:
            bar.update(task, completed=read)
        yield line


@contextlib.contextmanager
def all_or_nothing(path: str) -> Iterator[io.TextIOBase]:
    """A text file to write that appears at ``path`` only if the block succeeds.

    With ``-`` the text goes to standard output, also only at the end. The
    file is created readable by its owner only, and keeps that mode.
    """
    folder = None if path == STDIO else os.path.dirname(os.path.abspath(path))
    named = ""
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=".flexwatch-", delete=False
        ) as spool:
            named = spool.name
            yield spool  # type: ignore[misc]
        _publish(named, path)
    finally:
        if named and os.path.exists(named):
            os.unlink(named)


def _publish(spool: str, path: str) -> None:
    if path != STDIO:
        os.replace(spool, path)
        return
    with open(spool, encoding="utf-8") as done:
        shutil.copyfileobj(done, sys.stdout)
