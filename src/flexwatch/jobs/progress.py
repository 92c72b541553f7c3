"""Starting jobs and reporting their progress.

Job bodies are plain functions that take a ``report`` callable, so the command
line runs them directly with a progress bar and the worker runs them with
progress written here for the page to poll.

A job that works inside one long transaction (an import, all or nothing)
cannot show progress through the database: no one else sees its writes
until it ends. Its progress goes to a small file in the data folder instead,
which the page reads while the job runs.
"""

import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django_tasks import TaskContext
from django_tasks.base import Task

from flexwatch.jobs.models import JobProgress

Report = Callable[[int, int | None, str], None]


def start(task: Task[Any, Any], name: str, user_id: int | None, **kwargs: Any) -> str:
    """Enqueue ``task`` and the row its progress goes to; return the task id."""
    result = task.enqueue(**kwargs)
    JobProgress.objects.create(task_id=str(result.id), name=name, started_by=user_id)
    return str(result.id)


def reporter(context: TaskContext) -> Report:
    """A ``report`` callable that writes a running task's progress."""
    task_id = str(context.task_result.id)

    def report(done: int, total: int | None, message: str = "") -> None:
        if connection.in_atomic_block:
            _write_aside(task_id, done, total, message[:300])
            return
        with transaction.atomic():
            JobProgress.objects.filter(task_id=task_id).update(
                done=done, total=total, message=message[:300]
            )
        aside(task_id).unlink(missing_ok=True)

    return report


def aside(task_id: str) -> Path:
    """The file a job's progress goes to while it is inside a transaction."""
    return Path(settings.DATA_DIR) / "jobs" / f"{uuid.UUID(task_id).hex}.json"


def _write_aside(task_id: str, done: int, total: int | None, message: str) -> None:
    path = aside(task_id)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    spool = path.with_suffix(".tmp")
    spool.write_text(json.dumps({"done": done, "total": total, "message": message}))
    os.replace(spool, path)


def current(progress: JobProgress) -> JobProgress:
    """``progress`` with what its job reported aside, if it did since."""
    try:
        latest = json.loads(aside(progress.task_id).read_text())
    except (OSError, ValueError):
        return progress
    progress.done = latest["done"]
    progress.total = latest["total"]
    progress.message = latest["message"]
    return progress
