"""A Finnish caseworker enters a whole case in the browser: the case, a victim
with an identification decision, and the indicator checklist.

Fields are found by their form names, so the test does not depend on the
translators' wording; what it checks of the language is that the pages and
the vocabulary labels really are in Finnish.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from flexwatch import vocab
from flexwatch.cases.models import Case
from tests import factories

pytestmark = pytest.mark.browser


def _finnish(english: str) -> str:
    path = Path(settings.LOCALE_PATHS[0]) / "fi" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as compiled:
        translated = gettext.GNUTranslations(compiled).gettext(english)
    assert translated != english, f"The Finnish catalogue lacks {english!r}."
    return translated


@pytest.fixture
def finnish_page(new_context, live_server) -> Page:
    """A browser whose person chose Finnish, as the language switcher does."""
    context = new_context()
    cookie = {"name": settings.LANGUAGE_COOKIE_NAME, "value": "fi"}
    context.add_cookies([{**cookie, "url": live_server.url}])
    return context.new_page()


def _sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/sign-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")


def _record_the_case(page: Page) -> None:
    page.goto("/cases/new/")
    expect(page.locator("h1")).to_contain_text(_finnish("New case"))
    page.select_option("select[name=country]", "FI")
    page.fill("input[name=region]", "FI1B1")
    page.select_option("select[name=source_kind]", "labour_inspection")
    page.fill("input[name=source_reference]", "TSV-2024-118")
    page.fill("input[name=exploitation_began]", "2023-05-02")
    page.fill("input[name=exploitation_ended]", "2023-09-20")
    page.fill("input[name=registered_on]", "2023-10-03")
    page.select_option("select[name=sector]", "nace_01")
    page.select_option("select[name=occupation]", "isco_9")
    page.check("input[name=exploitation_forms][value=forced_labour]")
    page.select_option("select[name=recruitment_country]", "TH")
    page.select_option("select[name=recruitment_fees_paid]", "true")
    page.fill("textarea[name=narrative]", "Marjanpoimijat maksoivat välityspalkkion.")
    page.select_option("select[name=legal_basis]", "gdpr_6_1_e")
    page.fill("input[name=retention_until]", "2043-12-31")
    page.locator("main form button[type=submit]").first.click()


def _add_a_victim(page: Page) -> None:
    page.locator("a[href$='?role=victim']").click()
    page.select_option("select[name=person-sex]", "female")
    page.fill("input[name=person-age]", "29")
    page.select_option("select[name=person-citizenship]", "TH")
    page.fill("input[name=person-identifier]", "Somchai Esimerkki 1994-02-11")
    page.check("input[name=person-means_of_control][value=debt_bondage]")
    page.select_option("select[name=decisions-0-decision]", "formally_identified")
    page.fill("input[name=decisions-0-decided_on]", "2023-10-20")
    page.select_option("select[name=decisions-0-authority]", "victim_assistance_system")
    page.locator("main form button[type=submit]").first.click()


def _tick_the_checklist(page: Page) -> None:
    page.get_by_role("link", name=_finnish("Indicator checklist")).click()
    row = "cd.documents@destination"
    page.check(f"input[name='status-{row}'][value=observed]")
    page.select_option(f"select[name='source-{row}']", "labour_inspection")
    page.fill(f"input[name='evidence-{row}']", "Passit työnantajan kassakaapissa.")
    page.locator("main form button[type=submit]").first.click()


def test_a_finnish_caseworker_enters_a_full_case(finnish_page: Page, _committed_data):
    ws = factories.workspace()
    page = finnish_page
    _sign_in(page, ws.user("caseworker").username)

    _record_the_case(page)
    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    heading = _finnish("Case #%(id)s") % {"id": Case.objects.get().pk}
    expect(page.locator("h1")).to_contain_text(heading)
    expect(page.locator("main")).to_contain_text(
        vocab.vocabulary("sector").label("nace_01", "fi")
    )
    _add_a_victim(page)
    expect(page.locator("main")).to_contain_text(
        vocab.vocabulary("identification_decision").label("formally_identified", "fi")
    )
    _tick_the_checklist(page)
    expect(page.locator("main")).to_contain_text("Passit työnantajan kassakaapissa.")

    case = Case.objects.get()
    victim = case.persons.get()
    assert (case.country, case.region, case.sector, case.year) == (
        "FI",
        "FI1B1",
        "nace_01",
        2023,
    )
    assert case.recruitment_fees_paid is True
    assert (victim.age_min, victim.age_max, victim.citizenship) == (29, 29, "TH")
    assert victim.means_of_control == ["debt_bondage"]
    assert victim.decisions.get().decision == "formally_identified"
    assert victim.pseudonym and "Somchai" not in victim.pseudonym
    observation = case.observations.get()
    assert (observation.indicator, observation.status) == ("cd.documents", "observed")
    assert case.version == 3
