"""Retention: cases kept past their date are anonymised or deleted, audited.

Anonymising keeps what statistics need (codes, years, counts) and clears what
could lead back to a person: the narrative, the evidence notes, the source's
reference, the persons' pseudonyms and the exact dates. Deleting removes the
case and its parts. Cases already marked deleted are always removed.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from flexwatch.accounts import audit
from flexwatch.cases.models import Case, Observation, Person
from flexwatch.linkage.models import PersonKey

log = logging.getLogger(__name__)
DATES = ("exploitation_began", "exploitation_ended", "identified_on", "registered_on")


@dataclass
class Outcome:
    """Which cases a retention run anonymised and which it deleted, by id."""

    anonymised: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


def due(today: date) -> QuerySet[Case]:
    """Cases past their retention date that still hold personal data, and
    cases marked deleted, whatever their date."""
    past = Q(retention_until__lt=today, anonymised_at=None)
    return Case.stored.filter(past | ~Q(deleted_at=None))


def apply(today: date, *, delete: bool = False, dry_run: bool = False) -> Outcome:
    """Anonymise (or with ``delete``, remove) every case past its retention date.

    Each case is handled in a transaction of its own with its audit entry, so
    a run stopped halfway leaves every case either done or untouched.
    """
    outcome = Outcome()
    for case in due(today).order_by("pk").iterator():
        removing = delete or case.deleted_at is not None
        (outcome.deleted if removing else outcome.anonymised).append(case.pk)
        if dry_run:
            continue
        with transaction.atomic():
            if removing:
                _delete(case)
            else:
                _anonymise(case)
    log.info(
        "retention %s: %s anonymised, %s deleted%s",
        today,
        len(outcome.anonymised),
        len(outcome.deleted),
        " (dry run)" if dry_run else "",
    )
    return outcome


def _anonymise(case: Case) -> None:
    kept_until = case.retention_until
    case.narrative = ""
    case.source_reference = ""
    case.import_digest = ""
    for name in DATES:
        setattr(case, name, None)
    case.retention_until = None
    case.anonymised_at = timezone.now()
    case.version += 1
    case.save()
    Person.objects.filter(case=case).update(pseudonym="")
    # Linkage keys are pseudonyms too: an anonymised person links to no one.
    PersonKey.objects.filter(person__case=case).delete()
    Observation.objects.filter(case=case).update(evidence="")
    _audit("case_anonymised", case, kept_until)


def _delete(case: Case) -> None:
    _audit("case_purged", case, case.retention_until)
    case.delete()


def _audit(action: str, case: Case, kept_until: date | None) -> None:
    audit.record(
        action,
        organisation_id=case.owner_id,
        obj=case,
        detail={"reason": "retention", "retention_until": str(kept_until)},
    )
