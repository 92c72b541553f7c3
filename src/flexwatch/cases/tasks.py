"""Background jobs of the cases app: exports started from the case list.

An export's file is kept under ``DATA_DIR/exports``, named by the job's id,
for its owner to download from the job's page. Files older than ``KEEP`` are
deleted when the next export starts.
"""

import logging
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import TaskContext, task

from flexwatch.accounts.models import User
from flexwatch.cases import export
from flexwatch.jobs.progress import reporter

log = logging.getLogger(__name__)

KEEP = 24 * 3600  # seconds


def exports_folder() -> Path:
    """Where exports made in the background are kept, created when missing."""
    folder = Path(settings.DATA_DIR) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def remove_stale(folder: Path, now: float | None = None) -> int:
    """Delete the files of ``folder`` older than ``KEEP``; return how many."""
    limit = (now or time.time()) - KEEP
    stale = [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < limit]
    for path in stale:
        path.unlink(missing_ok=True)
    if stale:
        log.info("deleted %s exports older than a day", len(stale))
    return len(stale)


def file_name(task_id: str, fmt: str) -> str:
    return f"{task_id}{export.SUFFIXES[fmt]}"


@task(takes_context=True)
def export_cases(
    context: TaskContext,
    requested_by: int,
    fmt: str,
    table: str,
    filters: dict[str, Any],
    sensitive: bool,
    remote_addr: str | None = None,
) -> dict[str, Any]:
    """Write an export for the user who asked; safe to run again (it overwrites).

    Returns the file's name in the exports folder and the number of rows.
    """
    report = reporter(context)
    folder = exports_folder()
    remove_stale(folder)

    user = User.objects.get(pk=requested_by)
    request = export.Request(fmt, table, filters, sensitive)
    name = file_name(str(context.task_result.id), fmt)
    try:
        summary = export.run(
            user, request, str(folder / name), remote_addr=remote_addr, progress=report
        )
    except export.ExportRefused as refused:
        # Checked when the job was started; things may have changed since.
        report(0, None, str(refused))
        raise

    done = _("%(rows)s rows exported.") % {"rows": summary.rows}
    report(summary.rows, summary.rows, done)
    return {"file": name, "rows": summary.rows, "format": fmt, "table": table}
