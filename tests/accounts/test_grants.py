"""Sharing grants: read access to another organisation's records or fields."""

import pytest

from flexwatch.accounts import actions
from flexwatch.accounts.models import AuditEntry, SharingGrant
from tests import factories

KIND = "sources.datasource"


@pytest.fixture
def record(ws):
    return factories.source(ws.owner, notes="Sensitive: names a victim's employer.")


def _grant(ws, fields=()):
    admin = factories.actor(ws.user("admin"))
    return actions.grant(admin, ws.owner, ws.rapporteur, KIND, list(fields))


def _api(client, user):
    _token, key = actions.create_token(factories.actor(user), "tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def test_without_a_grant_the_rapporteur_sees_nothing(ws, record, signed_in):
    client = signed_in(ws.rapporteur_analyst)

    assert client.get(f"/sources/{record.pk}/").status_code == 404


def test_a_grant_of_all_fields_shows_every_field_but_the_sensitive_ones(
    ws, record, signed_in
):
    _grant(ws)
    client = signed_in(ws.rapporteur_analyst)

    page = client.get(f"/sources/{record.pk}/").content.decode()

    assert record.title in page and record.access_conditions in page
    assert "victim" not in page
    assert client.get(f"/sources/{record.pk}/edit/").status_code == 404


def test_a_grant_of_named_fields_masks_the_others(ws, record, client):
    _grant(ws, ["title", "first_year"])
    api = _api(client, ws.rapporteur_analyst)

    body = api.get(f"/api/sources/{record.pk}").json()

    assert body["title"] == record.title and body["first_year"] == 2015
    assert body["access_conditions"] is None and body["notes"] is None
    assert set(body["masked"]) >= {"access_conditions", "records_held", "notes"}
    assert body["shared_with_you"] is True


def test_a_revoked_grant_hides_the_records_again(ws, record, signed_in):
    grant = _grant(ws)
    actions.revoke(factories.actor(ws.user("admin")), grant)
    client = signed_in(ws.rapporteur_analyst)

    assert client.get(f"/sources/{record.pk}/").status_code == 404
    assert record.title not in client.get("/sources/").content.decode()


def test_grants_and_revocations_are_audited(ws, record):
    grant = _grant(ws)
    actions.revoke(factories.actor(ws.user("admin")), grant)

    entries = AuditEntry.objects.filter(
        object_type="accounts.sharinggrant", object_id=str(grant.pk)
    )
    actions_seen = entries.values_list("action", flat=True)
    assert list(actions_seen) == ["grant_created", "grant_revoked"]


@pytest.mark.parametrize("role", ["analyst", "caseworker", "viewer", "partner"])
def test_only_admins_may_grant(ws, role):
    with pytest.raises(actions.ActionRefused):
        actions.grant(factories.actor(ws.user(role)), ws.owner, ws.rapporteur, KIND)
    assert not SharingGrant.objects.exists()


def test_an_outsider_cannot_grant_anothers_records(ws):
    with pytest.raises(actions.ActionRefused):
        actions.grant(factories.actor(ws.outsider_admin), ws.owner, ws.outsider, KIND)


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("cases.verdict", [], "not a kind of record"),
        (KIND, ["notes"], "notes"),
        (KIND, ["owner"], "owner"),
        (KIND, ["<script>"], "<script>"),
    ],
)
def test_bad_grants_are_refused_naming_the_problem(ws, kind, fields, expected):
    admin = factories.actor(ws.user("admin"))

    with pytest.raises(actions.ActionRefused, match=expected) as refused:
        actions.grant(admin, ws.owner, ws.rapporteur, kind, fields)

    assert "title" in str(refused.value) or "sources.datasource" in str(refused.value)
    assert not SharingGrant.objects.exists()


def test_the_sharing_page_creates_and_revokes_a_grant(ws, record, signed_in):
    client = signed_in(ws.user("admin"))

    created = client.post(
        "/accounts/sharing/",
        {
            "grantor": ws.owner.pk,
            "grantee": ws.rapporteur.pk,
            "record_kind": KIND,
            "shared_fields": [f"{KIND}:title"],
        },
    )
    grant = SharingGrant.objects.get()
    revoked = client.post(f"/accounts/sharing/{grant.pk}/revoke/")

    assert created.status_code == revoked.status_code == 302
    grant.refresh_from_db()
    assert grant.fields == ["title"] and grant.revoked_at is not None


def test_the_sharing_page_refuses_fields_of_another_kind(ws, signed_in):
    client = signed_in(ws.user("admin"))

    refused = client.post(
        "/accounts/sharing/",
        {
            "grantor": ws.owner.pk,
            "grantee": ws.rapporteur.pk,
            "record_kind": KIND,
            "shared_fields": ["cases.case:sector", f"{KIND}:title"],
        },
    )

    assert refused.status_code == 200
    assert "shared_fields" in refused.context["form"].errors
    assert not SharingGrant.objects.exists()


def test_the_sharing_page_is_not_for_other_roles(ws, signed_in):
    client = signed_in(ws.user("analyst"))

    assert client.get("/accounts/sharing/").status_code == 404


def test_an_admin_cannot_revoke_another_organisations_grant(ws, signed_in):
    grant = _grant(ws)
    client = signed_in(ws.outsider_admin)

    assert client.post(f"/accounts/sharing/{grant.pk}/revoke/").status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_grants_through_the_api(ws, record, client):
    api = _api(client, ws.user("admin"))

    created = api.post(
        "/api/grants",
        {
            "grantor_id": ws.owner.pk,
            "grantee_id": ws.rapporteur.pk,
            "record_kind": KIND,
            "fields": ["title"],
        },
        content_type="application/json",
    )
    grant_id = created.json()["id"]
    revoked = api.post(f"/api/grants/{grant_id}/revoke")

    assert created.status_code == 201
    assert revoked.json()["revoked_at"] is not None


def test_the_api_refuses_a_grant_with_an_unknown_field(ws, client):
    api = _api(client, ws.user("admin"))

    response = api.post(
        "/api/grants",
        {
            "grantor_id": ws.owner.pk,
            "grantee_id": ws.rapporteur.pk,
            "record_kind": KIND,
            "fields": ["salary"],
        },
        content_type="application/json",
    )

    assert response.status_code == 403
    assert response.json()["code"] == "refused"
    assert "salary" in response.json()["detail"]


def test_the_api_hides_other_organisations_as_grantors(ws, client):
    api = _api(client, ws.outsider_admin)

    response = api.post(
        "/api/grants",
        {"grantor_id": ws.owner.pk, "grantee_id": ws.outsider.pk, "record_kind": KIND},
        content_type="application/json",
    )

    assert response.status_code == 404
