"""Import profiles kept per organisation and source, and what each import did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import Organisation

# Problems kept per import: enough to fix any file, bounded for a file in
# which every row is wrong. The count says how many there were in all.
PROBLEMS_KEPT = 100_000


class ImportProfile(models.Model):
    """A mapping profile (YAML) of one organisation, for one of its sources."""

    owner = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    source = models.ForeignKey(
        "sources.DataSource", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.SlugField(_("name"), max_length=64)
    text = models.TextField(_("profile (YAML)"))
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="one_profile_name")
        ]

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        VALIDATED = "validated", _("Validated, nothing stored (dry run)")
        COMMITTED = "committed", _("Committed")
        REFUSED = "refused", _("Refused: nothing stored")
        FAILED = "failed", _("Failed: nothing stored")

    owner = models.ForeignKey(Organisation, models.PROTECT, related_name="+")
    profile_name = models.CharField(_("profile"), max_length=64)
    profile_version = models.PositiveIntegerField(default=1)
    file_name = models.CharField(_("file"), max_length=200)
    file_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.RUNNING
    )
    dry_run = models.BooleanField(_("validate only"), default=False)
    skip_bad = models.BooleanField(_("skip bad rows"), default=False)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    cases_created = models.PositiveBigIntegerField(_("cases created"), default=0)
    cases_updated = models.PositiveBigIntegerField(_("cases updated"), default=0)
    cases_unchanged = models.PositiveBigIntegerField(_("cases unchanged"), default=0)
    rows_skipped = models.PositiveBigIntegerField(_("rows skipped"), default=0)
    rows_empty = models.PositiveBigIntegerField(_("empty rows"), default=0)
    problem_count = models.PositiveBigIntegerField(_("problems"), default=0)
    message = models.CharField(max_length=500, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["owner", "profile_name", "file_sha256"], name="run_file"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile_name} {self.file_name} ({self.status})"


class ImportProblem(models.Model):
    """One line of a validation report: where, what was read, what is wrong."""

    run = models.ForeignKey(ImportRun, models.CASCADE, related_name="problems")
    row = models.PositiveBigIntegerField(null=True)
    column = models.CharField(max_length=200)
    value = models.CharField(max_length=200, blank=True)
    problem = models.CharField(max_length=500)
    accepted = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.problem}"
