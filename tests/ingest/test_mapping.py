"""From a row to a case draft, by a profile: pure, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.ingest import mapping
from flexwatch.ingest.problems import Problem
from flexwatch.ingest.profile import ProfileError, parse
from flexwatch.ingest.readers import Row

PROFILE = """
name: mapped
format: {kind: csv}
reference: [Office, Number]
defaults: {country: EE, source_kind: police_investigation, legal_basis: gdpr_6_1_e}
fields:
  registered_on: {column: [Date, Kuupäev], dates: ["%d.%m.%Y", "%Y-%m-%d"]}
  sector:
    several: first
    flags: {Põllumajandus: nace_a, Ehitus: nace_f}
  exploitation_forms:
    flags: {Sunnitöö: forced_labour, Kerjamine: begging}
  recruitment_fees_paid: {column: Fees, transform: boolean}
  person.age: {column: Age, transform: age_range, values: {teadmata: null}}
  person.sex: {column: Sex, values: {Naine: female, Mees: male}}
  person.wages_recovered: {column: Wages, transform: number}
  person.means_of_control: {column: Control, separator: "|"}
identifiers:
  full_name: Nimi
"""
COLUMNS = [
    "Office",
    "Number",
    "Kuupäev",
    "Põllumajandus",
    "Ehitus",
    "Sunnitöö",
    "Kerjamine",
    "Fees",
    "Age",
    "Sex",
    "Wages",
    "Control",
    "Nimi",
]
KEYS = mapping.Keys("the organisation's key")


def _mapper(text: str = PROFILE) -> mapping.Mapper:
    return mapping.Mapper(parse(text, "mapped.yaml"), COLUMNS, KEYS, "in.csv")


def _row(**cells: str) -> Row:
    values = dict.fromkeys(COLUMNS, "")
    values.update({"Office": "Tallinn", "Number": "12", **cells})
    return Row(7, values, None)


def _checked(**cells: str):
    draft = _mapper().draft(_row(**cells))
    return mapping.validated(draft, "in.csv"), draft


def test_a_row_becomes_a_checked_case():
    case, draft = _checked(
        Kuupäev="05.01.2024",
        Ehitus="x",
        Sunnitöö="1",
        Kerjamine="JAH",
        Fees="ei",
        Age="18--20",
        Sex="naine",
        Wages="1 234,50",
        Control="debt_bondage|withheld_documents",
        Nimi="Mari Maasikas",
    )

    assert case is not None, draft.problems
    victim = case.persons[0]
    assert (case.year, case.sector, case.recruitment_fees_paid) == (
        2024,
        "nace_f",
        False,
    )
    assert case.exploitation_forms == ["forced_labour", "begging"]
    assert (victim.sex, victim.age_min, victim.age_max) == ("female", 18, 20)
    assert str(victim.wages_recovered) == "1234.50"
    assert victim.means_of_control == ["debt_bondage", "withheld_documents"]
    assert draft.reference == "Tallinn\x1f12" and draft.persons[0].pseudonym


@pytest.mark.parametrize(
    ("cell", "interval"),
    [("34", (34, 34)), ("9-17", (9, 17)), ("48+", (48, 120)), ("0\u20138", (0, 8))],
)
def test_ages_and_age_ranges(cell, interval):
    case, _draft = _checked(Age=cell)

    assert (case.persons[0].age_min, case.persons[0].age_max) == interval


def test_several_flags_for_a_field_of_one_keep_the_first_when_told_to():
    case, _draft = _checked(Põllumajandus="1", Ehitus="1")

    assert case.sector == "nace_a"


def test_several_flags_are_refused_by_default():
    strict = PROFILE.replace("    several: first\n", "")
    draft = _mapper(strict).draft(_row(Põllumajandus="1", Ehitus="1"))

    assert mapping.validated(draft, "in.csv") is None
    assert "several values" in draft.problems[0].problem


def test_every_problem_of_a_row_names_its_column():
    case, draft = _checked(Kuupäev="5 Jan", Age="old", Fees="maybe", Sex="X")

    assert case is None
    columns = {(p.row, p.column) for p in draft.problems}
    assert columns == {(7, "Kuupäev"), (7, "Age"), (7, "Fees"), (7, "Sex")}
    sex = next(p for p in draft.problems if p.column == "Sex")
    assert "female" in sex.accepted


def test_a_bad_date_of_birth_is_reported_without_its_value():
    text = PROFILE.replace(
        "  full_name: Nimi",
        '  full_name: Nimi\n  birth_date: {column: Sex, dates: ["%Y"]}',
    )
    draft = _mapper(text).draft(_row(Sex="Naine"))

    born = [p for p in draft.problems if p.column == "Sex"]
    assert born and all(p.value == "" for p in born)


def test_a_missing_column_is_named_with_its_alternatives():
    mapper = mapping.Mapper(parse(PROFILE, "mapped.yaml"), ["Office"], KEYS, "in.csv")

    assert "Date or Kuupäev" in mapper.missing()
    assert "Number" in mapper.missing()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("format: {kind: csv}", "format: {kind: pdf}"), "line 3"),
        (("person.sex:", "person.colour:"), "line 15"),
        (("reference: [Office, Number]\n", "rows: person\n"), "needs a reference"),
        (('dates: ["%d.%m.%Y", "%Y-%m-%d"]', "dates: [dd.mm.yyyy]"), "date format"),
        (("name: mapped", "name: Mapped Profile"), "line 2"),
        (("fields:", "fields: [oops"), "not valid YAML"),
    ],
)
def test_a_bad_profile_is_refused_naming_file_and_line(change, message):
    with pytest.raises(ProfileError) as refused:
        parse(PROFILE.replace(*change), "mapped.yaml")

    assert "mapped.yaml" in str(refused.value) and message in str(refused.value)


cells = st.text(max_size=30)


MAPPER = _mapper()


@given(st.fixed_dictionaries({column: cells for column in COLUMNS}))
def test_any_cells_give_a_case_or_problems_never_a_crash(values):
    draft = MAPPER.draft(Row(2, values, None))

    case = mapping.validated(draft, "in.csv")

    assert (case is None) == bool(draft.problems)
    assert all(isinstance(p, Problem) and p.row == 2 for p in draft.problems)
    name = values["Nimi"].strip()
    elsewhere = [value for column, value in values.items() if column != "Nimi"]
    if len(name) > 3 and not any(name in value for value in elsewhere):
        assert all(name not in p.value for p in draft.problems)
