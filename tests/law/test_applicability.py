"""Which provisions a case could meet: cases built to meet or miss one element."""

from datetime import date

import pytest

from flexwatch import law
from flexwatch.law import casework
from flexwatch.law.loader import parse_crosswalk

ADULT = {"role": "victim", "age_min": 30, "age_max": 30}
CHILD = {"role": "victim", "age_min": 15, "age_max": 15}


def _seen(*ids):
    return [{"indicator": i, "status": "observed"} for i in ids]


def _matches(country, began, ended, ids, persons=(ADULT,), year=None):
    found = casework.matches(country, began, ended, year, _seen(*ids), persons)
    return {(m.provision.id, m.version.start, m.population): m for m in found}


ESTONIA_2010 = ("fl.violence", "inv.cannot_leave", "purpose.forced_labour")


def test_a_forced_labour_case_in_estonia_in_2010_meets_the_enslaving_offence():
    found = _matches("EE", date(2010, 3, 1), date(2010, 9, 1), ESTONIA_2010)

    assert list(found) == [("EE-KarS-133-old", date(2007, 3, 15), "adult")]
    enslaving = found[("EE-KarS-133-old", date(2007, 3, 15), "adult")]
    assert enslaving.complete
    assert dict(enslaving.met) == {
        "act": ("keeping_in_exploitative_situation",),
        "means": ("use_of_force",),
        "purpose": ("forced_labour_or_services",),
    }


def test_the_same_case_without_violence_misses_the_means_of_enslaving():
    found = _matches("EE", date(2010, 3, 1), date(2010, 9, 1), ESTONIA_2010[1:])

    enslaving = found[("EE-KarS-133-old", date(2007, 3, 15), "adult")]
    assert not enslaving.complete
    assert set(enslaving.met) == {"act", "purpose"}
    assert set(enslaving.missing) == {"means"}
    assert "use_of_force" in enslaving.missing["means"]


def test_the_same_case_after_the_2012_reform_meets_the_trafficking_offence():
    found = _matches("EE", date(2013, 3, 1), date(2013, 9, 1), ESTONIA_2010)

    assert ("EE-KarS-133-old", date(2007, 3, 15), "adult") not in found
    trafficking = found[("EE-KarS-133", date(2012, 4, 15), "adult")]
    assert trafficking.complete
    assert trafficking.met["purpose"] == ("labour_exploitation_unusual_conditions",)


FINLAND = ("act.recruitment", "means.deception", "purpose.forced_labour")


def test_a_finnish_case_with_act_means_and_purpose_meets_trafficking():
    found = _matches("FI", date(2025, 2, 1), date(2025, 5, 1), FINLAND)

    trafficking = found[("FI-RL-25-3", date(2025, 1, 1), "adult")]
    assert trafficking.complete
    assert next(iter(found)) == ("FI-RL-25-3", date(2025, 1, 1), "adult")


@pytest.mark.parametrize("dropped", FINLAND)
def test_a_finnish_case_missing_one_element_does_not_meet_trafficking(dropped):
    ids = [i for i in FINLAND if i != dropped]

    found = _matches("FI", date(2025, 2, 1), date(2025, 5, 1), ids)

    trafficking = found[("FI-RL-25-3", date(2025, 1, 1), "adult")]
    assert not trafficking.complete
    assert list(trafficking.missing) == [dropped.partition(".")[0]]


def test_an_aggravated_offence_always_leaves_the_aggravation_to_establish():
    found = _matches("FI", date(2025, 2, 1), date(2025, 5, 1), FINLAND)

    aggravated = found[("FI-RL-25-3a", date(2004, 8, 1), "adult")]
    assert not aggravated.complete
    assert aggravated.to_establish == ("aggravating",)


def test_a_period_spanning_a_reform_is_judged_under_both_versions():
    coerced = ("act.recruitment", "means.coercion", "purpose.forced_labour")

    found = _matches("FI", date(2015, 3, 1), date(2015, 9, 30), coerced)

    before = found[("FI-RL-25-3", date(2004, 8, 1), "adult")]
    after = found[("FI-RL-25-3", date(2015, 7, 1), "adult")]
    assert set(before.missing) == {"means"}  # pressure was not yet a means
    assert after.complete
    assert after.met["means"] == ("pressure",)


