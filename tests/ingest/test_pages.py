"""The Imports pages: upload, background import, report, profiles."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from flexwatch.accounts.models import AuditEntry
from flexwatch.cases.models import Case
from flexwatch.ingest.models import ImportProfile, ImportRun
from flexwatch.jobs.models import JobProgress
from tests.ingest.test_pipeline import HEADER, PROFILE, ROWS

# The worker closes its database connection when it ends, which a test
# wrapped in one transaction cannot survive on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    settings.UPLOAD_DIR.mkdir()


def _csv(rows=ROWS) -> bytes:
    lines = [",".join(HEADER), *(",".join(f'"{cell}"' for cell in r) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


def _profile(ws) -> ImportProfile:
    return ImportProfile.objects.create(
        owner=ws.owner, name="inspections", text=PROFILE
    )


def _upload(client, ws, content: bytes, name: str = "cases.csv", **options):
    data = {
        "owner": ws.owner.pk,
        "profile": "inspections",
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
        **options,
    }
    return client.post("/imports/", data)


def _run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_an_upload_is_imported_in_the_background_and_then_deleted(
    ws, signed_in, settings
):
    _profile(ws)
    client = signed_in(ws.user("analyst"))

    queued = _upload(client, ws, _csv())
    assert queued.status_code == 302 and "/jobs/" in queued["Location"]
    assert len(list(settings.UPLOAD_DIR.iterdir())) == 1
    _run_worker()

    run = ImportRun.objects.get()
    job = client.get(queued["Location"]).content.decode()
    assert f"/imports/runs/{run.pk}/" in job
    assert (run.status, run.cases_created, run.file_name) == (
        "committed",
        3,
        "cases.csv",
    )
    assert Case.objects.count() == 3
    assert list(settings.UPLOAD_DIR.iterdir()) == []
    progress = JobProgress.objects.get()
    assert progress.done == progress.total


def test_the_report_of_a_refused_import_is_a_page_and_a_csv(ws, signed_in):
    _profile(ws)
    client = signed_in(ws.user("analyst"))
    bad = [*ROWS, ["TT-4", "31.02.2024", "Kalastus", "", "N", "", "UA", "", "", ""]]
    _upload(client, ws, _csv(bad))
    _run_worker()
    run = ImportRun.objects.get()

    page = client.get(f"/imports/runs/{run.pk}/").content.decode()
    report = b"".join(
        client.get(f"/imports/runs/{run.pk}/report.csv").streaming_content
    )

    assert run.status == "refused" and not Case.objects.exists()
    assert "31.02.2024" in page and "Kalastus" in page
    lines = report.decode("utf-8-sig").splitlines()
    assert lines[0] == "file,row,column,value,problem,accepted values"
    assert any(line.startswith("cases.csv,5,Sector,Kalastus,") for line in lines)
    assert AuditEntry.objects.filter(action="import_report_read").count() == 1


def test_a_dry_run_from_the_page_stores_nothing(ws, signed_in):
    _profile(ws)
    client = signed_in(ws.user("analyst"))

    _upload(client, ws, _csv(), dry_run="on")
    _run_worker()

    assert ImportRun.objects.get().status == "validated"
    assert not Case.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(
    ws, signed_in, settings
):
    _profile(ws)
    settings.UPLOAD_MAX_BYTES = 1024
    client = signed_in(ws.user("analyst"))

    response = _upload(client, ws, _csv() * 40, follow=True)

    assert "the limit for uploads is" in response.content.decode()
    assert list(settings.UPLOAD_DIR.iterdir()) == []
    assert not JobProgress.objects.exists()


def test_a_file_of_another_kind_is_refused(ws, signed_in, settings):
    _profile(ws)
    client = signed_in(ws.user("analyst"))

    response = _upload(client, ws, b"MZ\x90\x00", name="tool.exe")

    assert response.status_code == 400
    assert "tool.exe" in response.content.decode()
    assert list(settings.UPLOAD_DIR.iterdir()) == []


@pytest.mark.parametrize("role", ["viewer", "partner"])
def test_only_people_who_edit_records_see_imports(ws, signed_in, role):
    client = signed_in(ws.user(role))

    assert client.get("/imports/").status_code == 404
    assert client.get("/imports/profiles/").status_code == 404


def test_another_organisations_import_is_not_shown(ws, signed_in):
    _profile(ws)
    client = signed_in(ws.user("analyst"))
    _upload(client, ws, _csv())
    _run_worker()
    run = ImportRun.objects.get()
    client.logout()

    other = signed_in(ws.outsider_admin)

    assert other.get(f"/imports/runs/{run.pk}/").status_code == 404
    assert other.get(f"/imports/runs/{run.pk}/report.csv").status_code == 404


def test_a_profile_is_checked_when_saved_naming_the_line(ws, signed_in):
    client = signed_in(ws.user("analyst"))
    broken = PROFILE.replace("person.sex:", "person.gender:")

    refused = client.post(
        "/imports/profiles/new/",
        {"owner": ws.owner.pk, "name": "inspections", "text": broken},
    )
    saved = client.post(
        "/imports/profiles/new/",
        {"owner": ws.owner.pk, "name": "inspections", "text": PROFILE},
    )

    assert refused.status_code == 400
    line = next(n for n, text in enumerate(broken.splitlines(), 1) if "gender" in text)
    assert f"line {line}" in refused.content.decode()
    assert saved.status_code == 302
    stored = ImportProfile.objects.get()
    assert (stored.name, stored.version) == ("inspections", 1)
    assert AuditEntry.objects.filter(action="import_profile_saved").exists()
