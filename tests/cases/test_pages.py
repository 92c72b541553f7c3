"""The case pages: who may see and do what, filters, masking, lost updates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.accounts import actions as account_actions
from flexwatch.accounts.models import AuditEntry
from flexwatch.cases.models import Case, Observation, Person
from tests import factories

EDITORS = ["admin", "analyst", "caseworker"]
READ_ONLY = ["viewer"]
NO_RECORDS = ["partner"]

CASE_FORM = {
    "country": "FI",
    "region": "FI1C1",
    "source_kind": "police_investigation",
    "source_reference": "POL-7781",
    "exploitation_began": "2021-06-01",
    "exploitation_ended": "2021-09-30",
    "registered_on": "2021-10-05",
    "sector": "nace_01",
    "exploitation_forms": ["forced_labour"],
    "recruitment_country": "TH",
    "recruitment_fees_paid": "true",
    "narrative": "Pickers paid 3,000 euros in fees.",
    "legal_basis": "led_2016_680_art8",
    "retention_until": "2045-01-01",
}


@pytest.fixture
def case(ws):
    return factories.case(ws.owner, ws.user("caseworker"))


def _pages(case) -> list[str]:
    person = Person.objects.filter(case=case).first()
    return [
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/edit/",
        f"/cases/{case.pk}/checklist/",
        f"/cases/{case.pk}/persons/new/",
        f"/cases/{case.pk}/persons/{person.pk}/",
    ]


@pytest.mark.parametrize("role", EDITORS)
def test_editors_of_the_owner_open_every_case_page(ws, case, signed_in, role):
    client = signed_in(ws.user(role))

    statuses = [client.get(path).status_code for path in _pages(case)]

    assert statuses == [200] * 5
    assert f"/cases/{case.pk}/" in client.get("/cases/").content.decode()


@pytest.mark.parametrize("role", READ_ONLY)
def test_viewers_read_the_case_without_its_narrative_and_cannot_change_it(
    ws, case, signed_in, role
):
    client = signed_in(ws.user(role))

    detail = client.get(f"/cases/{case.pk}/")
    writes = [client.post(path, {}).status_code for path in _pages(case)[1:]]

    assert detail.status_code == 200
    page = detail.content.decode()
    assert "Pickers" not in page and "passports kept" not in page
    assert "Passports in the boss" not in page
    assert writes == [404] * 4
    assert client.post(f"/cases/{case.pk}/delete/").status_code == 302
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.parametrize("role", NO_RECORDS)
def test_partners_see_no_case(ws, case, signed_in, role):
    client = signed_in(ws.user(role))

    assert [client.get(path).status_code for path in _pages(case)] == [404] * 5
    assert f"/cases/{case.pk}/" not in client.get("/cases/").content.decode()


def test_an_outsider_gets_the_same_404_as_for_a_missing_case(ws, case, signed_in):
    client = signed_in(ws.outsider_admin)

    assert [client.get(path).status_code for path in _pages(case)] == [404] * 5
    assert client.get("/cases/999999/").status_code == 404
    assert client.post(f"/cases/{case.pk}/delete/").status_code == 404
    assert f"/cases/{case.pk}/" not in client.get("/cases/").content.decode()


def test_a_grant_shows_the_rapporteur_the_named_fields_only(ws, case, signed_in):
    account_actions.grant(
        factories.actor(ws.user("admin")),
        ws.owner,
        ws.rapporteur,
        "cases.case",
        ["country", "sector", "year"],
    )
    client = signed_in(ws.rapporteur_analyst)

    detail = client.get(f"/cases/{case.pk}/").content.decode()
    edit = client.get(f"/cases/{case.pk}/edit/")

    assert "Finland" in detail and "not shared" in detail
    assert "Ukraine" not in detail and "Pickers" not in detail
    assert "Passports" not in detail
    assert edit.status_code == 404


@pytest.mark.parametrize("role", EDITORS)
def test_cleared_roles_read_the_narrative_and_the_read_is_audited(
    ws, case, signed_in, role
):
    user = ws.user(role)
    client = signed_in(user)

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert "passports kept by the boss" in page
    assert "Passports in the boss" in page
    entry = AuditEntry.objects.filter(action="sensitive_read", actor_id=user.pk).get()
    assert entry.object_id == str(case.pk)
    assert entry.detail["fields"] == ["narrative", "observations.evidence"]


def test_a_caseworker_records_a_case_through_the_form(ws, signed_in):
    client = signed_in(ws.user("caseworker"))

    response = client.post("/cases/new/", {**CASE_FORM, "owner": ws.owner.pk})

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.country, case.year, case.recruitment_fees_paid) == ("FI", 2021, True)
    assert case.source_reference and "POL" not in case.source_reference


def test_the_form_refuses_dates_out_of_order_and_stores_nothing(ws, signed_in):
    client = signed_in(ws.user("caseworker"))
    form = {**CASE_FORM, "owner": ws.owner.pk, "exploitation_ended": "2020-01-01"}

    response = client.post("/cases/new/", form)

    assert response.status_code == 200
    assert "This date is before 2021-06-01" in response.content.decode()
    assert not Case.objects.exists()


def test_hostile_markup_is_stored_as_text_and_shown_escaped(ws, signed_in):
    client = signed_in(ws.user("caseworker"))
    hostile = '<script>alert("x")</script><b onmouseover=alert(1)>'
    client.post(
        "/cases/new/", {**CASE_FORM, "owner": ws.owner.pk, "narrative": hostile}
    )
    case = Case.objects.get()

    page = client.get(f"/cases/{case.pk}/").content.decode()

    assert case.narrative == hostile
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_a_second_edit_of_the_same_version_is_refused_and_shows_what_changed(
    ws, case, signed_in
):
    first = signed_in(ws.user("analyst"))
    form = {**CASE_FORM, "version": 1, "source_reference": ""}
    first.post(f"/cases/{case.pk}/edit/", {**form, "sector": "nace_41"})
    first.logout()
    second = signed_in(ws.user("caseworker"))

    response = second.post(f"/cases/{case.pk}/edit/", {**form, "occupation": "isco_7"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this case" in page and "sector" in page
    stored = Case.objects.get(pk=case.pk)
    assert (stored.version, stored.sector, stored.occupation) == (2, "nace_41", "")


def test_a_person_is_added_with_an_identification_decision(ws, case, signed_in):
    client = signed_in(ws.user("caseworker"))
    form = {
        "version": case.version,
        "person-role": "victim",
        "person-sex": "male",
        "person-age_min": "18",
        "person-age_max": "20",
        "person-citizenship": "VN",
        "person-currency": "EUR",
        "person-identifier": "Nguyen Van Test",
        "decisions-TOTAL_FORMS": "1",
        "decisions-INITIAL_FORMS": "0",
        "decisions-0-decision": "presumed",
        "decisions-0-decided_on": "2023-04-01",
        "legal_events-TOTAL_FORMS": "0",
        "legal_events-INITIAL_FORMS": "0",
        "assistance-TOTAL_FORMS": "0",
        "assistance-INITIAL_FORMS": "0",
    }

    response = client.post(f"/cases/{case.pk}/persons/new/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    added = Person.objects.filter(case=case).order_by("pk").last()
    assert (added.sex, added.age_min, added.age_max) == ("male", 18, 20)
    assert added.decisions.get().decision == "presumed"
    assert "Nguyen" not in added.pseudonym


def test_the_checklist_stores_ticked_indicators_only(ws, case, signed_in):
    client = signed_in(ws.user("caseworker"))
    form = {
        "version": case.version,
        "status-dr.nature_of_job@recruitment": "observed",
        "evidence-dr.nature_of_job@recruitment": "Promised packing work.",
        "status-ex.low_wages@destination": "not_observed",
        "status-ex.excessive_hours@destination": "unknown",
    }

    response = client.post(f"/cases/{case.pk}/checklist/", form)

    assert response.status_code == 302
    stored = dict(
        Observation.objects.filter(case=case).values_list("indicator", "status")
    )
    assert stored == {"dr.nature_of_job": "observed", "ex.low_wages": "not_observed"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=FI", {"fi"}),
        ("country=EE", {"ee"}),
        ("year=2019", {"ee"}),
        ("sector=nace_41", {"ee"}),
        ("form=begging", {"ee"}),
        ("source_kind=court_judgement", {"ee"}),
        ("country=FI&form=begging", set()),
    ],
)
def test_the_list_filters_by_country_year_sector_form_and_source(
    ws, signed_in, query, expected
):
    user = ws.user("analyst")
    made = {
        "fi": factories.case(ws.owner, user),
        "ee": factories.case(
            ws.owner,
            user,
            country="EE",
            region="",
            registered_on="2019-05-01",
            identified_on=None,
            sector="nace_41",
            exploitation_forms=["begging"],
            source_kind="court_judgement",
        ),
    }
    client = signed_in(user)

    page = client.get(f"/cases/?{query}").content.decode()

    shown = {key for key, case in made.items() if f"/cases/{case.pk}/" in page}
    assert shown == expected


def test_the_list_page_costs_the_same_queries_for_any_page_size(ws, signed_in):
    user = ws.user("analyst")
    for _ in range(3):
        factories.case(ws.owner, user)
    client = signed_in(user)
    client.get("/cases/")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/cases/").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(12):
        factories.case(ws.owner, user)
    many = queries()

    assert few == many


def test_an_htmx_filter_request_gets_the_table_alone(ws, case, signed_in):
    client = signed_in(ws.user("analyst"))

    response = client.get("/cases/?country=FI", HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "<table" in page and "<html" not in page


def test_an_admin_deletes_a_case_and_it_leaves_the_list(ws, case, signed_in):
    client = signed_in(ws.user("admin"))

    response = client.post(f"/cases/{case.pk}/delete/")

    assert response.status_code == 302
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert f"/cases/{case.pk}/" not in client.get("/cases/").content.decode()


def test_a_missing_case_gets_the_sites_own_not_found_page(ws, signed_in):
    client = signed_in(ws.user("viewer"))

    response = client.get("/cases/999999/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "Sign out" in page
