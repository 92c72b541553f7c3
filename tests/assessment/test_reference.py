"""The crosswalk, the continuum and the sentences: what they hold, and how a bad
file is refused naming the file and the entry."""

import pytest

from flexwatch.assessment import frameworks, loader, reference
from flexwatch.assessment.model import FrameworkError

# The shipped files.


def test_the_crosswalk_reads_a_passport_by_the_stage_it_was_taken():
    reach = frameworks.crosswalk().reach

    assert reach["cd.documents"] == {
        "fl.documents",
        "coe.withheld_documents",
        "means.coercion",
    }
    assert reach["cr.documents"] == {"act.recruitment", "means.coercion"}


def test_every_recruitment_indicator_presupposes_an_act_of_recruitment():
    reach = frameworks.crosswalk().reach
    delphi = frameworks.catalogue().framework("ilo_ec_delphi_2009")
    recruitment = [
        i.id
        for d in delphi.dimensions
        if d.stage == "recruitment"
        for i in d.indicators
    ]

    assert len(recruitment) == 36
    assert all("act.recruitment" in reach[i] for i in recruitment)


def test_the_ilo_abuse_of_vulnerability_does_not_imply_the_narrower_icls_element():
    reach = frameworks.crosswalk().reach

    assert "coe.abuse_of_vulnerability" not in reach["fl.abuse_of_vulnerability"]
    assert "fl.abuse_of_vulnerability" in reach["coe.abuse_of_vulnerability"]


def test_the_continuum_runs_from_decent_work_to_trafficking():
    levels = frameworks.continuum().levels

    assert [level.id for level in levels] == [
        "decent_work",
        "labour_rights_violation",
        "labour_exploitation",
        "forced_labour",
        "trafficking",
    ]
    assert levels[0].floor and levels[0].test is None
    assert levels[3].test == "icls_2018_forced_labour"
    assert levels[4].test == "palermo_protocol_2000_art3"


@pytest.mark.parametrize(
    ("level", "cited"),
    [
        ("labour_rights_violation", "Directive 2003/88/EC art. 6"),
        ("labour_exploitation", "chapter 47 section 3a"),
        ("forced_labour", "(No. 29) art. 2(1)"),
        ("trafficking", "Directive 2011/36/EU art. 2"),
    ],
)
def test_each_level_cites_the_clause_its_test_comes_from(level, cited):
    assert cited in frameworks.continuum().level(level).clause


def test_every_sentence_reads_in_every_language():
    sentences = frameworks.sentences()

    assert sentences.say("none", "fi") == "ei yhtään"
    assert sentences.say("strong", "pl") == "silny"
    assert set(sentences.templates) == set(reference.SENTENCE_BLANKS)


def test_the_data_is_loaded_once():
    assert frameworks.crosswalk() is frameworks.crosswalk()
    assert frameworks.continuum() is frameworks.continuum()


# Bad files, with a small catalogue of two frameworks: one with stages, one
# without.

LABEL = "{en: One, fi: Yksi, et: Üks, pl: Jeden}"
TINY = """
kind: framework
id: {framework}
order: {order}
version: "1"
source: A test instrument
title: {{en: Tiny, fi: Pieni, et: Väike, pl: Mały}}
scored: true
verdict_field: found
rules:
  dimension:
    id: {framework}_dimension
    alternatives: [{{any: 1}}]
    text: {{en: One, fi: Yksi, et: Üks, pl: Jeden}}
  adult:
    id: {framework}_adult
    test: {{all_of: [{first}, {second}]}}
    text: {{en: Adult, fi: Aikuinen, et: Täiskasvanu, pl: Dorosły}}
  child:
    id: {framework}_child
    test: {first}
    text: {{en: Child, fi: Lapsi, et: Laps, pl: Dziecko}}
dimensions:
  {first}:
    stage: {stages[0]}
    name: {{en: A, fi: A-fi, et: A-et, pl: A-pl}}
    indicators:
      {first}.one: {{label: {label}}}
      {first}.two: {{label: {label}}}
  {second}:
    stage: {stages[1]}
    name: {{en: B, fi: B-fi, et: B-et, pl: B-pl}}
    indicators:
      {second}.one: {{label: {label}}}
"""


def tiny(framework, order, first, second, stages=("null", "null")):
    """A small framework: two dimensions, three indicators."""
    text = TINY.format(
        framework=framework,
        order=order,
        first=first,
        second=second,
        stages=stages,
        label=LABEL,
    )
    return (f"{framework}.yaml", text)


# "staged" has stages, like the Delphi indicators; "flat" and "other" have none.
CATALOGUE = loader.parse_catalogue(
    [
        tiny("staged", 1, "aa", "bb", ("recruitment", "destination")),
        tiny("flat", 2, "zz", "yy"),
        tiny("other", 3, "xx", "ww"),
    ]
)

CROSSWALK = """
kind: crosswalk
version: "1"
source: A test crosswalk
recruitment:
  aa.one: [zz.one]
destination:
  bb.one: [zz.two, xx.one]
any_stage:
  zz.one: [xx.one]
"""


