"""One mechanism that scopes every record lookup to a user's organisations.

A record belongs to an owner organisation. A user sees it when they hold a
role that reads records in the owner, or when the owner has granted one of
the user's organisations read access to that kind of record. Every app's
records derive from ``OwnedModel`` and every lookup driven by a request goes
through ``Scope``, so the rule lives here only.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.apps import apps
from django.db import models
from django.http import Http404, HttpRequest

from flexwatch.accounts.models import Membership, Organisation, SharingGrant
from flexwatch.accounts.roles import Capabilities, capabilities


class OwnedModel(models.Model):
    """A record owned by one organisation; subclasses name their sensitive fields."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    sensitive_fields: ClassVar[tuple[str, ...]] = ()
    internal_fields: ClassVar[tuple[str, ...]] = ("id", "owner")

    class Meta:
        abstract = True

    @classmethod
    def record_kind(cls) -> str:
        return cls._meta.label_lower

    @classmethod
    def shareable_fields(cls) -> list[str]:
        """Fields a sharing grant may name: all but internal and sensitive ones."""
        hidden = set(cls.sensitive_fields) | set(cls.internal_fields)
        return [f.name for f in cls._meta.concrete_fields if f.name not in hidden]


Owned = TypeVar("Owned", bound=OwnedModel)


def shareable_kinds() -> dict[str, type[OwnedModel]]:
    """Every kind of record a grant can share, by its ``app_label.model`` name."""
    return {
        model.record_kind(): model
        for model in apps.get_models()
        if issubclass(model, OwnedModel)
    }


@dataclass(frozen=True)
class Access:
    """What one user may do with one record."""

    role: str | None
    shared_fields: frozenset[str] | None = None
    sensitive: tuple[str, ...] = ()

    @property
    def via_grant(self) -> bool:
        return self.role is None

    @property
    def can_edit(self) -> bool:
        return self.role is not None and capabilities(self.role).edit_records

    @property
    def can_read_sensitive(self) -> bool:
        return self.role is not None and capabilities(self.role).read_sensitive

    def shows(self, name: str) -> bool:
        if name in self.sensitive:
            return self.can_read_sensitive
        return (
            self.role is not None
            or self.shared_fields is None
            or (name in self.shared_fields)
        )


@dataclass(frozen=True)
class Scope:
    """A user's roles and the grants they benefit from, loaded once a request."""

    user_id: int | None
    roles: Mapping[int, str] = field(default_factory=dict)
    grants: Mapping[tuple[int, str], frozenset[str] | None] = field(
        default_factory=dict
    )

    def can(self, capability: str, organisation_id: int) -> bool:
        role = self.roles.get(organisation_id)
        return role is not None and bool(getattr(capabilities(role), capability))

    def organisations_where(self, capability: str) -> list[int]:
        return [org for org in self.roles if self.can(capability, org)]

    def visible(self, queryset: "models.QuerySet[Owned]") -> "models.QuerySet[Owned]":
        kind = queryset.model.record_kind()
        granted = [grantor for grantor, k in self.grants if k == kind]
        owners = self.organisations_where("read_records") + granted
        return queryset.filter(owner_id__in=owners)

    def access(self, record: OwnedModel) -> Access | None:
        sensitive = type(record).sensitive_fields
        if self.can("read_records", record.owner_id):
            return Access(self.roles[record.owner_id], sensitive=sensitive)
        key = (record.owner_id, record.record_kind())
        if key in self.grants:
            return Access(None, self.grants[key], sensitive)
        return None

    def get_or_404(
        self, queryset: "models.QuerySet[Owned]", **lookup: Any
    ) -> tuple[Owned, Access]:
        """The record and the user's access, or the same 404 for absent and hidden."""
        record = self.visible(queryset).filter(**lookup).first()
        access = self.access(record) if record is not None else None
        if record is None or access is None:
            raise Http404("No such record.")
        return record, access


def _merge(
    grants: dict[tuple[int, str], frozenset[str] | None],
    key: tuple[int, str],
    fields: list[str],
) -> None:
    # A grant of every field wins over any grant of named fields.
    if key in grants and grants[key] is None:
        return
    if not fields:
        grants[key] = None
        return
    grants[key] = (grants.get(key) or frozenset()) | frozenset(fields)


def scope_for(user: Any) -> Scope:
    """Load a user's scope in two queries; anonymous users get an empty one."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope(None)

    memberships = Membership.objects.filter(user=user).values_list(
        "organisation_id", "role"
    )
    roles = dict(memberships)
    readers = [org for org, role in roles.items() if capabilities(role).read_records]

    grants: dict[tuple[int, str], frozenset[str] | None] = {}
    active = SharingGrant.objects.filter(grantee_id__in=readers, revoked_at=None)
    for grantor, kind, fields in active.values_list(
        "grantor_id", "record_kind", "fields"
    ):
        if grantor not in readers:
            _merge(grants, (grantor, kind), fields)
    return Scope(user.pk, roles, grants)


def scope_of(request: HttpRequest) -> Scope:
    """The scope of the request's user, loaded once and kept on the request."""
    cached = getattr(request, "_flexwatch_scope", None)
    if cached is None:
        cached = scope_for(getattr(request, "user", None))
        request._flexwatch_scope = cached  # type: ignore[attr-defined]
    return cached


__all__ = [
    "Access",
    "Capabilities",
    "OwnedModel",
    "Scope",
    "scope_for",
    "scope_of",
    "shareable_kinds",
]
