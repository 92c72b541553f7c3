"""The provisions as dated data: which version is in force, and bad files."""

from datetime import date
from importlib import resources

import pytest

from flexwatch import law
from flexwatch.law import LawDataError, load_book
from flexwatch.law.loader import VOCABULARY_FILE, package_files

VOCABULARY = (
    resources.files("flexwatch.law.provisions")
    .joinpath(VOCABULARY_FILE)
    .read_text(encoding="utf-8")
)

# A small, valid file; each malformed case below breaks one line of it.
GOOD = """\
kind: provisions
version: "1"
source: test
provisions:
  - id: XX-TEST-1
    country: FI
    instrument: Test Code
    provision: s 1
    title_en: Test offence
    title_original: Testirikos
    type: offence
    status: confirmed
    iccs: {code: null, status: not_given}
    versions:
      - from: "2010-01-01"
        to: "2014-12-31"
        amending_act: null
        change: Enacted.
        status: confirmed
        elements: {act: [recruitment], means: [threat], purpose: [begging]}
      - from: "2015-01-01"
        to: null
        amending_act: "1/2015"
        change: Deception added.
        status: partial
        elements: {act: [recruitment], means: [threat, deception], purpose: [begging]}
    means_required_for_adults: true
    consent: {rule: not_addressed, status: confirmed}
    child_rule: null
    aggravating: {codes: [], status: not_given}
    penalty: {min_months: 4, max_months: 24, fine_alternative: false, status: recall}
    sources:
      - {url: "https://example.org/law", title: Test source, status: confirmed}
"""


def _load(text: str) -> law.LawBook:
    return load_book([*package_files(), ("test.yaml", text)])


def test_the_package_files_load_with_every_provision_the_issue_names():
    book = law.book()

    expected = {
        "FI-RL-25-3", "FI-RL-25-3a", "FI-RL-47-3", "FI-RL-47-3a", "FI-ULKL-52a-52b",
        "EE-KarS-133-old", "EE-KarS-133", "EE-KarS-133-1", "EE-KarS-175",
        "PL-KK-189a", "PL-KK-115-22", "PL-KK-218", "PL-KK-211a", "PL-KK-253-old",
        "UN-PALERMO-3", "ILO-C29-2", "ILO-P29", "COE-CETS197-4",
        "EU-DIR-2011-36-2", "EU-DIR-2024-1712", "EU-DIR-2009-52-9",
    }  # fmt: skip
    assert {p.id for p in book.provisions} == expected


def test_the_reference_gives_no_iccs_code_so_none_is_invented():
    assert {(p.iccs, p.iccs_status) for p in law.book().provisions} == {
        (None, "not_given")
    }


@pytest.mark.parametrize(
    ("provision", "before", "on"),
    [
        # Estonia's 2012 reform: enslaving gave way to trafficking.
        ("EE-KarS-133-old", date(2007, 3, 15), None),
        ("EE-KarS-133", None, date(2012, 4, 15)),
        # Poland's 2010 reform: art. 253 repealed, art. 189a in force.
        ("PL-KK-253-old", date(1998, 9, 1), None),
        ("PL-KK-189a", None, date(2010, 9, 8)),
    ],
)
def test_a_provision_is_in_force_from_its_first_day_to_its_last(provision, before, on):
    found = law.book().provision(provision)
    reform = {"EE": date(2012, 4, 15), "PL": date(2010, 9, 8)}[found.country]
    day_before = date.fromordinal(reform.toordinal() - 1)

    in_force_before = found.version_on(day_before)
    in_force_on = found.version_on(reform)

    assert (in_force_before.start if in_force_before else None) == before
    assert (in_force_on.start if in_force_on else None) == on


def test_forced_marriage_is_a_finnish_purpose_from_the_day_of_the_2025_reform():
    trafficking = law.book().provision("FI-RL-25-3")

    before = trafficking.version_on(date(2024, 12, 31))
    on = trafficking.version_on(date(2025, 1, 1))

    assert "forced_marriage" not in before.elements.purpose
    assert "forced_marriage" in on.elements.purpose
    assert on.status == "partial"  # the in-force date is not confirmed


