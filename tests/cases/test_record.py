"""The case template's checks, without a database: what is refused, and how."""

import pytest
from pydantic import ValidationError

from flexwatch.cases.record import CaseIn
from tests.factories import case_values


def _problems(**overrides) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        CaseIn.model_validate(case_values(**overrides))
    return caught.value.errors()


def _person(**fields) -> dict:
    return {"role": "victim", **fields}


def test_a_full_case_is_valid_and_derives_its_year_and_exact_age():
    case = CaseIn.model_validate(case_values())

    assert case.year == 2023
    victim, suspect = case.persons
    assert (victim.age_min, victim.age_max, victim.age) == (34, 34, 34)
    assert (suspect.age_min, suspect.age_max, suspect.age) == (40, 49, None)


def test_the_year_falls_back_from_registration_to_identification_to_the_start():
    case = CaseIn.model_validate(case_values(registered_on=None, identified_on=None))

    assert case.year == 2022


@pytest.mark.parametrize(
    ("field", "value", "vocabulary"),
    [
        ("sector", "farming", "sector"),
        ("source_kind", "tabloid", "source_kind"),
        ("legal_basis", "because", "legal_basis"),
        ("exploitation_forms", ["forced_labor"], "exploitation_form"),
        ("country", "XX", "exploitation_country"),
        ("recruitment_country", "uk", "country"),
    ],
)
def test_an_unknown_code_is_refused_naming_the_field_and_the_accepted_codes(
    field, value, vocabulary
):
    (problem,) = _problems(**{field: value})

    assert problem["type"] == "unknown_code"
    assert problem["loc"][0] == field
    assert problem["ctx"]["vocabulary"] == vocabulary
    bad = value[0] if isinstance(value, list) else value
    assert repr(bad) in problem["msg"]


def test_an_unknown_indicator_is_refused_with_its_path():
    observations = [{"indicator": "cd.passport", "status": "observed"}]

    (problem,) = _problems(observations=observations)

    assert problem["loc"] == ("observations", 0, "indicator")
    assert "cd.passport" in problem["msg"] and "cd.documents" in problem["msg"]


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        (
            {"exploitation_began": "2023-01-01", "exploitation_ended": "2022-01-01"},
            ("exploitation_ended",),
        ),
        (
            {"exploitation_began": "2023-01-01", "identified_on": "2022-12-31"},
            ("identified_on",),
        ),
        (
            {
                "persons": [
                    _person(
                        assistance=[
                            {
                                "measure": "accommodation",
                                "started_on": "2023-05-01",
                                "ended_on": "2023-04-01",
                            }
                        ]
                    )
                ]
            },
            ("persons", 0, "assistance", 0, "ended_on"),
        ),
    ],
)
def test_dates_out_of_order_are_refused_on_the_later_field(overrides, path):
    (problem,) = _problems(**overrides)

    assert problem["type"] == "dates_out_of_order"
    assert problem["loc"] == path


@pytest.mark.parametrize(
    ("person", "kind"),
    [
        (_person(age=121), "less_than_equal"),
        (_person(age=-1), "greater_than_equal"),
        (_person(age_min=30, age_max=20), "age_interval"),
        (_person(age=30, age_min=18, age_max=20), "age_conflict"),
    ],
)
def test_ages_stay_within_0_to_120_and_intervals_in_order(person, kind):
    (problem,) = _problems(persons=[person])

    assert problem["type"] == kind


def test_an_interval_from_a_source_is_kept_as_minimum_and_maximum():
    case = CaseIn.model_validate(case_values(persons=[_person(age_min=9, age_max=17)]))

    (victim,) = case.persons
    assert (victim.age_min, victim.age_max, victim.age) == (9, 17, None)


def test_only_a_victim_has_identification_decisions_and_assistance():
    suspect = {"role": "suspect", "decisions": [{"decision": "presumed"}]}

    (problem,) = _problems(persons=[suspect])

    assert problem["type"] == "victims_only"


@pytest.mark.parametrize(
    "hostile",
    [
        "Bell\x07inside",
        "NUL\x00byte",
        "Escape\x1b[31m",
    ],
)
def test_control_characters_are_refused_in_text(hostile):
    (problem,) = _problems(narrative=hostile)

    assert problem["type"] == "control_character"
    assert problem["loc"] == ("narrative",)


def test_line_breaks_are_allowed_in_a_narrative_but_not_in_a_provision():
    CaseIn.model_validate(case_values(narrative="First line.\nSecond line.\tTab."))
    event = {"provision": "FI RL\n25:3", "stage": "charged"}

    (problem,) = _problems(persons=[{"role": "suspect", "legal_events": [event]}])

    assert problem["type"] == "control_character"


def test_a_megabyte_of_text_is_refused_by_size():
    (problem,) = _problems(narrative="x" * 1_000_000)

    assert problem["type"] == "string_too_long"
    assert problem["loc"] == ("narrative",)


def test_markup_and_sql_are_plain_text_to_the_record():
    hostile = "<script>alert(1)</script>'; DROP TABLE cases_case; --"

    case = CaseIn.model_validate(case_values(narrative=hostile))

    assert case.narrative == hostile


def test_an_indicator_listed_twice_at_one_stage_is_refused():
    twice = [
        {"indicator": "cd.documents", "status": "observed"},
        {"indicator": "cd.documents", "status": "not_observed"},
    ]

    (problem,) = _problems(observations=twice)

    assert problem["type"] == "duplicate_observation"


def test_unknown_fields_are_refused_rather_than_ignored():
    (problem,) = _problems(victim_name="Olena")

    assert problem["type"] == "extra_forbidden"


def test_repeated_forms_and_means_are_kept_once():
    case = CaseIn.model_validate(
        case_values(
            exploitation_forms=["forced_labour", "forced_labour", "begging"],
            persons=[_person(means_of_control=["debt_bondage", "debt_bondage"])],
        )
    )

    assert case.exploitation_forms == ["forced_labour", "begging"]
    assert case.persons[0].means_of_control == ["debt_bondage"]


def test_a_year_without_dates_is_kept_and_one_against_the_dates_is_refused():
    undated = case_values(
        registered_on=None, identified_on=None, exploitation_began=None, year=2016
    )
    assert CaseIn.model_validate(undated).year == 2016

    (problem,) = _problems(year=2001)
    assert problem["type"] == "year_conflict"


def test_an_unknown_country_of_exploitation_has_its_own_code():
    unknown = case_values(country="ZZ", region="")
    assert CaseIn.model_validate(unknown).country == "ZZ"
    (problem,) = _problems(recruitment_country="ZZ")
    assert problem["type"] == "unknown_code"
