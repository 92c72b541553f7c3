"""The statistics page: who sees which figures, filters, queries, languages."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.accounts import actions as account_actions
from flexwatch.accounts.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = "/statistics/"
# Below this count a figure is never shown to anyone outside the owner.
THRESHOLD = 5


def _victim(sex: str, age: int = 30) -> dict:
    return {
        "role": "victim",
        "sex": sex,
        "age": age,
        "citizenship": "UA",
        "decisions": [{"decision": "formally_identified", "decided_on": "2023-03-10"}],
    }


@pytest.fixture
def cases(ws):
    """Seven cases of the owner: six female victims and one male, in 2023."""
    author = ws.user("caseworker")
    for sex in ["female"] * 6 + ["male"]:
        factories.case(ws.owner, author, persons=[_victim(sex)])
    return ws


def _grant(ws) -> None:
    admin = factories.actor(ws.user("admin"))
    account_actions.grant(admin, ws.owner, ws.rapporteur, "cases.case", [])


def _cells(page: str, panel: str) -> list[str]:
    """The text of every value cell of a panel's table."""
    section = page.split(f'id="panel-{panel}"')[1].split("</section>")[0]
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<td class="text-end">(.*?)</td>', section, re.S)
    ]


def _numbers(page: str) -> list[float]:
    """Every number in the page's tables and in its charts' data."""
    found = [
        float(text.replace("\xa0", "").replace(",", "."))
        for text in re.findall(r'<td class="text-end">([^<]*)</td>', page)
        if text.strip()
    ]
    for spec in re.findall(
        r'<script id="spec-[^"]+" type="application/json">(.*?)</script>', page, re.S
    ):
        for row in json.loads(spec)["data"]["values"]:
            found += [v for v in row.values() if isinstance(v, int | float)]
    return found


def _get(client, query: str = "", headers: dict | None = None):
    response = client.get(PAGE + query, headers=headers or {})
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


# Who sees what


@pytest.mark.parametrize(
    "role", ["admin", "analyst", "caseworker", "viewer", "partner"]
)
def test_every_member_sees_protected_figures_of_the_owner(cases, signed_in, role):
    page = _get(signed_in(cases.user(role)))

    assert _cells(page, "by_sex") == ["suppressed", "suppressed", "7"]
    assert "Not for publication" not in page


def test_no_count_below_the_threshold_reaches_a_viewer(cases, signed_in):
    page = _get(signed_in(cases.user("viewer")))

    small = [n for n in _numbers(page) if n == int(n) and 1 <= n < THRESHOLD]
    assert small == []
    assert "suppressed" in page


def test_an_analyst_may_switch_to_true_counts_marked_and_audited(cases, signed_in):
    page = _get(signed_in(cases.user("analyst")), "?figures=unsuppressed")

    assert _cells(page, "by_sex") == ["6", "1", "7"]
    assert "Not for publication" in page
    entry = AuditEntry.objects.get(action="statistics_viewed_unsuppressed")
    assert entry.actor_id == cases.user("analyst").pk
    assert entry.detail["organisations"] == [cases.owner.pk]


@pytest.mark.parametrize("role", ["viewer", "caseworker", "partner"])
def test_people_who_do_not_run_statistics_are_refused_true_counts(
    cases, signed_in, role
):
    client = signed_in(cases.user(role))

    assert client.get(PAGE + "?figures=unsuppressed").status_code == 404
    assert not AuditEntry.objects.filter(action="statistics_viewed_unsuppressed")


def test_a_partner_organisation_sees_shared_records_protected_only(cases, signed_in):
    _grant(cases)
    client = signed_in(cases.rapporteur_analyst)

    protected = _get(client)
    own_only = _get(client, "?figures=unsuppressed")

    assert _cells(protected, "by_sex") == ["suppressed", "suppressed", "7"]
    assert "panel-by_sex" in own_only and _cells(own_only, "by_sex") == []
    assert "No records are counted here" in own_only


def test_an_outsider_sees_none_of_the_owners_figures(cases, signed_in):
    page = _get(signed_in(cases.outsider_admin))

    assert _cells(page, "by_sex") == []
    assert "7" not in _cells(page, "by_year")


def test_a_person_in_no_organisation_is_refused_and_has_no_link(cases, signed_in):
    loner = factories.person(None, "viewer", "loner")
    client = signed_in(loner)

    assert client.get(PAGE).status_code == 404
    assert 'href="/statistics/"' not in client.get("/").content.decode()


def test_the_navigation_links_the_page_for_members(cases, signed_in):
    home = signed_in(cases.user("partner")).get("/").content.decode()

    assert 'href="/statistics/"' in home


# Filters


def test_filters_change_the_figures(cases, signed_in):
    client = signed_in(cases.user("analyst"))
    factories.case(cases.owner, cases.user("caseworker"), sector="nace_f")

    everything = _get(client, "?figures=unsuppressed")
    building = _get(client, "?figures=unsuppressed&sector=nace_f")
    later = _get(client, "?figures=unsuppressed&first_year=2024")

    assert _cells(everything, "by_sex")[-1] == "8"
    assert _cells(building, "by_sex") == ["1", "1"]
    assert _cells(later, "by_sex") == []


def test_the_date_basis_is_stated_and_chosen(cases, signed_in):
    client = signed_in(cases.user("viewer"))

    registered = _get(client)
    began = _get(client, "?date_basis=exploitation")

    assert "the year the victim&#x27;s case was registered" in registered
    assert "the year the exploitation began." in began
    assert "<td>2022</td>" in began and "<td>2022</td>" not in registered


def test_a_bad_filter_is_named_and_nothing_is_counted(cases, signed_in):
    client = signed_in(cases.user("viewer"))

    page = _get(client, "?first_year=2025&last_year=2020&country=XX&figures=all")

    assert "nothing was counted" in page
    assert "The period ends in 2020, before it begins in 2025." in page
    assert "XX is not one of the available choices" in page
    assert "all is not one of the available choices" in page
    assert 'id="panel-' not in page


def test_an_htmx_request_gets_the_figures_alone(cases, signed_in):
    page = _get(signed_in(cases.user("viewer")), headers={"HX-Request": "true"})

    assert 'id="panel-by_sex"' in page and "<html" not in page


# Cost and languages


def test_the_number_of_queries_does_not_grow_with_the_records(ws, signed_in):
    client = signed_in(ws.user("analyst"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _get(client)
        return len(captured)

    factories.case(ws.owner, ws.user("caseworker"))
    few = queries()
    for sex in ["female", "male"] * 4:
        factories.case(ws.owner, ws.user("caseworker"), persons=[_victim(sex)])
    many = queries()

    assert few == many


@pytest.mark.parametrize(
    ("language", "heading", "suppressed"),
    [
        ("en", "Registered victims by sex", "suppressed"),
        ("fi", "Rekisteröidyt uhrit sukupuolen mukaan", "suojattu"),
        ("et", "Registreeritud ohvrid soo järgi", "varjatud"),
        ("pl", "Zarejestrowane ofiary według płci", "utajnione"),
    ],
)
def test_the_page_speaks_every_language(
    cases, signed_in, language, heading, suppressed
):
    client = signed_in(cases.user("viewer"))
    page = _get(client, headers={"Accept-Language": language})

    assert heading in page
    assert _cells(page, "by_sex")[0] == suppressed
