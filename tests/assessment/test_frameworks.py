"""The frameworks as data: what the files hold, and how a bad file is refused."""

import dataclasses

import pytest

from flexwatch.assessment import frameworks, loader
from flexwatch.assessment.model import LANGUAGES

CAT = frameworks.catalogue()
DELPHI = CAT.framework("ilo_ec_delphi_2009")

# Per Delphi dimension: how many strong, medium and weak indicators the
# adult set has (ILO-EC 2009, adult victims of labour exploitation).
DELPHI_ADULT_WEIGHTS = {
    "dr": (1, 8, 1),
    "cr": (1, 9, 0),
    "rv": (0, 12, 4),
    "ex": (1, 7, 1),
    "cd": (4, 10, 1),
    "vd": (0, 5, 2),
}
# Strong for children in the child set, as a secondary source reports it.
DELPHI_CHILD_STRONG = {
    "dr.nature_of_job", "dr.education", "cr.violence", "cr.threat_violence",
    "cr.abduction", "cr.debt_bondage", "ex.excessive_hours", "cd.documents",
    "cd.debt_bondage", "cd.isolation", "cd.violence", "cd.threat_violence",
    "cd.illicit_activities", "cd.forced_tasks", "cd.strong_influence",
}  # fmt: skip


def test_the_catalogue_holds_the_four_frameworks_in_screening_order():
    assert [f.id for f in CAT.frameworks] == [
        "ilo_ec_delphi_2009",
        "ilo_11_indicators_2012",
        "icls_2018_forced_labour",
        "palermo_protocol_2000_art3",
    ]


def test_the_catalogue_is_loaded_once():
    assert frameworks.catalogue() is frameworks.catalogue()


@pytest.mark.parametrize(
    ("framework_id", "count"),
    [
        ("ilo_ec_delphi_2009", 67),
        ("ilo_11_indicators_2012", 11),
        ("icls_2018_forced_labour", 15),
        ("palermo_protocol_2000_art3", 25),
    ],
)
def test_each_framework_has_its_indicators(framework_id, count):
    assert len(CAT.framework(framework_id).indicators) == count


def test_ids_are_every_indicator_of_every_framework():
    assert len(CAT.ids) == 67 + 11 + 15 + 25
    assert {"cd.documents", "fl.documents", "coe.withheld_documents"} <= CAT.ids


@pytest.mark.parametrize("dimension", DELPHI_ADULT_WEIGHTS)
def test_delphi_adult_weights_per_dimension(dimension):
    found = next(d for d in DELPHI.dimensions if d.id == dimension)
    strengths = [i.strength for i in found.indicators]

    counts = tuple(strengths.count(s) for s in ("strong", "medium", "weak"))

    assert counts == DELPHI_ADULT_WEIGHTS[dimension]


def test_delphi_child_weights_have_no_weak_tier_and_are_provisional():
    strong = {i.id for i in DELPHI.indicators if i.child_strength == "strong"}
    others = {i.child_strength for i in DELPHI.indicators if i.id not in strong}

    assert strong == DELPHI_CHILD_STRONG
    assert others == {"medium"}
    assert DELPHI.child_strengths_provisional


def test_no_child_weight_is_lower_than_the_adult_weight():
    order = {"weak": 0, "medium": 1, "strong": 2}
    lower = [
        i.id
        for i in DELPHI.indicators
        if order[str(i.child_strength)] < order[str(i.strength)]
    ]

    assert not lower


@pytest.mark.parametrize(
    ("dimension", "stage"),
    [
        ("dr", "recruitment"),
        ("cr", "recruitment"),
        ("rv", "recruitment"),
        ("ex", "destination"),
        ("cd", "destination"),
        ("vd", "destination"),
        ("fl", None),
        ("inv", None),
        ("coe", None),
        ("act", None),
        ("means", None),
        ("purpose", None),
    ],
)
def test_each_dimension_has_its_stage_of_the_journey(dimension, stage):
    found = [d for f in CAT.frameworks for d in f.dimensions if d.id == dimension]

    assert [d.stage for d in found] == [stage]


@pytest.mark.parametrize(
    ("framework_id", "verdict_field", "scored"),
    [
        ("ilo_ec_delphi_2009", "victim", True),
        ("ilo_11_indicators_2012", "indicators_present", False),
        ("icls_2018_forced_labour", "forced_labour", True),
        ("palermo_protocol_2000_art3", "trafficking", True),
    ],
)
def test_each_framework_names_its_verdict_field(framework_id, verdict_field, scored):
    framework = CAT.framework(framework_id)

    assert framework.verdict_field == verdict_field
    assert framework.scored is scored
    assert framework.source and framework.version


def test_scored_frameworks_have_a_rule_for_adults_and_for_children():
    scored = [f for f in CAT.frameworks if f.scored]

    assert all(f.rule_for("adult") and f.rule_for("child") for f in scored)
    assert CAT.framework("ilo_11_indicators_2012").rule_for("adult") is None


def test_the_delphi_dimension_rule_is_the_published_one():
    assert DELPHI.dimension_rule is not None
    assert DELPHI.dimension_rule.alternatives == (
        (("strong", 2),),
        (("strong", 1), ("medium_or_weak", 1)),
        (("medium", 3),),
        (("medium", 2), ("weak", 1)),
    )


