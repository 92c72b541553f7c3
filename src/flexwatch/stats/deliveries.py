"""Tables delivered to Eurostat and UNODC, in the collections' own categories.

A national rapporteur sends the same counts every year in the layouts the
collections ask for. The layouts are data beside this module,
``layouts.yaml``: for each, its collection, title, date basis, citation, and
the dimension of its rows and of its columns with how the project's
categories map onto the collection's. The loader refuses a file naming a
dimension or category the tables do not produce, and says which file and
line::

    from flexwatch.stats.deliveries import deliver, write_xlsx

    result = deliver("crim_thb_vexp", victims, country="FI", year=2023)
    result.table      # form_group, sex, value, flag (long form, with totals)
    write_xlsx(result, "FI_2023_crim_thb_vexp.xlsx")

Counts from 1 to ``threshold - 1`` are flagged ``c`` (confidential), not
suppressed: a statistical office receives every figure and applies its own
disclosure control, so a delivery must not hide any. Tables published by the
project itself pass ``stats.disclosure`` instead.

The counts are those of ``stats.tables.registered_victims``, or, for the
layouts of persons in proceedings, of
``stats.proceedings.suspects_prosecuted_convicted`` over the legal events
under trafficking provisions; nothing here counts persons again. Writing
the files is the only I/O, and each write is all or nothing.
"""

import csv
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import polars as pl
import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from flexwatch import vocab
from flexwatch.cases.neutralise import neutralise
from flexwatch.stats.definitions import (
    OTHER,
    DefinitionError,
    line_of,
    offences,
    registered,
    scalar,
)
from flexwatch.stats.proceedings import SUSPECT, suspects_prosecuted_convicted
from flexwatch.stats.tables import (
    BASES,
    COUNT,
    PER_FORM,
    REASONS,
    UNKNOWN,
    Basis,
    check_columns,
    leave_out,
    registered_victims,
)

log = logging.getLogger(__name__)

TOTAL = "total"
VALUE = "value"
FLAG = "flag"
CONFIDENTIAL = "c"
LAYOUT_KEYS = (
    "collection",
    "title",
    "table",
    "date_basis",
    "rows",
    "columns",
    "citation",
)
REGISTERED = "registered_victims"
PERSONS = "persons_in_proceedings"
# The legal statuses of persons in proceedings, as the proceedings table
# counts them: each includes the next.
LEGAL_STATUS = "legal_status"
STATUSES = ("suspected", "prosecuted", "convicted")
# The year of a person in proceedings is their case's own year.
CASE_YEAR = "case_year"
# Excel reads UTF-8 reliably only in a file that begins with a byte order
# mark (as the case exports do).
BOM = "\ufeff"
DEFINITION = (
    "A registered victim is a person formally identified as a victim by the"
    " relevant authority, one who met the criteria of Directive 2011/36/EU"
    " without being formally identified, or one who declined formal"
    " identification."
)
LEFT_OUT_REASONS: Mapping[str, str] = {
    **REASONS,
    "not_a_suspect": "the person is not a suspect (a victim's legal events)",
    "other_offence": "none of the person's legal events is under a"
    " trafficking provision of offences.yaml",
    "other_year": "the case's date on the layout's basis is in another year, "
    "or not recorded",
}


def _forms_by(attribute: str) -> Callable[[], tuple[str, ...]]:
    def produced() -> tuple[str, ...]:
        forms = vocab.vocabulary("exploitation_form")
        groups = {str(forms.attribute(code, attribute)) for code in forms.codes}
        return (*sorted(groups), UNKNOWN)

    return produced


