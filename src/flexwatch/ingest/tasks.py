"""The import as a background job: the page returns at once, the worker imports."""

import logging
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import TaskContext, task

from flexwatch.accounts.actions import Actor
from flexwatch.accounts.models import Organisation
from flexwatch.accounts.scoping import scope_for
from flexwatch.ingest import library, pipeline
from flexwatch.jobs.progress import aside, reporter

log = logging.getLogger(__name__)


@task(takes_context=True)
def import_upload(
    context: TaskContext,
    actor_id: int,
    owner_id: int,
    profile: str,
    upload: str,
    file_name: str,
    dry_run: bool,
    skip_bad: bool,
) -> dict[str, Any]:
    """Import an uploaded file, then delete it whatever happened."""
    path = Path(upload)
    try:
        user = get_user_model().objects.get(pk=actor_id)
        owner = Organisation.objects.get(pk=owner_id)
        request = pipeline.Request(
            Actor(user, scope_for(user)),
            owner,
            library.find(owner, profile),
            path,
            file_name,
            dry_run=dry_run,
            skip_bad=skip_bad,
            task_id=str(context.task_result.id),
        )
        run = pipeline.run(request, reporter(context))
    finally:
        path.unlink(missing_ok=True)
        aside(str(context.task_result.id)).unlink(missing_ok=True)
        log.info("upload for task %s deleted", context.task_result.id)
    url = reverse("ingest:run", args=[run.pk])
    return {"run": run.pk, "status": run.status, "url": url}
