"""API endpoints for the data-source register."""

from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from flexwatch import apipaging
from flexwatch.accounts.actions import Actor
from flexwatch.accounts.scoping import Access, scope_of
from flexwatch.apierrors import with_errors
from flexwatch.apipaging import Paging
from flexwatch.sources import actions
from flexwatch.sources.models import DataSource, SourceKind
from flexwatch.vocab.fields import Code

router = Router(tags=["data sources"])


class SourceIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    kind: SourceKind
    country: Annotated[str, Code("country")]
    first_year: int = Field(ge=1990, le=2100)
    last_year: int = Field(ge=1990, le=2100)
    records_held: int | None = Field(default=None, ge=0, le=2_147_483_647)
    access_conditions: str = Field(default="", max_length=4000)
    notes: str = Field(default="", max_length=20000)


class SourceCreate(SourceIn):
    owner_id: int


class SourceOut(Schema):
    id: int
    url: str
    owner_id: int
    shared_with_you: bool
    is_synthetic: bool
    masked: list[str]
    title: str | None = None
    kind: str | None = None
    country: str | None = None
    first_year: int | None = None
    last_year: int | None = None
    records_held: int | None = None
    access_conditions: str | None = None
    notes: str | None = None


class SourcePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[SourceOut]


def _out(source: DataSource, access: Access, *, listing: bool = False) -> dict:
    # Lists never carry sensitive fields: they are read one record at a time,
    # so that every read can be audited.
    fields = actions.editable_fields()
    hidden = set(DataSource.sensitive_fields) if listing else set()
    shown = {
        name: getattr(source, name)
        for name in fields
        if access.shows(name) and name not in hidden
    }
    return {
        "id": source.pk,
        "url": f"/api/sources/{source.pk}",
        "owner_id": source.owner_id,
        "shared_with_you": access.via_grant,
        "is_synthetic": source.is_synthetic,
        "masked": [name for name in fields if name not in shown],
        **shown,
    }


@router.get(
    "", response=with_errors({200: SourcePage}), summary="Data sources you may see"
)
def list_sources(request: HttpRequest, paging: Query[Paging]) -> dict:
    scope = scope_of(request)
    page, counts = apipaging.cut(scope.visible(DataSource.objects.all()), paging)
    items = [
        _out(s, a, listing=True) for s in page if (a := scope.access(s)) is not None
    ]
    return {**counts, "items": items}


@router.get(
    "/{source_id}", response=with_errors({200: SourceOut}), summary="One data source"
)
def get_source(request: HttpRequest, source_id: int) -> dict:
    source, access = scope_of(request).get_or_404(
        DataSource.objects.all(), pk=source_id
    )
    if access.can_read_sensitive:
        actions.read_sensitive(Actor.of(request), source)
    return _out(source, access)


@router.post(
    "", response=with_errors({201: SourceOut}), summary="Register a data source"
)
def create_source(request: HttpRequest, payload: SourceCreate) -> Status[dict]:
    actor = Actor.of(request)
    if payload.owner_id not in actor.scope.organisations_where("edit_records"):
        raise Http404("No such organisation.")
    changes = payload.dict(exclude={"owner_id"})
    source = actions.save(actor, DataSource(owner_id=payload.owner_id), changes)
    return Status(201, _out(source, actor.scope.access(source)))  # type: ignore[arg-type]


@router.put(
    "/{source_id}",
    response=with_errors({200: SourceOut}),
    summary="Change a data source",
)
def update_source(request: HttpRequest, source_id: int, payload: SourceIn) -> dict:
    actor = Actor.of(request)
    source, access = actor.scope.get_or_404(DataSource.objects.all(), pk=source_id)
    saved = actions.save(actor, source, payload.dict())
    return _out(saved, access)
