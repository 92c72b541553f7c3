"""The trace: which rule fired on which indicators, in the reader's language."""

import pytest

from flexwatch.assessment import engine, explain, frameworks

SCREEN = engine.default()
EXPLAINER = explain.Explainer(SCREEN, frameworks.sentences())
DELPHI = "ilo_ec_delphi_2009"
VICTIM = [
    "dr.nature_of_job",
    "dr.wages",
    "ex.excessive_hours",
    "ex.low_wages",
    "cd.documents",
    "cd.violence",
]


def trace(observed, age=34, framework=DELPHI, language="en"):
    result = SCREEN.assess(SCREEN.observations(observed), age)
    return EXPLAINER.trace(result, framework, language)


def steps(found, kind):
    return [step for step in found if step["step"] == kind]


def test_each_dimension_step_names_its_rule_and_the_indicators_it_read():
    cd = next(s for s in steps(trace(VICTIM), "dimension") if s["subject"] == "cd")

    assert cd["rule"] == "delphi_dimension_rule"
    assert cd["met"] is True
    assert cd["indicators"] == ["cd.documents", "cd.violence"]
    assert cd["text"].startswith("Coercion at destination (cd) is positive.")
    assert "Confiscation of documents (cd.documents, strong)" in cd["text"]


def test_the_verdict_step_names_the_rule_and_its_version():
    (verdict,) = steps(trace(VICTIM), "verdict")

    assert verdict["rule"] == "delphi_victim_rule_adult"
    assert verdict["met"] is True
    assert verdict["text"].startswith(
        "The rule is met (delphi_victim_rule_adult, version 1.0): An adult is"
    )


def test_a_rule_not_met_says_what_is_missing():
    (verdict,) = steps(trace(VICTIM[:4]), "verdict")

    assert verdict["met"] is False
    assert "Not positive: " in verdict["text"]
    assert "Coercion at destination (cd)" in verdict["text"]


def test_a_dimension_with_nothing_observed_says_unknown_is_not_counted():
    dr = steps(trace([]), "dimension")[0]

    assert dr["text"] == (
        "Deceptive recruitment (including transfer and transport) (dr) is not "
        "positive: none of its indicators was recorded as observed (an unknown "
        "indicator never counts as observed)."
    )


def test_the_crosswalk_step_says_where_a_counted_indicator_came_from():
    found = trace(["cd.documents"], framework="icls_2018_forced_labour")
    (step,) = steps(found, "crosswalk")

    assert step["subject"] == "coe.withheld_documents"
    assert step["indicators"] == ["cd.documents"]
    assert "was recorded: one observation counts in every framework" in step["text"]


def test_the_continuum_step_publishes_the_level_its_version_and_clause():
    found = trace(["inv.cannot_leave", "coe.threats_violence"])
    (level,) = steps(found, "continuum")
    gaps = steps(found, "gap")

    assert level["subject"] == "forced_labour"
    assert "(version 1.0)" in level["text"]
    assert "ILO Forced Labour Convention, 1930 (No. 29) art. 2(1)" in level["text"]
    assert [g["subject"] for g in gaps] == [
        "labour_rights_violation",
        "labour_exploitation",
    ]


def test_the_ask_next_step_lists_the_indicators_to_ask_about():
    (step,) = steps(trace(["dr.nature_of_job", *VICTIM[2:]]), "ask_next")

    assert step["indicators"][0] == "dr.conditions_of_work"
    assert step["text"].startswith("Ask next about: Deceived about conditions")


def test_every_trace_ends_with_the_decision_support_notice():
    last = trace(VICTIM)[-1]

    assert last["step"] == "notice"
    assert last["text"].startswith("Decision support, not a legal finding")


def test_with_the_age_unknown_the_trace_says_so_and_gives_both():
    found = trace(VICTIM[:4], age=None)

    assert found[0]["step"] == "age"
    assert "both for an adult and for a child" in found[0]["text"]
    verdicts = steps(found, "verdict")
    assert [(v["population"], v["met"]) for v in verdicts] == [
        ("adult", False),
        ("child", True),
    ]
    assert verdicts[0]["text"].startswith("If an adult: The rule is not met")
    assert verdicts[1]["text"].startswith("If a child: The rule is met")


def test_a_child_result_says_the_weights_are_provisional():
    (step,) = steps(trace(VICTIM, age=12), "provisional")

    assert "weights for children are provisional" in step["text"]
    assert not steps(trace(VICTIM, age=40), "provisional")


def test_a_reported_framework_lists_the_indicators_present():
    (report,) = steps(
        trace(["fl.documents"], framework="ilo_11_indicators_2012"), "report"
    )

    assert report["text"].startswith(
        "Indicators present (1 of 11): Retention of identity documents (fl.documents)."
    )


@pytest.mark.parametrize(
    ("language", "positive", "notice"),
    [
        ("en", "Coercion at destination (cd) is positive.", "Decision support"),
        ("fi", "Pakottaminen määränpäässä (cd) täyttyy.", "Päätöksenteon tuki"),
        ("et", "Sundimine sihtkohas (cd) on positiivne.", "Otsustamise tugi"),
        (
            "pl",
            "Przymus w miejscu docelowym (cd): spełniony.",
            "Wsparcie w podejmowaniu",
        ),
        ("sv", "Coercion at destination (cd) is positive.", "Decision support"),
    ],
)
def test_the_trace_is_written_in_the_readers_language(language, positive, notice):
    found = trace(VICTIM, language=language)
    cd = next(s for s in steps(found, "dimension") if s["subject"] == "cd")

    assert cd["text"].startswith(positive)
    assert found[-1]["text"].startswith(notice)


@pytest.mark.parametrize("language", ["fi", "et", "pl"])
def test_no_english_words_are_left_in_a_translated_trace(language):
    found = trace(["dr.nature_of_job", "cd.documents"], age=None, language=language)
    english = ("is positive", "is not positive", "Observed", "The rule", "Ask next")

    leftovers = [s["text"] for s in found if any(w in s["text"] for w in english)]

    assert not leftovers
