"""The statistics page: the standard figures as charts and tables, filtered.

A normal request gets the whole page; an htmx request from the filters gets
the figures alone. What the person may see, and whether the figures are
protected, is decided by ``stats.dashboard``.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from flexwatch.accounts.scoping import scope_of
from flexwatch.stats import dashboard, population
from flexwatch.stats.dashboard_forms import DashboardFilters
from flexwatch.stats.dashboard_panels import panels


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    # An unknown choice is read as protected; the form then names it.
    mode = request.GET.get("figures", "")
    try:
        who = dashboard.audience(
            scope, mode if mode in dashboard.MODES else "protected"
        )
    except dashboard.DashboardRefused as refused:
        # As for every page a role may not use: the same 404 (docs/roles.md).
        raise Http404(str(refused)) from refused

    read = dashboard.read(who)
    countries = read.cases["country"].drop_nulls().unique().to_list()
    filters = DashboardFilters(
        request.GET or None,
        countries=countries,
        unsuppressed=dashboard.may_see_unsuppressed(scope),
    )
    context = {"filters": filters, "unsuppressed": who.unsuppressed, "panels": []}
    if filters.is_bound and not filters.is_valid():
        return _render(request, context)

    chosen = filters.filters() if filters.is_bound else dashboard.DEFAULT_FILTERS
    result = dashboard.publish(who, read, chosen)
    denominators = population.load(settings.DATA_DIR / "population")
    context["panels"] = panels(result.shown, chosen, denominators)
    return _render(request, context)


def _render(request: HttpRequest, context: dict) -> HttpResponse:
    partial = request.headers.get("HX-Request") and "stats/_dashboard_figures.html"
    return render(request, partial or "stats/dashboard.html", context)
