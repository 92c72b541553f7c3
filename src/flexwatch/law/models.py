"""Versions of provisions added after the package's files shipped.

Rows are only ever added: the file as the analyst wrote it is kept, so the
history can be read again exactly, and ``flexwatch.law.store`` layers the
rows over the files in the order they were added.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AddedVersion(models.Model):
    """One new version of one provision, as added with ``flexwatch law add``."""

    provision = models.CharField(_("provision"), max_length=64)
    start = models.DateField(_("in force from"))
    end = models.DateField(_("in force until"), null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    text = models.TextField(_("file as added"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("added version of a provision")
        verbose_name_plural = _("added versions of provisions")

    def __str__(self) -> str:
        return f"{self.provision} from {self.start}"
