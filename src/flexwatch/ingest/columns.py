"""A table's header, checked, and the cells of a row put under it.

KoboToolbox names a question in a group ``group/question`` and ODK Central
``group-question``. A form whose groups were renamed between versions then
exports one question under several headers (``v1/hh_sex``, ``v2/hh_sex``);
with a group separator the header is reduced to the question's own name, and
those headers read as one column. (ODK allows ``-`` inside a name, so a name
such as ``hh-sex`` is cut too: a profile then maps ``sex``.)
"""

from dataclasses import dataclass

from flexwatch.ingest.problems import Problem, ReadError


@dataclass(frozen=True)
class Layout:
    """Where each column of a table takes its cells from.

    Attributes:
        columns: the names the table shows, in order.
        headers: the header cells as read (whitespace and byte order mark
            stripped), one per position.
        sources: for each column, the positions of the header cells it reads;
            more than one only when a group separator joined them.
        unnamed: positions whose header cell is empty.
        width: the number of header cells.
        plain: every position is a column of its own, so that a row of the
            header's width maps by position alone (the quick path).
    """

    columns: list[str]
    headers: list[str]
    sources: dict[str, tuple[int, ...]]
    unnamed: tuple[int, ...]
    width: int
    plain: bool


def layout(header: list[str], separator: str | None = None) -> Layout:
    """The layout of a header row.

    Raises:
        ReadError: a header cell appears twice.
    """
    headers = [cell.lstrip("\ufeff").strip() for cell in header]
    _refuse_twins(headers)

    sources: dict[str, tuple[int, ...]] = {}
    for position, name in enumerate(headers):
        if name:
            column = _question(name, separator)
            sources[column] = (*sources.get(column, ()), position)
    unnamed = tuple(position for position, name in enumerate(headers) if not name)
    plain = not unnamed and len(sources) == len(headers)
    return Layout(list(sources), headers, sources, unnamed, len(headers), plain)


def values(
    layout: Layout, number: int, cells: list[str]
) -> tuple[dict[str, str], Problem | None]:
    """A row's values by column, and what is wrong with them, if anything.

    Cells missing at the end of a short row read as ``""``; cells beyond the
    header are left out (the caller says so). When joined headers hold
    different values, the first is taken and the conflict is the problem.

    Raises:
        ReadError: a cell under an empty header cell holds a value: the
            header is missing a name, and no column can take the value.
    """
    for position in layout.unnamed:
        if position < len(cells) and cells[position].strip():
            raise ReadError(_unnamed(number, position))

    found: dict[str, str] = {}
    problem = None
    for column, positions in layout.sources.items():
        filled = [p for p in positions if p < len(cells) and cells[p].strip()]
        found[column] = cells[filled[0]] if filled else ""
        if problem is None and len({cells[p].strip() for p in filled}) > 1:
            problem = _conflict(number, column, [layout.headers[p] for p in filled])
    return found, problem


def _question(name: str, separator: str | None) -> str:
    if not separator:
        return name
    return name.rsplit(separator, 1)[-1] or name


def _refuse_twins(headers: list[str]) -> None:
    first: dict[str, int] = {}
    for position, name in enumerate(headers, start=1):
        if not name:
            continue
        if name in first:
            raise ReadError(
                Problem(
                    None,
                    name,
                    name,
                    f"The column {name!r} appears twice in the header, at "
                    f"positions {first[name]} and {position}.",
                )
            )
        first[name] = position


def _unnamed(number: int, position: int) -> Problem:
    return Problem(
        number,
        f"column {position + 1}",
        "",
        f"Column {position + 1} has no name in the header, but this row has a "
        "value in it. Give the column a name in the header.",
    )


def _conflict(number: int, column: str, headers: list[str]) -> Problem:
    # The values themselves stay out: any column may hold a name.
    named = ", ".join(repr(header) for header in headers[:-1])
    return Problem(
        number,
        column,
        "",
        f"The columns {named} and {headers[-1]!r} are the same question "
        f"{column!r}, and in this row they hold different values.",
    )
