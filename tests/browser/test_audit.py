"""Verifying the audit trail from its page: a background job the page follows."""

import logging
import re
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, Route, expect

from flexwatch.accounts.models import AuditEntry, User

pytestmark = pytest.mark.browser

JOB_URL = re.compile(r"/jobs/[^/]+/$")
POLL_WAIT_MS = 5_000


@contextmanager
def _worker_settings_restored() -> Iterator[None]:
    # The worker installs its own signal handlers and sets its loggers'
    # levels, and leaves both behind when it returns.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = {logger: logger.level for logger in loggers}
    try:
        yield
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in levels.items():
            logger.setLevel(level)


def run_queued_jobs() -> None:
    """Run the queued jobs once, as `flexwatch worker` would, then return."""
    with _worker_settings_restored():
        # Options as on the command line: the keyword no_startup_delay=True
        # would set the delay's flag to True, that is keep the delay.
        call_command("db_worker", "--batch", "--no-startup-delay")


class _PollGate:
    """A route handler that holds the job page's requests until released."""

    def __init__(self) -> None:
        self.held: list[Route] = []
        self.open = False

    def handle(self, route: Route) -> None:
        if self.open:
            route.continue_()
        else:
            self.held.append(route)

    def first(self, page: Page) -> Route:
        for _ in range(POLL_WAIT_MS // 50):
            if self.held:
                return self.held[0]
            page.wait_for_timeout(50)
        pytest.fail(f"The job page sent no request in {POLL_WAIT_MS} ms; no polling.")

    def release(self) -> None:
        self.open = True
        for route in self.held:
            route.continue_()


def test_verifying_the_trail_shows_the_job_finish_on_its_own(
    ws, page: Page, sign_in: Callable[[Page, User], None]
):
    sign_in(page, ws.user("admin"))
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()

    page.get_by_role("button", name="Verify the whole trail").click()

    expect(page).to_have_url(JOB_URL)
    expect(page.get_by_role("heading", name="Background job")).to_be_visible()
    job = page.locator("#job-progress")
    expect(job).to_contain_text(re.compile("status: ready", re.IGNORECASE))
    expect(job).to_contain_text("This page updates by itself.")

    # Hold the page's polls in the browser while the worker runs: on SQLite
    # in memory the live server shares this thread's connection, and the two
    # must not query it at once.
    polls = _PollGate()
    page.route(JOB_URL, polls.handle)
    assert polls.first(page).request.header_value("hx-request") == "true"
    entries = AuditEntry.objects.count()
    run_queued_jobs()
    polls.release()
    page.unroute(JOB_URL)

    expect(job).to_contain_text(re.compile("status: successful", re.IGNORECASE))
    intact = f"The audit trail is intact: {entries} entries checked."
    expect(job).to_contain_text(intact)
    expect(page.get_by_role("progressbar", name="Progress")).to_have_attribute(
        "aria-valuenow", "100"
    )
    expect(job).not_to_contain_text("This page updates by itself.")
    expect(page).to_have_url(JOB_URL)
