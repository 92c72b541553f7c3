"""Creating and changing data sources, checked and audited in one transaction."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from flexwatch.accounts import audit
from flexwatch.accounts.actions import ActionRefused, Actor
from flexwatch.sources.models import DataSource


def editable_fields() -> list[str]:
    """The fields people fill in; the owner is chosen once, at creation."""
    return DataSource.shareable_fields() + list(DataSource.sensitive_fields)


def save(actor: Actor, source: DataSource, changes: dict[str, Any]) -> DataSource:
    """Apply ``changes`` to ``source`` (new or stored) and save it.

    Raises:
        ActionRefused: the actor may not edit records of the owner, or a
            field is not one that can be edited.
        ValidationError: a value is out of range or the years are out of order
            (the model's clean() names the field; the database constraint
            stays as the last line of defence).
    """
    if not actor.scope.can("edit_records", source.owner_id):
        raise ActionRefused(_("You may not edit this organisation's records."))
    unknown = sorted(set(changes) - set(editable_fields()))
    if unknown:
        raise ActionRefused(
            _("Unknown fields: %(unknown)s.") % {"unknown": ", ".join(unknown)}
        )

    creating = source.pk is None
    changed = sorted(k for k, v in changes.items() if getattr(source, k) != v)
    for name, value in changes.items():
        setattr(source, name, value)
    source.full_clean(validate_constraints=False)

    with transaction.atomic():
        source.save()
        audit.record(
            "source_created" if creating else "source_updated",
            actor_id=actor.user.pk,
            organisation_id=source.owner_id,
            obj=source,
            remote_addr=actor.remote_addr,
            detail={"fields": changed},
        )
    return source


def read_sensitive(actor: Actor, source: DataSource) -> None:
    """Note in the audit trail that the actor was shown the sensitive fields."""
    audit.record(
        "sensitive_read",
        actor_id=actor.user.pk,
        organisation_id=source.owner_id,
        obj=source,
        remote_addr=actor.remote_addr,
        detail={"fields": list(DataSource.sensitive_fields)},
    )
