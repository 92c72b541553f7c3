"""Joining linkage projects, the secret kept out of sight, and persons' keys."""

import logging
from datetime import date

import pytest

from flexwatch.accounts import audit
from flexwatch.accounts.models import AuditEntry
from flexwatch.linkage import keys, projects
from flexwatch.linkage.models import LinkageProject, PersonKey, ProjectMember
from tests import factories

SECRET = "7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c2e"
WRONG = "0000000000000000000000000000000000"
PERSON = keys.Identity(full_name="Olena Testova", birth_date=date(1989, 5, 2))


@pytest.fixture
def police(db):
    return factories.organisation("Police", "FI", "police")


@pytest.fixture
def inspection(db):
    return factories.organisation("Labour Inspection", "FI", "labour_inspection")


def test_the_first_join_creates_the_project_with_the_fingerprint(police):
    member = projects.join(police, "seasonal-2025", SECRET, "Seasonal work 2025")

    project = LinkageProject.objects.get(slug="seasonal-2025")
    assert member.project == project
    assert project.name == "Seasonal work 2025"
    assert project.fingerprint == keys.fingerprint(SECRET)
    assert projects.secret_for(police, "seasonal-2025") == SECRET


def test_another_member_with_the_same_secret_joins(police, inspection):
    projects.join(police, "seasonal-2025", SECRET)

    projects.join(inspection, "seasonal-2025", f"  {SECRET}\n")

    project = LinkageProject.objects.get(slug="seasonal-2025")
    assert {m.organisation for m in project.members.all()} == {police, inspection}
    assert projects.secret_for(inspection, "seasonal-2025") == SECRET


def test_a_different_secret_is_refused_and_changes_nothing(police, inspection):
    projects.join(police, "seasonal-2025", SECRET)
    entries = AuditEntry.objects.count()

    with pytest.raises(projects.SecretMismatch, match="not the one") as refused:
        projects.join(inspection, "seasonal-2025", WRONG)

    assert WRONG not in str(refused.value) and SECRET not in str(refused.value)
    assert not ProjectMember.objects.filter(organisation=inspection).exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("slug", "secret", "message"),
    [
        ("seasonal-2025", "short-secret", "at least 32"),
        ("seasonal 2025", SECRET, "letters, digits, hyphens"),
        ("x" * 65, SECRET, "at most 64"),
    ],
)
def test_a_bad_name_or_a_short_secret_is_refused(police, slug, secret, message):
    with pytest.raises(projects.ProjectError, match=message):
        projects.join(police, slug, secret)

    assert not LinkageProject.objects.exists()


def test_joining_twice_changes_nothing(police):
    first = projects.join(police, "seasonal-2025", SECRET)
    again = projects.join(police, "seasonal-2025", SECRET)

    assert again == first
    assert AuditEntry.objects.filter(action="linkage_joined").count() == 1


def test_a_join_is_audited_by_fingerprint_never_by_secret(police):
    member = projects.join(police, "seasonal-2025", SECRET)

    entry = AuditEntry.objects.get(action="linkage_joined")
    assert entry.organisation_id == police.pk
    assert entry.object_id == str(member.pk)
    assert entry.detail == {
        "project": "seasonal-2025",
        "fingerprint": keys.fingerprint(SECRET),
        "created_project": True,
    }
    assert SECRET not in str(entry.detail)
    assert audit.verify().ok


def test_the_secret_never_reaches_the_log(police, inspection, caplog):
    caplog.set_level(logging.DEBUG)

    projects.join(police, "seasonal-2025", SECRET)
    with pytest.raises(projects.SecretMismatch):
        projects.join(inspection, "seasonal-2025", WRONG)

    assert "seasonal-2025" in caplog.text
    assert SECRET not in caplog.text and WRONG not in caplog.text


@pytest.mark.parametrize("slug", ["seasonal-2025", "no-such-project"])
def test_an_organisation_outside_the_project_has_no_secret(police, inspection, slug):
    projects.join(police, "seasonal-2025", SECRET)

    with pytest.raises(projects.NotMember, match="not a member"):
        projects.secret_for(inspection, slug)


def test_members_make_the_same_keys_for_the_same_person(police, inspection):
    projects.join(police, "seasonal-2025", SECRET)
    projects.join(inspection, "seasonal-2025", SECRET)

    made = projects.keys_for(police, "seasonal-2025", PERSON)

    assert made == projects.keys_for(inspection, "seasonal-2025", PERSON)
    assert made == keys.linkage_keys(SECRET, PERSON)


def test_stored_keys_are_replaced_and_go_with_their_person(police):
    member = projects.join(police, "seasonal-2025", SECRET)
    person = factories.case(police).persons.first()
    before = keys.linkage_keys(SECRET, keys.Identity(full_name="Olena Testowa"))

    projects.store_keys(person, member.project, before)
    projects.store_keys(person, member.project, keys.linkage_keys(SECRET, PERSON))

    stored = {(k.kind, k.digest) for k in person.linkage_keys.all()}
    assert stored == {(k.kind, k.digest) for k in keys.linkage_keys(SECRET, PERSON)}
    person.delete()
    assert not PersonKey.objects.exists()


def test_the_admin_never_shows_the_secret(police, inspection, client):
    member = projects.join(police, "seasonal-2025", SECRET)
    projects.join(inspection, "seasonal-2025", SECRET)
    person = factories.case(police).persons.first()
    projects.store_keys(person, member.project, keys.linkage_keys(SECRET, PERSON))
    root = factories.person(None, "admin", "root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)

    pages = [
        "/admin/linkage/linkageproject/",
        f"/admin/linkage/linkageproject/{member.project.pk}/change/",
        "/admin/linkage/projectmember/",
        f"/admin/linkage/projectmember/{member.pk}/change/",
        "/admin/linkage/personkey/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert SECRET not in response.content.decode(), page
    assert client.get("/admin/linkage/projectmember/add/").status_code == 403
