"""Starting jobs and reporting their progress.

Job bodies are plain functions that take a ``report`` callable, so the command
line runs them directly with a progress bar and the worker runs them with
progress written here for the page to poll.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
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
        # Outside any caller's transaction, so the page sees it at once.
        with transaction.atomic():
            JobProgress.objects.filter(task_id=task_id).update(
                done=done, total=total, message=message[:300]
            )

    return report