def test_a_child_needs_no_means_in_poland_but_an_adult_does():
    begging = ("act.recruitment", "purpose.begging")

    child = _matches("PL", date(2020, 1, 1), date(2020, 2, 1), begging, (CHILD,))
    adult = _matches("PL", date(2020, 1, 1), date(2020, 2, 1), begging, (ADULT,))

    assert child[("PL-KK-189a", date(2010, 9, 8), "child")].complete
    assert set(adult[("PL-KK-189a", date(2010, 9, 8), "adult")].missing) == {"means"}


def test_an_offence_against_minors_is_weighed_only_for_a_child():
    begging = ("act.recruitment", "purpose.begging")

    child = _matches("EE", date(2020, 1, 1), None, begging, (CHILD,), year=2020)
    adult = _matches("EE", date(2020, 1, 1), None, begging, (ADULT,), year=2020)

    minors = child[("EE-KarS-175", date(2012, 4, 15), "child")]
    assert minors.to_establish == ("act",)  # inducing a minor: from the file
    assert minors.met == {"purpose": ("begging",)}
    assert not any(key[0] == "EE-KarS-175" for key in adult)


def test_an_unknown_age_is_weighed_as_adult_and_as_child():
    unknown = {"role": "victim", "age_min": None, "age_max": None}

    found = _matches("PL", date(2020, 1, 1), None, FINLAND, (unknown,), year=2020)

    assert {key[2] for key in found if key[0] == "PL-KK-189a"} == {"adult", "child"}


def test_a_case_without_dates_meets_nothing():
    assert _matches("FI", None, None, FINLAND) == {}


@pytest.mark.parametrize(
    ("began", "ended", "year", "expected"),
    [
        (date(2020, 3, 1), date(2021, 1, 5), 2020, (date(2020, 3, 1), date(2021, 1, 5))),  # noqa: E501
        (date(2020, 3, 1), None, 2020, (date(2020, 3, 1), date(2020, 12, 31))),
        (date(2020, 3, 1), None, None, (date(2020, 3, 1), date(2020, 3, 1))),
        (None, None, 2019, (date(2019, 1, 1), date(2019, 12, 31))),
        (None, None, None, None),
    ],
)  # fmt: skip
def test_the_period_of_exploitation_is_read_from_the_record(
    began, ended, year, expected
):
    assert casework.period(began, ended, year) == expected


def test_the_page_report_labels_elements_in_the_reader_language():
    found = casework.report(
        "FI", date(2025, 2, 1), None, 2025, _seen(*FINLAND), [ADULT], "fi"
    )

    first = found["matches"][0]
    assert first["id"] == "FI-RL-25-3"
    assert {"group": "means", "codes": ["Erehdyttäminen"]} in first["met"]


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("links:\n  act.recruitmnt: [recruitment]\n", 4, "'act.recruitmnt'"),
        ("links:\n  act.recruitment: [recruitmnt]\n", 4, "'recruitmnt'"),
        ("links:\n  dr.nature_of_job: [recruitment]\n", 4, "'dr.nature_of_job'"),
    ],
)
def test_a_malformed_crosswalk_is_refused_naming_the_line(text, line, says):
    header = "version: '1'\nsource: test\n"
    known = list(law.crosswalk().links)

    with pytest.raises(law.LawDataError) as refused:
        parse_crosswalk("x.yaml", header + text, law.book().vocabulary, known)

    assert str(refused.value).startswith(f"x.yaml, line {line}: {says}")


REFORM = date(2012, 4, 15)  # Estonia's § 133 as trafficking in human beings


def test_on_the_day_before_the_estonian_reform_only_enslaving_applies():
    day = date(2012, 4, 14)

    found = _matches("EE", day, day, ESTONIA_2010)

    assert {key[0] for key in found} == {"EE-KarS-133-old"}


def test_on_the_day_the_estonian_reform_entered_into_force_trafficking_applies():
    found = _matches("EE", REFORM, REFORM, ESTONIA_2010)

    assert "EE-KarS-133-old" not in {key[0] for key in found}
    assert found[("EE-KarS-133", REFORM, "adult")].complete


def test_exploitation_spanning_the_estonian_reform_meets_both_offences():
    found = _matches("EE", date(2012, 1, 1), date(2012, 6, 30), ESTONIA_2010)

    enslaving = found[("EE-KarS-133-old", date(2007, 3, 15), "adult")]
    trafficking = found[("EE-KarS-133", REFORM, "adult")]
    assert enslaving.complete and trafficking.complete


def test_a_country_without_provisions_is_reported_as_not_covered():
    found = casework.report(
        "DE", date(2020, 1, 1), None, 2020, _seen(*FINLAND), [ADULT]
    )

    assert (found["covered"], found["matches"]) == (False, [])
