"""The pages of published snapshots: a list, and one snapshot read-only.

Every member of a snapshot's organisation may read it, whatever their role:
it holds only what passed disclosure control. Anyone else gets the same
404 as for a snapshot that does not exist.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from flexwatch.accounts.scoping import scope_of
from flexwatch.stats import snapshots

PAGE_SIZE = 50


@login_required
def snapshot_list(request: HttpRequest) -> HttpResponse:
    found = snapshots.readable(scope_of(request))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stats/snapshot_list.html", {"page": page})


@login_required
def snapshot_detail(request: HttpRequest, snapshot_id: int) -> HttpResponse:
    snapshot = snapshots.readable(scope_of(request)).filter(pk=snapshot_id).first()
    if snapshot is None:
        raise Http404("No such snapshot.")

    content = snapshot.content
    rows = snapshots.rows(snapshot)
    context = {
        "snapshot": snapshot,
        "parameters": content["parameters"],
        "dimensions": content["parameters"]["dimensions"],
        "cells": rows[: len(content["cells"])],
        "margins": rows[len(content["cells"]) :],
        "account": content["account"],
        "notes": content["notes"],
        "breaks": content["breaks"],
        "population": content["population"],
        "verified": snapshots.verify(snapshot),
    }
    return render(request, "stats/snapshot_detail.html", context)
