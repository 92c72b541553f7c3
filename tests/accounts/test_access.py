"""Who sees which records, through the pages and the API.

One owner organisation with a member per role, a national rapporteur that
may receive grants, and an outsider in another country.
"""

import pytest

from flexwatch.accounts import actions
from flexwatch.accounts.models import AuditEntry
from tests import factories

READERS = ["admin", "analyst", "caseworker", "viewer"]
CLEARED = ["admin", "analyst", "caseworker"]


@pytest.fixture
def record(ws):
    return factories.source(ws.owner, notes="Sensitive: contact details of a witness.")


def _api(client, user):
    _token, key = actions.create_token(factories.actor(user), "tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.mark.parametrize("role", READERS)
def test_members_who_read_records_see_the_owners_record(ws, record, signed_in, role):
    client = signed_in(ws.user(role))

    listing = client.get("/sources/")
    detail = client.get(f"/sources/{record.pk}/")

    assert record.title in listing.content.decode()
    assert detail.status_code == 200


@pytest.mark.parametrize("role", ["partner"])
def test_partners_see_no_record_level_data(ws, record, signed_in, role):
    client = signed_in(ws.user(role))

    assert record.title not in client.get("/sources/").content.decode()
    assert client.get(f"/sources/{record.pk}/").status_code == 404


@pytest.mark.parametrize("role", CLEARED)
def test_cleared_roles_read_the_sensitive_notes_and_the_read_is_audited(
    ws, record, signed_in, role
):
    user = ws.user(role)
    client = signed_in(user)

    page = client.get(f"/sources/{record.pk}/").content.decode()

    assert "witness" in page
    read = AuditEntry.objects.filter(action="sensitive_read", actor_id=user.pk)
    assert read.filter(object_id=str(record.pk)).exists()


def test_viewers_see_the_notes_masked_and_cannot_edit(ws, record, signed_in):
    client = signed_in(ws.user("viewer"))

    page = client.get(f"/sources/{record.pk}/").content.decode()

    assert "witness" not in page
    assert client.get(f"/sources/{record.pk}/edit/").status_code == 404
    assert client.post(f"/sources/{record.pk}/edit/", {"title": "x"}).status_code == 404


def test_an_outsider_gets_the_same_404_as_for_a_missing_record(ws, record, signed_in):
    client = signed_in(ws.outsider_admin)

    hidden = client.get(f"/sources/{record.pk}/")
    missing = client.get("/sources/999999/")

    assert hidden.status_code == missing.status_code == 404
    assert record.title not in client.get("/sources/").content.decode()
    assert client.get(f"/sources/{record.pk}/edit/").status_code == 404


def test_an_outsider_sees_nothing_through_the_api(ws, record, client):
    api = _api(client, ws.outsider_admin)

    listing = api.get("/api/sources").json()

    assert listing["count"] == 0
    assert api.get(f"/api/sources/{record.pk}").status_code == 404


def test_a_member_reads_the_record_through_the_api(ws, record, client):
    api = _api(client, ws.user("analyst"))

    body = api.get(f"/api/sources/{record.pk}").json()

    assert body["title"] == record.title
    assert body["notes"] == record.notes
    assert body["masked"] == []


def test_a_viewer_gets_the_notes_masked_through_the_api(ws, record, client):
    api = _api(client, ws.user("viewer"))

    body = api.get(f"/api/sources/{record.pk}").json()

    assert body["notes"] is None
    assert body["masked"] == ["notes"]


def test_the_api_refuses_requests_without_a_valid_token(ws, record, client):
    assert client.get("/api/sources").status_code == 401
    client.defaults["HTTP_AUTHORIZATION"] = "Bearer fw_not-a-token"
    assert client.get("/api/sources").status_code == 401


def test_a_revoked_token_no_longer_works(ws, record, client):
    token, key = actions.create_token(factories.actor(ws.user("analyst")), "tests")
    actions.revoke_token(factories.actor(ws.user("analyst")), token)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"

    assert client.get("/api/sources").status_code == 401


def test_the_django_admin_is_for_platform_administrators_only(ws, signed_in):
    client = signed_in(ws.user("admin"))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_superuser_reaches_the_django_admin(db, client):
    root = factories.person(None, "admin", "root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.post(
        "/accounts/sign-in/", {"username": "root", "password": factories.PASSWORD}
    )

    assert client.get("/admin/").status_code == 200


def test_pages_need_a_signed_in_user(db, client):
    for url in ["/", "/sources/", "/accounts/sharing/", "/accounts/me/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/sign-in/")


def test_changes_in_the_django_admin_are_audited(ws, client):
    root = factories.person(None, "admin", "root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)

    response = client.post(
        f"/admin/accounts/organisation/{ws.outsider.pk}/change/",
        {"name": "Renamed Police", "country": "EE", "kind": "police"},
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="admin_changed").get()
    assert (entry.actor_id, entry.object_id) == (root.pk, str(ws.outsider.pk))


def test_demo_users_are_told_the_data_are_synthetic(db, client):
    from flexwatch.demo import load
    from flexwatch.demo.synthetic import DEMO_PASSWORD

    load.load()
    client.post(
        "/accounts/sign-in/", {"username": "fi-viewer", "password": DEMO_PASSWORD}
    )

    page = client.get("/").content.decode()

    assert "every organisation, person and record here is synthetic" in page


def test_the_api_list_leaves_out_sensitive_fields_and_audits_no_read(
    ws, record, client
):
    api = _api(client, ws.user("analyst"))
    before = AuditEntry.objects.filter(action="sensitive_read").count()

    item = api.get("/api/sources").json()["items"][0]

    assert item["notes"] is None and "notes" in item["masked"]
    assert AuditEntry.objects.filter(action="sensitive_read").count() == before
