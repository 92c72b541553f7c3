"""A data source an organisation holds: what it is, which years, how to reach it."""

from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import validate_country
from flexwatch.accounts.scoping import OwnedModel
from flexwatch.validators import one_line, plain_text


class SourceKind(models.TextChoices):
    POLICE = "police_investigation", _("Police investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    COURT = "court_judgement", _("Court judgement")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")
    NGO = "ngo", _("NGO")
    TRADE_UNION = "trade_union", _("Trade union")
    MEDIA = "media", _("Media")
    INTERVIEW = "interview", _("Interview")
    OTHER = "other", _("Other")


YEARS = [MinValueValidator(1990), MaxValueValidator(2100)]


class DataSource(OwnedModel):
    title = models.CharField(_("title"), max_length=200, validators=[one_line])
    kind = models.CharField(_("kind of source"), max_length=32, choices=SourceKind)
    country = models.CharField(
        _("country"), max_length=2, validators=[validate_country]
    )
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=YEARS)
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=YEARS)
    records_held = models.PositiveIntegerField(_("records held"), null=True, blank=True)
    # A TextField's max_length binds forms only; the validator binds every path.
    access_conditions = models.TextField(
        _("access conditions"),
        max_length=4000,
        blank=True,
        validators=[plain_text, MaxLengthValidator(4000)],
    )
    notes = models.TextField(
        _("internal notes"),
        max_length=20000,
        blank=True,
        validators=[plain_text, MaxLengthValidator(20000)],
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Internal notes may name contacts or describe victims' situations.
    sensitive_fields = ("notes",)
    internal_fields = ("id", "owner", "is_synthetic", "created_at", "updated_at")

    class Meta:
        ordering = ["country", "title", "id"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_year__lte=models.F("last_year")),
                name="source_years_in_order",
                violation_error_message=_("The last year is before the first year."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.first_year and self.last_year and self.first_year > self.last_year:
            raise ValidationError(
                {
                    "last_year": _(
                        "The last year (%(last)s) is before the first year (%(first)s)."
                    )
                    % {"last": self.last_year, "first": self.first_year}
                }
            )
