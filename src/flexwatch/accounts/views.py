"""Sign-in, account and sharing pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flexwatch.accounts import actions, audit
from flexwatch.accounts.actions import user_of
from flexwatch.accounts.forms import GrantForm, TokenForm
from flexwatch.accounts.models import ApiToken, AuditEntry, SharingGrant
from flexwatch.accounts.scoping import scope_of
from flexwatch.accounts.tasks import verify_audit_chain
from flexwatch.jobs import progress


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit.record_request(self.request, "password_changed")
        messages.success(self.request, _("Your password was changed."))
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_key = actions.create_token(
            actions.Actor.of(request), form.cleaned_data["name"]
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=user_of(request), revoked_at=None)
    context = {"form": form, "tokens": tokens, "new_key": new_key}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(
        pk=token_id, user=user_of(request), revoked_at=None
    ).first()
    if token is None:
        raise Http404("No such token.")
    actions.revoke_token(actions.Actor.of(request), token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


def _managed_grants(request: HttpRequest) -> "list[SharingGrant]":
    managed = scope_of(request).organisations_where("manage_organisation")
    grants = SharingGrant.objects.filter(grantor_id__in=managed)
    return list(grants.select_related("grantor", "grantee"))


@login_required
def grants(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.organisations_where("manage_organisation"):
        raise Http404("No such page.")
    form = GrantForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.grant(
                actions.Actor.of(request),
                data["grantor"],
                data["grantee"],
                data["record_kind"],
                data["shared_fields"],
            )
        except actions.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The grant was created."))
            return redirect("accounts:grants")
    context = {"form": form, "grants": _managed_grants(request)}
    return render(request, "accounts/grants.html", context)


@login_required
@require_POST
def revoke_grant(request: HttpRequest, grant_id: int) -> HttpResponse:
    found = [g for g in _managed_grants(request) if g.pk == grant_id]
    if not found:
        raise Http404("No such grant.")
    try:
        actions.revoke(actions.Actor.of(request), found[0])
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The grant was revoked."))
    return redirect("accounts:grants")


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    """Recent entries about the organisations the user manages, and a check."""
    managed = scope_of(request).organisations_where("manage_organisation")
    if not managed:
        raise Http404("No such page.")
    if request.method == "POST":
        task_id = progress.start(
            verify_audit_chain, _("Verify the audit trail"), request.user.pk
        )
        return redirect("jobs:detail", task_id=task_id)
    entries = AuditEntry.objects.filter(organisation_id__in=managed).order_by("-seq")
    context = {"entries": entries[:100], "head": audit.head()}
    return render(request, "accounts/audit.html", context)
