"""The home page and small pages of the layout."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from flexwatch.accounts.actions import user_of
from flexwatch.accounts.models import Membership, SharingGrant
from flexwatch.accounts.roles import allowed
from flexwatch.accounts.scoping import scope_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    memberships = list(
        Membership.objects.filter(user=user_of(request)).select_related("organisation")
    )
    for membership in memberships:
        membership.allowed = allowed(membership.role)  # type: ignore[attr-defined]
    received = SharingGrant.objects.filter(
        grantee_id__in=scope.organisations_where("read_records"), revoked_at=None
    ).select_related("grantor")
    context = {"memberships": memberships, "received": list(received)}
    return render(request, "web/home.html", context)


def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run`: answers without touching the database."""
    return JsonResponse({"status": "ok"})
