"""Submissions from the KoboToolbox API, as JSON, turned into records.

The API answers ``{"count": ..., "results": [...]}``; a saved list of
submissions is accepted as well. Submissions of different form versions hold
different questions, so the columns are every key met, in the order first
met, and the whole file is read before the first row (an API page is a few
megabytes at most).
"""

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flexwatch.ingest.cells import text_of
from flexwatch.ingest.encodings import Encoding, choose
from flexwatch.ingest.problems import Problem, ReadError

logger = logging.getLogger(__name__)

_COMPACT = (",", ":")


class JsonSource:
    """The submissions of a KoboToolbox JSON file, the keys as the header.

    Args:
        path: the file.
        declared: the encoding a profile declares, or ``auto`` (JSON is
            UTF-8 unless it says otherwise with a byte order mark).
        size: the file's size in bytes, for the progress estimate.

    Raises:
        ReadError: not JSON, or not a list of submissions.
    """

    short_rows_padded = True

    def __init__(self, path: Path, declared: str, size: int) -> None:
        data = path.read_bytes()
        encoding = choose(declared, data[:4], b"")
        self.encoding = encoding.name
        submissions = _submissions(_parsed(data, encoding))

        self.columns = _keys(submissions)
        try:
            self._records = [_cells(self.columns, each) for each in submissions]
        except RecursionError:
            raise ReadError(_wrong("it is nested too deep")) from None
        self._size = size
        self._read = 0

    @property
    def position(self) -> int:
        """Submissions read, scaled to the file's size in bytes."""
        if not self._records:
            return self._size
        return self._size * self._read // len(self._records)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """The keys first, then each submission numbered from 1."""
        yield 0, list(self.columns)
        for number, cells in enumerate(self._records, start=1):
            self._read = number
            yield number, cells


def _parsed(data: bytes, encoding: Encoding) -> Any:
    try:
        return json.loads(data[encoding.bom :].decode(encoding.codec))
    except UnicodeDecodeError as error:
        raise ReadError(
            _wrong(f"byte offset {error.start + encoding.bom} is not {encoding.name}")
        ) from None
    except json.JSONDecodeError as error:
        raise ReadError(
            _wrong(f"line {error.lineno}, column {error.colno}: {error.msg}")
        ) from None
    except ValueError:  # Python refuses integers of over 4300 digits
        raise ReadError(_wrong("a number in it is too long")) from None
    except RecursionError:
        raise ReadError(_wrong("it is nested too deep")) from None


def _submissions(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("results"), list):
        document = document["results"]
    if not isinstance(document, list):
        raise ReadError(
            Problem(
                None,
                "",
                "",
                "The JSON is not a list of submissions: expected a list of "
                'objects, or an object with a "results" list as the KoboToolbox '
                "API gives.",
            )
        )
    if not document:
        raise ReadError(Problem(None, "", "", "The JSON holds no submissions."))

    for number, submission in enumerate(document, start=1):
        if not isinstance(submission, dict):
            raise ReadError(
                Problem(
                    number,
                    "",
                    "",
                    f"Submission {number} is a JSON {type(submission).__name__}, "
                    "not an object of questions and answers.",
                )
            )
    return document


def _keys(submissions: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for submission in submissions:
        seen.update(dict.fromkeys(submission))
    return list(seen)


def _cells(columns: list[str], submission: dict[str, Any]) -> list[str]:
    return [_text(submission.get(column)) for column in columns]


def _text(value: Any) -> str:
    if isinstance(value, dict | list) and not value:
        return ""
    if isinstance(value, dict) or (
        isinstance(value, list) and any(isinstance(i, dict | list) for i in value)
    ):
        return json.dumps(value, ensure_ascii=False, separators=_COMPACT)
    if isinstance(value, list):
        # Select-multiple answers and coordinates come as lists of scalars.
        return " ".join(_text(item) for item in value).strip()
    return text_of(value)


def _wrong(where: str) -> Problem:
    return Problem(None, "", "", f"The file is not valid JSON: {where}.")
