"""A page showing one job's progress; htmx polls its partial until it ends."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_tasks import TaskResult, TaskResultStatus, default_task_backend
from django_tasks.exceptions import TaskResultDoesNotExist

from flexwatch.jobs.models import JobProgress
from flexwatch.jobs.progress import current


@login_required
def job_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    progress = JobProgress.objects.filter(
        task_id=task_id, started_by=request.user.pk
    ).first()
    if progress is None:
        raise Http404("No such job.")
    try:
        result = default_task_backend.get_result(task_id)
    except TaskResultDoesNotExist as missing:
        raise Http404("No such job.") from missing

    partial = request.headers.get("HX-Request") == "true"
    template = "jobs/_progress.html" if partial else "jobs/detail.html"
    context = {
        "progress": current(progress),
        "result": result,
        "outcome_url": _outcome_url(result),
    }
    return render(request, template, context)


def _outcome_url(result: TaskResult) -> str:
    """Where a finished job's result is shown, if the job names a page for it."""
    if result.status != TaskResultStatus.SUCCESSFUL:
        return ""
    value = result.return_value
    url = value.get("url", "") if isinstance(value, dict) else ""
    return url if isinstance(url, str) and url.startswith("/") else ""
