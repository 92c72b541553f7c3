"""The case API: the same rules as the pages, versions, errors by field path."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.accounts import actions as account_actions
from flexwatch.accounts.models import AuditEntry
from flexwatch.cases.models import Case
from tests import factories

EDITORS = ["admin", "analyst", "caseworker"]


def _api(client, user):
    _token, key = account_actions.create_token(factories.actor(user), "tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _post(client, values):
    return client.post("/api/cases", values, content_type="application/json")


def _put(client, case_id, values):
    return client.put(f"/api/cases/{case_id}", values, content_type="application/json")


@pytest.fixture
def case(ws):
    return factories.case(ws.owner, ws.user("caseworker"))


@pytest.mark.parametrize("role", EDITORS)
def test_editors_record_a_case_and_read_it_back_whole(ws, client, role):
    api = _api(client, ws.user(role))

    created = _post(api, {**factories.case_values(), "owner_id": ws.owner.pk})

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["url"] == f"/api/cases/{body['id']}"
    assert body["version"] == 1 and body["year"] == 2023
    victim = body["persons"][0]
    assert (victim["age"], victim["age_group"], victim["age_category"]) == (
        34,
        "y30_39",
        "adult",
    )
    assert "identifier" not in victim and "Olena" not in created.content.decode()
    assert body["source_reference_set"] is True
    assert "INSP-2023-0417" not in created.content.decode()


@pytest.mark.parametrize("role", ["viewer", "partner"])
def test_read_only_roles_cannot_record_a_case(ws, client, role):
    api = _api(client, ws.user(role))

    response = _post(api, {**factories.case_values(), "owner_id": ws.owner.pk})

    assert response.status_code == 404
    assert not Case.objects.exists()


def test_no_one_records_a_case_for_another_organisation(ws, client):
    api = _api(client, ws.user("admin"))

    response = _post(api, {**factories.case_values(), "owner_id": ws.outsider.pk})

    assert response.status_code == 404
    assert not Case.objects.exists()


def test_a_viewer_reads_the_case_with_its_sensitive_fields_masked(ws, client, case):
    api = _api(client, ws.user("viewer"))

    body = api.get(f"/api/cases/{case.pk}").json()

    assert body["narrative"] is None and "narrative" in body["masked"]
    assert "observations.evidence" in body["masked"]
    assert all(o["evidence"] is None for o in body["observations"])
    assert not AuditEntry.objects.filter(action="sensitive_read").exists()


@pytest.mark.parametrize("role", EDITORS)
def test_cleared_roles_read_the_narrative_and_the_read_is_audited(
    ws, client, case, role
):
    user = ws.user(role)
    api = _api(client, user)

    body = api.get(f"/api/cases/{case.pk}").json()

    assert body["narrative"].startswith("Berry pickers")
    assert body["observations"][0]["evidence"] == "Passports in the boss's car."
    assert AuditEntry.objects.filter(
        action="sensitive_read", actor_id=user.pk, object_id=str(case.pk)
    ).exists()


@pytest.mark.parametrize("user", ["partner", "outsider", "rapporteur"])
def test_those_without_access_get_the_same_404_as_for_a_missing_case(
    ws, client, case, user
):
    who = {
        "partner": ws.user("partner"),
        "outsider": ws.outsider_admin,
        "rapporteur": ws.rapporteur_analyst,
    }[user]
    api = _api(client, who)

    seen = api.get(f"/api/cases/{case.pk}")
    missing = api.get(f"/api/cases/{case.pk + 1000}")
    listed = api.get("/api/cases").json()

    assert seen.status_code == missing.status_code == 404
    assert seen.json()["detail"] == missing.json()["detail"]
    assert listed["count"] == 0


def test_a_grant_shows_the_rapporteur_the_named_fields_and_no_more(ws, client, case):
    account_actions.grant(
        factories.actor(ws.user("admin")),
        ws.owner,
        ws.rapporteur,
        "cases.case",
        ["country", "sector"],
    )
    api = _api(client, ws.rapporteur_analyst)

    body = api.get(f"/api/cases/{case.pk}").json()
    edit = _put(api, case.pk, {**factories.case_values(), "version": 1})

    assert body["shared_with_you"] is True
    assert (body["country"], body["sector"]) == ("FI", "nace_01")
    assert body["narrative"] is None and body["persons"] is None
    assert {"narrative", "persons", "recruitment_country"} <= set(body["masked"])
    assert edit.status_code == 403
    assert Case.objects.get().version == 1


def test_a_stale_version_gets_409_with_what_changed(ws, client, case):
    first = _api(client, ws.user("analyst"))
    values = {**factories.case_values(), "version": 1}

    saved = _put(first, case.pk, {**values, "sector": "nace_41"})
    stale = _put(first, case.pk, {**values, "narrative": "Mine."})

    assert saved.status_code == 200 and saved.json()["version"] == 2
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert stale.json()["current_version"] == 2
    assert "sector" in stale.json()["changed"]
    assert Case.objects.get().narrative.startswith("Berry pickers")


def test_validation_errors_name_the_field_path_and_the_accepted_codes(ws, client):
    api = _api(client, ws.user("caseworker"))
    values = factories.case_values()
    values["persons"][0]["sex"] = "feminine"

    response = _post(api, {**values, "owner_id": ws.owner.pk})

    assert response.status_code == 422
    text = response.content.decode()
    assert "persons" in text and "sex" in text
    assert "female" in text and "unknown" in text
    assert not Case.objects.exists()


def test_dates_out_of_order_are_refused_and_nothing_is_stored(ws, client):
    api = _api(client, ws.user("caseworker"))
    values = factories.case_values(exploitation_ended="2020-01-01")

    response = _post(api, {**values, "owner_id": ws.owner.pk})

    assert response.status_code == 422
    assert "exploitation_ended" in response.content.decode()
    assert not Case.objects.exists()


def test_hostile_strings_come_back_as_stored_text(ws, client):
    api = _api(client, ws.user("caseworker"))
    hostile = "<script>alert(1)</script>'); DROP TABLE cases_case;--"

    created = _post(
        api, {**factories.case_values(narrative=hostile), "owner_id": ws.owner.pk}
    )

    assert created.status_code == 201
    assert created.json()["narrative"] == hostile
    assert Case.objects.count() == 1


def test_only_an_admin_deletes_and_the_case_is_gone_from_the_api(ws, client, case):
    refused = _api(client, ws.user("analyst")).delete(f"/api/cases/{case.pk}")
    deleted = _api(client, ws.user("admin")).delete(f"/api/cases/{case.pk}")
    after = client.get(f"/api/cases/{case.pk}")

    assert refused.status_code == 403
    assert deleted.status_code == 204
    assert after.status_code == 404
    assert Case.stored.filter(pk=case.pk, deleted_at__isnull=False).exists()


def test_the_list_filters_and_pages(ws, client):
    for year, sector in [(2021, "nace_01"), (2022, "nace_01"), (2022, "nace_41")]:
        factories.case(
            ws.owner,
            ws.user("caseworker"),
            registered_on=f"{year}-03-01",
            sector=sector,
        )
    api = _api(client, ws.user("viewer"))

    both = api.get("/api/cases", {"year": 2022}).json()
    farms = api.get("/api/cases", {"year": 2022, "sector": "nace_01"}).json()
    paged = api.get("/api/cases", {"page_size": 2, "page": 2}).json()

    assert both["count"] == 2
    assert farms["count"] == 1 and farms["items"][0]["sector"] == "nace_01"
    assert paged["count"] == 3 and len(paged["items"]) == 1
    assert all(item["narrative"] is None for item in both["items"])


def test_the_list_costs_the_same_queries_for_any_page_size(ws, client):
    for _ in range(12):
        factories.case(ws.owner, ws.user("caseworker"))
    api = _api(client, ws.user("analyst"))

    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/cases", {"page_size": size}).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


# (who, may read, may write, may delete): the owner's roles, then the
# rapporteur with a grant of the case, then an organisation with none.
MATRIX = [
    ("admin", 200, 200, 204),
    ("analyst", 200, 200, 403),
    ("caseworker", 200, 200, 403),
    ("viewer", 200, 403, 403),
    ("partner", 404, 404, 404),
    ("rapporteur", 200, 403, 403),
    ("outsider", 404, 404, 404),
]


@pytest.mark.parametrize(("who", "read", "write", "delete"), MATRIX)
def test_every_endpoint_keeps_the_role_and_organisation_rules(
    ws, client, case, who, read, write, delete
):
    account_actions.grant(
        factories.actor(ws.user("admin")), ws.owner, ws.rapporteur, "cases.case"
    )
    user = {"rapporteur": ws.rapporteur_analyst, "outsider": ws.outsider_admin}
    api = _api(client, user.get(who) or ws.user(who))
    values = {**factories.case_values(), "version": 1}

    listed = api.get("/api/cases").json()["count"]
    got = api.get(f"/api/cases/{case.pk}").status_code
    put = _put(api, case.pk, values).status_code
    deleted = api.delete(f"/api/cases/{case.pk}").status_code

    assert (got, put, deleted) == (read, write, delete)
    assert listed == (1 if read == 200 else 0)
