"""Pages for the parts of a case: a person with their decisions and events,
and the indicator checklist. Each saves the whole case through ``views._saved``.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from flexwatch.cases import checklist, documents, screening
from flexwatch.cases import forms as case_forms
from flexwatch.cases.views import _editable, _saved

PART_SETS = {
    "decisions": (case_forms.DecisionFormSet, documents.DECISION_FIELDS),
    "legal_events": (case_forms.LegalEventFormSet, documents.LEGAL_FIELDS),
    "assistance": (case_forms.AssistanceFormSet, documents.ASSISTANCE_FIELDS),
}


def _person_at(stored: dict[str, Any], person_id: int | None) -> int | None:
    """The index of the person in the stored case, or None for a new one."""
    if person_id is None:
        return None
    for index, person in enumerate(stored["persons"]):
        if person["id"] == person_id:
            return index
    raise Http404("No such person.")


def _formsets(data: Any, person: dict[str, Any] | None) -> dict[str, Any]:
    made = {}
    for name, (formset, fields) in PART_SETS.items():
        initial = [
            {"id": row["id"], **{f: row[f] for f in fields}}
            for row in (person or {}).get(name, [])
        ]
        made[name] = formset(data, initial=initial, prefix=name)
    return made


def _kept(formset: forms.BaseFormSet) -> list[Any]:
    """The forms of a formset that hold a part: filled in and not deleted."""
    return [
        form
        for form in formset.forms
        if (form.has_changed() or form.initial) and not form.cleaned_data.get("DELETE")
    ]


@login_required
def person_edit(
    request: HttpRequest, case_id: int, person_id: int | None = None
) -> HttpResponse:
    case, _access = _editable(request, case_id)
    stored = documents.as_input(case)
    index = _person_at(stored, person_id)
    person = stored["persons"][index] if index is not None else None
    initial = dict(person or {"role": request.GET.get("role", "victim")})
    if person is not None and person["age_min"] == person["age_max"]:
        initial["age"] = person["age_min"]
    posted = request.POST or None
    form = case_forms.PersonForm(posted, initial=initial, prefix="person")
    sets = _formsets(posted, person)

    if request.method == "POST" and form.is_valid() and _all_valid(sets):
        kept = {name: _kept(formset) for name, formset in sets.items()}
        values = form.record_values()
        values.update({n: [f.record_values() for f in k] for n, k in kept.items()})
        values["id"] = person_id
        persons = list(stored["persons"])
        at = len(persons) if index is None else index
        persons[at : at + 1] = [values]
        changed = {**stored, "persons": persons}
        where = ("persons", at)
        if _saved(request, form, case, changed, _version(request), where, kept):
            return redirect("cases:detail", case_id=case.pk)

    context = {"case": case, "form": form, "sets": sets, "person": person}
    return render(request, "cases/person_edit.html", context)


def _all_valid(sets: dict[str, Any]) -> bool:
    return all([formset.is_valid() for formset in sets.values()])


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_POST
@login_required
def person_delete(request: HttpRequest, case_id: int, person_id: int) -> HttpResponse:
    case, _access = _editable(request, case_id)
    stored = documents.as_input(case)
    index = _person_at(stored, person_id)
    persons = [p for i, p in enumerate(stored["persons"]) if i != index]
    form = forms.Form({})
    form.is_valid()
    if not _saved(
        request, form, case, {**stored, "persons": persons}, _version(request)
    ):
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("cases:detail", case_id=case.pk)


@login_required
def case_checklist(request: HttpRequest, case_id: int) -> HttpResponse:
    case, _access = _editable(request, case_id)
    stored = documents.as_input(case)
    form = forms.Form(request.POST or None)
    if form.is_valid():
        try:
            observations = checklist.observations_from(
                request.POST, stored["observations"]
            )
        except ValueError as problem:
            form.add_error(None, str(problem))
        else:
            changed = {**stored, "observations": observations}
            if _saved(request, form, case, changed, _version(request)):
                return redirect("cases:detail", case_id=case.pk)
    language = case_forms.language()
    seen = screening.seen(stored["observations"], stored["persons"])
    context = {
        "case": case,
        "form": form,
        "screening": screening.report(seen, language),
        "groups": checklist.groups(stored["observations"], language, only_seen=False),
        "source_kinds": case_forms.vocab.vocabulary("source_kind").choices(language),
        "statuses": _statuses(),
    }
    return render(request, "cases/checklist.html", context)


def _statuses() -> list[tuple[str, str]]:
    return [
        ("unknown", _("Unknown")),
        ("observed", _("Observed")),
        ("not_observed", _("Not observed")),
    ]


@require_POST
@login_required
def case_screening(request: HttpRequest, case_id: int) -> HttpResponse:
    """The screening of the checklist as ticked, not yet saved (for htmx)."""
    case, _access = _editable(request, case_id)
    stored = documents.as_input(case)
    try:
        observations = checklist.observations_from(request.POST, stored["observations"])
    except ValueError as problem:
        return HttpResponse(str(problem), status=422, content_type="text/plain")
    seen = screening.seen(observations, stored["persons"])
    report = screening.report(seen, case_forms.language())
    return render(request, "cases/_screening.html", {"screening": report})
