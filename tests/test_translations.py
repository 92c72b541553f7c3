"""The Finnish, Estonian and Polish catalogues: complete, correct and current.

Each catalogue is read with polib and every message is checked; the source is
run through Django's ``makemessages`` in a scratch copy to find messages the
catalogues lack; and the sign-in page is rendered in each language.
"""

import contextlib
import os
import re
import shutil
import tempfile
from functools import cache
from gettext import c2py
from html import escape
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

import flexwatch

PACKAGE_DIR = Path(flexwatch.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"

# For each language: sample counts and the plural form each must select (the
# CLDR rules). Polish has one form for 1, one for 2-4 (but not 12-14) and one
# for the rest.
PLURAL_SAMPLES = {
    "fi": {0: 1, 1: 0, 2: 1, 5: 1, 21: 1},
    "et": {0: 1, 1: 0, 2: 1, 5: 1, 21: 1},
    "pl": {0: 2, 1: 0, 2: 1, 4: 1, 5: 2, 12: 2, 14: 2, 21: 2, 22: 1, 112: 2, 124: 1},
}
LANGUAGES = sorted(PLURAL_SAMPLES)

# Messages that are rightly written as in English. Keep this short: anything
# else equal to its English original is an untranslated message in disguise.
SAME_AS_ENGLISH = {
    "fi": {"FLEX Watch", "Media"},
    "et": {"FLEX Watch", "Partner"},
    "pl": {"FLEX Watch", "Media", "Partner"},
}

# printf-style directives as Python's % operator reads them, "%%" included so
# that it can be skipped; and str.format fields, "{{" and "}}" being escapes.
PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?"
    r"(?P<kind>[diouxXeEfFgGcrsa%])"
)
BRACE = re.compile(r"(?<!\{)\{(\w*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


@cache
def catalogue(language: str) -> polib.POFile:
    path = catalogue_path(language)
    if not path.exists():
        pytest.fail(f"No catalogue for {language!r}: {path} is missing.")
    return polib.pofile(str(path))


def placeholders(text: str, printf: bool) -> tuple[frozenset[str], tuple[str, ...]]:
    """The placeholders in ``text``: named ones as a set, positional in order.

    Args:
        text: a message or its translation.
        printf: whether the message is formatted with ``%`` (gettext's
            python-format flag); otherwise a ``%`` is an ordinary character.
    """
    named: set[str] = set()
    positional: list[str] = []
    directives = PERCENT.finditer(text) if printf else ()
    for match in directives:
        if match["kind"] == "%":
            continue
        if match["name"] is None:
            positional.append(match[0])
        else:
            named.add(match[0])

    for match in BRACE.finditer(text):
        if match[1] and not match[1].isdigit():
            named.add(match[0])
        else:
            positional.append(match[0])

    return frozenset(named), tuple(positional)


def plural_forms(language: str) -> tuple[int, str]:
    """The number of plural forms and the plural expression in the header."""
    header = catalogue(language).metadata.get("Plural-Forms", "")
    found = re.fullmatch(r"\s*nplurals=(\d+);\s*plural=(.+?);?\s*", header)
    assert found, f"{language}: the Plural-Forms header {header!r} is not valid."
    return int(found[1]), found[2]


def _listed(found: tuple[frozenset[str], tuple[str, ...]]) -> str:
    named, positional = found
    return " ".join([*sorted(named), *positional]) or "none"


def problems_with(entry: polib.POEntry, language: str, nplurals: int) -> list[str]:
    """Everything wrong with one entry, each as a reason."""
    if entry.obsolete:
        return ["is obsolete (#~); delete it, as makemessages --no-obsolete does"]
    if entry.fuzzy:
        return ["is marked fuzzy; check the translation and drop the flag"]
    if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(nplurals)):
        return [f"has {len(entry.msgstr_plural)} plural forms, not {nplurals}"]

    printf = "python-format" in entry.flags
    english = entry.msgid_plural or entry.msgid
    expected = placeholders(english, printf)
    forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]

    reasons = []
    for form in forms:
        if not form:
            reasons.append("is not translated")
            continue
        found = placeholders(form, printf)
        if found != expected:
            reasons.append(
                f"has placeholders {_listed(found)} where the English has "
                f"{_listed(expected)}"
            )
        left_in_english = form in (entry.msgid, entry.msgid_plural)
        if left_in_english and entry.msgid not in SAME_AS_ENGLISH[language]:
            reasons.append(f"is left in English as {form!r}")
    return reasons


