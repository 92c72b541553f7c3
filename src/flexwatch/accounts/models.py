"""Organisations, users and their memberships, sharing grants and API tokens."""

import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.roles import Role
from flexwatch.validators import one_line
from flexwatch.vocab import UnknownCode, vocabulary


def validate_country(code: str) -> None:
    try:
        vocabulary("country").check(code)
    except UnknownCode as error:
        raise ValidationError(str(error), code="unknown_country") from error


class OrganisationKind(models.TextChoices):
    NATIONAL_RAPPORTEUR = "national_rapporteur", _("National rapporteur")
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution")
    COURT = "court", _("Court")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")
    NGO = "ngo", _("NGO")
    TRADE_UNION = "trade_union", _("Trade union")
    RESEARCH = "research", _("Research")
    OTHER = "other", _("Other")


def new_pseudonym_key() -> str:
    return secrets.token_hex(32)


class Organisation(models.Model):
    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[one_line]
    )
    country = models.CharField(
        _("country"), max_length=2, validators=[validate_country]
    )
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    # The key of the organisation's pseudonyms (accounts.pseudonyms): it never
    # leaves the organisation's store and is not shown on any page or API.
    pseudonym_key = models.CharField(
        max_length=64, default=new_pseudonym_key, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["country", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Names are optional: the username suffices."""

    organisations: "models.ManyToManyField[Organisation, Membership]" = (
        models.ManyToManyField(
            Organisation, through="Membership", related_name="members"
        )
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"


class SharingGrant(models.Model):
    """Read access that one organisation gives another to a kind of record.

    An empty ``fields`` list shares every field that is not sensitive; a list
    shares those fields only. Sensitive fields are never shared by a grant.
    """

    grantor = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grants_given"
    )
    grantee = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grants_received"
    )
    record_kind = models.CharField(_("kind of record"), max_length=64)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("grantee")),
                name="grant_to_another_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grantor_id}->{self.grantee_id}:{self.record_kind}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is kept; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"


class AuditEntry(models.Model):
    """One link of the append-only, hash-chained audit trail.

    Only ids are kept: no names, no free text about people.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    organisation_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    remote_addr = models.CharField(max_length=45, blank=True)
    detail = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    chained_fields: ClassVar[tuple[str, ...]] = (
        "seq",
        "at",
        "actor_id",
        "organisation_id",
        "action",
        "object_type",
        "object_id",
        "remote_addr",
        "detail",
        "prev_hash",
    )

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The newest link, kept apart from the entries so a cut tail is noticed."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
