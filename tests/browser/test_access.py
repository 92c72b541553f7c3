"""Who sees which data source, as each person sees it in the browser."""

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from flexwatch.accounts.models import User
from flexwatch.sources.models import DataSource
from tests import factories

pytestmark = pytest.mark.browser

NOTES = "Contact: the inspector who met the witness."
SENSITIVE = "sensitive: visible to the owner's admins, analysts and caseworkers"
NOT_SHARED = "not shared"

SignIn = Callable[[Page, User], None]


@pytest.fixture
def record(ws) -> DataSource:
    return factories.source(ws.owner, title="Seasonal farm inspections", notes=NOTES)


@pytest.fixture
def open_page(new_context: Callable[..., BrowserContext], sign_in: SignIn):
    """A page in a browser context of its own, signed in as ``user``."""

    def open_as(user: User) -> Page:
        opened = new_context().new_page()
        sign_in(opened, user)
        return opened

    return open_as


def _value(page: Page, label: str) -> Locator:
    """The value beside ``label`` in a record's list of fields."""
    return page.locator(f"dt:text-is('{label}') + dd")


def _row_with(page: Page, owner: str) -> Locator:
    table = page.get_by_role("table")
    return table.get_by_role("row").filter(has=page.get_by_role("cell", name=owner))


def _expect_not_found(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 404, path
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()


def test_an_analyst_of_the_owner_sees_the_source_and_its_internal_notes(
    ws, record, page: Page, sign_in: SignIn
):
    sign_in(page, ws.user("analyst"))

    page.get_by_role("link", name="Data sources").click()
    page.get_by_role("link", name=record.title).click()

    expect(page.get_by_role("heading", name=record.title)).to_be_visible()
    expect(_value(page, "Internal notes")).to_have_text(NOTES)
    expect(_value(page, "Records held")).to_have_text("120")
    expect(page.get_by_role("link", name="Edit")).to_be_visible()


def test_a_viewer_of_the_owner_sees_no_edit_button_and_the_notes_masked(
    ws, record, page: Page, sign_in: SignIn
):
    sign_in(page, ws.user("viewer"))

    page.goto(f"/sources/{record.pk}/")

    expect(page.get_by_role("heading", name=record.title)).to_be_visible()
    expect(_value(page, "Internal notes")).to_have_text(SENSITIVE)
    expect(page.get_by_text(NOTES)).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)


def test_an_outside_organisation_does_not_see_the_source(
    ws, record, page: Page, sign_in: SignIn
):
    sign_in(page, ws.outsider_admin)

    page.goto("/sources/")

    expect(page.get_by_role("heading", name="Data sources")).to_be_visible()
    expect(page.get_by_text("No data sources to show.")).to_be_visible()
    expect(page.get_by_text(record.title)).to_have_count(0)
    _expect_not_found(page, f"/sources/{record.pk}/")
    expect(page.get_by_text(record.title)).to_have_count(0)


def _grant(admin: Page, ws, fields: list[str]) -> None:
    admin.goto("/accounts/sharing/")
    admin.get_by_label("Organisation sharing").select_option(label=ws.owner.name)
    receiving = admin.get_by_label("Organisation receiving read access")
    receiving.select_option(label=ws.rapporteur.name)
    admin.get_by_label("Kind of record").select_option(label="data sources")
    shared = admin.get_by_role("group", name="Fields shared")
    for field in fields:
        shared.get_by_label(field, exact=True).check()
    admin.get_by_role("button", name="Create grant").click()
    expect(admin.get_by_role("status")).to_have_text("The grant was created.")


def _expect_shared_in_part(rapporteur: Page, ws, record: DataSource) -> None:
    rapporteur.goto("/sources/")
    row = _row_with(rapporteur, ws.owner.name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("shared with you")
    expect(row.get_by_role("cell", name="FI", exact=True)).to_be_visible()
    # Kind, first year, last year and records held were not in the grant.
    expect(row.get_by_role("cell", name=NOT_SHARED, exact=True)).to_have_count(4)

    row.get_by_role("link", name=record.title).click()
    expect(rapporteur.get_by_role("heading", name=record.title)).to_be_visible()
    expect(rapporteur.get_by_text("Shared with your organisation")).to_be_visible()
    expect(_value(rapporteur, "Country")).to_have_text("FI")
    expect(_value(rapporteur, "Kind of source")).to_have_text(NOT_SHARED)
    expect(_value(rapporteur, "Access conditions")).to_have_text(NOT_SHARED)
    expect(_value(rapporteur, "Internal notes")).to_have_text(SENSITIVE)
    expect(rapporteur.get_by_text(NOTES)).to_have_count(0)
    expect(rapporteur.get_by_role("link", name="Edit")).to_have_count(0)


def test_a_grant_shares_the_chosen_fields_until_it_is_revoked(ws, record, open_page):
    admin = open_page(ws.user("admin"))
    rapporteur = open_page(ws.rapporteur_analyst)
    rapporteur.goto("/sources/")
    expect(rapporteur.get_by_text("No data sources to show.")).to_be_visible()

    _grant(admin, ws, ["title", "country"])
    _expect_shared_in_part(rapporteur, ws, record)

    grant_row = _row_with(admin, ws.rapporteur.name)
    expect(grant_row).to_contain_text("active")
    grant_row.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_role("status")).to_have_text("The grant was revoked.")
    expect(_row_with(admin, ws.rapporteur.name)).to_contain_text("revoked on")

    rapporteur.goto("/sources/")
    expect(rapporteur.get_by_text("No data sources to show.")).to_be_visible()
    expect(rapporteur.get_by_text(record.title)).to_have_count(0)
    _expect_not_found(rapporteur, f"/sources/{record.pk}/")
