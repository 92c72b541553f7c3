"""Screening a case: the dimension rule, the overall rules, unknowns, the crosswalk.

Every expectation is written out here from the published rules, never read
back from the loaded files, so a wrong edit of a data file fails a test.
"""

import pytest

from flexwatch.assessment import engine
from flexwatch.assessment.model import ConflictingObservation, UnknownIndicator

SCREEN = engine.default()
DELPHI = "ilo_ec_delphi_2009"
ILO = "ilo_11_indicators_2012"
ICLS = "icls_2018_forced_labour"
PALERMO = "palermo_protocol_2000_art3"


def assessed(observed=(), age=34, not_observed=(), unknown=()):
    seen = SCREEN.observations(observed, not_observed, unknown)
    return SCREEN.assess(seen, age)


def scored(framework, observed=(), age=34, **statuses):
    """The score of one framework for a case of known age."""
    (only,) = assessed(observed, age, **statuses).assessments
    return only.scores[framework]


# The Delphi dimension rule, at every boundary (adult weights: cd has four
# strong indicators, ten medium and one weak; vd five medium and two weak; rv
# twelve medium and four weak).

POSITIVE = [
    ("two strong", "cd", ["cd.documents", "cd.violence"]),
    ("one strong, one medium", "cd", ["cd.documents", "cd.forced_tasks"]),
    ("one strong, one weak", "cd", ["cd.isolation", "cd.threat_inform_family"]),
    (
        "three medium",
        "cd",
        ["cd.forced_tasks", "cd.act_against_peers", "cd.lie_to_authorities"],
    ),
    (
        "two medium, one weak",
        "vd",
        ["vd.dependency", "vd.unknown_area", "vd.difficulties_past"],
    ),
    ("one strong, one medium (dr)", "dr", ["dr.nature_of_job", "dr.wages"]),
    ("one strong, one weak (ex)", "ex", ["ex.excessive_hours", "ex.education_access"]),
    ("two strong and more", "cd", ["cd.documents", "cd.violence", "cd.isolation"]),
]
NEAR_MISSES = [
    ("one strong alone", "cd", ["cd.documents"]),
    ("two medium", "cd", ["cd.forced_tasks", "cd.act_against_peers"]),
    (
        "one medium, two weak",
        "vd",
        ["vd.dependency", "vd.difficulties_past", "vd.personal_characteristics"],
    ),
    (
        "three weak",
        "rv",
        ["rv.cultural_beliefs", "rv.difficulties_past", "rv.general_context"],
    ),
    ("two weak", "vd", ["vd.difficulties_past", "vd.personal_characteristics"]),
    ("nothing", "dr", []),
]


@pytest.mark.parametrize(("case", "dimension", "observed"), POSITIVE)
def test_a_dimension_is_positive_at_each_alternative_of_the_rule(
    case, dimension, observed
):
    assert scored(DELPHI, observed).dimensions[dimension] is True


@pytest.mark.parametrize(("case", "dimension", "observed"), NEAR_MISSES)
def test_a_dimension_is_not_positive_just_short_of_the_rule(case, dimension, observed):
    assert scored(DELPHI, observed).dimensions[dimension] is False


def test_indicators_of_other_dimensions_do_not_add_up():
    observed = ["cd.documents", "ex.excessive_hours", "dr.nature_of_job"]

    dimensions = scored(DELPHI, observed).dimensions

    assert dimensions == {
        "dr": False,
        "cr": False,
        "rv": False,
        "ex": False,
        "cd": False,
        "vd": False,
    }


# The child weights: strong for a child where an adult's is medium, and no
# weak tier.


@pytest.mark.parametrize(
    ("dimension", "observed", "adult", "child"),
    [
        ("cd", ["cd.documents", "cd.forced_tasks"], True, True),
        ("cd", ["cd.forced_tasks", "cd.threat_violence"], False, True),
        ("cr", ["cr.abduction", "cr.threat_violence"], False, True),
        (
            "rv",
            ["rv.cultural_beliefs", "rv.difficulties_past", "rv.general_context"],
            False,
            True,
        ),
        ("ex", ["ex.education_access", "ex.low_wages"], False, False),
        ("dr", ["dr.education", "dr.wages"], False, True),
    ],
)
def test_children_are_counted_with_the_child_weights(dimension, observed, adult, child):
    assert scored(DELPHI, observed, age=30).dimensions[dimension] is adult
    assert scored(DELPHI, observed, age=12).dimensions[dimension] is child


