"""The export tables: their columns, and their rows read from the store by chunks.

Rows are read with ``values()`` from ``iterator(chunk_size=…)`` (a
server-side cursor on PostgreSQL), plus one query a chunk for what hangs off
them (exploitation forms, identification decisions), so a table of any size
passes through in bounded memory, in a number of queries that grows with the
chunks, never with the rows.

A row holds what its reader may see, by the same ``Access`` the case pages
use: a case field outside a sharing grant is empty, persons and observations
outside it are left out, and a sensitive field is filled only when the export
asks for it and the reader's role in the case's owner reads sensitive fields.
``Reader.disclosed`` collects the cases whose sensitive values went out, for
the audit trail.
"""

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models import Field as ModelField
from django.db.models.functions import Coalesce

from flexwatch.accounts.scoping import Access, Scope
from flexwatch.cases.models import Case, ExploitationForm, Observation, Person

CHUNK = 2000
SEPARATOR = "; "

Row = dict[str, Any]
Chunks = Iterator[list[Row]]

# Column kinds by the Django field a column is read from; the rest is text.
_KINDS = {
    "PositiveSmallIntegerField": "integer",
    "DateField": "date",
    "BooleanField": "boolean",
    "DecimalField": "decimal",
}


@dataclass(frozen=True)
class Column:
    """A column of an export: its name and the kind of its values.

    ``kind`` is ``text``, ``integer``, ``decimal``, ``date`` or ``boolean``.
    """

    name: str
    kind: str = "text"


@dataclass(frozen=True)
class Table:
    """An export table: columns, the number of rows, and the rows by chunks."""

    name: str
    columns: tuple[Column, ...]
    total: int
    chunks: Callable[[], Chunks]


@dataclass
class Reader:
    """Who reads an export, and whether they asked for sensitive fields."""

    scope: Scope
    sensitive: bool = False
    disclosed: dict[int, set[int]] = field(default_factory=dict)
    _accesses: dict[int, Access | None] = field(default_factory=dict)

    def access(self, owner_id: int) -> Access | None:
        """The reader's access to the cases of one owner, looked up once."""
        if owner_id not in self._accesses:
            self._accesses[owner_id] = self.scope.access(Case(owner_id=owner_id))
        return self._accesses[owner_id]

    def shows(self, owner_id: int, name: str) -> bool:
        access = self.access(owner_id)
        return access is not None and access.shows(name)

    def sensitive_value(self, owner_id: int, case_id: int, value: str) -> str | None:
        """``value`` if this reader gets it, noting the case when it is not empty."""
        access = self.access(owner_id)
        if not (self.sensitive and access is not None and access.can_read_sensitive):
            return None
        if value:
            self.disclosed.setdefault(owner_id, set()).add(case_id)
        return value


def columns_of(model: type[Model], names: Sequence[str]) -> list[Column]:
    """Columns named for fields of ``model``, of the kinds of those fields."""
    return [Column(name, _kind(model, name)) for name in names]


def _kind(model: type[Model], name: str) -> str:
    found = model._meta.get_field(name)
    internal = found.get_internal_type() if isinstance(found, ModelField) else ""
    return _KINDS.get(internal, "text")


def batches(rows: Iterator[Row], size: int = CHUNK) -> Chunks:
    """``rows`` in lists of ``size``, read from the cursor one list at a time."""
    while batch := list(itertools.islice(rows, size)):
        yield batch


def parts_shown(
    reader: Reader, model: type[Model], cases: QuerySet[Case], part: str
) -> tuple[QuerySet[Any], int]:
    """The rows of ``model`` in ``cases`` the reader may see, and their number.

    Which owners share the part is decided by ``Access``, from one count of
    the rows by owner, so the rows left out are never read.
    """
    rows = model._default_manager.filter(case__in=cases.order_by().values("pk"))
    counts = rows.order_by().values_list("case__owner_id").annotate(n=Count("pk"))
    shown = {owner: n for owner, n in counts if reader.shows(owner, part)}
    return rows.filter(case__owner_id__in=list(shown)), sum(shown.values())


