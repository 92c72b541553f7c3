"""What the case pages show: list rows, filters and a case field by field."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict

from flexwatch.accounts.scoping import Access
from flexwatch.cases.models import Case, Person

# Case fields with the vocabulary their codes come from ("" for none).
DETAIL_FIELDS = {
    "country": "country",
    "region": "",
    "source_kind": "source_kind",
    "exploitation_began": "",
    "exploitation_ended": "",
    "identified_on": "",
    "registered_on": "",
    "year": "",
    "sector": "sector",
    "occupation": "occupation",
    "recruitment_country": "country",
    "recruitment_channel": "recruitment_channel",
    "recruitment_fees_paid": "",
    "legal_basis": "legal_basis",
    "retention_until": "",
    "continuum": "continuum",
}
FILTERS = {
    "continuum": "continuum",
    "country": "country",
    "year": "year",
    "sector": "sector",
    "form": "exploitation_forms__code",
    "source_kind": "source_kind",
}


def for_list(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with what a list row shows, in a number of queries that stays fixed.

    Victims are fetched for the rows of the page only (``victim_rows``): a
    count annotated on the query would be computed for every row an offset
    skips, which made the last pages of a large list slow.
    """
    victims = Person.objects.filter(role="victim").only("id", "case_id")
    return cases.select_related("owner").prefetch_related(
        "exploitation_forms", Prefetch("persons", victims, to_attr="victim_rows")
    )


def filtered(cases: QuerySet[Case], chosen: dict[str, Any]) -> QuerySet[Case]:
    """Only the cases that match every filter given a value."""
    lookups = {
        column: chosen[name]
        for name, column in FILTERS.items()
        if chosen.get(name) not in (None, "")
    }
    return cases.filter(**lookups)


def query_without_page(params: QueryDict) -> str:
    """The filters of a list request, to carry into the links between pages."""
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()


def detail_fields(case: Case, access: Access) -> list[dict[str, Any]]:
    """Each field of the case with its label, its value and whether it is shown."""
    shown = []
    for name, vocabulary in DETAIL_FIELDS.items():
        field = Case._meta.get_field(name)
        shown.append(
            {
                "name": name,
                "label": field.verbose_name,  # type: ignore[union-attr]
                "value": getattr(case, name),
                "vocabulary": vocabulary,
                "shown": name == "year" or access.shows(name),
            }
        )
    return shown


def persons_for_display(persons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number the victims and the suspects apart: "victim 1", "suspect 2"."""
    counters: dict[str, int] = {}
    numbered = []
    for person in persons:
        counters[person["role"]] = counters.get(person["role"], 0) + 1
        numbered.append({**person, "number": counters[person["role"]]})
    return numbered