# The dimensions a layout can arrange, and the categories each produces.
PRODUCED: Mapping[str, Callable[[], tuple[str, ...]]] = {
    "sex": lambda: vocab.vocabulary("sex").codes,
    "age_category": lambda: vocab.vocabulary("age_category").codes,
    "citizenship_group": lambda: vocab.vocabulary("citizenship_group").codes,
    "citizenship": lambda: vocab.vocabulary("citizenship").codes,
    "form_group": _forms_by("eurostat_group"),
    "eurostat_form": _forms_by("eurostat_form"),
    LEGAL_STATUS: lambda: STATUSES,
}
# The tables a layout can be built from: the dimensions and date bases each
# can arrange.
TABLES: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    REGISTERED: (tuple(d for d in PRODUCED if d != LEGAL_STATUS), tuple(BASES)),
    PERSONS: ((LEGAL_STATUS, "sex"), (CASE_YEAR,)),
}
# A layout's categories given as this word are every category the
# dimension produces, each under its own code (countries of citizenship).
EACH = "each"


class DeliveryError(ValueError):
    """A delivery cannot be made as asked; the message says what is accepted."""


@dataclass(frozen=True)
class Axis:
    """One side of a layout: a dimension and the collection's categories.

    Attributes:
        dimension: the dimension of the registered victims table.
        categories: each category of the collection, in the layout's order,
            and the project's categories it gathers.
    """

    dimension: str
    categories: Mapping[str, tuple[str, ...]]

    def collection_category(self) -> dict[str, str]:
        """Each project category and the collection's category it falls in."""
        return {
            ours: theirs
            for theirs, gathered in self.categories.items()
            for ours in gathered
        }


@dataclass(frozen=True)
class Layout:
    """A table a collection asks for, as ``layouts.yaml`` describes it."""

    name: str
    collection: str
    title: str
    table: str
    date_basis: str
    rows: Axis
    columns: Axis
    citation: str


@dataclass(frozen=True)
class Delivery:
    """A layout's table for one country and year, with its account.

    Attributes:
        layout: the layout delivered.
        country: the reporting country.
        year: the reference year.
        threshold: counts from 1 to ``threshold - 1`` are flagged.
        table: long form: the rows' dimension, the columns' dimension, then
            ``value`` and ``flag``; every category and ``total`` on each side.
        victims: distinct persons counted: registered victims, or persons
            in proceedings for a layout of ``persons_in_proceedings``.
        left_out: persons of the frame not counted, by reason
            (``LEFT_OUT_REASONS``).
        date_column: the case date the year is taken from.
        notes: sentences a reader needs.
    """

    layout: Layout
    country: str
    year: int
    threshold: int
    table: pl.DataFrame
    victims: int
    left_out: Mapping[str, int]
    date_column: str
    notes: tuple[str, ...]

    @property
    def citation(self) -> str:
        """The source the layout cites."""
        return self.layout.citation


@cache
def layouts() -> Mapping[str, Layout]:
    """The package's delivery layouts, read once.

    Raises:
        DefinitionError: ``layouts.yaml`` is malformed.
    """
    path = resources.files("flexwatch.stats").joinpath("layouts.yaml")
    return load_layouts(path.read_text(encoding="utf-8"), str(path))


def load_layouts(text: str, where: str) -> dict[str, Layout]:
    """Read delivery layouts from the text of a YAML file.

    Args:
        text: the file's content.
        where: the file's name, for messages.

    Raises:
        DefinitionError: the text is not the expected mapping, names a table,
            date basis or dimension that does not exist, or maps a category
            the table does not produce, or leaves one out.
    """
    root = _compose(text, where)
    entries = _keyed(root, where, ("version", "layouts"))
    found = {}
    for key, node in _mapping(entries["layouts"], where).items():
        found[key] = _layout(key, node, where)
    log.debug("Read %s: %d layouts", where, len(found))
    return found


def _layout(name: str, node: yaml.Node, where: str) -> Layout:
    entries = _keyed(node, where, LAYOUT_KEYS)
    table = _choice(entries["table"], where, tuple(TABLES), "table")
    dimensions, bases = TABLES[table]
    basis = _choice(entries["date_basis"], where, bases, f"date basis of {table}")
    rows = _axis(entries["rows"], where, dimensions)
    columns = _axis(entries["columns"], where, dimensions)
    if rows.dimension == columns.dimension:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {name} has {rows.dimension} on both sides."
        )
    return Layout(
        name=name,
        collection=scalar(entries["collection"], where),
        title=scalar(entries["title"], where),
        table=table,
        date_basis=basis,
        rows=rows,
        columns=columns,
        citation=scalar(entries["citation"], where),
    )


