"""Published tables, kept as snapshots that no later edit changes.

A snapshot holds a table as it was published, after disclosure control:
its cells and margins (``None`` where suppressed), the suppression account,
notes, series breaks and parameters, as the canonical content of
``stats.published``, with the SHA-256 of that content. A snapshot is written
once: saving it again, deleting it, or updating or deleting it through a
queryset is refused, so that a figure once published can always be shown as
it was.
"""

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from flexwatch.accounts.models import Organisation, User


class ImmutableSnapshot(Exception):
    """A published snapshot cannot be changed or deleted."""


class SnapshotQuerySet(models.QuerySet["Snapshot"]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableSnapshot("Snapshots cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableSnapshot("Snapshots cannot be deleted.")


class Snapshot(models.Model):
    """A table as published by an organisation, frozen, with its hash."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("kind of table"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("hash (SHA-256)"), max_length=64)
    published_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published at"))

    objects: ClassVar[SnapshotQuerySet] = SnapshotQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        indexes = [
            models.Index(
                fields=["organisation", "-published_at"], name="snapshot_org_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_at:%Y-%m-%d})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableSnapshot(f"Snapshot {self.pk} cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableSnapshot(f"Snapshot {self.pk} cannot be deleted.")
