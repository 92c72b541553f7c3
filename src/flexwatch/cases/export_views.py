"""The export pages: choose an export, follow its job, download its file.

An export runs in the background (``cases.tasks``), so a large one never
holds a request. Its job page and its file are for the person who started it
only; anyone else gets the same 404 as for a job that does not exist.
"""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks.base import TaskResult
from django_tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch

from flexwatch.accounts.actions import user_of
from flexwatch.accounts.scoping import scope_of
from flexwatch.cases import export, tasks
from flexwatch.cases.export_forms import ExportForm
from flexwatch.jobs import progress
from flexwatch.jobs.models import JobProgress


def to_export(request: HttpRequest) -> HttpResponse:
    """Send the case list's Export button to the export page, with the filters."""
    kept = request.GET.copy()
    for name in ("export", "page"):
        kept.pop(name, None)
    url = f"{reverse('cases:export')}?{kept.urlencode()}"
    if request.headers.get("HX-Request"):
        # htmx follows this header with a full page load.
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


@login_required
def export_start(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not export.may_export(scope):
        raise Http404("No such page.")
    may_sensitive = export.may_export_sensitive(scope)
    if request.method != "POST":
        initial = {"format": "csv", "table": "cases", **request.GET.dict()}
        form = ExportForm(initial=initial, may_sensitive=may_sensitive)
        return render(request, "cases/export.html", {"form": form})

    form = ExportForm(request.POST, may_sensitive=may_sensitive)
    if form.is_valid():
        wanted = export.Request(
            form.cleaned_data["format"],
            form.cleaned_data["table"],
            form.filters(),
            bool(form.cleaned_data.get("sensitive")),
        )
        try:
            export.prepare(user_of(request), wanted)
        except export.ExportRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("cases:export-job", task_id=_start(request, wanted))
    return render(request, "cases/export.html", {"form": form})


def _start(request: HttpRequest, wanted: export.Request) -> str:
    return progress.start(
        tasks.export_cases,
        _("Export of cases"),
        request.user.pk,
        requested_by=request.user.pk,
        fmt=wanted.format,
        table=wanted.table,
        filters=dict(wanted.filters),
        sensitive=wanted.sensitive,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )


def _own_export(request: HttpRequest, task_id: str) -> tuple[JobProgress, TaskResult]:
    """The export job ``task_id`` if this person started it; else 404."""
    job = JobProgress.objects.filter(task_id=task_id, started_by=request.user.pk)
    found = job.first()
    if found is None:
        raise Http404("No such job.")
    try:
        result = tasks.export_cases.get_result(task_id)
    except (TaskResultDoesNotExist, TaskResultMismatch) as missing:
        raise Http404("No such job.") from missing
    return found, result


@login_required
def export_job(request: HttpRequest, task_id: str) -> HttpResponse:
    job, result = _own_export(request, task_id)
    done = result.status == TaskResultStatus.SUCCESSFUL
    context = {"progress": job, "result": result, "done": done}
    partial = request.headers.get("HX-Request") == "true"
    template = "cases/_export_job.html" if partial else "cases/export_job.html"
    return render(request, template, context)


@login_required
def export_file(request: HttpRequest, task_id: str) -> FileResponse:
    _job, result = _own_export(request, task_id)
    if result.status != TaskResultStatus.SUCCESSFUL:
        raise Http404("The export is not ready.")
    if not export.may_export(scope_of(request)):
        raise Http404("No such page.")
    made = result.return_value or {}
    path = tasks.exports_folder() / made["file"]
    if not path.is_file():
        raise Http404("The export was deleted a day after it was made.")

    day = datetime.date.today().isoformat()
    name = f"flexwatch-{_table_of(made)}-{day}{export.SUFFIXES[made['format']]}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


def _table_of(made: dict[str, str]) -> str:
    return "htcds" if made["format"] == "htcds" else made["table"]
