"""Linkage projects, the organisations taking part, and the keys of persons."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import Organisation
from flexwatch.cases.models import DIGEST, Person
from flexwatch.validators import one_line


class LinkageProject(models.Model):
    """Agencies that compare their records under one shared secret.

    The secret itself is held by each member; the project keeps only its
    fingerprint, set by the first member to join, which every later member's
    secret must match.
    """

    slug = models.SlugField(_("short name"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[one_line])
    description = models.TextField(_("description"), blank=True)
    fingerprint = models.CharField(_("fingerprint of the secret"), max_length=19)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("linkage project")
        verbose_name_plural = _("linkage projects")

    def __str__(self) -> str:
        return self.name or self.slug


class ProjectMember(models.Model):
    """An organisation taking part in a linkage project, with the secret.

    The office that links the records is not a member: without the secret it
    can compare keys but not make keys of guessed names.
    """

    project = models.ForeignKey(
        LinkageProject, on_delete=models.CASCADE, related_name="members"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="linkage_memberships"
    )
    # Never shown on a page, in the API or in a log; not editable in forms.
    secret = models.TextField(editable=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "joined_at"]
        verbose_name = _("linkage project member")
        verbose_name_plural = _("linkage project members")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="one_membership_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.project_id}"


class PersonKey(models.Model):
    """One linkage key of a person, made at import under a project's secret."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="linkage_keys"
    )
    project = models.ForeignKey(
        LinkageProject, on_delete=models.CASCADE, related_name="person_keys"
    )
    kind = models.CharField(_("kind"), max_length=20)
    digest = models.CharField(_("digest"), max_length=DIGEST)

    class Meta:
        ordering = ["id"]
        verbose_name = _("person's linkage key")
        verbose_name_plural = _("persons' linkage keys")
        indexes = [
            models.Index(fields=["project", "kind", "digest"], name="person_key_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.digest[:12]}"
