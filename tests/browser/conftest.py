"""Fixtures for the browser tests: Debian's Chromium, driven through Playwright.

pytest-playwright supplies ``new_context``, ``context`` and ``page`` (with its
``--tracing``, ``--screenshot`` and ``--video`` options). Three of its
session-wide fixtures are narrowed here to this package: Playwright's sync API
keeps an asyncio event loop running in the main thread while it is started,
and a loop left running for the rest of the session would break any later
test that calls ``asyncio.run`` or the ORM.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from flexwatch.accounts.models import User
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Short enough that a missing element fails a test in seconds, not half a minute.
ACTION_TIMEOUT_MS = 10_000


def _chromium_or_skip() -> None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return
    reason = (
        f"Browser tests need Chromium at {CHROMIUM} (Debian package 'chromium'); "
        "Playwright's own browser download is not used."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} CI=true, so the browser tests may not be skipped.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict:
    """pytest-playwright's options (``--headed``, ``--slowmo``), with Chromium's."""
    _chromium_or_skip()
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="package")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    before = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        # The ORM calls in the tests are synchronous, but Django sees the
        # running loop and would refuse them.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as started:
            # With a loop running, Django hands the thread new connection
            # objects. Keep the ones the test database was set up on: on
            # SQLite in memory the live server shares them, and a second
            # connection to the shared-cache database would contend for its
            # table locks.
            for alias, connection in before.items():
                connections[alias] = connection
            yield started


@pytest.fixture(autouse=True)
def _committed_data(transactional_db: None) -> None:
    """Commit what a test writes, so the live server's own connection sees it.

    The live server is requested through a package fixture, which pytest-django
    does not notice when it chooses between a transaction that is rolled back
    and a flushed database; asking for ``transactional_db`` here makes the
    choice explicit. On SQLite in memory both share one connection anyway.
    """


@pytest.fixture(scope="package")
def browser(
    browser_type_launch_args: dict[str, Any], playwright: Playwright
) -> Iterator[Browser]:
    launched = playwright.chromium.launch(**browser_type_launch_args)
    yield launched
    launched.close()


@pytest.fixture(scope="package")
def browser_context_args(
    django_db_setup: None, live_server: LiveServer
) -> dict[str, Any]:
    # The test database must exist before the live server starts, or on
    # SQLite in memory the server does not share the test connection. The
    # locale is fixed so that the language the pages start in does not depend
    # on the machine; the width keeps the navigation bar expanded.
    return {
        "base_url": live_server.url,
        "locale": "en-GB",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext],
) -> Callable[..., BrowserContext]:
    """pytest-playwright's context factory, with shorter waits."""

    def open_context(**options: Any) -> BrowserContext:
        opened = new_context(**options)
        opened.set_default_timeout(ACTION_TIMEOUT_MS)
        return opened

    return open_context


@pytest.fixture
def sign_in() -> Callable[[Page, User], None]:
    """Sign a user in through the sign-in page, as a person would."""

    def fill_and_submit(page: Page, user: User) -> None:
        page.goto("/accounts/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        welcome = page.get_by_role("heading", name=f"Welcome, {user.username}")
        expect(welcome).to_be_visible()

    return fill_and_submit