def test_the_test_crosswalk_itself_loads():
    crosswalk = reference.parse_crosswalk([("links.yaml", CROSSWALK)], CATALOGUE)

    assert crosswalk.reach["aa.one"] == {"zz.one", "xx.one"}
    assert crosswalk.expand({"bb.one"}) == {"bb.one", "zz.two", "xx.one"}


@pytest.mark.parametrize(
    ("old", "new", "entry"),
    [
        ("aa.one: [zz.one]", "aa.one: [zz.three]", "recruitment.aa.one.0"),
        ("aa.one: [zz.one]", "aa.one: [bb.one]", "recruitment.aa.one.0"),
        ("aa.one: [zz.one]", "aa.one: []", "recruitment.aa.one"),
        ("aa.one: [zz.one]", "aa.one: [zz.one, zz.one]", "recruitment.aa.one"),
        ("  bb.one: [zz.two", "  aa.one: [zz.two", "destination.aa.one"),
        ("zz.one: [xx.one]", "zz.one: [zz.two]", "any_stage.zz.one.0"),
        ("zz.one: [xx.one]", "zz.one: [xx.one]\n  xx.one: [zz.two]", "zz.one"),
        ("destination:", "destinaton:", "destinaton"),
        ('version: "1"', "version: 2", "version"),
    ],
)
def test_a_bad_crosswalk_is_refused_naming_file_and_entry(old, new, entry):
    assert old in CROSSWALK
    bad = CROSSWALK.replace(old, new)

    with pytest.raises(FrameworkError) as raised:
        reference.parse_crosswalk([("links.yaml", bad)], CATALOGUE)

    assert str(raised.value).startswith(f"links.yaml, entry '{entry}': ")


def test_a_key_given_twice_is_refused_not_silently_dropped():
    twice = CROSSWALK.replace("  zz.one: [xx.one]", "  zz.one: [xx.one]\n  zz.one: []")

    with pytest.raises(
        FrameworkError, match=r"links\.yaml: .*'zz\.one' is given twice"
    ):
        reference.parse_crosswalk([("links.yaml", twice)], CATALOGUE)


def test_two_crosswalk_files_are_refused_by_name():
    files = [("a.yaml", CROSSWALK), ("b.yaml", CROSSWALK)]

    with pytest.raises(FrameworkError, match=r"found a\.yaml, b\.yaml"):
        reference.parse_crosswalk(files, CATALOGUE)


LABELS = "{en: L, fi: L-fi, et: L-et, pl: L-pl}"
CONTINUUM = f"""
kind: continuum
version: "1"
source: A test continuum
levels:
  - id: floor
    floor: true
    clause: None needed
    label: {LABELS}
    text: {LABELS}
  - id: up
    clause: A test clause
    label: {LABELS}
    text: {LABELS}
    test: {{any_of: [staged/aa, flat, zz.one]}}
"""


def test_the_test_continuum_itself_loads():
    continuum = reference.parse_continuum([("levels.yaml", CONTINUUM)], CATALOGUE)

    assert continuum.level("up").test == ("any_of", ("staged/aa", "flat", "zz.one"))


@pytest.mark.parametrize(
    ("old", "new", "entry"),
    [
        ("zz.one]}", "zz.nine]}", "levels.1.test.any_of.2"),
        ("staged/aa", "staged/qq", "levels.1.test.any_of.0"),
        ("any_of: [staged/aa", "any_of: [nothing/aa", "levels.1.test.any_of.0"),
        ("    floor: true\n", "    floor: true\n    test: zz.one\n", "levels.0.test"),
        ("    floor: true\n", "", "levels.0.test"),
        ("  - id: up", "  - id: floor", "levels"),
        ("    clause: A test clause\n", "", "levels.1.clause"),
        (
            "    clause: A test clause\n",
            "    clause: A\n    colour: red\n",
            "levels.1.colour",
        ),
    ],
)
def test_a_bad_continuum_is_refused_naming_file_and_entry(old, new, entry):
    assert old in CONTINUUM
    bad = CONTINUUM.replace(old, new)

    with pytest.raises(FrameworkError) as raised:
        reference.parse_continuum([("levels.yaml", bad)], CATALOGUE)

    assert str(raised.value).startswith(f"levels.yaml, entry '{entry}': ")


def _sentences_text() -> str:
    return next(
        text for name, text in loader.package_files() if name == "sentences.yaml"
    )


@pytest.mark.parametrize(
    ("old", "new", "entry"),
    [
        ("({target_id}) lasketaan", "lasketaan", "sentences.crosswalk.fi"),
        (
            "Ask next about: {indicators}.",
            "Ask next: {indicator}.",
            "sentences.ask_next.en",
        ),
        (
            '  weak:\n    en: "weak"',
            '  weak:\n    en: "weak"\n    de: "schwach"',
            "sentences.weak",
        ),
        ("  none:\n", "  nothing:\n", "sentences"),
    ],
)
def test_a_bad_sentences_file_is_refused_naming_file_and_entry(old, new, entry):
    text = _sentences_text()
    assert old in text

    with pytest.raises(FrameworkError) as raised:
        reference.parse_sentences([("sentences.yaml", text.replace(old, new))])

    assert str(raised.value).startswith(f"sentences.yaml, entry '{entry}': ")
