"""The microdata declaration: the package's file, and bad files refused by line."""

from importlib import resources

import pytest

from flexwatch.stats.definitions import DefinitionError
from flexwatch.stats.ladders import declaration, load

TEXT = (
    resources.files("flexwatch.stats")
    .joinpath("microdata.yaml")
    .read_text(encoding="utf-8")
)
WHERE = "microdata.yaml"


def _line_of(text: str, fragment: str) -> int:
    (found,) = [
        i for i, line in enumerate(text.splitlines(), 1) if fragment.strip() in line
    ]
    return found


def test_the_package_declares_ladders_that_run_from_recorded_to_suppressed():
    rules = declaration()

    names = [q.name for q in rules.quasi_identifiers]
    assert names == ["age", "sex", "citizenship", "region", "year", "sector"]
    ladders = {q.name: [s.level for s in q.ladder] for q in rules.quasi_identifiers}
    assert ladders["age"] == ["years", "age_group", "adult_or_child", "suppressed"]
    assert ladders["citizenship"] == ["country", "citizenship_group", "suppressed"]
    assert ladders["region"] == ["nuts_3", "nuts_2", "nuts_1", "country", "suppressed"]
    assert [a.name for a in rules.sensitive] == ["form"]
    assert (rules.k, rules.l, rules.budget) == (5, 2, 0.05)
    assert {"pseudonym", "linkage_key", "narrative", "person_id"} <= rules.never_leave


def test_the_declaration_cites_its_sources():
    sources = " ".join(declaration().sources)

    for cited in ("Sweeney", "Machanavajjhala", "Statistical Disclosure Control"):
        assert cited in sources


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("rule: age_group}", "rule: age_decade}", "'age_decade' is not a rule"),
        ("{level: sex, rule: as_recorded}", "{level: sex, rule: nuts_2}", "must start"),
        ("codes: sex\n", "codes: gender\n", "'gender' is neither a value form"),
        ("  k: 5", "  k: 1", "'1' is not a int from 2"),
        ("  l: 2", "  l: two", "'two' is not a int from 1"),
        ("suppression_budget: 0.05", "suppression_budget: 1.5", "'1.5' is not a float"),
        ("suppressed: suppressed", "suppressed: unknown", "must differ from 'unknown'"),
        ("  - narrative", "  - continuum", "'continuum' may never leave"),
        ("  - name: sex", "  - name: Sex", "'Sex' is not a name"),
        ('separator: "+"', "colour: red", "'colour' is not expected here"),
    ],
)
def test_a_malformed_file_is_refused_naming_file_and_line(old, new, message):
    text = TEXT.replace(old, new, 1)
    assert text != TEXT

    with pytest.raises(DefinitionError, match=message) as refused:
        load(text, WHERE)

    assert str(refused.value).startswith(f"{WHERE}, line {_line_of(text, new)}:")


@pytest.mark.parametrize(
    ("hostile", "message"),
    [
        # An alias bomb: a few lines that expand beyond any memory.
        (
            'a: &a ["x", "x"]\nb: &b [*a, *a]\nc: [*b, *b]\n',
            "line 1: anchors and aliases are not accepted",
        ),
        # A tag that asks a loader to run a command.
        (
            'version: !!python/object/apply:os.system ["echo owned"]\n',
            "line 1: the tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        ("version: [unclosed\n", "line 2: not valid YAML"),
        ("just text\n", "line 1: expected a mapping"),
        ("", "the file is empty"),
    ],
)
def test_a_hostile_file_is_refused_before_anything_is_built(hostile, message):
    with pytest.raises(DefinitionError, match=message) as refused:
        load(hostile, WHERE)

    assert str(refused.value).startswith(WHERE)


def test_a_missing_section_is_refused_naming_what_is_expected():
    text = TEXT.replace("never_leave:", "never_leaves:")

    with pytest.raises(DefinitionError, match="'never_leaves' is not expected here"):
        load(text, WHERE)


def test_a_column_declared_twice_is_refused():
    text = TEXT.replace("{name: continuum, codes: code}", "{name: sex}")

    with pytest.raises(DefinitionError, match="'sex' is declared twice"):
        load(text, WHERE)
