"""Creating, changing and deleting cases: checked, versioned and audited.

Pages, the API, importers and jobs call ``save``; it writes a whole
``CaseIn`` in one transaction, part by part, keeping the ids of the parts it
keeps. A save names the version it started from: if someone saved the case
since, it is refused with what they changed, never silently overwritten.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flexwatch.accounts import audit
from flexwatch.accounts.actions import ActionRefused, Actor
from flexwatch.accounts.models import AuditEntry, Organisation
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases import documents, screening
from flexwatch.cases.models import (
    AssistanceEvent,
    Case,
    ExploitationForm,
    IdentificationDecision,
    LegalEvent,
    Observation,
    Person,
)
from flexwatch.cases.record import CaseIn, PersonIn

log = logging.getLogger(__name__)


class StaleVersion(ActionRefused):
    """The case was saved by someone else after the version the change started from."""

    def __init__(self, case: Case, expected: int, changed: list[str]) -> None:
        self.current = case.version
        self.expected = expected
        self.changed = changed
        super().__init__(
            _(
                "Someone else saved this case after you opened it (your version "
                "%(expected)s, now %(current)s). Nothing of yours was saved. "
                "They changed: %(changed)s. Open the case again to see their "
                "changes; saving this form again replaces them with yours."
            )
            % {
                "expected": expected,
                "current": case.version,
                "changed": ", ".join(changed) or _("parts of the case"),
            }
        )


def require_editor(actor: Actor, owner_id: int) -> None:
    if not actor.scope.can("edit_records", owner_id):
        raise ActionRefused(_("You may not edit this organisation's cases."))


def changed_since(case: Case, version: int) -> list[str]:
    """What the saves after ``version`` changed, as their audit entries say."""
    entries = AuditEntry.objects.filter(
        object_type=Case._meta.label_lower, object_id=str(case.pk)
    ).values_list("detail", flat=True)
    changed: set[str] = set()
    for detail in entries:
        if int(detail.get("version", 0)) > version:
            changed.update(detail.get("fields", []))
    return sorted(changed)


def create(actor: Actor, owner: Organisation, data: CaseIn, **flags: Any) -> Case:
    """Store a new case for ``owner``.

    Raises:
        ActionRefused: the actor may not edit the owner's records.
    """
    require_editor(actor, owner.pk)
    case = Case(owner=owner, created_by=actor.user, **flags)
    with transaction.atomic():
        _write(case, data, creating=True)
        _audit(actor, "case_created", case, sorted(data.model_fields_set))
    return case


def save(actor: Actor, case: Case, data: CaseIn, version: int) -> Case:
    """Replace what ``case`` holds with ``data``, if ``version`` is still current.

    Raises:
        ActionRefused: the actor may not edit the owner's records, or a part
            named by id is not a part of this case.
        StaleVersion: the case was saved after ``version``.
    """
    require_editor(actor, case.owner_id)
    with transaction.atomic():
        stored = Case.objects.select_for_update().get(pk=case.pk)
        if stored.version != version:
            raise StaleVersion(stored, version, changed_since(stored, version))
        before = documents.as_input(documents.whole(Case.objects.all()).get(pk=case.pk))
        _write(stored, data, creating=False)
        after = documents.as_input(documents.whole(Case.objects.all()).get(pk=case.pk))
        changed = _differences(before, after, data)
        _audit(actor, "case_updated", stored, changed)
    log.debug("case %s saved at version %s", stored.pk, stored.version)
    return stored


def delete(actor: Actor, case: Case) -> None:
    """Mark a case deleted (admins of the owner only); the retention rules purge it."""
    if not actor.scope.can("manage_organisation", case.owner_id):
        raise ActionRefused(_("Only an admin of the owner may delete a case."))
    with transaction.atomic():
        case.deleted_at = timezone.now()
        case.deleted_by = actor.user
        case.save(update_fields=["deleted_at", "deleted_by"])
        _audit(actor, "case_deleted", case, [])


def read_sensitive(actor: Actor, case: Case, fields: list[str]) -> None:
    """Note in the audit trail that the actor was shown these sensitive fields."""
    audit.record(
        "sensitive_read",
        actor_id=actor.user.pk,
        organisation_id=case.owner_id,
        obj=case,
        remote_addr=actor.remote_addr,
        detail={"fields": fields},
    )


def _audit(actor: Actor, action: str, case: Case, changed: list[str]) -> None:
    audit.record(
        action,
        actor_id=actor.user.pk,
        organisation_id=case.owner_id,
        obj=case,
        remote_addr=actor.remote_addr,
        detail={"fields": changed, "version": case.version},
    )


def _differences(
    before: dict[str, Any], after: dict[str, Any], data: CaseIn
) -> list[str]:
    changed = [name for name in before if before[name] != after[name]]
    if data.source_reference is not None:
        changed.append("source_reference")
    if any(person.identifier is not None for person in data.persons):
        changed.append("persons")
    return sorted(set(changed))


def _write(case: Case, data: CaseIn, *, creating: bool) -> None:
    for name in documents.CASE_FIELDS:
        setattr(case, name, getattr(data, name))
    if data.source_reference is not None:
        case.source_reference = _pseudonym(case, data.source_reference, "source")
    case.year = data.year
    case.continuum = screening.record_level(data)
    case.version = 1 if creating else case.version + 1
    case.save()

    _write_forms(case, data.exploitation_forms)
    _write_persons(case, data.persons)
    _write_observations(case, data)


def _pseudonym(case: Case, value: str, purpose: str) -> str:
    if not value:
        return ""
    key = Organisation.objects.values_list("pseudonym_key", flat=True).get(
        pk=case.owner_id
    )
    return pseudonym(key, value, purpose)


def _write_forms(case: Case, codes: list[str]) -> None:
    ExploitationForm.objects.filter(case=case).exclude(code__in=codes).delete()
    kept = set(case.exploitation_forms.values_list("code", flat=True))
    ExploitationForm.objects.bulk_create(
        ExploitationForm(case=case, code=code) for code in codes if code not in kept
    )


@dataclass(frozen=True)
class _Kind:
    """How one kind of part is stored: its model, its parent and its fields."""

    model: type[models.Model]
    parent: str
    fields: tuple[str, ...]


PERSON = _Kind(Person, "case", documents.PERSON_FIELDS)
DECISION = _Kind(IdentificationDecision, "person", documents.DECISION_FIELDS)
LEGAL = _Kind(LegalEvent, "person", documents.LEGAL_FIELDS)
ASSISTANCE = _Kind(AssistanceEvent, "person", documents.ASSISTANCE_FIELDS)
OBSERVATION = _Kind(Observation, "case", documents.OBSERVATION_FIELDS)


def _sync(kind: _Kind, parent: models.Model, parts: list[Any], where: str) -> list:
    """Make ``parent``'s parts of one kind be ``parts``: update, create, delete.

    Returns the stored rows in the order of ``parts``.
    """
    manager = kind.model._default_manager
    stored = {row.pk: row for row in manager.filter(**{kind.parent: parent})}
    named = {part.id for part in parts if part.id is not None}
    strangers = sorted(named - set(stored))
    if strangers:
        raise ActionRefused(
            _("%(where)s: no part with id %(ids)s belongs to this case.")
            % {"where": where, "ids": ", ".join(map(str, strangers))}
        )
    manager.filter(pk__in=set(stored) - named).delete()

    rows = []
    for part in parts:
        row = stored.get(part.id) if part.id is not None else None
        row = row or kind.model(**{kind.parent: parent})
        for name in kind.fields:
            setattr(row, name, getattr(part, name))
        rows.append(row)
    for row in rows:
        row.save()
    return rows


def _write_persons(case: Case, persons: list[PersonIn]) -> None:
    rows = _sync(PERSON, case, persons, "persons")
    for index, (row, person) in enumerate(zip(rows, persons, strict=True)):
        if person.identifier is not None:
            row.pseudonym = _pseudonym(case, person.identifier, "person")
            row.save(update_fields=["pseudonym"])
        where = f"persons.{index}"
        _sync(DECISION, row, person.decisions, f"{where}.decisions")
        _sync(LEGAL, row, person.legal_events, f"{where}.legal_events")
        _sync(ASSISTANCE, row, person.assistance, f"{where}.assistance")


def _write_observations(case: Case, data: CaseIn) -> None:
    # Observations are matched by what they observe (indicator and stage), so
    # their ids stay stable and the unique constraint never sees two at once.
    stored = {(o.indicator, o.stage): o for o in Observation.objects.filter(case=case)}
    wanted = {(o.indicator, o.stage): o for o in data.observations}
    gone = [row.pk for key, row in stored.items() if key not in wanted]
    Observation.objects.filter(pk__in=gone).delete()

    for key, observation in wanted.items():
        row = stored.get(key) or Observation(case=case)
        values = {name: getattr(observation, name) for name in OBSERVATION.fields}
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
