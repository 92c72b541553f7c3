"""The statistics page in a real browser: charts drawn, filters redraw them."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from flexwatch.accounts.models import User
from tests import factories

pytestmark = pytest.mark.browser

SignIn = Callable[[Page, User], None]


def _victim(sex: str) -> dict:
    decision = {"decision": "formally_identified", "decided_on": "2023-03-10"}
    return {"role": "victim", "sex": sex, "age": 30, "decisions": [decision]}


@pytest.fixture
def cases(ws):
    author = ws.user("caseworker")
    for sex in ["female"] * 6 + ["male"] * 5:
        factories.case(ws.owner, author, persons=[_victim(sex)])
    factories.case(ws.owner, author, sector="nace_f", persons=[_victim("female")])
    return ws


def test_every_chart_is_drawn_and_a_filter_redraws_them(
    cases, page: Page, sign_in: SignIn
):
    sign_in(page, cases.user("analyst"))

    page.get_by_role("link", name="Statistics").click()
    charts = page.locator(".stats-chart")
    expect(charts.first).to_be_visible()
    count = charts.count()
    assert count >= 8
    for n in range(count):
        expect(charts.nth(n).locator("svg, canvas").first).to_be_attached()
    by_sex = page.locator("#panel-by_sex")
    expect(by_sex.get_by_role("row").last).to_contain_text("12")

    page.get_by_label("Sector", exact=True).select_option("nace_01")

    expect(by_sex.get_by_role("row").last).to_contain_text("11")
    expect(page.locator("#panel-by_sex .stats-chart svg")).to_be_attached()
    assert "sector=nace_01" in page.url
