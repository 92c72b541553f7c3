"""Append to the audit trail and verify it."""

import ipaddress
import logging
from collections.abc import Callable, Iterator
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from flexwatch.accounts import chain
from flexwatch.accounts.models import AuditEntry, AuditHead

log = logging.getLogger(__name__)


def record(
    action: str,
    *,
    actor_id: int | None = None,
    organisation_id: int | None = None,
    obj: models.Model | None = None,
    remote_addr: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry, chained to the head, inside the caller's transaction.

    The head row is locked first, so concurrent writers queue behind each
    other instead of forking the chain (on SQLite, IMMEDIATE transactions do
    the same).
    """
    with transaction.atomic():
        # The genesis head comes with the migrations; it is made again only
        # for an empty trail (a flushed test database), since with entries
        # present seq 1 already exists and the insert below would fail.
        head, _new = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": chain.GENESIS}
        )
        fields = {
            "seq": head.seq + 1,
            "at": timezone.now(),
            "actor_id": actor_id,
            "organisation_id": organisation_id,
            "action": action,
            "object_type": obj._meta.label_lower if obj is not None else "",
            "object_id": str(obj.pk) if obj is not None else "",
            "remote_addr": _address(remote_addr),
            "detail": detail or {},
            "prev_hash": head.hash,
        }
        entry = AuditEntry.objects.create(hash=chain.entry_hash(fields), **fields)
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    log.debug("audit #%s %s", entry.seq, action)
    return entry


def _address(raw: str | None) -> str:
    try:
        return str(ipaddress.ip_address(raw or ""))
    except ValueError:
        return ""


def record_request(
    request: HttpRequest,
    action: str,
    *,
    obj: models.Model | None = None,
    organisation_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry for something a signed-in person did through a request."""
    user = getattr(request, "user", None)
    return record(
        action,
        actor_id=user.pk if user is not None and user.is_authenticated else None,
        organisation_id=organisation_id,
        obj=obj,
        remote_addr=request.META.get("REMOTE_ADDR"),
        detail=detail,
    )


def _links(batch: int = 2000) -> Iterator[chain.Link]:
    rows = AuditEntry.objects.order_by("seq").values(*AuditEntry.chained_fields, "hash")
    for row in rows.iterator(chunk_size=batch):
        stored = row.pop("hash")
        yield chain.Link(row, stored)


def head() -> tuple[int, str]:
    """The recorded head; a missing head row reads as the empty trail."""
    current = AuditHead.objects.filter(pk=1).first()
    if current is None:
        return 0, chain.GENESIS
    return current.seq, current.hash


def verify(progress: Callable[[int], None] | None = None) -> chain.Verdict:
    """Recompute the whole chain from the database and compare with the head."""
    verdict = chain.verify(_links(), head(), progress)
    if verdict.ok:
        log.info("audit chain verified: %s entries", verdict.checked)
    else:
        log.warning("audit chain broken at #%s: %s", verdict.broken_at, verdict.reason)
    return verdict
