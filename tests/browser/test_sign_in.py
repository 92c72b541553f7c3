"""Signing in and out through the pages, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests import factories

pytestmark = pytest.mark.browser

SIGN_IN_URL = re.compile(r"/accounts/sign-in/(\?.*)?$")
HOME_URL = re.compile(r"^https?://[^/]+/$")
MEMBERSHIPS = "Your organisations and your role in each"


def _submit(page: Page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_signing_in_shows_the_organisation_and_role_and_signing_out_ends_it(
    ws, page: Page
):
    user = ws.user("analyst")
    page.goto("/")
    expect(page).to_have_url(SIGN_IN_URL)

    _submit(page, user.username, factories.PASSWORD)

    expect(page).to_have_url(HOME_URL)
    welcome = page.get_by_role("heading", name=f"Welcome, {user.username}")
    expect(welcome).to_be_visible()
    memberships = page.get_by_role("table", name=MEMBERSHIPS)
    row = memberships.get_by_role("row").filter(has_text=ws.owner.name)
    expect(row.get_by_role("cell", name="Analyst", exact=True)).to_be_visible()
    kind = row.get_by_role("cell", name="Labour inspection", exact=True)
    expect(kind).to_be_visible()

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(SIGN_IN_URL)


def test_a_wrong_password_shows_the_error_and_stays_on_the_sign_in_page(ws, page: Page):
    user = ws.user("viewer")
    page.goto("/accounts/sign-in/")

    _submit(page, user.username, "not-the-password")

    expect(page.get_by_role("alert")).to_contain_text(
        "The username or password was not right."
    )
    expect(page).to_have_url(SIGN_IN_URL)
    expect(page.get_by_label("Username")).to_have_value(user.username)
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
