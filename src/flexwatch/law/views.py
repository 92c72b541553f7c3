"""The legislation pages: the browser, the comparison and a provision's history.

The law is reference knowledge, the same for every organisation, so any
signed-in person may read it; these pages show no case and audit no read.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from flexwatch import law
from flexwatch.cases.forms import language
from flexwatch.law import browse, store
from flexwatch.law.forms import BrowseForm, DayForm, jurisdiction
from flexwatch.law.model import UnknownProvision


@login_required
def law_index(request: HttpRequest) -> HttpResponse:
    book = store.current_book()
    form = BrowseForm(request.GET or None, book, language())
    context = {"form": form, "entries": []}
    if form.is_bound and not form.is_valid():
        return render(request, "law/index.html", context, status=400)

    values = form.cleaned_data if form.is_bound else {}
    day = form.chosen_day()
    found = browse.in_force(
        book, day, values.get("country", ""), values.get("instrument", "")
    )
    context["day"] = day
    context["entries"] = [
        {
            **browse.entry(book, p, day, language()),
            "jurisdiction": jurisdiction(p.country, language()),
        }
        for p in found
    ]
    return render(request, "law/index.html", context)


@login_required
def law_compare(request: HttpRequest) -> HttpResponse:
    form = DayForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "law/compare.html", {"form": form}, status=400)

    day = form.chosen_day()
    book = store.current_book()
    found = browse.matrix(book, law.comparisons(), day, language())
    columns = [
        {
            "names": [book.provision(i).provision for i in c.provisions],
            "in_force": c.in_force,
            "jurisdiction": jurisdiction(
                book.provision(c.provisions[0]).country, language()
            ),
        }
        for c in found["matrix"].columns
    ]
    for gap in found["gaps"]:
        gap["jurisdiction"] = jurisdiction(gap["country"], language())
    context = {
        "form": form,
        "day": day,
        "baseline": book.provision(law.comparisons().baseline),
        "columns": columns,
        **found,
    }
    return render(request, "law/compare.html", context)


@login_required
def law_provision(request: HttpRequest, provision_id: str) -> HttpResponse:
    book = store.current_book()
    try:
        provision = book.provision(provision_id)
    except UnknownProvision:
        raise Http404("No such provision.") from None
    context = {
        "provision": provision,
        "jurisdiction": jurisdiction(provision.country, language()),
        "versions": browse.history(book, provision, language()),
    }
    return render(request, "law/provision.html", context)
