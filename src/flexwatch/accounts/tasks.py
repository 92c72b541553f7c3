"""Background jobs of the accounts app."""

from typing import Any

from django.utils.translation import gettext as _
from django_tasks import TaskContext, task

from flexwatch.accounts import audit
from flexwatch.accounts.models import AuditEntry
from flexwatch.jobs.progress import reporter


@task(takes_context=True)
def verify_audit_chain(context: TaskContext) -> dict[str, Any]:
    """Recompute the audit chain; safe to run any number of times."""
    report = reporter(context)
    total = AuditEntry.objects.count()
    report(0, total, "")

    verdict = audit.verify(progress=lambda checked: report(checked, total, ""))
    if verdict.ok:
        message = _("The audit trail is intact: %(n)s entries checked.") % {
            "n": verdict.checked
        }
    else:
        message = _("The audit trail is broken at entry #%(seq)s: %(reason)s") % {
            "seq": verdict.broken_at,
            "reason": verdict.reason,
        }
    report(verdict.checked, total, message)
    return {
        "ok": verdict.ok,
        "checked": verdict.checked,
        "broken_at": verdict.broken_at,
    }