# The overall rules.

DR = ["dr.nature_of_job", "dr.wages"]
CR = ["cr.violence", "cr.documents"]
RV = ["rv.illegal_status", "rv.lack_education", "rv.lack_information"]
EX = ["ex.excessive_hours", "ex.low_wages"]
CD = ["cd.documents", "cd.violence"]
VD = ["vd.dependency", "vd.unknown_area", "vd.economic_reasons"]


@pytest.mark.parametrize(
    ("case", "observed", "adult", "child"),
    [
        ("deceived, exploited, coerced", DR + EX + CD, True, True),
        ("coerced recruitment, exploited, vulnerable", CR + EX + VD, True, True),
        ("vulnerable, exploited, coerced", RV + EX + CD, True, True),
        ("recruitment and exploitation only", DR + EX, False, True),
        ("recruitment and coercion, no exploitation", DR + CD, False, False),
        ("exploited and coerced, no recruitment", EX + CD, False, False),
        ("everything but exploitation", DR + CR + RV + CD + VD, False, False),
        ("nothing", [], False, False),
    ],
)
def test_the_delphi_victim_rule_for_adults_and_for_children(
    case, observed, adult, child
):
    assert scored(DELPHI, observed, age=40).verdict is adult
    assert scored(DELPHI, observed, age=16).verdict is child


@pytest.mark.parametrize(
    ("observed", "adult", "child"),
    [
        (["inv.cannot_leave", "coe.threats_violence"], True, True),
        (["inv.cannot_leave"], False, False),
        (["coe.debt"], False, True),
        (["inv.unfree_recruitment"], False, True),
        ([], False, False),
    ],
)
def test_icls_needs_involuntariness_and_coercion_but_a_child_only_coercion(
    observed, adult, child
):
    assert scored(ICLS, observed, age=25).verdict is adult
    assert scored(ICLS, observed, age=9).verdict is child


@pytest.mark.parametrize(
    ("observed", "adult", "child"),
    [
        (["act.recruitment", "means.deception", "purpose.forced_labour"], True, True),
        (["act.recruitment", "purpose.forced_labour"], False, True),
        (["act.recruitment", "means.deception"], False, False),
        (["means.force", "purpose.forced_labour"], False, False),
    ],
)
def test_palermo_needs_act_means_and_purpose_but_a_child_no_means(
    observed, adult, child
):
    assert scored(PALERMO, observed, age=18).verdict is adult
    assert scored(PALERMO, observed, age=17).verdict is child


def test_the_ilo_indicators_are_reported_not_scored():
    score = scored(ILO, ["fl.documents", "fl.deception"])

    assert score.verdict is None
    assert score.dimensions == {"fl": None}
    assert score.present == ("fl.deception", "fl.documents")


# Unknown is never observed.


def test_an_unknown_indicator_never_counts_as_observed():
    score = scored(DELPHI, ["cd.documents"], unknown=["cd.violence"])

    assert score.dimensions["cd"] is False
    assert "cd.violence" in score.ask_next


def test_an_id_nobody_gave_is_unknown_and_one_not_observed_is_not():
    score = scored(DELPHI, ["cd.documents"], not_observed=["cd.violence"])

    assert "cd.isolation" in score.ask_next
    assert "cd.violence" not in score.ask_next


def test_the_same_case_with_more_unknowns_has_the_same_result():
    plain = scored(DELPHI, DR + EX)
    unsure = scored(DELPHI, DR + EX, unknown=["cd.documents", "vd.dependency"])

    assert (plain.dimensions, plain.verdict) == (unsure.dimensions, unsure.verdict)


def test_observations_refuse_an_unknown_id_naming_it():
    with pytest.raises(UnknownIndicator, match=r"'cd\.passport'"):
        SCREEN.observations(["cd.passport"])