def test_pressure_is_a_finnish_means_from_july_2015():
    trafficking = law.book().provision("FI-RL-25-3")

    assert "pressure" not in trafficking.version_on(date(2015, 6, 30)).elements.means
    assert "pressure" in trafficking.version_on(date(2015, 7, 1)).elements.means


def test_an_amendment_of_unknown_date_is_shown_as_uncertain_never_as_in_force():
    enslaving = law.book().provision("EE-KarS-133")
    today = date(2026, 1, 1)

    assert "forced_marriage" not in enslaving.version_on(today).elements.purpose
    assert enslaving.uncertain_on(today).purpose == {"forced_marriage"}
    assert enslaving.uncertain_on(date(2010, 1, 1)).purpose == frozenset()


def test_versions_during_a_period_that_spans_a_reform_are_all_returned():
    trafficking = law.book().provision("FI-RL-25-3")

    found = trafficking.versions_during(date(2014, 6, 1), date(2016, 1, 1))

    assert [v.start for v in found] == [date(2004, 8, 1), date(2015, 7, 1)]


def test_a_small_valid_file_loads():
    book = _load(GOOD)

    assert book.provision("XX-TEST-1").version_on(date(2015, 1, 1)).elements.means == {
        "threat",
        "deception",
    }


@pytest.mark.parametrize(
    ("old", "new", "line", "says"),
    [
        ("means: [threat, deception]", "means: [threat, decepshun]", 26,
         "'decepshun' is not an accepted means code"),
        ('to: "2014-12-31"', 'to: "2015-03-31"', 21, "versions may not overlap"),
        ('from: "2010-01-01"', 'from: "2010-13-01"', 15, "'2010-13-01' is not a date"),
        ('to: "2014-12-31"', 'to: "2009-12-31"', 16, "before it starts"),
        ("type: offence", "type: crime", 11, "'crime' is not an accepted value"),
        ("country: FI", "country: XY", 6, "'XY' is not a jurisdiction"),
        ("status: not_given}\n    penalty", "status: unsure}\n    penalty", 30,
         "'unsure' is not an accepted value"),
        ("    means_required_for_adults: true\n", "", 5,
         "lacks means_required_for_adults"),
        ("    consent:", "    consent: {rule: x, status: confirmed}\n    consent:", 29,
         "the key 'consent' is given twice"),
        ("min_months: 4, max_months: 24", "min_months: 40, max_months: 24", 31,
         "below the minimum"),
        ("title_en: Test offence", "title_en: [Test", 10, "not valid YAML"),
        ("    status: confirmed\n    iccs", "    statu: confirmed\n    iccs", 12,
         "'statu' is not a known entry"),
        ('url: "https://example.org/law"', 'url: "example.org"', 33,
         "is not a web address"),
    ],
)  # fmt: skip
def test_a_malformed_provision_file_is_refused_naming_the_file_and_line(
    old, new, line, says
):
    assert old in GOOD
    broken = GOOD.replace(old, new, 1)

    with pytest.raises(LawDataError) as refused:
        _load(broken)

    assert str(refused.value).startswith(f"test.yaml, line {line}: ")
    assert says in str(refused.value)


def test_a_provision_id_defined_twice_is_refused():
    with pytest.raises(LawDataError, match=r"XX-TEST-1 is already defined in a\.yaml"):
        load_book([*package_files(), ("a.yaml", GOOD), ("b.yaml", GOOD)])


def test_a_label_missing_in_one_language_is_refused():
    broken = VOCABULARY.replace(
        'label: {en: "Recruitment", fi: "Värvääminen", et: "Värbamine", '
        'pl: "Werbowanie"}',
        'label: {en: "Recruitment", fi: "Värvääminen", et: "Värbamine"}',
    )
    assert broken != VOCABULARY

    with pytest.raises(LawDataError, match=r"elements.yaml, line 19: give the label"):
        load_book([*package_files(), (VOCABULARY_FILE, broken)])


def test_a_reference_to_an_unknown_provision_is_refused():
    broken = GOOD.replace(
        "    status: confirmed\n    iccs",
        "    base: XX-NONE\n    status: confirmed\n    iccs",
    )

    with pytest.raises(LawDataError, match="its base XX-NONE is not a provision id"):
        _load(broken)