def forms_of(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """The codes of the exploitation forms of some cases, in one query."""
    found = ExploitationForm.objects.filter(case_id__in=list(case_ids))
    forms: dict[int, list[str]] = {}
    for case_id, code in found.order_by("pk").values_list("case_id", "code"):
        forms.setdefault(case_id, []).append(code)
    return forms


# Cases

CASE_FIELDS = (
    "country",
    "region",
    "source_kind",
    "exploitation_began",
    "exploitation_ended",
    "identified_on",
    "registered_on",
    "sector",
    "occupation",
    "recruitment_country",
    "recruitment_channel",
    "recruitment_fees_paid",
    "legal_basis",
    "retention_until",
    "continuum",
)


def _person_count(**only: Any) -> Coalesce:
    persons = Person.objects.filter(case=OuterRef("pk"), **only).order_by()
    counted = persons.values("case").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def cases_table(reader: Reader, cases: QuerySet[Case]) -> Table:
    """One row per case, with its forms joined and its persons counted."""
    columns = [
        Column("case_id", "integer"),
        Column("owner_id", "integer"),
        Column("year", "integer"),
        *columns_of(Case, CASE_FIELDS),
        Column("exploitation_forms"),
        Column("persons", "integer"),
        Column("victims", "integer"),
        Column("is_synthetic", "boolean"),
    ]
    if reader.sensitive:
        columns.append(Column("narrative"))

    def chunks() -> Chunks:
        rows = cases.order_by("pk").values(
            "pk", "owner_id", "year", *CASE_FIELDS, "is_synthetic", "narrative"
        )
        counted = rows.annotate(
            n_persons=_person_count(), n_victims=_person_count(role="victim")
        )
        for batch in batches(counted.iterator(chunk_size=CHUNK)):
            forms = forms_of(row["pk"] for row in batch)
            yield [_case_row(reader, row, forms.get(row["pk"], [])) for row in batch]

    return Table("cases", tuple(columns), cases.order_by().count(), chunks)


def _case_row(reader: Reader, stored: Row, forms: list[str]) -> Row:
    owner, case_id = stored["owner_id"], stored["pk"]

    def shown(name: str, value: Any) -> Any:
        return value if reader.shows(owner, name) else None

    row: Row = {"case_id": case_id, "owner_id": owner, "year": stored["year"]}
    row.update({name: shown(name, stored[name]) for name in CASE_FIELDS})
    row["exploitation_forms"] = shown("exploitation_forms", SEPARATOR.join(forms))
    row["persons"] = shown("persons", stored["n_persons"])
    row["victims"] = shown("persons", stored["n_victims"])
    row["is_synthetic"] = stored["is_synthetic"]
    if reader.sensitive:
        row["narrative"] = reader.sensitive_value(owner, case_id, stored["narrative"])
    return row


# Observations

OBSERVATION_FIELDS = ("indicator", "stage", "status", "source_kind")


def observations_table(reader: Reader, cases: QuerySet[Case]) -> Table:
    """One row per indicator observed (or looked for and not seen) in a case."""
    rows, total = parts_shown(reader, Observation, cases, "observations")
    columns = [
        Column("case_id", "integer"),
        *columns_of(Observation, OBSERVATION_FIELDS),
    ]
    if reader.sensitive:
        columns.append(Column("evidence"))

    def chunks() -> Chunks:
        ordered = rows.order_by("case_id", "indicator", "stage").values(
            "case_id", "case__owner_id", *OBSERVATION_FIELDS, "evidence"
        )
        for batch in batches(ordered.iterator(chunk_size=CHUNK)):
            yield [_observation_row(reader, row) for row in batch]

    return Table("observations", tuple(columns), total, chunks)


def _observation_row(reader: Reader, stored: Row) -> Row:
    row = {"case_id": stored["case_id"]}
    row.update({name: stored[name] for name in OBSERVATION_FIELDS})
    if reader.sensitive:
        owner, case_id = stored["case__owner_id"], stored["case_id"]
        row["evidence"] = reader.sensitive_value(owner, case_id, stored["evidence"])
    return row
