"""The data-source register: list, detail, create and edit, scoped by organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from flexwatch.accounts.actions import ActionRefused, Actor
from flexwatch.accounts.scoping import scope_of
from flexwatch.sources import actions
from flexwatch.sources.forms import DataSourceForm
from flexwatch.sources.models import DataSource

PAGE_SIZE = 50
LIST_COLUMNS = ("title", "kind", "country", "first_year", "last_year", "records_held")


@login_required
def source_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    rows = scope.visible(DataSource.objects.select_related("owner"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for source in page:
        source.access = scope.access(source)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "columns": [DataSource._meta.get_field(name) for name in LIST_COLUMNS],
        "can_create": bool(scope.organisations_where("edit_records")),
    }
    return render(request, "sources/list.html", context)


@login_required
def source_detail(request: HttpRequest, source_id: int) -> HttpResponse:
    scope = scope_of(request)
    source, access = scope.get_or_404(
        DataSource.objects.select_related("owner"), pk=source_id
    )
    fields = [
        (field, access.shows(field.name))
        for field in DataSource._meta.concrete_fields
        if field.name not in DataSource.internal_fields
    ]
    if access.can_read_sensitive:
        actions.read_sensitive(Actor.of(request), source)
    context = {"source": source, "access": access, "fields": fields}
    return render(request, "sources/detail.html", context)


def _edit(request: HttpRequest, source: DataSource) -> HttpResponse:
    scope = scope_of(request)
    form = DataSourceForm(
        request.POST or None,
        instance=source,
        editable_owners=scope.organisations_where("edit_records"),
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in actions.editable_fields()}
        # The form has already written into ``source``: compare against the store.
        target = (
            DataSource.objects.get(pk=source.pk)
            if source.pk
            else DataSource(owner=form.cleaned_data["owner"])
        )
        try:
            saved = actions.save(Actor.of(request), target, changes)
        except (ActionRefused, ValidationError) as problem:
            form.add_error(None, getattr(problem, "messages", [str(problem)]))
        else:
            messages.success(request, _("The data source was saved."))
            return redirect("sources:detail", source_id=saved.pk)
    return render(request, "sources/edit.html", {"form": form, "source": source})


@login_required
def source_create(request: HttpRequest) -> HttpResponse:
    if not scope_of(request).organisations_where("edit_records"):
        raise Http404("No such page.")
    return _edit(request, DataSource())


@login_required
def source_edit(request: HttpRequest, source_id: int) -> HttpResponse:
    source, access = scope_of(request).get_or_404(
        DataSource.objects.all(), pk=source_id
    )
    if not access.can_edit:
        raise Http404("No such page.")
    return _edit(request, source)
