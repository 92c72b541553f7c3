"""What is wrong with an input, said so that a person can find and fix it.

Pure: no Django, no I/O. A problem names the file, the row and the column of
the source (not of the case record), the value as it was read, what is wrong
and, where there is a list, what would have been accepted.
"""

from dataclasses import dataclass

# A value shown in a report is cut to this length: a report must not become a
# copy of a file that may hold anything.
SHOWN_VALUE = 200


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    value: str
    problem: str
    accepted: str = ""
    file: str = ""

    def shown(self) -> "Problem":
        """The same problem with its value cut to a length fit for a report."""
        if len(self.value) <= SHOWN_VALUE:
            return self
        return Problem(
            self.row,
            self.column,
            self.value[: SHOWN_VALUE - 1] + "…",
            self.problem,
            self.accepted,
            self.file,
        )

    def __str__(self) -> str:
        where = [part for part in (self.file, _row(self.row), self.column) if part]
        place = ", ".join(where)
        return f"{place}: {self.problem}" if place else self.problem


def _row(row: int | None) -> str:
    return "" if row is None else f"row {row}"


class ReadError(Exception):
    """A file that cannot be read as a table at all: nothing of it is used."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))

    def __reduce__(self) -> tuple[type["ReadError"], tuple[Problem]]:
        # Raised in an import's helper process, it crosses to the importer.
        return ReadError, (self.problem,)
