from flexwatch.accounts.models import AuditEntry
from tests import factories


def test_signing_in_and_out_is_audited_with_ids_only(ws, client):
    user = ws.user("analyst")

    response = client.post(
        "/accounts/sign-in/",
        {"username": user.username, "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    client.post("/accounts/sign-out/")

    actions = list(
        AuditEntry.objects.filter(actor_id=user.pk).values_list("action", flat=True)
    )
    assert actions[-2:] == ["sign_in", "sign_out"]
    assert user.username not in str(AuditEntry.objects.values_list("detail", flat=True))


def test_a_failed_sign_in_is_audited(ws, client):
    user = ws.user("viewer")

    response = client.post(
        "/accounts/sign-in/", {"username": user.username, "password": "wrong"}
    )

    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="sign_in_failed", actor_id=user.pk).exists()


def test_repeated_failures_lock_the_account(ws, client, settings):
    user = ws.user("caseworker")
    wrong = {"username": user.username, "password": "not-the-password"}

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", wrong)
    locked = client.post(
        "/accounts/sign-in/",
        {"username": user.username, "password": factories.PASSWORD},
    )

    assert locked.status_code == 429
    assert "locked" in locked.content.decode().lower()
    assert AuditEntry.objects.filter(action="locked_out", actor_id=user.pk).exists()


def test_a_lock_on_one_account_leaves_others_alone(ws, client, settings):
    wrong = {"username": ws.user("viewer").username, "password": "nope"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/sign-in/", wrong)

    other = client.post(
        "/accounts/sign-in/",
        {"username": ws.user("analyst").username, "password": factories.PASSWORD},
    )

    assert other.status_code == 302


def test_changing_the_password_is_audited(ws, signed_in):
    user = ws.user("analyst")
    client = signed_in(user)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": factories.PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )

    assert response.status_code == 302
    assert AuditEntry.objects.filter(
        action="password_changed", actor_id=user.pk
    ).exists()
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase-42")


def test_an_api_token_is_shown_once_and_stored_hashed(ws, signed_in):
    client = signed_in(ws.user("analyst"))

    page = client.post("/accounts/me/", {"name": "statistics script"}).content.decode()

    token = ws.user("analyst").tokens.get()
    assert token.name == "statistics script"
    assert f"fw_{token.prefix}" in page
    assert token.key_hash not in page and len(token.key_hash) == 64