def test_observations_refuse_an_id_given_two_statuses():
    with pytest.raises(ConflictingObservation, match="both observed and unknown"):
        SCREEN.observations(["cd.documents"], unknown=["cd.documents"])


# The crosswalk runs before scoring.


def test_a_passport_taken_at_the_destination_counts_in_every_framework():
    scores = assessed(["cd.documents"]).assessments[0].scores

    assert scores[DELPHI].present == ("cd.documents",)
    assert scores[ILO].present == ("fl.documents",)
    assert scores[ICLS].present == ("coe.withheld_documents",)
    assert scores[ICLS].dimensions["coe"] is True
    assert scores[PALERMO].present == ("means.coercion",)


def test_a_passport_taken_at_recruitment_is_a_means_of_recruiting_only():
    counted = assessed(["cr.documents"]).counted

    assert counted == {"cr.documents", "act.recruitment", "means.coercion"}


def test_a_circumstance_is_not_read_as_its_abuse():
    counted = assessed(["rv.economic_reasons", "vd.unknown_area"]).counted

    assert counted == {"rv.economic_reasons", "vd.unknown_area", "act.recruitment"}


def test_delphi_observations_alone_can_meet_icls_and_palermo():
    observed = ["dr.nature_of_job", "ex.low_wages", "cd.documents", "cd.forced_tasks"]

    score = assessed(observed).assessments[0].scores

    assert score[ICLS].verdict is True
    assert score[PALERMO].verdict is True
    assert score[DELPHI].verdict is False


def test_an_observation_wins_over_not_observed_reached_by_a_link():
    result = assessed(["cd.documents"], not_observed=["fl.documents"])

    assert "fl.documents" in result.counted
    assert "fl.documents" not in result.not_observed


def test_not_observed_does_not_travel_along_a_link():
    result = assessed(not_observed=["cd.documents"])

    assert result.not_observed == {"cd.documents"}
    assert "coe.withheld_documents" in result.assessments[0].scores[ICLS].ask_next


# The continuum: each level tested on its own.

LEVELS = [
    ("nothing", [], 30, "decent_work", []),
    ("a wage below the law", ["ex.low_wages"], 30, "labour_rights_violation", []),
    (
        "exploitation of a dependent worker",
        ["ex.excessive_hours", "ex.low_wages", "vd.dependency"],
        30,
        "labour_exploitation",
        [],
    ),
    (
        "forced labour with nothing else recorded",
        ["inv.cannot_leave", "coe.threats_violence"],
        30,
        "forced_labour",
        ["labour_rights_violation", "labour_exploitation"],
    ),
    (
        "forced labour with a labour-law violation",
        ["ex.low_wages", "cd.documents"],
        30,
        "forced_labour",
        ["labour_exploitation"],
    ),
    (
        "trafficking before any exploitation happened",
        ["act.recruitment", "means.deception", "purpose.forced_labour"],
        30,
        "trafficking",
        ["labour_rights_violation", "labour_exploitation", "forced_labour"],
    ),
    (
        "a child trafficked with no means",
        ["act.recruitment", "purpose.forced_labour"],
        15,
        "trafficking",
        ["labour_rights_violation", "labour_exploitation", "forced_labour"],
    ),
    (
        "an adult recruited for forced labour with no means",
        ["act.recruitment", "purpose.forced_labour"],
        30,
        "decent_work",
        [],
    ),
    (
        "an act and a means but no purpose",
        ["act.recruitment", "means.deception"],
        30,
        "decent_work",
        [],
    ),
]


@pytest.mark.parametrize(("case", "observed", "age", "level", "gaps"), LEVELS)
def test_the_case_sits_at_the_highest_level_it_meets(case, observed, age, level, gaps):
    (only,) = assessed(observed, age).assessments

    assert only.continuum.level.id == level
    assert [gap.id for gap in only.continuum.gaps] == gaps


def test_each_level_carries_its_clause():
    (only,) = assessed(
        ["act.recruitment", "means.fraud", "purpose.begging"]
    ).assessments

    assert "Palermo Protocol (2000) art. 3" in only.continuum.level.clause


# What to ask next.


