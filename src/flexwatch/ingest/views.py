"""The Imports pages: upload a file, follow the import, read its report.

An upload is stored in the data folder's ``uploads/`` for the worker and
deleted when the import ends; the page returns at once and the job page
shows the progress. Only people who may edit an organisation's records see
its imports and profiles: a report quotes the file's cells.
"""

import csv
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from flexwatch.accounts import audit
from flexwatch.accounts.scoping import scope_of
from flexwatch.ingest import commands, library
from flexwatch.ingest.forms import ProfileForm, UploadForm, too_large
from flexwatch.ingest.models import ImportProfile, ImportRun
from flexwatch.ingest.tasks import import_upload
from flexwatch.jobs import progress

RUNS_SHOWN = 50
PROBLEMS_PER_PAGE = 100


def _editable(request: HttpRequest) -> list[int]:
    owners = scope_of(request).organisations_where("edit_records")
    if not owners:
        raise Http404(_("No such page."))
    return owners


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    owners = _editable(request)
    if _too_large(request):
        messages.error(request, too_large(int(request.META["CONTENT_LENGTH"])))
        return redirect("ingest:list")
    form = UploadForm(
        request.POST or None, request.FILES or None, editable_owners=owners
    )
    if request.method == "POST" and form.is_valid():
        task_id = _start(request, form)
        return redirect("jobs:detail", task_id=task_id)
    runs = ImportRun.objects.filter(owner__in=owners).select_related("owner")
    context = {"form": form, "runs": runs[:RUNS_SHOWN]}
    return render(
        request, "ingest/list.html", context, status=400 if form.errors else 200
    )


def _too_large(request: HttpRequest) -> bool:
    # Checked before the body is read, so an oversized upload is never stored.
    length = request.META.get("CONTENT_LENGTH") or "0"
    return (
        request.method == "POST"
        and length.isdigit()
        and (int(length) > settings.UPLOAD_MAX_BYTES + 64 * 1024)
    )


def _start(request: HttpRequest, form: UploadForm) -> str:
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    path = settings.UPLOAD_DIR / f"{secrets.token_hex(16)}{suffix}"
    with open(path, "xb") as out:
        path.chmod(0o600)
        for chunk in upload.chunks():
            out.write(chunk)
    return progress.start(
        import_upload,
        _("Import of %(file)s") % {"file": upload.name[:100]},
        request.user.pk,
        actor_id=request.user.pk,
        owner_id=form.cleaned_data["owner"].pk,
        profile=form.cleaned_data["profile"],
        upload=str(path),
        file_name=upload.name[:200],
        dry_run=form.cleaned_data["dry_run"],
        skip_bad=form.cleaned_data["skip_bad"],
    )


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    owners = _editable(request)
    run = ImportRun.objects.filter(pk=run_id, owner__in=owners).first()
    if run is None:
        raise Http404(_("No such import."))
    return run


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    page = Paginator(run.problems.all(), PROBLEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "ingest/run.html", {"run": run, "page": page})


@login_required
def run_report(request: HttpRequest, run_id: int) -> StreamingHttpResponse:
    run = _run(request, run_id)
    audit.record_request(
        request, "import_report_read", obj=run, organisation_id=run.owner_id
    )
    response = StreamingHttpResponse(
        _report_lines(run), content_type="text/csv; charset=utf-8"
    )
    name = f"import-{run.pk}-report.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _report_lines(run: ImportRun) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
    for row in commands.report_rows(run):
        yield writer.writerow(row)


@login_required
def profile_list(request: HttpRequest) -> HttpResponse:
    owners = _editable(request)
    stored = ImportProfile.objects.filter(owner__in=owners).select_related(
        "owner", "source"
    )
    context = {"stored": stored, "shipped": library.shipped().values()}
    return render(request, "ingest/profiles.html", context)


@login_required
def profile_edit(request: HttpRequest, profile_id: int | None = None) -> HttpResponse:
    owners = _editable(request)
    instance = None
    if profile_id is not None:
        instance = ImportProfile.objects.filter(pk=profile_id, owner__in=owners).first()
        if instance is None:
            raise Http404(_("No such profile."))
    form = ProfileForm(request.POST or None, instance=instance, editable_owners=owners)
    if request.method == "POST" and form.is_valid():
        profile = form.save(commit=False)
        profile.updated_by = request.user
        if instance is not None:
            profile.version += 1
        profile.save()
        audit.record_request(
            request,
            "import_profile_saved",
            obj=profile,
            organisation_id=profile.owner_id,
            detail={"name": profile.name, "version": profile.version},
        )
        messages.success(request, _("Profile %(name)s saved.") % {"name": profile.name})
        return redirect("ingest:profiles")
    status = 400 if form.errors else 200
    return render(request, "ingest/profile_edit.html", {"form": form}, status=status)
