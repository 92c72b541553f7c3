"""Background jobs: queued from a page, run by the worker, progress on a page."""

import pytest
from django.core.management import call_command

from flexwatch.accounts.models import AuditEntry
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
