"""The case record: a case, the persons in it, and what was observed and done.

Every code field holds a code of the vocabulary it names (``flexwatch.vocab``);
the values are checked once, by ``cases.record``, on every write path, so the
columns here only store them. No column holds a name: people are known by a
keyed pseudonym of an identifier that is discarded when the record is saved.
"""

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.scoping import OwnedModel

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

CODE = 32
DIGEST = 64


def _money(label: "str | _StrPromise") -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, null=True, blank=True
    )


class LiveCases(models.Manager["Case"]):
    """Cases that were not deleted: what every page, list and count starts from."""

    def get_queryset(self) -> "models.QuerySet[Case]":
        return super().get_queryset().filter(deleted_at=None)


class Case(OwnedModel):
    country = models.CharField(_("country of exploitation"), max_length=2)
    region = models.CharField(_("region (NUTS)"), max_length=8, blank=True)
    source_kind = models.CharField(_("kind of source"), max_length=CODE)
    # HMAC of the source's own reference (accounts.pseudonyms): re-imports
    # find the case by it, and no one can read the reference back.
    source_reference = models.CharField(max_length=DIGEST, blank=True)
    exploitation_began = models.DateField(_("exploitation began"), null=True)
    exploitation_ended = models.DateField(_("exploitation ended"), null=True)
    identified_on = models.DateField(_("identified"), null=True)
    registered_on = models.DateField(_("registered"), null=True)
    # The year a case is counted in, kept as a column so lists can filter it.
    year = models.PositiveSmallIntegerField(_("year"), null=True)
    sector = models.CharField(_("economic sector"), max_length=CODE, blank=True)
    occupation = models.CharField(_("occupation"), max_length=CODE, blank=True)
    recruitment_country = models.CharField(
        _("country of recruitment"), max_length=2, blank=True
    )
    recruitment_channel = models.CharField(
        _("recruitment channel"), max_length=CODE, blank=True
    )
    recruitment_fees_paid = models.BooleanField(_("recruitment fees paid"), null=True)
    narrative = models.TextField(_("narrative"), blank=True)
    legal_basis = models.CharField(_("legal basis for processing"), max_length=CODE)
    retention_until = models.DateField(_("keep until"), null=True)
    # The highest level of the continuum of exploitation the screening of the
    # observations meets (cases.screening), kept so lists filter on it and
    # statistics count by it; recomputed on every save.
    continuum = models.CharField(
        _("continuum of exploitation"), max_length=CODE, default="decent_work"
    )
    version = models.PositiveIntegerField(default=1)
    # The import that wrote the case last, and a digest of what it wrote: a
    # re-import of an unchanged row leaves the case alone.
    import_run = models.ForeignKey(
        "ingest.ImportRun", models.SET_NULL, null=True, related_name="+"
    )
    import_digest = models.CharField(max_length=DIGEST, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True)
    deleted_at = models.DateTimeField(null=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )

    objects = LiveCases()
    stored = models.Manager()

    sensitive_fields = ("narrative",)
    internal_fields = (
        "id",
        "owner",
        "source_reference",
        "version",
        "import_run",
        "import_digest",
        "is_synthetic",
        "created_by",
        "created_at",
        "updated_at",
        "anonymised_at",
        "deleted_at",
        "deleted_by",
    )
    # What hangs off a case; a grant may name these like fields.
    parts: ClassVar[tuple[str, ...]] = ("exploitation_forms", "persons", "observations")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["owner", "deleted_at", "-id"], name="case_owner_live"),
            models.Index(fields=["country", "year"], name="case_country_year"),
            models.Index(fields=["sector"], name="case_sector"),
            models.Index(fields=["source_kind"], name="case_source_kind"),
            # The reference first: an import looks a batch up by references
            # alone, where a planner without fresh statistics would rather
            # walk all of the owner's cases (see ingest.pipeline).
            models.Index(fields=["source_reference", "owner"], name="case_reference"),
            models.Index(fields=["retention_until"], name="case_retention"),
            models.Index(fields=["continuum", "country"], name="case_continuum"),
            # Lists filtered by year, newest first (bench/case_list.py).
            models.Index(fields=["year", "id"], name="case_year_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @classmethod
    def shareable_fields(cls) -> list[str]:
        return [*super().shareable_fields(), *cls.parts]


class ExploitationForm(models.Model):
    """One form of exploitation of a case; rows, so lists can filter on them."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="exploitation_forms")
    code = models.CharField(max_length=CODE)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="one_form_once")
        ]
        indexes = [models.Index(fields=["code", "case"], name="form_code")]

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    """A victim or a suspect in a case, known by a keyed pseudonym only."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="persons")
    role = models.CharField(_("role in the case"), max_length=CODE)
    sex = models.CharField(_("sex"), max_length=CODE, default="unknown")
    age_min = models.PositiveSmallIntegerField(_("youngest possible age"), null=True)
    age_max = models.PositiveSmallIntegerField(_("oldest possible age"), null=True)
    citizenship = models.CharField(_("citizenship"), max_length=CODE, default="unknown")
    residence_status = models.CharField(
        _("residence status"), max_length=CODE, blank=True
    )
    pseudonym = models.CharField(max_length=DIGEST, blank=True)
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=CODE, blank=True
    )
    recruiter_relationship = models.CharField(
        _("relationship to the recruiter"), max_length=CODE, blank=True
    )
    means_of_control = models.JSONField(_("means of control"), default=list)
    penalised = models.BooleanField(
        _("charged or penalised for acts they were compelled to commit"), null=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    compensation_claimed = _money(_("compensation claimed"))
    compensation_awarded = _money(_("compensation awarded"))
    wages_recovered = _money(_("wages recovered"))

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "role"], name="person_case_role")]

    def __str__(self) -> str:
        return f"{self.role} {self.pk}"


