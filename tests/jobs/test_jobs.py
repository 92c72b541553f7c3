"""Background jobs: queued from a page, run by the worker, progress on a page."""

import pytest
from django.core.management import call_command
from django.db import transaction

from flexwatch.accounts.models import AuditEntry
from flexwatch.jobs import progress
from flexwatch.jobs.models import JobProgress

# The worker closes its database connection when it ends, which a test
# wrapped in one transaction cannot survive on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def test_an_admin_queues_an_audit_check_and_follows_its_progress(ws, signed_in):
    client = signed_in(ws.user("admin"))

    queued = client.post("/accounts/audit/")
    job_url = queued["Location"]
    before = client.get(job_url).content.decode()
    _run_worker()
    after = client.get(job_url, headers={"HX-Request": "true"}).content.decode()

    progress = JobProgress.objects.get()
    assert "ready" in before
    assert "successful" in after
    assert "hx-get" not in after
    assert progress.done == progress.total == AuditEntry.objects.count()
    assert "intact" in progress.message


def test_the_check_reports_a_broken_trail(ws, signed_in):
    client = signed_in(ws.user("admin"))
    AuditEntry.objects.filter(seq=2).update(action="forged")

    job_url = client.post("/accounts/audit/")["Location"]
    _run_worker()

    assert "broken at entry #2" in JobProgress.objects.get().message
    assert "broken at entry #2" in client.get(job_url).content.decode()


def test_nobody_else_sees_a_job(ws, signed_in, client):
    job_url = signed_in(ws.user("admin")).post("/accounts/audit/")["Location"]
    client.logout()

    other = signed_in(ws.outsider_admin)

    assert other.get(job_url).status_code == 404


def test_the_audit_page_is_for_admins(ws, signed_in):
    client = signed_in(ws.user("analyst"))

    assert client.get("/accounts/audit/").status_code == 404
    assert client.post("/accounts/audit/").status_code == 404
    assert not JobProgress.objects.exists()


def test_progress_made_inside_a_transaction_is_shown_from_aside(ws, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    JobProgress.objects.create(task_id=TASK_ID, name="Import")
    report = progress.reporter(_Context())

    with transaction.atomic():
        report(40, 100, "Storing rows")
        stored = JobProgress.objects.get()
        shown = progress.current(JobProgress.objects.get())
    report(100, 100, "Done.")

    assert (stored.done, shown.done, shown.message) == (
        0,
        40,
        "Storing rows",
    )
    assert JobProgress.objects.get().done == 100
    assert not progress.aside(TASK_ID).exists()


TASK_ID = "0b4f7c2e-5d1a-4e8b-9c3f-2a6d8e1f0b7c"


class _Context:
    class task_result:
        id = TASK_ID
