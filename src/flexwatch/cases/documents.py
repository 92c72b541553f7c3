"""A stored case as a plain document: to edit it, to send it, to compare it.

``as_input`` gives the ``CaseIn`` shape of a stored case, so a page that
changes one part starts from the rest as stored. ``as_output`` is what the API
and exports send, with what the reader may not see left out and listed.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet

from flexwatch import vocab
from flexwatch.accounts.scoping import Access
from flexwatch.cases import screening
from flexwatch.cases.models import Case, Person
from flexwatch.law import casework, labels, store

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
    "narrative",
    "legal_basis",
    "retention_until",
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
DECISION_FIELDS = ("decision", "decided_on", "authority")
LEGAL_FIELDS = (
    "provision",
    "stage",
    "occurred_on",
    "outcome",
    "sentence_months",
    "sentence_suspended",
)
ASSISTANCE_FIELDS = ("measure", "started_on", "ended_on", "provider")
OBSERVATION_FIELDS = ("indicator", "stage", "status", "source_kind", "evidence")


def whole(cases: QuerySet[Case]) -> QuerySet[Case]:
    """``cases`` with every part fetched in a fixed number of queries."""
    persons = Person.objects.prefetch_related("decisions", "legal_events", "assistance")
    return cases.select_related("owner").prefetch_related(
        "exploitation_forms", Prefetch("persons", queryset=persons), "observations"
    )


def _values(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {"id": record.pk, **{name: getattr(record, name) for name in names}}


def _person(person: Person) -> dict[str, Any]:
    values = _values(person, PERSON_FIELDS)
    values["decisions"] = [_values(d, DECISION_FIELDS) for d in person.decisions.all()]
    values["legal_events"] = [
        _values(e, LEGAL_FIELDS) for e in person.legal_events.all()
    ]
    values["assistance"] = [
        _values(a, ASSISTANCE_FIELDS) for a in person.assistance.all()
    ]
    return values


def as_input(case: Case) -> dict[str, Any]:
    """The stored case in the shape ``CaseIn`` reads; write-only fields left out."""
    values = {name: getattr(case, name) for name in CASE_FIELDS}
    # A year is given only when no date gives it: an edited date then moves it.
    values["year"] = None if _dated(case) else case.year
    values["exploitation_forms"] = [form.code for form in case.exploitation_forms.all()]
    values["persons"] = [_person(person) for person in case.persons.all()]
    values["observations"] = [
        _values(o, OBSERVATION_FIELDS) for o in case.observations.all()
    ]
    return values


def _dated(case: Case) -> bool:
    dates = (case.registered_on, case.identified_on, case.exploitation_began)
    return any(day is not None for day in dates)


def _derived_ages(person: dict[str, Any]) -> dict[str, Any]:
    low, high = person["age_min"], person["age_max"]
    return {
        "age": low if low is not None and low == high else None,
        "age_group": vocab.age_group(low, high),
        "age_category": vocab.age_category(low, high),
    }


def as_output(
    case: Case, access: Access, *, listing: bool = False, language: str = "en"
) -> dict[str, Any]:
    """The case as a reader may see it; ``masked`` names what was left out.

    Lists never carry sensitive fields, nor the parts of a case: those are read
    one case at a time, so that every read of a sensitive field is audited.
    The screening, read from the observations and the victims' ages, is shown
    to whoever may see both; ``language`` is the language of its words.
    """
    document = as_input(case) if not listing else _listing_values(case)
    document.pop("year", None)  # sent as stored, beside the id, below
    document["continuum"] = case.continuum
    masked = []
    if not listing:
        shown = screening_for(access, document, language)
        if shown is None:
            masked.append("screening")
        else:
            document["screening"] = shown
    for name in list(document):
        if name == "screening":
            continue
        if not access.shows(name) or (listing and name in Case.sensitive_fields):
            masked.append(name)
            del document[name]
    for person in document.get("persons", []):
        person.update(_derived_ages(person))
    if not access.can_read_sensitive:
        for observation in document.get("observations", []):
            observation.pop("evidence")
        if "observations" in document:
            masked.append("observations.evidence")
    return {
        "id": case.pk,
        "url": f"/api/cases/{case.pk}",
        "owner_id": case.owner_id,
        "version": case.version,
        "year": case.year,
        "shared_with_you": access.via_grant,
        "is_synthetic": case.is_synthetic,
        "source_reference_set": bool(case.source_reference),
        "masked": masked,
        **document,
    }


def screening_for(
    access: Access, document: dict[str, Any], language: str
) -> dict[str, Any] | None:
    """The case's screening, for a reader who may see what it is read from
    (the observations and the persons); None for anyone else."""
    if not (access.shows("observations") and access.shows("persons")):
        return None
    seen = screening.seen(document["observations"], document["persons"])
    return screening.report(seen, language)


def legislation_for(
    access: Access, case: Case, document: dict[str, Any], language: str
) -> dict[str, Any] | None:
    """The offences the case may meet (decision support), for a reader who
    may see its screening, since they are read from the same parts; None for
    anyone else."""
    if not (access.shows("observations") and access.shows("persons")):
        return None
    found = casework.report(
        case.country,
        case.exploitation_began,
        case.exploitation_ended,
        case.year,
        document["observations"],
        document["persons"],
        language,
        store.current_book(),
    )
    for match in found["matches"]:
        for part in (*match["met"], *match["missing"]):
            part["label"] = labels.GROUPS[part["group"]]
        match["to_establish"] = [labels.GROUPS[g] for g in match["to_establish"]]
        match["population_label"] = labels.POPULATIONS[match["population"]]
    return found


def _listing_values(case: Case) -> dict[str, Any]:
    values = {name: getattr(case, name) for name in CASE_FIELDS}
    values["exploitation_forms"] = [form.code for form in case.exploitation_forms.all()]
    return values
