"""The export tables with a row per person: persons, and victims as HTCDS.

Both read the persons of the cases by chunks (``cases.tables``), with one
more query a chunk for the persons' identification decisions and, for HTCDS,
one for their cases' forms of exploitation.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from flexwatch import vocab
from flexwatch.cases import htcds
from flexwatch.cases.models import Case, IdentificationDecision, Person
from flexwatch.cases.tables import (
    CHUNK,
    SEPARATOR,
    Chunks,
    Column,
    Reader,
    Row,
    Table,
    batches,
    columns_of,
    forms_of,
    parts_shown,
)

PERSON_FIELDS = (
    "role",
    "sex",
    "age_min",
    "age_max",
    "citizenship",
    "residence_status",
    "trafficking_status",
    "recruiter_relationship",
    "means_of_control",
    "penalised",
    "currency",
    "compensation_claimed",
    "compensation_awarded",
    "wages_recovered",
)
# The case fields the HTCDS export reads, as ``case.<field>`` in its data file.
HTCDS_CASE_FIELDS = ("country", "sector", "recruitment_channel", "recruitment_country")


def latest_decisions(person_ids: Iterable[int]) -> dict[int, Row]:
    """Each person's latest identification decision, in one query.

    Latest by date; an undated decision counts as older than any dated one,
    and among equals the one recorded last wins.
    """
    found = IdentificationDecision.objects.filter(person_id__in=list(person_ids))
    latest: dict[int, tuple[tuple[date, int], Row]] = {}
    values = found.values_list("person_id", "pk", "decision", "decided_on", "authority")
    for person, pk, decision, decided_on, authority in values:
        key = (decided_on or date.min, pk)
        if person not in latest or key > latest[person][0]:
            row = {
                "decision": decision,
                "decided_on": decided_on,
                "authority": authority,
            }
            latest[person] = (key, row)
    return {person: row for person, (_key, row) in latest.items()}


# Persons


def persons_table(reader: Reader, cases: QuerySet[Case]) -> Table:
    """One row per person, victim or suspect, with the latest decision about them."""
    rows, total = parts_shown(reader, Person, cases, "persons")
    columns = [
        Column("case_id", "integer"),
        Column("person_id", "integer"),
        *columns_of(Person, PERSON_FIELDS[:4]),
        Column("age_group"),
        Column("age_category"),
        *columns_of(Person, PERSON_FIELDS[4:]),
        Column("decision"),
        Column("decided_on", "date"),
        Column("decision_authority"),
    ]

    def chunks() -> Chunks:
        ordered = rows.order_by("case_id", "pk").values("case_id", "pk", *PERSON_FIELDS)
        for batch in batches(ordered.iterator(chunk_size=CHUNK)):
            decisions = latest_decisions(row["pk"] for row in batch)
            yield [_person_row(row, decisions.get(row["pk"], {})) for row in batch]

    return Table("persons", tuple(columns), total, chunks)


def _person_row(stored: Row, decision: Row) -> Row:
    low, high = stored["age_min"], stored["age_max"]
    row = {"case_id": stored["case_id"], "person_id": stored["pk"]}
    row.update({name: stored[name] for name in PERSON_FIELDS})
    row["means_of_control"] = SEPARATOR.join(stored["means_of_control"] or [])
    row["age_group"] = vocab.age_group(low, high)
    row["age_category"] = vocab.age_category(low, high)
    row["decision"] = decision.get("decision")
    row["decided_on"] = decision.get("decided_on")
    row["decision_authority"] = decision.get("authority") or None
    return row


# HTCDS


def htcds_table(reader: Reader, cases: QuerySet[Case]) -> Table:
    """One row per victim, under the field names of HTCDS 2.0 (``cases.htcds``)."""
    persons, _all = parts_shown(reader, Person, cases, "persons")
    victims = persons.filter(role="victim")
    case_fields = [f"case__{name}" for name in HTCDS_CASE_FIELDS]
    kinds = {"number": "integer"}
    columns = tuple(
        Column(f.name, kinds.get(f.kind, "text")) for f in htcds.spec().fields
    )

    def chunks() -> Chunks:
        ordered = victims.order_by("case_id", "pk").values(
            "pk", "case_id", "case__owner_id", *PERSON_FIELDS, *case_fields
        )
        for batch in batches(ordered.iterator(chunk_size=CHUNK)):
            forms = forms_of({row["case_id"] for row in batch})
            decisions = latest_decisions(row["pk"] for row in batch)
            yield [
                htcds.htcds_row(_victim(reader, row, forms, decisions)) for row in batch
            ]

    return Table("htcds", columns, victims.count(), chunks)


def _victim(
    reader: Reader, stored: Row, forms: dict[int, list[str]], decisions: dict[int, Row]
) -> dict[str, Any]:
    """The values the HTCDS fields read, keyed as ``htcds_export.yaml`` names them."""
    owner = stored["case__owner_id"]
    low, high = stored["age_min"], stored["age_max"]
    victim: dict[str, Any] = {f"person.{name}": stored[name] for name in PERSON_FIELDS}
    victim["person.age"] = low if low is not None and low == high else None
    victim["decision.authority"] = decisions.get(stored["pk"], {}).get("authority")
    for name in HTCDS_CASE_FIELDS:
        shown = reader.shows(owner, name)
        victim[f"case.{name}"] = stored[f"case__{name}"] if shown else None
    if reader.shows(owner, "exploitation_forms"):
        victim["case.exploitation_forms"] = forms.get(stored["case_id"], [])
    return victim
