"""Switching the language with the switcher in the navigation bar.

The expected words come from the compiled catalogues the site itself loads, so
the test follows the translators' choices and fails, naming the string, when a
catalogue lacks one.
"""

import gettext
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Locator, Page, expect

from flexwatch.accounts.models import User

pytestmark = pytest.mark.browser

# (role, English text) of what the navigation shows a signed-in analyst.
NAVIGATION = [
    ("link", "Home"),
    ("link", "Data sources"),
    ("link", "My account"),
    ("button", "Change language"),
    ("button", "Sign out"),
]
WORDS = ["Main navigation", "Language", *(text for _role, text in NAVIGATION)]


def _catalogue_path(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.mo"


def _translations(language: str) -> dict[str, str]:
    """The words of the navigation in ``language``, read from its catalogue."""
    path = _catalogue_path(language)
    if not path.is_file():
        pytest.fail(
            f"There is no compiled {language} catalogue at {path}; compile the "
            ".po files (make install does) before running the browser tests."
        )
    with path.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    words = {english: catalogue.gettext(english) for english in WORDS}
    missing = [english for english, text in words.items() if text == english]
    if missing:
        pytest.fail(
            f"The {language} catalogue {path} has no translation of "
            f"{', '.join(map(repr, missing))}, so the page would still show English."
        )
    return words


def _navigation(page: Page, words: dict[str, str]) -> Locator:
    return page.get_by_role("navigation", name=words["Main navigation"])


def _switch(page: Page, words: dict[str, str], language: str) -> None:
    navigation = _navigation(page, words)
    navigation.get_by_label(words["Language"], exact=True).select_option(language)
    navigation.get_by_role("button", name=words["Change language"]).click()


def _expect_navigation_in(page: Page, words: dict[str, str], language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    navigation = _navigation(page, words)
    for role, english in NAVIGATION:
        shown = navigation.get_by_role(role, name=words[english], exact=True)
        expect(shown).to_be_visible()
    switcher = navigation.get_by_label(words["Language"], exact=True)
    expect(switcher).to_have_value(language)


@pytest.mark.parametrize("language", ["fi", "et", "pl"])
def test_the_language_switcher_translates_the_page_and_switches_back(
    ws, page: Page, sign_in: Callable[[Page, User], None], language: str
):
    english = {word: word for word in WORDS}
    translated = _translations(language)
    sign_in(page, ws.user("analyst"))
    _expect_navigation_in(page, english, "en")

    _switch(page, english, language)

    _expect_navigation_in(page, translated, language)
    navigation = _navigation(page, translated)
    for role, text in NAVIGATION:
        expect(navigation.get_by_role(role, name=text, exact=True)).to_have_count(0)

    _switch(page, translated, "en")

    _expect_navigation_in(page, english, "en")