class IdentificationDecision(models.Model):
    person = models.ForeignKey(Person, models.CASCADE, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=CODE)
    decided_on = models.DateField(_("date"), null=True)
    authority = models.CharField(_("authority"), max_length=CODE, blank=True)

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self) -> str:
        return self.decision


class LegalEvent(models.Model):
    """A step of criminal or administrative proceedings concerning one person."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="legal_events")
    provision = models.CharField(_("provision"), max_length=100)
    stage = models.CharField(_("stage"), max_length=CODE)
    occurred_on = models.DateField(_("date"), null=True)
    outcome = models.CharField(_("outcome"), max_length=CODE, default="pending")
    sentence_months = models.PositiveSmallIntegerField(
        _("sentence (months)"), null=True
    )
    sentence_suspended = models.BooleanField(_("suspended"), default=False)

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.provision} {self.stage}"


class AssistanceEvent(models.Model):
    person = models.ForeignKey(Person, models.CASCADE, related_name="assistance")
    measure = models.CharField(_("measure"), max_length=CODE)
    started_on = models.DateField(_("from"), null=True)
    ended_on = models.DateField(_("until"), null=True)
    provider = models.CharField(_("provided by"), max_length=CODE, blank=True)

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return self.measure


class Observation(models.Model):
    """One indicator as seen in a case: observed, not observed or unknown.

    An indicator with no row is unknown: nobody ticking it never means "not
    observed".
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="observations")
    indicator = models.CharField(_("indicator"), max_length=64)
    stage = models.CharField(_("stage of the journey"), max_length=CODE)
    status = models.CharField(_("status"), max_length=CODE)
    source_kind = models.CharField(_("source"), max_length=CODE, blank=True)
    evidence = models.TextField(_("evidence note"), blank=True)

    sensitive_fields: ClassVar[tuple[str, ...]] = ("evidence",)

    class Meta:
        ordering = ["indicator", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "indicator", "stage"], name="one_observation_a_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}={self.status}"
