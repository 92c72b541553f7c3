"""API endpoints for the caller, their organisations and sharing grants."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from flexwatch.accounts import actions
from flexwatch.accounts.actions import user_of
from flexwatch.accounts.models import Membership, Organisation, SharingGrant
from flexwatch.accounts.scoping import scope_of
from flexwatch.apierrors import with_errors

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    organisation_id: int
    organisation: str
    country: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    memberships: list[MembershipOut]


class OrganisationOut(Schema):
    id: int
    name: str
    country: str
    kind: str
    is_synthetic: bool


class GrantIn(Schema):
    grantor_id: int
    grantee_id: int
    record_kind: str
    fields: list[str] = []


class GrantOut(Schema):
    id: int
    grantor_id: int
    grantee_id: int
    record_kind: str
    fields: list[str]
    created_at: datetime
    revoked_at: datetime | None


@router.get(
    "/me", response=with_errors({200: MeOut}), summary="The caller and their roles"
)
def me(request: HttpRequest) -> dict:
    memberships = Membership.objects.filter(user=user_of(request)).select_related(
        "organisation"
    )
    return {
        "id": request.user.pk,
        "username": request.user.get_username(),
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "country": m.organisation.country,
                "role": m.role,
            }
            for m in memberships
        ],
    }


@router.get(
    "/organisations",
    response=with_errors({200: list[OrganisationOut]}),
    summary="All organisations",
)
def organisations(request: HttpRequest) -> list[Organisation]:
    # Names of partner organisations are not secret: grants need them.
    return list(Organisation.objects.all())


def _managed_grants(request: HttpRequest) -> "QuerySet[SharingGrant]":
    managed = scope_of(request).organisations_where("manage_organisation")
    return SharingGrant.objects.filter(grantor_id__in=managed)


@router.get(
    "/grants",
    response=with_errors({200: list[GrantOut]}),
    summary="Grants your organisations gave",
)
def grants(request: HttpRequest) -> list[SharingGrant]:
    return list(_managed_grants(request))


@router.post(
    "/grants",
    response=with_errors({201: GrantOut}),
    summary="Share records with another organisation",
)
def create_grant(request: HttpRequest, payload: GrantIn) -> Status[SharingGrant]:
    scope = scope_of(request)
    grantor = Organisation.objects.filter(
        pk=payload.grantor_id, pk__in=scope.organisations_where("manage_organisation")
    ).first()
    grantee = Organisation.objects.filter(pk=payload.grantee_id).first()
    if grantor is None or grantee is None:
        raise Http404("No such organisation.")
    created = actions.grant(
        actions.Actor.of(request), grantor, grantee, payload.record_kind, payload.fields
    )
    return Status(201, created)


@router.post(
    "/grants/{grant_id}/revoke",
    response=with_errors({200: GrantOut}),
    summary="End a grant",
)
def revoke_grant(request: HttpRequest, grant_id: int) -> SharingGrant:
    found = _managed_grants(request).filter(pk=grant_id).first()
    if found is None:
        raise Http404("No such grant.")
    return actions.revoke(actions.Actor.of(request), found)