def _every_text(framework):
    yield framework.titles
    for dimension in framework.dimensions:
        yield dimension.names
        yield from (i.labels for i in dimension.indicators)
    yield from (r.text for r in framework.rules)


@pytest.mark.parametrize("framework", CAT.frameworks, ids=lambda f: f.id)
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_text_is_translated_not_copied(framework, language):
    copied = [t.en for t in _every_text(framework) if t.get(language) == t.en]

    assert not copied, f"Not translated into {language}: {copied}"


def test_labels_fall_back_to_english_for_other_languages():
    documents = CAT.indicator("cd.documents")

    assert documents.label("fi") == "Asiakirjojen pois ottaminen"
    assert documents.label("de") == documents.label("en") == "Confiscation of documents"
    assert DELPHI.title("sv") == DELPHI.title()
    assert DELPHI.dimensions[0].name("xx") == DELPHI.dimensions[0].name("en")


def test_the_data_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        CAT.indicator("cd.documents").strength = "weak"  # type: ignore[misc]


def test_an_unknown_indicator_lists_the_ids_its_prefix_suggests():
    with pytest.raises(frameworks.UnknownIndicator) as raised:
        CAT.indicator("cd.passport")

    message = str(raised.value)
    assert "'cd.passport'" in message and "ilo_ec_delphi_2009" in message
    assert "cd.documents" in message and "dr.nature_of_job" in message
    assert "fl.documents" not in message
    assert isinstance(raised.value, ValueError)


def test_an_unknown_prefix_lists_the_prefixes():
    with pytest.raises(frameworks.UnknownIndicator) as raised:
        CAT.indicator("passport")

    assert "'passport'" in str(raised.value)
    assert all(f"{p}." in str(raised.value) for p in ("dr", "fl", "inv", "means"))


def test_an_unknown_framework_lists_the_framework_ids():
    with pytest.raises(frameworks.UnknownFramework, match="icls_2018_forced_labour"):
        CAT.framework("delphi")


# A bad file is refused with a message naming the file and the entry.

GOOD = """
kind: framework
id: tiny
order: 1
version: "1"
source: A test instrument
title: {en: Tiny, fi: Pieni, et: Väike, pl: Mały}
scored: true
verdict_field: found
rules:
  dimension:
    id: tiny_dimension
    alternatives: [{strong: 1}]
    text: {en: One strong, fi: Yksi vahva, et: Üks tugev, pl: Jeden silny}
  adult:
    id: tiny_adult
    test: {all_of: [aa]}
    text: {en: Adult, fi: Aikuinen, et: Täiskasvanu, pl: Dorosły}
  child:
    id: tiny_child
    test: aa.one
    text: {en: Child, fi: Lapsi, et: Laps, pl: Dziecko}
dimensions:
  aa:
    stage: recruitment
    name: {en: A, fi: A-fi, et: A-et, pl: A-pl}
    indicators:
      aa.one:
        strength: strong
        child_strength: strong
        label: {en: One, fi: Yksi, et: Üks, pl: Jeden}
"""


def test_the_test_file_itself_loads():
    tiny = loader.parse_catalogue([("tiny.yaml", GOOD)]).framework("tiny")

    assert [i.id for i in tiny.indicators] == ["aa.one"]


@pytest.mark.parametrize(
    ("old", "new", "entry"),
    [
        ("kind: framework", "kind: frame", "kind"),
        ("stage: recruitment", "stage: travel", "dimensions.aa.stage"),
        (
            "strength: strong\n",
            "strength: huge\n",
            "dimensions.aa.indicators.aa.one.strength",
        ),
        ("aa.one:\n", "bb.one:\n", "dimensions.aa.indicators.bb.one"),
        ("pl: Jeden}", "de: Eins}", "dimensions.aa.indicators.aa.one.label"),
        ("{all_of: [aa]}", "{all_of: [zz]}", "rules.adult.test.all_of.0"),
        ("test: aa.one", "test: {none_of: [aa]}", "rules.child.test"),
        ("[{strong: 1}]", "[{strong: 0}]", "rules.dimension.alternatives.0.strong"),
        ("[{strong: 1}]", "[{huge: 1}]", "rules.dimension.alternatives.0.huge"),
        ("scored: true", "scored: yes please", "scored"),
        ("        child_strength: strong\n", "", "dimensions.aa.indicators.aa.one"),
        ("order: 1", "order: first", "order"),
    ],
)
def test_a_bad_entry_is_refused_naming_file_and_entry(old, new, entry):
    assert old in GOOD
    bad = GOOD.replace(old, new)

    with pytest.raises(frameworks.FrameworkError) as raised:
        loader.parse_catalogue([("tiny.yaml", bad)])

    assert str(raised.value).startswith(f"tiny.yaml, entry '{entry}': ")


def test_a_file_that_is_not_yaml_is_refused_by_name():
    with pytest.raises(frameworks.FrameworkError, match=r"^broken\.yaml: not valid"):
        loader.parse_catalogue([("broken.yaml", "kind: [framework")])


def test_an_indicator_id_defined_twice_is_refused():
    other = GOOD.replace("id: tiny\n", "id: other\n")

    with pytest.raises(frameworks.FrameworkError, match=r"already defined in a\.yaml"):
        loader.parse_catalogue([("a.yaml", GOOD), ("b.yaml", other)])
