"""The case pages: list, detail, and the forms that change a case.

Every change is made by building the whole case as ``cases.record`` reads it
(the stored case with the part the form changed) and handing it to
``cases.actions``, the same path the API and importers take.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError as RecordInvalid

from flexwatch.accounts.actions import ActionRefused, Actor
from flexwatch.accounts.scoping import Access, scope_of
from flexwatch.cases import actions, checklist, documents, export, listing
from flexwatch.cases import forms as case_forms
from flexwatch.cases.export_views import to_export
from flexwatch.cases.models import Case
from flexwatch.cases.record import CaseIn

PAGE_SIZE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    can_export = export.may_export(scope)
    if can_export and "export" in request.GET:
        return to_export(request)
    filters = case_forms.CaseFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = listing.filtered(scope.visible(listing.for_list(Case.objects.all())), chosen)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page:
        case.access = scope.access(case)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "filters": filters,
        "query": listing.query_without_page(request.GET),
        "can_create": bool(scope.organisations_where("edit_records")),
        "can_export": can_export,
    }
    template = "cases/_table.html" if request.headers.get("HX-Request") else None
    return render(request, template or "cases/list.html", context)


def _case(request: HttpRequest, case_id: int) -> tuple[Case, Access]:
    return scope_of(request).get_or_404(documents.whole(Case.objects.all()), pk=case_id)


def _editable(request: HttpRequest, case_id: int) -> tuple[Case, Access]:
    case, access = _case(request, case_id)
    if not access.can_edit:
        raise Http404("No such page.")
    return case, access


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case, access = _case(request, case_id)
    document = documents.as_input(case)
    sensitive = _sensitive_shown(access, document)
    if sensitive:
        actions.read_sensitive(Actor.of(request), case, sensitive)
    context = {
        "case": case,
        "access": access,
        "document": document,
        "fields": listing.detail_fields(case, access),
        "persons": listing.persons_for_display(document["persons"]),
        "checklist": checklist.groups(
            document["observations"], case_forms.language(), only_seen=True
        ),
        "can_delete": scope_of(request).can("manage_organisation", case.owner_id),
        "screening": documents.screening_for(access, document, case_forms.language()),
        "legislation": documents.legislation_for(
            access, case, document, case_forms.language()
        ),
    }
    return render(request, "cases/detail.html", context)


def _sensitive_shown(access: Access, document: dict[str, Any]) -> list[str]:
    if not access.can_read_sensitive:
        return []
    shown = ["narrative"] if document["narrative"] else []
    if any(o["evidence"] for o in document["observations"]):
        shown.append("observations.evidence")
    return shown


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    owners = scope_of(request).organisations_where("edit_records")
    if not owners:
        raise Http404("No such page.")
    form = case_forms.CaseForm(request.POST or None, owners=owners, editing=False)
    if request.method == "POST" and form.is_valid():
        values = {
            **form.record_values(),
            "persons": [],
            "observations": [],
        }
        try:
            data = CaseIn.model_validate(values)
            case = actions.create(Actor.of(request), form.cleaned_data["owner"], data)
        except RecordInvalid as error:
            case_forms.apply_errors(form, error)
        except ActionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("The case was saved."))
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/edit.html", {"form": form, "case": None})


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case, _access = _editable(request, case_id)
    stored = documents.as_input(case)
    initial = {**stored, "version": case.version}
    form = case_forms.CaseForm(
        request.POST or None, initial=initial, owners=[], editing=True
    )
    if request.method == "POST" and form.is_valid():
        values = {**stored, **form.record_values()}
        if _saved(request, form, case, values, form.cleaned_data["version"]):
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/edit.html", {"form": form, "case": case})


def _saved(
    request: HttpRequest,
    form: Any,
    case: Case,
    values: dict[str, Any],
    version: int | None,
    prefix: tuple = (),
    parts: dict[str, list[Any]] | None = None,
) -> bool:
    """Check ``values`` as the whole case and save it, or put the refusal on
    ``form`` (and on the forms of ``parts``, by their place in the record).

    A stale version refuses the save and says what the other saves changed.
    """
    try:
        data = CaseIn.model_validate(values)
        actions.save(Actor.of(request), case, data, version or 0)
    except RecordInvalid as error:
        case_forms.apply_errors(form, error, prefix)
        for name, forms_of_part in (parts or {}).items():
            for index, part_form in enumerate(forms_of_part):
                where = (*prefix, name, index)
                case_forms.apply_errors(part_form, error, where)
        return False
    except actions.StaleVersion as stale:
        form.add_error(None, str(stale))
        # Saving again, now that the person knows, replaces the other changes.
        form.stale = stale
        if "version" in form.fields:
            form.data = form.data.copy()
            form.data["version"] = str(stale.current)
        return False
    except ActionRefused as refused:
        form.add_error(None, str(refused))
        return False
    messages.success(request, _("The case was saved."))
    return True


@require_POST
@login_required
def case_delete(request: HttpRequest, case_id: int) -> HttpResponse:
    case, _access = _case(request, case_id)
    try:
        actions.delete(Actor.of(request), case)
    except ActionRefused as refused:
        messages.error(request, str(refused))
        return redirect("cases:detail", case_id=case.pk)
    messages.success(request, _("The case was deleted."))
    return redirect("cases:list")