def test_ask_next_lists_what_would_make_the_missing_dimension_positive():
    observed = ["dr.nature_of_job", *EX, *CD]

    score = scored(DELPHI, observed)

    assert score.verdict is False
    assert score.ask_next == (
        "dr.conditions_of_work",
        "dr.contract",
        "dr.family_reunification",
        "dr.housing",
        "dr.legal_status",
        "dr.travel",
        "dr.wages",
        "dr.marriage_adoption",
        "dr.education",
    )


def test_ask_next_puts_what_changes_the_verdict_first_strongest_first():
    observed = [*DR, *EX, "cd.documents", "cr.violence"]

    asked = scored(DELPHI, observed).ask_next

    assert asked[:4] == (
        "cd.debt_bondage",
        "cd.isolation",
        "cd.violence",
        "cd.illicit_activities",
    )
    assert asked[13] == "cd.threat_inform_family"
    assert asked[14:] == (
        "cr.abduction",
        "cr.documents",
        "cr.debt_bondage",
        "cr.isolation",
        "cr.threat_denunciation",
        "cr.threat_inform_family",
        "cr.threat_violence",
        "cr.violence_family",
        "cr.withholding_money",
    )


def test_ask_next_includes_an_indicator_the_rule_names_itself():
    asked = scored(ICLS, [], age=11).ask_next

    assert asked == (
        "coe.threats_violence",
        "coe.restricted_movement",
        "coe.debt",
        "coe.withheld_wages",
        "coe.withheld_documents",
        "coe.abuse_of_vulnerability",
        "inv.unfree_recruitment",
        "inv.different_job",
        "inv.abusive_overtime",
        "inv.hazardous_work",
        "inv.low_or_no_wages",
        "inv.degrading_living",
        "inv.other_employer",
        "inv.longer_period",
        "inv.cannot_leave",
    )


def test_nothing_to_ask_when_no_single_indicator_changes_anything():
    assert scored(DELPHI, []).ask_next == ()


def test_a_reported_framework_asks_about_every_unknown_indicator():
    asked = scored(ILO, ["fl.documents"], not_observed=["fl.violence"]).ask_next

    assert "fl.documents" not in asked and "fl.violence" not in asked
    assert len(asked) == 9


# The age at recruitment.


@pytest.mark.parametrize(
    ("age", "populations"),
    [(None, ("adult", "child")), (18, ("adult",)), (17, ("child",)), (0, ("child",))],
)
def test_the_age_chooses_the_rules(age, populations):
    result = assessed(DR + EX, age)

    assert tuple(a.population for a in result.assessments) == populations


def test_with_the_age_unknown_both_the_adult_and_the_child_result_are_given():
    adult, child = assessed(DR + EX, None).assessments

    assert adult.scores[DELPHI].verdict is False
    assert child.scores[DELPHI].verdict is True


@pytest.mark.parametrize("age", [-1, 121, 17.5, True, "34"])
def test_a_bad_age_is_refused_naming_it(age):
    with pytest.raises(ValueError, match="age"):
        assessed(DR, age)


def test_child_results_with_the_delphi_weights_say_they_are_provisional():
    child = assessed(DR + EX, 12).assessments[0]
    adult = assessed(DR + EX, 45).assessments[0]

    assert child.scores[DELPHI].provisional is True
    assert child.scores[ICLS].provisional is False
    assert child.continuum.provisional is True
    assert adult.scores[DELPHI].provisional is False
    assert adult.continuum.provisional is False


def test_a_result_names_the_rule_it_applied():
    assert scored(DELPHI, age=30).rule.id == "delphi_victim_rule_adult"
    assert scored(DELPHI, age=3).rule.id == "delphi_victim_rule_child"
    assert scored(ILO).rule.id == "ilo_11_report"


def test_only_the_frameworks_asked_for_are_scored():
    seen = SCREEN.observations(DR)

    result = SCREEN.assess(seen, 30, frameworks=[ICLS])

    assert list(result.assessments[0].scores) == [ICLS]


def test_an_unknown_framework_is_refused_naming_the_accepted_ones():
    with pytest.raises(ValueError, match="ilo_ec_delphi_2009"):
        SCREEN.assess(SCREEN.observations(DR), 30, frameworks=["delphi"])