def _axis(node: yaml.Node, where: str, dimensions: tuple[str, ...]) -> Axis:
    entries = _keyed(node, where, ("dimension", "categories"))
    dimension = _choice(entries["dimension"], where, dimensions, "dimension")
    produced = PRODUCED[dimension]()
    listed = entries["categories"]
    if isinstance(listed, yaml.ScalarNode) and listed.value == EACH:
        return Axis(dimension, {code: (code,) for code in produced})

    categories: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for theirs, listed in _mapping(entries["categories"], where).items():
        if not isinstance(listed, yaml.SequenceNode) or not listed.value:
            raise DefinitionError(
                f"{where}, line {line_of(listed)}: {theirs} must list the "
                f"{dimension} categories it gathers."
            )
        gathered = tuple(
            _category(item, where, dimension, produced, seen) for item in listed.value
        )
        # A victim counted under several forms would count twice in a
        # category gathering two of them.
        if dimension in PER_FORM and len(gathered) > 1:
            raise DefinitionError(
                f"{where}, line {line_of(listed)}: a {dimension} category of the "
                "collection can gather only one of the project's."
            )
        categories[theirs] = gathered

    if missing := [code for code in produced if code not in seen]:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {', '.join(missing)} of {dimension} "
            "must be mapped to a category of the collection."
        )
    return Axis(dimension, categories)


def _category(
    node: yaml.Node,
    where: str,
    dimension: str,
    produced: tuple[str, ...],
    seen: set[str],
) -> str:
    code = scalar(node, where)
    if code not in produced:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {code!r} is not a category of "
            f"{dimension}; the categories are: {', '.join(produced)}."
        )
    if code in seen:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {code!r} is mapped twice."
        )
    seen.add(code)
    return code


def _choice(node: yaml.Node, where: str, allowed: tuple[str, ...], what: str) -> str:
    value = scalar(node, where)
    if value not in allowed:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: {value!r} is not a {what}; use one "
            f"of {', '.join(allowed)}."
        )
    return value


def _compose(text: str, where: str) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise DefinitionError(f"{where}{line}: not valid YAML ({error}).") from error
    if root is None:
        raise DefinitionError(f"{where}: the file is empty.")
    return root


def _mapping(node: yaml.Node, where: str) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode) or not node.value:
        raise DefinitionError(
            f"{where}, line {line_of(node)}: expected a mapping of at least one key."
        )
    return {scalar(key, where): value for key, value in node.value}


def _keyed(node: yaml.Node, where: str, keys: tuple[str, ...]) -> dict[str, yaml.Node]:
    entries = _mapping(node, where)
    if sorted(entries) != sorted(keys):
        raise DefinitionError(
            f"{where}, line {line_of(node)}: expected the keys {', '.join(keys)}; "
            f"found {', '.join(entries)}."
        )
    return entries


# Building a delivery


