"""The data-source register through its pages and its API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.accounts import actions
from flexwatch.accounts.models import AuditEntry
from flexwatch.sources.models import DataSource
from tests import factories

VALID = {
    "title": "Complaints register",
    "kind": "labour_inspection",
    "country": "FI",
    "first_year": 2016,
    "last_year": 2024,
    "records_held": 300,
    "access_conditions": "On request",
    "notes": "Registry desk",
}


def _api(client, user):
    _token, key = actions.create_token(factories.actor(user), "tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def test_a_caseworker_registers_a_source_through_the_page(ws, signed_in):
    client = signed_in(ws.user("caseworker"))

    response = client.post("/sources/new/", {**VALID, "owner": ws.owner.pk})

    source = DataSource.objects.get()
    assert response.status_code == 302
    assert (source.owner, source.title, source.last_year) == (
        ws.owner,
        VALID["title"],
        2024,
    )
    assert AuditEntry.objects.filter(
        action="source_created", object_id=str(source.pk)
    ).exists()


def test_an_edit_is_audited_with_the_changed_fields(ws, signed_in):
    source = factories.source(ws.owner)
    client = signed_in(ws.user("analyst"))
    form = {**VALID, "owner": ws.owner.pk, "title": source.title, "last_year": 2025}

    client.post(f"/sources/{source.pk}/edit/", form)

    entry = AuditEntry.objects.filter(action="source_updated").get()
    assert (
        "last_year" in entry.detail["fields"] and "title" not in entry.detail["fields"]
    )


def test_a_member_cannot_register_for_another_organisation(ws, signed_in):
    client = signed_in(ws.user("caseworker"))

    response = client.post("/sources/new/", {**VALID, "owner": ws.outsider.pk})

    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not DataSource.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"first_year": 2024, "last_year": 2016}, "last_year"),
        ({"country": "XX"}, "country"),
        ({"first_year": 1850}, "first_year"),
        ({"kind": "gossip"}, "kind"),
        ({"title": ""}, "title"),
        ({"notes": "x" * 20001}, "notes"),
    ],
)
def test_bad_input_on_the_page_is_refused_and_nothing_is_saved(
    ws, signed_in, changes, field
):
    client = signed_in(ws.user("caseworker"))

    response = client.post("/sources/new/", {**VALID, "owner": ws.owner.pk, **changes})

    assert response.status_code == 200
    assert (
        field in response.context["form"].errors
        or response.context["form"].non_field_errors()
    )
    assert not DataSource.objects.exists()


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        "'; DROP TABLE sources_datasource; --",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_hostile_text_is_stored_as_text_and_rendered_inert(ws, signed_in, hostile):
    client = signed_in(ws.user("caseworker"))

    client.post("/sources/new/", {**VALID, "owner": ws.owner.pk, "title": hostile})
    source = DataSource.objects.get()
    page = client.get(f"/sources/{source.pk}/").content.decode()

    assert source.title == hostile
    assert hostile not in page
    assert "&lt;" in page or "&#x27;" in page


def test_control_characters_are_refused(ws, client):
    api = _api(client, ws.user("caseworker"))

    response = api.post(
        "/api/sources",
        {**VALID, "owner_id": ws.owner.pk, "title": "bell\x07and null\x00"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not DataSource.objects.exists()


def test_the_api_creates_and_updates_a_source(ws, client):
    api = _api(client, ws.user("analyst"))

    created = api.post(
        "/api/sources",
        {**VALID, "owner_id": ws.owner.pk},
        content_type="application/json",
    )
    url = created.json()["url"]
    updated = api.put(
        url, {**VALID, "records_held": 301}, content_type="application/json"
    )

    assert created.status_code == 201
    assert updated.status_code == 200 and updated.json()["records_held"] == 301


def test_the_api_names_the_bad_field_and_saves_nothing(ws, client):
    api = _api(client, ws.user("analyst"))

    response = api.post(
        "/api/sources",
        {**VALID, "owner_id": ws.owner.pk, "first_year": 2024, "last_year": 2010},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "detail": "The record is not valid.",
        "errors": {
            "last_year": ["The last year (2010) is before the first year (2024)."]
        },
    }
    assert not DataSource.objects.exists()


def test_the_api_rejects_an_unknown_kind_listing_the_accepted_ones(ws, client):
    api = _api(client, ws.user("analyst"))

    response = api.post(
        "/api/sources",
        {**VALID, "owner_id": ws.owner.pk, "kind": "rumour"},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert "labour_inspection" in response.content.decode()


def test_a_viewer_cannot_change_a_source_through_the_api(ws, client):
    source = factories.source(ws.owner)
    api = _api(client, ws.user("viewer"))

    response = api.put(
        f"/api/sources/{source.pk}", VALID, content_type="application/json"
    )

    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title != VALID["title"]


def test_the_list_page_costs_the_same_queries_for_any_page_size(
    ws, signed_in, settings
):
    client = signed_in(ws.user("analyst"))
    factories.source(ws.owner)
    client.get("/sources/")

    with CaptureQueriesContext(connection) as few:
        client.get("/sources/")
    for n in range(30):
        factories.source(ws.owner, title=f"Source {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/sources/")

    assert len(many) == len(few)


def test_the_api_list_costs_the_same_queries_for_any_page_size(ws, client):
    api = _api(client, ws.user("analyst"))
    factories.source(ws.owner)
    api.get("/api/sources")

    with CaptureQueriesContext(connection) as few:
        api.get("/api/sources")
    for n in range(30):
        factories.source(ws.owner, title=f"Source {n}")
    with CaptureQueriesContext(connection) as many:
        body = api.get("/api/sources").json()

    assert body["count"] == 31
    assert len(many) == len(few)


def test_the_api_schema_lists_the_accepted_countries(client):
    schema = client.get("/api/openapi.json").json()

    country = schema["components"]["schemas"]["SourceIn"]["properties"]["country"]

    assert {"FI", "EE", "PL"} <= set(country["enum"]) and "ok" not in country["enum"]
