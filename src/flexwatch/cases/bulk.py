"""Many new cases at once, for imports: the same checked records, fewer queries.

``actions.create`` writes one case in about ten queries, and the ORM's
``bulk_create`` spends more time compiling each row than the database spends
storing it. An import of a year's records goes through here instead: ids are
reserved first, so a batch's cases and all their parts are written with one
statement per table (``COPY`` on PostgreSQL, ``executemany`` on SQLite),
with the values converted once per column kind rather than per field.

The caller holds the transaction and writes the audit entry for the whole
batch (an import writes one for its run); the rights are checked here as in
``actions``.
"""

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.utils import timezone

from flexwatch.accounts.actions import Actor
from flexwatch.accounts.models import Organisation
from flexwatch.cases import actions, documents, screening
from flexwatch.cases.models import (
    AssistanceEvent,
    Case,
    ExploitationForm,
    IdentificationDecision,
    LegalEvent,
    Observation,
    Person,
)
from flexwatch.cases.record import CaseIn

Convert = Callable[[Any], Any]


@dataclass
class NewCase:
    """A checked record, its pseudonyms already made, and the case's flags.

    ``continuum`` is the case's level of the continuum when the caller has
    it already (an import's helper process works it out); else it is
    worked out here.
    """

    data: CaseIn
    source_reference: str = ""
    pseudonyms: Sequence[str] = ()
    flags: dict[str, Any] = field(default_factory=dict)
    continuum: str = ""


def create_many(
    actor: Actor, owner: Organisation, batch: Sequence[NewCase]
) -> list[list[int]]:
    """Store ``batch`` as new cases of ``owner``; return each case's person ids.

    Must run inside a transaction (``transaction.atomic``): ids are reserved
    under its lock.

    Raises:
        ActionRefused: the actor may not edit the owner's records.
    """
    actions.require_editor(actor, owner.pk)
    case_ids = reserve(Case, len(batch))
    now = timezone.now()
    insert(
        Case,
        (
            _case(actor, owner, item, pk, now)
            for pk, item in zip(case_ids, batch, strict=True)
        ),
        ids=True,
    )
    insert(
        ExploitationForm,
        (
            {"case_id": pk, "code": code}
            for pk, item in zip(case_ids, batch, strict=True)
            for code in item.data.exploitation_forms
        ),
    )
    insert(
        Observation,
        (
            _part(documents.OBSERVATION_FIELDS, observation, case_id=pk)
            for pk, item in zip(case_ids, batch, strict=True)
            for observation in item.data.observations
        ),
    )
    return _persons(case_ids, batch)


def _case(
    actor: Actor, owner: Organisation, item: NewCase, pk: int, now: Any
) -> dict[str, Any]:
    data = item.data
    values = {name: getattr(data, name) for name in documents.CASE_FIELDS}
    return {
        **values,
        "id": pk,
        "owner_id": owner.pk,
        "created_by_id": actor.user.pk,
        "year": data.year,
        "source_reference": item.source_reference,
        "continuum": item.continuum or screening.record_level(data),
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **item.flags,
    }


def _persons(case_ids: list[int], batch: Sequence[NewCase]) -> list[list[int]]:
    total = sum(len(item.data.persons) for item in batch)
    person_ids = iter(reserve(Person, total))
    persons: list[list[int]] = []
    rows: list[dict[str, Any]] = []
    parts: list[tuple[int, Any]] = []
    for case_id, item in zip(case_ids, batch, strict=True):
        pseudonyms = [*item.pseudonyms, *[""] * len(item.data.persons)]
        ids = []
        for person, pseudonym in zip(item.data.persons, pseudonyms, strict=False):
            pk = next(person_ids)
            row = _part(documents.PERSON_FIELDS, person, case_id=case_id, id=pk)
            row["pseudonym"] = pseudonym
            rows.append(row)
            parts.append((pk, person))
            ids.append(pk)
        persons.append(ids)
    insert(Person, rows, ids=True)

    kinds = (
        (IdentificationDecision, documents.DECISION_FIELDS, "decisions"),
        (LegalEvent, documents.LEGAL_FIELDS, "legal_events"),
        (AssistanceEvent, documents.ASSISTANCE_FIELDS, "assistance"),
    )
    for model, names, attribute in kinds:
        insert(
            model,
            (
                _part(names, event, person_id=pk)
                for pk, person in parts
                for event in getattr(person, attribute)
            ),
        )
    return persons


def _part(names: tuple[str, ...], part: Any, **keys: Any) -> dict[str, Any]:
    return {**keys, **{name: getattr(part, name) for name in names}}


def reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` new ids of ``model``'s table, taken for the caller's rows."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: past the highest id ever given (sqlite_sequence remembers
        # deleted rows' ids too), under the transaction's write lock; the
        # insert moves the sequence on.
        cursor.execute(
            f'SELECT max(coalesce((SELECT max(id) FROM "{table}"), 0), '
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def insert(
    model: type[models.Model], rows: Iterable[dict[str, Any]], *, ids: bool = False
) -> int:
    """Write ``rows`` (column values by field name) to ``model``'s table.

    With ``ids`` the rows carry ids from ``reserve``; without, the database
    gives them.
    """
    fields = [f for f in model._meta.concrete_fields if ids or not f.primary_key]
    cells = [(f.attname, f.get_default()) for f in fields]
    # Only dates, decimals and JSON need converting; None never does.
    special = [
        (index, convert)
        for index, convert in enumerate(map(_converter, fields))
        if convert is not _same
    ]

    def values(row: dict[str, Any]) -> list[Any]:
        line = [row.get(name, default) for name, default in cells]
        for index, convert in special:
            if line[index] is not None:
                line[index] = convert(line[index])
        return line

    tuples = [values(row) for row in rows]
    if not tuples:
        return 0
    table = model._meta.db_table
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for one in tuples:
                    copy.write_row(one)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                tuples,
            )
    return len(tuples)


def _converter(field: models.Field) -> Convert:
    """How a value of this field goes to the database, decided once per column."""
    if isinstance(field, models.JSONField):
        return lambda value: json.dumps(value)
    if isinstance(field, models.DateTimeField | models.DateField):
        if connection.vendor == "postgresql":
            return _same
        if isinstance(field, models.DateTimeField):
            # A batch stamps every row with one moment: convert it once.
            return lru_cache(maxsize=1)(connection.ops.adapt_datetimefield_value)
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        if connection.vendor == "postgresql":
            return _same
        return lambda value: connection.ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places
        )
    return _same


def _same(value: Any) -> Any:
    return value