def deliver(
    layout_name: str,
    frame: pl.DataFrame,
    *,
    country: str,
    year: int,
    threshold: int = 5,
) -> Delivery:
    """Build a layout's table for one reporting country and year.

    Every category of the layout has a cell, zero where nobody is counted,
    and each side has a ``total``. A total counts distinct persons, so in a
    layout by form of exploitation a victim of several forms, and in one by
    legal status a person both suspected and convicted, make the cells add
    up to more than the total (the notes say so). Cells from 1 to
    ``threshold - 1`` are flagged ``c`` and kept: a statistical office
    applies its own disclosure control and must receive every figure.

    Args:
        layout_name: a layout of ``layouts.yaml``.
        frame: the frame of ``stats.frames.victims`` for a layout of
            registered victims, of ``stats.frames.proceedings`` for one of
            persons in proceedings (``Layout.table`` says which).
        country: the reporting country; only its cases are counted.
        year: the reference year, on the layout's date basis.
        threshold: the smallest count not flagged confidential.

    Returns:
        The table with its account: what was counted and left out, the
        date basis, notes, and the layout with its citation.

    Raises:
        DeliveryError: an unknown layout, a threshold below 1, or a category
            in the frame that the layout does not map.
        TableError: the frame lacks a column the table needs.
    """
    layout = _layout_named(layout_name)
    if threshold < 1:
        raise DeliveryError(f"The threshold must be at least 1, not {threshold}.")

    rows, columns = layout.rows.dimension, layout.columns.dimension
    source = _Source.of(layout, frame, country)
    count = _counter(layout, source, year)
    cells = pl.concat(
        [count((rows, columns)), count((rows,)), count((columns,)), count(())],
        how="diagonal",
    ).fill_null(TOTAL)
    table = _complete(cells, layout).with_columns(_flag(threshold))

    counted = int(table.filter(_is_total(layout))[VALUE].item())
    left_out = {**source.left_out}
    if other := source.persons - counted:
        left_out["other_year"] = other
    return Delivery(
        layout=layout,
        country=country,
        year=year,
        threshold=threshold,
        table=table,
        victims=counted,
        left_out=left_out,
        date_column=source.date_column,
        notes=_notes(layout, source.date_column, threshold),
    )


@dataclass(frozen=True)
class _Source:
    """What a layout counts from: a count by dimensions, for every year.

    ``count(by)`` gives ``year``, the dimensions ``by`` and ``victims`` (a
    count of distinct persons); ``persons`` is how many it counts in all
    years, ``left_out`` the persons of the frame it does not count.
    """

    count: Callable[[tuple[str, ...]], pl.DataFrame]
    persons: int
    left_out: Mapping[str, int]
    date_column: str

    @classmethod
    def of(cls, layout: Layout, frame: pl.DataFrame, country: str) -> "_Source":
        if layout.table == PERSONS:
            return cls._persons(frame, country)

        def count(by: tuple[str, ...]) -> pl.DataFrame:
            return registered_victims(
                frame,
                date_basis=_basis(layout.date_basis),
                by=("year", *by),
                reporting_country=country,
            ).counts

        whole = registered_victims(
            frame,
            date_basis=_basis(layout.date_basis),
            by=("year",),
            reporting_country=country,
        )
        return cls(count, whole.victims, whole.left_out, whole.date_column)

    @classmethod
    def _persons(cls, frame: pl.DataFrame, country: str) -> "_Source":
        """Suspects of trafficking offences, by the steps their cases reached."""
        kept, left_out = _trafficking_suspects(frame, country)

        def count(by: tuple[str, ...]) -> pl.DataFrame:
            plain = tuple(name for name in by if name != LEGAL_STATUS)
            counts = suspects_prosecuted_convicted(kept, by=("year", *plain)).counts
            if LEGAL_STATUS not in by:
                return counts.select("year", *plain, pl.col(STATUSES[0]).alias(COUNT))
            return counts.unpivot(
                on=list(STATUSES),
                index=["year", *plain],
                variable_name=LEGAL_STATUS,
                value_name=COUNT,
            )

        return cls(count, kept["person_id"].n_unique(), left_out, "year")


def _basis(basis: str) -> Basis:
    """A layout's date basis of registered victims, as the table takes it."""
    return cast(Basis, basis)


