from flexwatch.accounts.models import AuditEntry
from tests import factories


def test_signing_in_and_out_is_audited_with_ids_only(ws, client):
    user = ws.user("analyst")

    response = client.post(
        "/accounts/sign-in/", {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    client.post("/accounts/sign-out/")

    actions = list(AuditEntry.objects.filter(actor_id=user.pk).values_list("action", flat=True))
    assert actions[-2:] == ["sign_in", "sign_out"]
    assert user.username not in str(AuditEntry.objects.values_list("detail", flat=True))


def test_a_failed_sign_in_is_audited(ws, client):
    user = ws.user("viewer")

    response = client.post("/accounts/sign-in/", {"username": user.username, "password": "wrong"})

    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="sign_in_failed", actor_id=user.pk).exists()
