"""The export pages: the button, the form, the job, and a download for one person."""

import csv
import io
import os
import time

import pytest
from django.core.management import call_command

from flexwatch.accounts.models import AuditEntry
from flexwatch.cases import export, tasks
from flexwatch.jobs.models import JobProgress
from tests import factories

# The worker closes its database connection when it ends, which a test
# wrapped in one transaction cannot survive on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def case(ws):
    return factories.case(ws.owner, ws.user("caseworker"))


def _run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def _start(client, **fields) -> str:
    """Post the export form; return the job page's address."""
    form = {"format": "csv", "table": "cases", **fields}
    response = client.post("/cases/export/", form)
    assert response.status_code == 302, response.content[:800]
    return response["Location"]


@pytest.mark.parametrize(("role", "shown"), [("analyst", True), ("viewer", False)])
def test_the_export_button_is_for_those_who_may_export(
    ws, case, signed_in, role, shown
):
    page = signed_in(ws.user(role)).get("/cases/").content.decode()

    assert ('name="export"' in page) is shown


def test_the_button_carries_the_list_filters_to_the_export_form(ws, case, signed_in):
    client = signed_in(ws.user("analyst"))

    plain = client.get("/cases/?country=FI&year=2023&page=2&export=1")
    by_htmx = client.get("/cases/?country=FI&export=1", headers={"HX-Request": "true"})
    form = client.get(plain["Location"]).content.decode()

    assert plain["Location"] == "/cases/export/?country=FI&year=2023"
    assert by_htmx["HX-Redirect"] == "/cases/export/?country=FI"
    assert 'name="country" value="FI"' in form and 'value="2023"' in form


@pytest.mark.parametrize("role", ["caseworker", "viewer", "partner"])
def test_the_export_page_is_404_for_roles_that_do_not_export(ws, signed_in, role):
    client = signed_in(ws.user(role))

    assert client.get("/cases/export/").status_code == 404
    assert client.post("/cases/export/", {"format": "csv"}).status_code == 404
    assert client.get("/cases/?export=1").status_code == 200
    assert not JobProgress.objects.exists()


def test_an_export_runs_in_the_background_and_its_owner_downloads_it(
    ws, case, signed_in
):
    client = signed_in(ws.user("analyst"))

    job_url = _start(client, country="FI", sensitive="on")
    waiting = client.get(job_url).content.decode()
    _run_worker()
    ready = client.get(job_url, headers={"HX-Request": "true"}).content.decode()
    download = client.get(f"{job_url}file/")

    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert "hx-get" in waiting and "Download" not in waiting
    assert "Download the file" in ready and "hx-get" not in ready
    assert download["Content-Disposition"].startswith("attachment")
    assert ".csv" in download["Content-Disposition"]
    assert [row["case_id"] for row in rows] == [str(case.pk)]
    assert "passports kept by the boss" in rows[0]["narrative"]
    entry = AuditEntry.objects.get(action="sensitive_exported")
    assert entry.remote_addr == "127.0.0.1" and entry.detail["cases"] == [case.pk]


def test_nobody_else_sees_the_job_or_its_file(ws, case, signed_in, client):
    job_url = _start(signed_in(ws.user("analyst")))
    _run_worker()
    client.logout()

    for other in (ws.user("admin"), ws.outsider_admin, ws.user("viewer")):
        signed_in(other)
        assert client.get(job_url).status_code == 404
        assert client.get(f"{job_url}file/").status_code == 404
        client.logout()


def test_another_kind_of_job_is_not_an_export(ws, signed_in):
    client = signed_in(ws.user("admin"))
    audit_job = client.post("/accounts/audit/")["Location"].rstrip("/").split("/")[-1]

    assert client.get(f"/cases/export/{audit_job}/").status_code == 404
    assert client.get(f"/cases/export/{audit_job}/file/").status_code == 404


def test_a_refusal_shows_on_the_form_and_starts_nothing(
    ws, case, signed_in, monkeypatch
):
    monkeypatch.setattr(export.writers, "XLSX_MAX_ROWS", 0)
    client = signed_in(ws.user("analyst"))

    response = client.post("/cases/export/", {"format": "xlsx", "table": "cases"})

    assert response.status_code == 200
    assert "Choose CSV or Parquet" in response.content.decode()
    assert not JobProgress.objects.exists()


def test_files_older_than_a_day_go_with_the_next_export(ws, case, signed_in):
    folder = tasks.exports_folder()
    old, fresh = folder / "old.csv", folder / "fresh.csv"
    old.write_text("x")
    fresh.write_text("x")
    day_and_a_bit = time.time() - tasks.KEEP - 60
    os.utime(old, (day_and_a_bit, day_and_a_bit))

    _start(signed_in(ws.user("analyst")))
    _run_worker()

    assert not old.exists() and fresh.exists()
    assert len(list(folder.glob("*.csv"))) == 2  # the fresh file and the export


def test_an_expired_file_is_404(ws, case, signed_in):
    client = signed_in(ws.user("analyst"))
    job_url = _start(client, format="parquet", table="observations")
    _run_worker()

    for path in tasks.exports_folder().iterdir():
        path.unlink()

    assert client.get(job_url).status_code == 200
    assert client.get(f"{job_url}file/").status_code == 404