def _trafficking_suspects(
    frame: pl.DataFrame, country: str
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The legal events under trafficking provisions of the country's suspects.

    Eurostat's and UNODC's collections count persons in proceedings for
    trafficking, so a suspect with no event under a trafficking provision
    of ``offences.yaml`` is left out (``other_offence``), and only the
    trafficking events of the others decide how far their cases went.
    """
    check_columns(frame, {"person_id", "is_synthetic", "country", "role", "provision"})
    categories = dict(offences().categories)
    trafficking = (
        pl.col("provision")
        .replace_strict(categories, default=OTHER, return_dtype=pl.String)
        .eq("trafficking")
    )
    charged = frame.filter(trafficking)["person_id"].unique().implode()
    tests = {
        "synthetic": pl.col("is_synthetic").fill_null(False),
        "other_country": pl.col("country").ne_missing(country),
        "not_a_suspect": pl.col("role").ne_missing(SUSPECT),
        "other_offence": ~pl.col("person_id").is_in(charged),
    }
    kept, left_out = leave_out(frame, tests, "person_id")
    return kept.filter(trafficking), left_out


def _layout_named(name: str) -> Layout:
    known = layouts()
    if name not in known:
        raise DeliveryError(
            f"{name!r} is not a delivery layout; the layouts are: {', '.join(known)}."
        )
    return known[name]


def _counter(
    layout: Layout, source: _Source, year: int
) -> Callable[[tuple[str, ...]], pl.DataFrame]:
    """A function counting the year's persons by some of the layout's sides,
    in the collection's categories."""
    axes = {axis.dimension: axis for axis in (layout.rows, layout.columns)}

    def count(by: tuple[str, ...]) -> pl.DataFrame:
        cells = source.count(by).filter(pl.col("year") == year).drop("year")
        for name in by:
            cells = cells.with_columns(_mapped(cells[name], axes[name]))
        return cells.group_by(list(by)).agg(pl.col(COUNT).sum().alias(VALUE))

    return count


def _mapped(codes: pl.Series, axis: Axis) -> pl.Series:
    mapping = axis.collection_category()
    if unmapped := sorted(set(codes.to_list()) - set(mapping)):
        raise DeliveryError(
            f"{', '.join(map(repr, unmapped))} of {axis.dimension} is not "
            f"mapped by the layout; it maps {', '.join(mapping)}."
        )
    return codes.replace_strict(mapping, return_dtype=pl.String)


def _complete(cells: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """Every cell of the layout in its order, zero where none was counted."""
    rows, columns = layout.rows.dimension, layout.columns.dimension
    grid = pl.DataFrame(
        [
            (row, column)
            for row in (*layout.rows.categories, TOTAL)
            for column in (*layout.columns.categories, TOTAL)
        ],
        schema={rows: pl.String, columns: pl.String},
        orient="row",
    )
    if cells.is_empty():
        cells = pl.DataFrame(
            schema={rows: pl.String, columns: pl.String, VALUE: pl.Int64}
        )
    filled = grid.join(
        cells.select(rows, columns, VALUE), on=[rows, columns], how="left"
    )
    return filled.with_columns(pl.col(VALUE).fill_null(0).cast(pl.Int64))


def _flag(threshold: int) -> pl.Expr:
    small = pl.col(VALUE).is_between(1, threshold - 1)
    return pl.when(small).then(pl.lit(CONFIDENTIAL)).otherwise(pl.lit("")).alias(FLAG)


def _is_total(layout: Layout) -> pl.Expr:
    return (pl.col(layout.rows.dimension) == TOTAL) & (
        pl.col(layout.columns.dimension) == TOTAL
    )


def _notes(layout: Layout, date_column: str, threshold: int) -> tuple[str, ...]:
    persons = layout.table == PERSONS
    notes = [
        "The year is the case's own year."
        if persons
        else f"The year is the year of the case's {date_column}.",
        f"Counts from 1 to {threshold - 1} are flagged {CONFIDENTIAL}"
        " (confidential) and delivered, not suppressed.",
        "Unknown is delivered as a category; "
        + "; ".join(_gathered(axis) for axis in (layout.rows, layout.columns))
        + ".",
    ]
    if {layout.rows.dimension, layout.columns.dimension} & set(PER_FORM):
        notes.append(
            "A victim of a case with several forms of exploitation is counted"
            " once under each, so the cells can add up to more than the total,"
            " which counts each victim once."
        )
    if persons:
        notes += _persons_notes(layout)
    return tuple(notes)


def _persons_notes(layout: Layout) -> list[str]:
    notes = [
        "Suspects of trafficking are counted: persons with a legal event"
        " under a trafficking provision of the offences file; a conviction"
        " under another provision than the event's is not counted as one.",
    ]
    if LEGAL_STATUS in (layout.rows.dimension, layout.columns.dimension):
        notes.append(
            "The statuses nest: a convicted person is counted as prosecuted"
            " and suspected as well, so the cells add up to more than the"
            " total, which counts each person once."
        )
    return notes


def _gathered(axis: Axis) -> str:
    merged = [
        f"{theirs} gathers {', '.join(ours)}"
        for theirs, ours in axis.categories.items()
        if len(ours) > 1
    ]
    return f"{axis.dimension}: {', '.join(merged) or 'one category for one'}"


# Writing a delivery


def write_csv(result: Delivery, path: str | os.PathLike[str]) -> None:
    """Write the table in long form as CSV, with a byte order mark.

    The columns are the country, the year, the layout's two dimensions,
    ``value`` and ``flag``. The file appears whole or not at all.
    """

    def write(spool: Path) -> None:
        with spool.open("w", encoding="utf-8", newline="") as out:
            out.write(BOM)
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["country", "year", *result.table.columns])
            for row in result.table.iter_rows():
                writer.writerow([result.country, result.year, *map(neutralise, row)])

    _atomically(Path(path), write)


def write_xlsx(result: Delivery, path: str | os.PathLike[str]) -> None:
    """Write a workbook of the table as the layout arranges it, and notes.

    The first sheet has a row per row category and, for each column
    category, the value and beside it its flag: a value stays a number a
    spreadsheet can add, where Eurostat's own files join the two ("3 c").
    The second sheet has the source, date basis, definition, what was left
    out and the legend of flags. The file appears whole or not at all.
    """

    def write(spool: Path) -> None:
        book = Workbook(write_only=True)
        table = book.create_sheet("table")
        table.freeze_panes = "B2"
        notes = book.create_sheet("notes")
        try:
            for row in _arranged(result):
                table.append(row)
            for line in _notes_sheet(result):
                notes.append([_xlsx_cell(value) for value in line])
        finally:
            # Saving closes the sheets' temporary files, failure or not; the
            # spool of a failed write is then removed.
            book.save(spool)

    _atomically(Path(path), write)


def _arranged(result: Delivery) -> Iterator[list[Any]]:
    layout = result.layout
    rows, columns = layout.rows.dimension, layout.columns.dimension
    categories = (*layout.columns.categories, TOTAL)
    yield [rows, *(name for c in categories for name in (c, f"{c} {FLAG}"))]
    for row in (*layout.rows.categories, TOTAL):
        cells = result.table.filter(pl.col(rows) == row)
        by_column = {
            c: (v, f) for c, v, f in cells.select(columns, VALUE, FLAG).iter_rows()
        }
        yield [row, *(part for c in categories for part in by_column[c])]


def _notes_sheet(result: Delivery) -> Iterator[tuple[str, Any]]:
    layout = result.layout
    yield ("layout", layout.name)
    yield ("title", layout.title)
    yield ("collection", layout.collection)
    yield ("source", layout.citation)
    yield ("reporting country", result.country)
    yield ("reference year", result.year)
    yield ("date basis", f"{layout.date_basis} ({result.date_column})")
    if layout.table == PERSONS:
        yield ("offences counted", f"trafficking: {offences().source}")
        yield ("persons counted", result.victims)
    else:
        yield ("registered victim", DEFINITION)
        yield ("counted as registered", ", ".join(sorted(registered().statuses)))
        yield ("victims counted", result.victims)
    for reason, persons in result.left_out.items():
        yield (f"left out: {reason}", f"{persons} ({LEFT_OUT_REASONS[reason]})")
    yield (
        f"flag {CONFIDENTIAL}",
        f"confidential: a count from 1 to {result.threshold - 1}",
    )
    for note in result.notes:
        yield ("note", note)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        # Control characters make a workbook Excel refuses to open.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _atomically(destination: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a spool file beside ``destination``, then rename it.

    A rename within one folder is atomic, so a reader sees the old file or
    the new one, never a part; a failed write leaves no spool behind.
    """
    descriptor, name = tempfile.mkstemp(dir=destination.parent, suffix=".part")
    os.close(descriptor)
    spool = Path(name)
    try:
        write(spool)
        os.replace(spool, destination)
    finally:
        spool.unlink(missing_ok=True)
    log.info("Wrote %s", destination)
