"""API endpoints for cases: the same record, rules and actions as the pages."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from flexwatch import apierrors, apipaging
from flexwatch.accounts.actions import Actor
from flexwatch.accounts.models import Organisation
from flexwatch.accounts.scoping import scope_of
from flexwatch.apierrors import ErrorOut, with_errors
from flexwatch.apipaging import Paging
from flexwatch.cases import actions, documents, listing, screening
from flexwatch.cases.forms import language
from flexwatch.cases.models import Case
from flexwatch.cases.record import CaseIn
from flexwatch.vocab.fields import Code

router = Router(tags=["cases"])

Level = Annotated[
    str,
    AfterValidator(screening.check_level),
    Field(json_schema_extra={"enum": [code for code, _ in screening.levels()]}),
]


class CaseCreate(CaseIn):
    owner_id: int


class CaseUpdate(CaseIn):
    version: int = Field(
        ge=1, description="The version you read; a stale one gets 409."
    )


class CaseConflict(ErrorOut):
    current_version: int
    changed: list[str]


class CaseFilters(Schema):
    continuum: Level | None = Field(
        default=None, description="The level of the continuum of exploitation met."
    )
    country: Annotated[str, Code("exploitation_country")] | None = None
    year: int | None = Field(default=None, ge=1950, le=2100)
    sector: Annotated[str, Code("sector")] | None = None
    form: Annotated[str, Code("exploitation_form")] | None = None
    source_kind: Annotated[str, Code("source_kind")] | None = None


class Part(Schema):
    id: int


class DecisionOut(Part):
    decision: str
    decided_on: date | None
    authority: str


class LegalEventOut(Part):
    provision: str
    stage: str
    occurred_on: date | None
    outcome: str
    sentence_months: int | None
    sentence_suspended: bool


class AssistanceOut(Part):
    measure: str
    started_on: date | None
    ended_on: date | None
    provider: str


class PersonOut(Part):
    role: str
    sex: str
    age: int | None
    age_min: int | None
    age_max: int | None
    age_group: str
    age_category: str
    citizenship: str
    residence_status: str
    trafficking_status: str
    recruiter_relationship: str
    means_of_control: list[str]
    penalised: bool | None
    currency: str
    compensation_claimed: Decimal | None
    compensation_awarded: Decimal | None
    wages_recovered: Decimal | None
    decisions: list[DecisionOut]
    legal_events: list[LegalEventOut]
    assistance: list[AssistanceOut]


class ObservationOut(Part):
    indicator: str
    stage: str
    status: str
    source_kind: str
    evidence: str | None = None


class ScreeningOut(Schema):
    """The case screened against the frameworks: decision support only."""

    level: str
    notice: str
    rules: dict[str, Any]
    groups: list[dict[str, Any]]


class CaseOut(Schema):
    id: int
    url: str
    owner_id: int
    version: int
    year: int | None
    shared_with_you: bool
    is_synthetic: bool
    source_reference_set: bool
    masked: list[str]
    country: str | None = None
    region: str | None = None
    source_kind: str | None = None
    exploitation_began: date | None = None
    exploitation_ended: date | None = None
    identified_on: date | None = None
    registered_on: date | None = None
    sector: str | None = None
    occupation: str | None = None
    recruitment_country: str | None = None
    recruitment_channel: str | None = None
    recruitment_fees_paid: bool | None = None
    narrative: str | None = None
    legal_basis: str | None = None
    retention_until: date | None = None
    exploitation_forms: list[str] | None = None
    persons: list[PersonOut] | None = None
    observations: list[ObservationOut] | None = None
    continuum: str | None = None
    screening: ScreeningOut | None = None


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseOut]


def _one(request: HttpRequest, case_id: int) -> tuple[Case, object]:
    return scope_of(request).get_or_404(documents.whole(Case.objects.all()), pk=case_id)


def _read(request: HttpRequest, case: Case) -> dict:
    access = scope_of(request).access(case)
    if access is None:
        raise Http404("No such case.")
    if access.can_read_sensitive:
        actions.read_sensitive(
            Actor.of(request), case, ["narrative", "observations.evidence"]
        )
    return documents.as_output(case, access, language=language())


@router.get("", response=with_errors({200: CasePage}), summary="Cases you may see")
def list_cases(
    request: HttpRequest, paging: Query[Paging], filters: Query[CaseFilters]
) -> dict:
    apierrors.refuse_repeated(request, ["page", "page_size", *CaseFilters.model_fields])
    scope = scope_of(request)
    # The API's list rows carry neither the owner's name nor the victims.
    listed = Case.objects.prefetch_related("exploitation_forms")
    rows = listing.filtered(scope.visible(listed), filters.dict())
    page, counts = apipaging.cut(rows, paging)
    items = [
        documents.as_output(case, access, listing=True)
        for case in page
        if (access := scope.access(case)) is not None
    ]
    return {**counts, "items": items}


@router.get("/{case_id}", response=with_errors({200: CaseOut}), summary="One case")
def get_case(request: HttpRequest, case_id: int) -> dict:
    case, _access = _one(request, case_id)
    return _read(request, case)


@router.post("", response=with_errors({201: CaseOut}), summary="Record a case")
def create_case(request: HttpRequest, payload: CaseCreate) -> Status[dict]:
    actor = Actor.of(request)
    if payload.owner_id not in actor.scope.organisations_where("edit_records"):
        raise Http404("No such organisation.")
    owner = Organisation.objects.get(pk=payload.owner_id)
    data = CaseIn.model_validate(payload.model_dump(exclude={"owner_id"}))
    case = actions.create(actor, owner, data)
    return Status(
        201, _read(request, documents.whole(Case.objects.all()).get(pk=case.pk))
    )


@router.put(
    "/{case_id}",
    response=with_errors({200: CaseOut, 409: CaseConflict}),
    summary="Replace a case (give the version you read)",
)
def update_case(request: HttpRequest, case_id: int, payload: CaseUpdate) -> dict:
    actor = Actor.of(request)
    case, _access = actor.scope.get_or_404(Case.objects.all(), pk=case_id)
    data = CaseIn.model_validate(payload.model_dump(exclude={"version"}))
    actions.save(actor, case, data, payload.version)
    return _read(request, documents.whole(Case.objects.all()).get(pk=case.pk))


@router.delete(
    "/{case_id}", response=with_errors({204: None}), summary="Delete a case (admins)"
)
def delete_case(request: HttpRequest, case_id: int) -> Status[None]:
    actor = Actor.of(request)
    case, _access = actor.scope.get_or_404(Case.objects.all(), pk=case_id)
    actions.delete(actor, case)
    return Status(204, None)
