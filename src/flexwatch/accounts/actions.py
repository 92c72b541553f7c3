"""Changes to organisations' grants and people's tokens, each audited.

Pages, the API and the command line call these; none of them changes the
same things another way, so nothing skips the audit trail.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from flexwatch.accounts import audit
from flexwatch.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    SharingGrant,
    User,
)
from flexwatch.accounts.scoping import Scope, scope_of, shareable_kinds

TOKEN_PREFIX = "fw_"


class ActionRefused(Exception):
    """A change was refused; the message says why, in the user's language."""


def user_of(request: HttpRequest) -> User:
    """The signed-in user of a request that passed authentication."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionError("This request has no signed-in user.")
    return user


@dataclass(frozen=True)
class Actor:
    """Who is acting, with their scope, and from where."""

    user: User
    scope: Scope
    remote_addr: str | None = None

    @classmethod
    def of(cls, request: HttpRequest) -> "Actor":
        """The signed-in user of a page or API request."""
        return cls(
            user_of(request),
            scope_of(request),
            request.META.get("REMOTE_ADDR"),
        )


def _require_admin(actor: Actor, organisation: Organisation) -> None:
    if not actor.scope.can("manage_organisation", organisation.pk):
        raise ActionRefused(
            _("Only an admin of %(org)s may change its sharing grants.")
            % {"org": organisation.name}
        )


def _check_fields(record_kind: str, fields: list[str]) -> list[str]:
    kinds = shareable_kinds()
    if record_kind not in kinds:
        raise ActionRefused(
            _(
                "%(kind)r is not a kind of record that can be shared; "
                "use one of %(accepted)s."
            )
            % {"kind": record_kind, "accepted": ", ".join(sorted(kinds))}
        )
    allowed = kinds[record_kind].shareable_fields()
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ActionRefused(
            _(
                "These fields cannot be shared: %(unknown)s. "
                "Shareable fields are %(accepted)s."
            )
            % {"unknown": ", ".join(unknown), "accepted": ", ".join(allowed)}
        )
    return sorted(set(fields))


def grant(
    actor: Actor,
    grantor: Organisation,
    grantee: Organisation,
    record_kind: str,
    fields: list[str] | None = None,
) -> SharingGrant:
    """Give ``grantee`` read access to ``grantor``'s records of one kind.

    Args:
        fields: the fields shared; empty or None shares every field that is
            not sensitive.

    Raises:
        ActionRefused: the actor is not an admin of the grantor, the grantee
            is the grantor, or the kind or a field cannot be shared.
    """
    _require_admin(actor, grantor)
    if grantee.pk == grantor.pk:
        raise ActionRefused(_("An organisation cannot grant access to itself."))
    shared = _check_fields(record_kind, fields or [])

    with transaction.atomic():
        created = SharingGrant.objects.create(
            grantor=grantor,
            grantee=grantee,
            record_kind=record_kind,
            fields=shared,
            created_by=actor.user,
        )
        audit.record(
            "grant_created",
            actor_id=actor.user.pk,
            organisation_id=grantor.pk,
            obj=created,
            remote_addr=actor.remote_addr,
            detail={"grantee_id": grantee.pk, "record_kind": record_kind},
        )
    return created


def revoke(actor: Actor, sharing_grant: SharingGrant) -> SharingGrant:
    """End a grant. Revoked grants stay listed, with who ended them and when."""
    _require_admin(actor, sharing_grant.grantor)
    if sharing_grant.revoked_at is not None:
        raise ActionRefused(_("This grant was already revoked."))

    with transaction.atomic():
        sharing_grant.revoked_at = timezone.now()
        sharing_grant.revoked_by = actor.user
        sharing_grant.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "grant_revoked",
            actor_id=actor.user.pk,
            organisation_id=sharing_grant.grantor_id,
            obj=sharing_grant,
            remote_addr=actor.remote_addr,
        )
    return sharing_grant


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    """Make a personal API token; the key is returned once and never stored."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor.user,
            name=name.strip()[:100] or _("API token"),
            prefix=key[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
            key_hash=hash_token(key),
        )
        audit.record(
            "token_created",
            actor_id=actor.user.pk,
            obj=token,
            remote_addr=actor.remote_addr,
        )
    return token, key


def revoke_token(actor: Actor, token: ApiToken) -> None:
    if token.user_id != actor.user.pk:
        raise ActionRefused(_("You can only revoke your own tokens."))
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            "token_revoked",
            actor_id=actor.user.pk,
            obj=token,
            remote_addr=actor.remote_addr,
        )


def user_for_token(key: str) -> User | None:
    """The active user behind a token key, or None; marks the token as used."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(key), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def create_user(
    username: str,
    password: str,
    *,
    organisation: Organisation | None = None,
    role: str | None = None,
    superuser: bool = False,
    synthetic: bool = False,
    actor_id: int | None = None,
) -> User:
    """Create a person, optionally with a role in one organisation.

    Raises:
        ActionRefused: the username is taken, or a role is given without an
            organisation (or the other way round).
        django.core.exceptions.ValidationError: the password is too weak.
    """
    if (organisation is None) != (role is None):
        raise ActionRefused(_("Give both an organisation and a role, or neither."))
    if User.objects.filter(username=username).exists():
        raise ActionRefused(_("The username %(name)r is taken.") % {"name": username})
    candidate = User(username=username, is_synthetic=synthetic)
    password_validation.validate_password(password, candidate)

    with transaction.atomic():
        candidate.set_password(password)
        candidate.is_superuser = candidate.is_staff = superuser
        candidate.save()
        if organisation is not None and role is not None:
            Membership.objects.create(
                user=candidate, organisation=organisation, role=role
            )
        audit.record(
            "user_created",
            actor_id=actor_id,
            organisation_id=organisation.pk if organisation else None,
            obj=candidate,
            detail={"role": role or "", "superuser": superuser},
        )
    return candidate
