"""Adding a version through the admin: the command's checks, audit and rights."""

import pytest

from flexwatch.accounts.models import AuditEntry
from flexwatch.law import store
from flexwatch.law.models import AddedVersion

ADD = "/admin/law/addedversion/add/"
VERSION = """\
kind: version
provision: FI-RL-25-3
version:
  from: "2027-03-01"
  to: null
  amending_act: Test act 1/2027
  change: Use of force added as a means.
  status: partial
  elements:
    act: [taking_control, recruitment, transfer, transportation, receipt, harbouring]
    means: [deception, pressure, use_of_force]
    purpose: [sexual_exploitation, forced_labour_or_services, forced_marriage]
sources:
  - {url: "https://example.org/act-1-2027", title: "Test act 1/2027", status: partial}
"""


def _staff(ws, role):
    """A platform administrator (the admin is theirs alone) with ``role``."""
    user = ws.user(role)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_an_analyst_adds_a_pasted_version_through_the_admin(ws, client):
    analyst = _staff(ws, "analyst")
    client.force_login(analyst)

    response = client.post(ADD, {"text": VERSION})

    assert response.status_code == 302
    row = AddedVersion.objects.get()
    assert (row.provision, row.start.isoformat()) == ("FI-RL-25-3", "2027-03-01")
    assert row.file_name == "pasted in the admin" and row.added_by == analyst
    entry = AuditEntry.objects.get(action="law_version_added")
    assert entry.actor_id == analyst.pk
    assert entry.detail["provision"] == "FI-RL-25-3"
    found = store.current_book().provision("FI-RL-25-3").versions[-1]
    assert found.start.isoformat() == "2027-03-01"


def test_an_uploaded_file_keeps_its_name(ws, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(_staff(ws, "analyst"))
    upload = SimpleUploadedFile("fi-2027.yaml", VERSION.encode("utf-8"))

    response = client.post(ADD, {"upload": upload})

    assert response.status_code == 302
    assert AddedVersion.objects.get().file_name == "fi-2027.yaml"


def test_a_refused_file_is_a_form_error_naming_the_line_and_stores_nothing(ws, client):
    client.force_login(_staff(ws, "analyst"))
    wrong = VERSION.replace("sources:", "source:")

    response = client.post(ADD, {"text": wrong})

    assert response.status_code == 200
    page = response.content.decode()
    assert "pasted in the admin, line 13: &#x27;source&#x27; is not a known" in page
    assert not AddedVersion.objects.exists()
    assert not AuditEntry.objects.filter(action="law_version_added").exists()


def test_a_version_rewriting_history_is_refused_in_the_admin(ws, client):
    client.force_login(_staff(ws, "analyst"))
    client.post(ADD, {"text": VERSION})

    response = client.post(ADD, {"text": VERSION})

    assert response.status_code == 200
    assert "history is never rewritten" in response.content.decode()
    assert AddedVersion.objects.count() == 1


def test_neither_a_file_nor_text_is_a_form_error(ws, client):
    client.force_login(_staff(ws, "analyst"))

    response = client.post(ADD, {})

    assert "Give the version as a file or paste its text." in (
        response.content.decode()
    )
    assert not AddedVersion.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "viewer"])
def test_people_who_may_not_analyse_cannot_add_through_the_admin(ws, client, role):
    client.force_login(_staff(ws, role))

    shown = client.get(ADD)
    sent = client.post(ADD, {"text": VERSION})

    assert shown.status_code == 403 and sent.status_code == 403
    assert not AddedVersion.objects.exists()


def test_an_analyst_who_is_no_platform_administrator_is_sent_to_sign_in(ws, client):
    client.force_login(ws.user("analyst"))

    response = client.post(ADD, {"text": VERSION})

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not AddedVersion.objects.exists()


def test_an_added_version_cannot_be_changed_or_removed(ws, client):
    client.force_login(_staff(ws, "analyst"))
    client.post(ADD, {"text": VERSION})
    row = AddedVersion.objects.get()

    changed = client.post(f"/admin/law/addedversion/{row.pk}/change/", {"end": ""})
    removed = client.post(f"/admin/law/addedversion/{row.pk}/delete/", {"post": "yes"})

    assert changed.status_code in (302, 403)
    assert removed.status_code == 403
    assert AddedVersion.objects.get().end is None