def test_every_site_language_has_a_catalogue_checked_here():
    offered = {code for code, _name in django_settings.LANGUAGES}
    translated = offered - {django_settings.LANGUAGE_CODE}

    assert translated == set(LANGUAGES)
    assert str(LOCALE_DIR) in {str(path) for path in django_settings.LOCALE_PATHS}
    for language in LANGUAGES:
        assert catalogue_path(language).exists(), language


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_names_language_charset_and_plural_rule(language):
    po = catalogue(language)
    nplurals, expression = plural_forms(language)
    choose = c2py(expression)

    assert not po.metadata_is_fuzzy, f"{language}: the header is marked fuzzy."
    assert po.metadata.get("Language") == language
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert nplurals == max(PLURAL_SAMPLES[language].values()) + 1
    chosen = {n: choose(n) for n in PLURAL_SAMPLES[language]}
    assert chosen == PLURAL_SAMPLES[language], f"{language}: {expression}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    nplurals, _expression = plural_forms(language)

    found = [
        f"{language}: {entry.msgid!r} {reason}"
        for entry in catalogue(language)
        for reason in problems_with(entry, language, nplurals)
    ]

    assert not found, f"{catalogue_path(language)}:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("english", "translation", "printf", "same"),
    [
        ("%(n)s done", "valmiina %(n)s", True, True),
        ("%(n)s done", "valmiina %(count)s", True, False),
        ("U+%(code)04X", "U+%(code)s", True, False),
        ("%s of %d", "%d z %s", True, False),
        ("100%% sure", "100%% varma", True, True),
        ("{name} left", "{name} lähti", False, True),
        ("{name} left", "{nimi} lähti", False, False),
        ("{{literal}} and {}", "{{kirjaimellinen}} ja {}", False, True),
        ("50% done", "50 % valmis", False, True),
    ],
)
def test_placeholder_comparison_catches_renamed_and_reordered_fields(
    english, translation, printf, same
):
    assert (placeholders(english, printf) == placeholders(translation, printf)) is same


# Messages are keyed as gettext keys them: context, singular and plural.
Key = tuple[str | None, str, str | None]


def _keys(po: polib.POFile) -> set[Key]:
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        for entry in po
        if not entry.obsolete
    }


def _require_gettext_tools() -> None:
    if shutil.which("xgettext") and shutil.which("msguniq"):
        return
    reason = "GNU gettext (xgettext, msguniq) is needed to extract messages"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true does not allow skipping.")
    pytest.skip(f"{reason}; install the gettext package to run this check.")


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> set[Key]:
    """Every message tagged in the package today, extracted as `make messages`
    would, but into a scratch copy so the real catalogues are never touched."""
    _require_gettext_tools()
    copy = tmp_path_factory.mktemp("source") / "flexwatch"
    # "var" is a data folder (secret key, static files) that running the
    # command from inside the package once left there: no source, not copied.
    not_source = shutil.ignore_patterns("locale", "var", "__pycache__", "*.pyc")
    shutil.copytree(PACKAGE_DIR, copy, ignore=not_source)
    scratch_locale = copy / "locale"
    scratch_locale.mkdir()

    # makemessages writes beside the first of LOCALE_PATHS and walks the
    # current directory, so both must point into the copy.
    with (
        override_settings(LOCALE_PATHS=[str(scratch_locale)]),
        contextlib.chdir(copy),
    ):
        call_command(
            "makemessages", all=True, keep_pot=True, no_location=True, verbosity=0
        )

    return _keys(polib.pofile(str(scratch_locale / "django.pot")))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_every_message_in_the_source(source_messages, language):
    missing = sorted(source_messages - _keys(catalogue(language)), key=str)
    listed = "\n".join(repr(msgid) for _context, msgid, _plural in missing)

    assert source_messages, "makemessages found no messages at all"
    assert not missing, (
        f"{catalogue_path(language)} lacks {len(missing)} message(s) tagged in the "
        f"source; run `make messages` and translate them:\n{listed}"
    )


@pytest.fixture(scope="session")
def compiled_catalogues() -> None:
    """Compile each .mo file again when it differs from its .po, as installing
    the package does; comparing contents, not times, also catches a checkout
    that left an old .mo looking newer.

    Written under a hidden name that .gitignore covers, then renamed, so another
    test run reading the catalogue at the same moment never sees half a file.
    """
    for po_path in LOCALE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        compiled = polib.pofile(str(po_path)).to_binary()
        if mo_path.exists() and mo_path.read_bytes() == compiled:
            continue
        handle, scratch = tempfile.mkstemp(".mo", ".compiling-", mo_path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(compiled)
        os.chmod(scratch, 0o644)  # mkstemp makes it private to its owner
        os.replace(scratch, mo_path)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chosen_by", ["cookie", "accept-language"])
def test_sign_in_page_is_shown_in_the_chosen_language(
    client, settings, compiled_catalogues, language, chosen_by
):
    # Assigning the setting again fires setting_changed, which empties Django's
    # cache of catalogues, so the .mo files compiled above are the ones read.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)
    compiled = polib.mofile(str(catalogue_path(language).with_suffix(".mo")))
    heading = compiled.find("Sign in")
    assert heading is not None, f"{language}: 'Sign in' is not in the .mo file."

    if chosen_by == "cookie":
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(reverse("accounts:sign-in"))
    else:
        response = client.get(
            reverse("accounts:sign-in"), HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5"
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in page
    assert f"<h1>{escape(heading.msgstr)}</h1>" in page
    assert "<h1>Sign in</h1>" not in page
