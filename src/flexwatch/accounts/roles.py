"""The roles a member can hold in an organisation, and what each may do."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    ANALYST = "analyst", _("Analyst")
    CASEWORKER = "caseworker", _("Caseworker")
    VIEWER = "viewer", _("Viewer")
    PARTNER = "partner", _("Partner")


@dataclass(frozen=True)
class Capabilities:
    """What a role allows inside the organisation that granted it."""

    read_records: bool
    edit_records: bool
    read_sensitive: bool
    analyse: bool
    manage_organisation: bool


# Partners work with an organisation from outside it (a researcher abroad, a
# funder): they see shared, aggregated outputs, never record-level data.
CAPABILITIES = {
    Role.ADMIN: Capabilities(True, True, True, True, True),
    Role.ANALYST: Capabilities(True, True, True, True, False),
    Role.CASEWORKER: Capabilities(True, True, True, False, False),
    Role.VIEWER: Capabilities(True, False, False, False, False),
    Role.PARTNER: Capabilities(False, False, False, False, False),
}


def capabilities(role: str) -> Capabilities:
    return CAPABILITIES[Role(role)]


CAPABILITY_LABELS = {
    "read_records": _("read records"),
    "edit_records": _("create and edit records"),
    "read_sensitive": _("read sensitive fields"),
    "analyse": _("run statistics and exports"),
    "manage_organisation": _("manage sharing grants"),
}


def allowed(role: str) -> list[str]:
    """Translated phrases for what ``role`` allows, for pages and docs."""
    granted = capabilities(role)
    phrases = [
        str(label)
        for name, label in CAPABILITY_LABELS.items()
        if getattr(granted, name)
    ]
    return phrases or [str(_("see shared, aggregated outputs only"))]
