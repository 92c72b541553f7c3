"""Tables of registered victims, from victims frames built by hand (no database)."""

import datetime
from itertools import count

import polars as pl
import pytest
import yaml

from flexwatch import vocab
from flexwatch.stats import definitions
from flexwatch.stats.proceedings import (
    proceedings_funnel,
    recognition_gap,
    suspects_prosecuted_convicted,
)
from flexwatch.stats.tables import (
    DIMENSIONS,
    TableError,
    citizenship_group,
    registered_victims,
)

TEXT = pl.String()
# The columns of stats.frames.victims, which this test may not import: the
# frame module needs Django.
SCHEMA = {
    "case_id": pl.Int64(),
    "owner_id": pl.Int64(),
    "country": TEXT,
    "source_kind": TEXT,
    "sector": TEXT,
    "continuum": TEXT,
    "is_synthetic": pl.Boolean(),
    "registered_on": pl.Date(),
    "identified_on": pl.Date(),
    "exploitation_began": pl.Date(),
    "year": pl.Int32(),
    "person_id": pl.Int64(),
    "sex": TEXT,
    "age_min": pl.Int32(),
    "age_max": pl.Int32(),
    "citizenship": TEXT,
    "identification": TEXT,
    "forms": pl.List(TEXT),
}
_ids = count(1)


def victim(**values) -> dict:
    """A registered adult Ukrainian victim of forced labour in Finland, 2023."""
    person = next(_ids)
    row = {
        "case_id": person,
        "owner_id": 1,
        "country": "FI",
        "source_kind": "labour_inspection",
        "sector": "nace_01",
        "continuum": "forced_labour",
        "is_synthetic": False,
        "registered_on": datetime.date(2023, 3, 1),
        "identified_on": datetime.date(2022, 12, 20),
        "exploitation_began": datetime.date(2021, 4, 1),
        "year": 2023,
        "person_id": person,
        "sex": "female",
        "age_min": 34,
        "age_max": 34,
        "citizenship": "UA",
        "identification": "formally_identified",
        "forms": ["forced_labour"],
    }
    return {**row, **values}


def frame(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def counts(*rows: dict, **options) -> dict:
    """The table's cells as ``{(code, ...): victims}``."""
    table = registered_victims(frame(*rows), **options)
    return {row[:-1]: row[-1] for row in table.counts.iter_rows()}


# Who is a registered victim


@pytest.mark.parametrize(
    ("decision", "counted"),
    [
        ("formally_identified", True),
        ("presumed", True),
        ("declined_identification", True),
        ("not_identified", False),
        (None, False),
    ],
)
def test_registered_victims_follow_the_eurostat_definition(decision, counted):
    table = registered_victims(frame(victim(identification=decision)), by=())
    assert table.counts.rows() == [(1 if counted else 0,)]


def test_what_is_left_out_is_counted_by_reason():
    table = registered_victims(
        frame(
            victim(),
            victim(is_synthetic=True),
            victim(country="EE"),
            victim(identification=None),
            victim(identification="not_identified"),
            victim(identification="not_identified"),
        ),
        by=(),
        reporting_country="FI",
    )

    assert table.victims == 1
    assert dict(table.left_out) == {
        "synthetic": 1,
        "other_country": 1,
        "no_decision": 1,
        "not_registered": 2,
    }
    assert table.statuses == definitions.registered().statuses


def test_the_definition_file_agrees_with_the_vocabulary_eurostat_attribute():
    decisions = vocab.vocabulary("identification_decision")
    expected = {
        code
        for code in decisions.codes
        if decisions.attribute(code, "eurostat") == "registered"
    }
    assert definitions.registered().statuses == expected


# Synthetic records


def test_synthetic_records_stay_out_of_the_counts_unless_asked_for():
    rows = (victim(), victim(is_synthetic=True))

    assert counts(*rows, by=()) == {(): 1}
    assert counts(*rows, by=(), include_synthetic=True) == {(): 2}


# Date bases


@pytest.mark.parametrize(
    ("basis", "year"),
    [("registration", 2023), ("identification", 2022), ("exploitation", 2021)],
)
def test_the_year_comes_from_the_chosen_date_basis(basis, year):
    table = registered_victims(frame(victim()), date_basis=basis, by=("year",))

    assert table.counts.rows() == [(year, 1)]
    assert table.basis == basis
    assert table.date_column in table.notes[0]


def test_a_victim_without_the_basis_date_is_kept_under_an_unknown_year():
    table = registered_victims(
        frame(victim(), victim(identified_on=None)),
        date_basis="identification",
        by=("year",),
    )

    assert table.counts.rows() == [(2022, 1), (None, 1)]
    assert any("without a identified_on: 1" in note for note in table.notes)


def test_the_case_year_column_is_not_a_fallback_for_a_missing_date():
    row = victim(registered_on=None, identified_on=None, exploitation_began=None)
    assert counts(row, by=("year",)) == {(None,): 1}


# Age


@pytest.mark.parametrize(
    ("age_min", "age_max", "category"),
    [
        (34, 34, "adult"),
        (18, 18, "adult"),
        (17, 17, "child"),
        (9, 17, "child"),
        (16, 20, "not_classifiable"),
        (17, 18, "not_classifiable"),
        (None, 17, "child"),
        (18, None, "adult"),
        (None, None, "unknown"),
    ],
)
def test_age_category_comes_from_the_interval_of_possible_ages(
    age_min, age_max, category
):
    row = victim(age_min=age_min, age_max=age_max)
    assert counts(row, by=("age_category",)) == {(category,): 1}


def test_age_group_uses_the_vocabulary_bands():
    rows = (victim(age_min=12, age_max=17), victim(age_min=9, age_max=17))
    assert counts(*rows, by=("age_group",)) == {
        ("not_classifiable",): 1,
        ("y12_17",): 1,
    }


# Citizenship


@pytest.mark.parametrize(
    ("citizenship", "country", "year", "group"),
    [
        ("FI", "FI", 2023, "reporting_country"),
        ("EE", "FI", 2023, "other_eu"),
        ("UA", "FI", 2023, "non_eu"),
        ("HR", "FI", 2012, "non_eu"),
        ("HR", "FI", 2013, "other_eu"),
        ("GB", "FI", 2019, "other_eu"),
        ("GB", "FI", 2020, "non_eu"),
        ("stateless", "FI", 2023, "stateless"),
        ("unknown", "FI", 2023, "unknown"),
        ("EE", "FI", None, "unknown"),
        ("FI", "FI", None, "reporting_country"),
        ("EE", "ZZ", 2023, "unknown"),
        ("EE", None, 2023, "unknown"),
    ],
)
def test_citizenship_group_follows_eu_membership_in_the_year(
    citizenship, country, year, group
):
    assert citizenship_group(citizenship, country, year) == group


def test_citizenship_is_grouped_against_the_case_country_in_the_case_year():
    rows = (
        victim(citizenship="HR", registered_on=datetime.date(2012, 6, 1)),
        victim(citizenship="HR", registered_on=datetime.date(2013, 6, 1)),
        victim(citizenship="GB", registered_on=datetime.date(2019, 6, 1)),
        victim(citizenship="GB", registered_on=datetime.date(2020, 6, 1)),
        victim(country="EE", citizenship="EE"),
        victim(country="EE", citizenship="FI"),
    )

    assert counts(*rows, by=("year", "citizenship_group")) == {
        (2012, "non_eu"): 1,
        (2013, "other_eu"): 1,
        (2019, "other_eu"): 1,
        (2020, "non_eu"): 1,
        (2023, "other_eu"): 1,
        (2023, "reporting_country"): 1,
    }


def test_a_reporting_country_keeps_its_own_cases_only():
    rows = (victim(), victim(country="EE", citizenship="FI"))
    table = registered_victims(
        frame(*rows), by=("citizenship_group",), reporting_country="EE"
    )

    assert table.counts.rows() == [("other_eu", 1)]
    assert table.left_out == {"other_country": 1}


def test_an_unknown_reporting_country_is_refused():
    with pytest.raises(vocab.UnknownCode):
        registered_victims(frame(victim()), reporting_country="XX")


# Forms of exploitation


def test_a_victim_counts_once_per_form_in_a_table_by_form():
    rows = (
        victim(forms=["forced_labour", "begging"]),
        victim(forms=["forced_labour"]),
    )
    table = registered_victims(frame(*rows), by=("form",))

    assert dict(table.counts.rows()) == {"begging": 1, "forced_labour": 2}
    assert table.victims == 2
    assert any("once under each" in note for note in table.notes)


def test_a_victim_of_several_forms_counts_once_in_other_tables():
    row = victim(forms=["forced_labour", "begging", "criminal_activities"])
    table = registered_victims(frame(row), by=("sex",))

    assert table.counts.rows() == [("female", 1)]
    assert not any("once under each" in note for note in table.notes)


def test_forms_in_one_eurostat_group_count_the_victim_once_in_it():
    row = victim(forms=["forced_labour", "servitude", "begging"])
    assert counts(row, by=("form_group",)) == {
        ("labour_exploitation",): 1,
        ("other_forms",): 1,
    }


@pytest.mark.parametrize("forms", [[], None])
def test_a_case_with_no_form_counts_its_victims_under_unknown(forms):
    assert counts(victim(forms=forms), by=("form", "form_group")) == {
        ("unknown", "unknown"): 1
    }


# Unknowns


def test_unknown_is_its_own_category_in_every_dimension():
    row = victim(
        sector=None,
        sex="unknown",
        age_min=None,
        age_max=None,
        citizenship="unknown",
        forms=[],
        registered_on=None,
    )
    table = registered_victims(frame(row, victim(sector="")))

    assert table.counts.rows() == [
        (2023, "female", "adult", "non_eu", "forced_labour", "unknown", 1),
        (None, "unknown", "unknown", "unknown", "unknown", "unknown", 1),
    ]


def test_every_dimension_can_be_counted_by():
    table = registered_victims(frame(victim()), by=tuple(DIMENSIONS))
    assert table.counts.columns == [*DIMENSIONS, "victims"]
    assert table.counts["victims"].to_list() == [1]


def test_an_empty_frame_gives_an_empty_table():
    table = registered_victims(frame())
    assert table.counts.is_empty()
    assert table.victims == 0


# Bad requests


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date_basis": "judgement"}, "use one of registration"),
        ({"by": ("nationality",)}, "the dimensions are year"),
        ({"by": ("sex", "sex")}, "named twice"),
    ],
)
def test_a_bad_request_is_refused_with_what_is_accepted(options, message):
    with pytest.raises(TableError, match=message):
        registered_victims(frame(victim()), **options)


def test_a_frame_without_a_needed_column_is_refused():
    with pytest.raises(TableError, match="no column age_max, age_min"):
        registered_victims(frame(victim()).drop("age_min", "age_max"))


# The definition file


def _definition(registered: list[str], vocabulary="identification_decision") -> str:
    return yaml.safe_dump(
        {
            "version": "1",
            "source": "Eurostat crim_thb",
            "vocabulary": vocabulary,
            "registered": registered,
        },
        sort_keys=False,
    )


def test_a_definition_naming_an_unknown_code_is_refused_with_file_and_line():
    text = _definition(["presumed", "identified"])
    with pytest.raises(
        definitions.DefinitionError, match=r"^bad\.yaml, line 6: 'identified'"
    ):
        definitions.load(text, "bad.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_definition([]), "line 4: registered must list at least one code"),
        (_definition(["presumed"], "decisions"), "line 3: 'decisions' is not a"),
        ("version: '1'\nregistered: [presumed]\n", "line 1: expected the keys"),
        ("registered: [presumed\n", "not valid YAML"),
        ("- presumed\n", "expected a mapping"),
    ],
)
def test_a_malformed_definition_is_refused(text, message):
    with pytest.raises(definitions.DefinitionError, match=message):
        definitions.load(text, "bad.yaml")


def test_the_package_definition_counts_identified_presumed_and_declined():
    assert definitions.registered().statuses == {
        "formally_identified",
        "presumed",
        "declined_identification",
    }


# Proceedings: frames of legal events built by hand

EVENTS = {
    "case_id": pl.Int64(),
    "owner_id": pl.Int64(),
    "country": TEXT,
    "source_kind": TEXT,
    "sector": TEXT,
    "continuum": TEXT,
    "is_synthetic": pl.Boolean(),
    "year": pl.Int32(),
    "person_id": pl.Int64(),
    "role": TEXT,
    "sex": TEXT,
    "provision": TEXT,
    "stage": TEXT,
    "outcome": TEXT,
    "occurred_on": pl.Date(),
}


def event(**values) -> dict:
    """A male suspect charged with trafficking in a Finnish case of 2023."""
    row = {
        "case_id": 1,
        "owner_id": 1,
        "country": "FI",
        "source_kind": "police",
        "sector": "nace_01",
        "continuum": "trafficking",
        "is_synthetic": False,
        "year": 2023,
        "person_id": 100,
        "role": "suspect",
        "sex": "male",
        "provision": "FI RL 25:3",
        "stage": "charged",
        "outcome": "pending",
        "occurred_on": datetime.date(2023, 9, 1),
    }
    return {**row, **values}


def events(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=EVENTS)


def cells(table) -> dict:
    width = len(table.by)
    return {row[:width]: row[width:] for row in table.counts.iter_rows()}


def test_suspects_count_once_at_the_furthest_step_they_reached():
    table = suspects_prosecuted_convicted(
        events(
            event(person_id=1, stage="reported"),
            event(person_id=1, stage="investigated"),
            event(person_id=2, stage="charged"),
            event(person_id=3, stage="appealed", outcome="convicted"),
            event(person_id=4, stage="tried", outcome="convicted_other_offence"),
            event(person_id=5, sex="female", stage="tried", outcome="acquitted"),
        ),
        by=("sex",),
    )

    assert table.counts.columns == [
        "sex",
        "suspected",
        "prosecuted",
        "convicted",
        "convicted_of_other_offence",
    ]
    assert cells(table) == {("female",): (1, 1, 0, 0), ("male",): (4, 3, 1, 1)}
    assert table.counted == 5


def test_victims_events_and_synthetic_records_are_left_out_by_reason():
    frame = events(
        event(person_id=1),
        event(person_id=2, role="victim"),
        event(person_id=3, is_synthetic=True),
    )

    table = suspects_prosecuted_convicted(frame, by=())

    assert cells(table) == {(): (1, 1, 0, 0)}
    assert dict(table.left_out) == {"synthetic": 1, "not_a_suspect": 1}
    every = suspects_prosecuted_convicted(frame, by=(), include_synthetic=True)
    assert cells(every) == {(): (2, 2, 0, 0)}


def test_the_offence_comes_from_the_provision_and_unlisted_ones_are_other():
    table = suspects_prosecuted_convicted(
        events(
            event(person_id=1, provision="FI RL 25:3"),
            event(person_id=1, provision="FI RL 47:3a"),
            event(person_id=2, provision="PL KK 218"),
            event(person_id=3, provision="art. 189a"),
        ),
        by=("offence",),
    )

    assert {key: row[0] for key, row in cells(table).items()} == {
        ("lesser_labour",): 2,
        ("other",): 1,
        ("trafficking",): 1,
    }


def test_unknown_codes_and_years_are_kept_in_proceedings_tables():
    table = suspects_prosecuted_convicted(
        events(event(person_id=1, sex=None, year=None), event(person_id=2)),
    )

    assert cells(table) == {
        (2023, "male"): (1, 1, 0, 0),
        (None, "unknown"): (1, 1, 0, 0),
    }


def test_the_funnel_counts_cases_that_reached_at_least_each_step():
    table = proceedings_funnel(
        events(
            event(case_id=1, stage="reported"),
            event(case_id=2, stage="investigated"),
            event(case_id=2, person_id=101, stage="charged"),
            event(case_id=3, stage="tried", outcome="convicted"),
            event(case_id=4, country=None, stage="appealed"),
            event(case_id=5, role="victim", stage="charged"),
        )
    )

    assert table.counts.columns == [
        "year",
        "country",
        "reported",
        "investigated",
        "charged",
        "tried",
        "convicted",
    ]
    assert cells(table) == {
        (2023, "FI"): (3, 2, 2, 1, 1),
        (2023, "unknown"): (1, 1, 1, 1, 0),
    }
    assert dict(table.left_out) == {"not_a_suspect": 1}


def test_the_funnel_cannot_be_counted_by_sex():
    with pytest.raises(TableError, match="'sex' cannot be counted by"):
        proceedings_funnel(events(event()), by=("sex",))


# The recognition gap

ASSISTED = {"case_id": pl.Int64(), "person_id": pl.Int64(), "assisted": pl.Boolean()}


def gap(victims, proceedings=(), assisted=None, **options):
    """The recognition gap's cells as ``{(by..., id, treatment, help): n}``."""
    people = frame(*victims)
    assisted = assisted if assisted is not None else people["person_id"].to_list()
    helped = pl.DataFrame(
        [
            (row["case_id"], row["person_id"], row["person_id"] in assisted)
            for row in people.iter_rows(named=True)
        ],
        schema=ASSISTED,
        orient="row",
    )
    options.setdefault("by", ())
    table = recognition_gap(people, events(*proceedings), helped, **options)
    return table, {row[:-1]: row[-1] for row in table.counts.iter_rows()}


def test_a_case_with_trafficking_and_lesser_events_counts_as_trafficking():
    person = victim(continuum="trafficking")
    case = person["case_id"]

    _, counted = gap(
        [person],
        [
            event(case_id=case, provision="FI RL 47:3a"),
            event(case_id=case, person_id=101, provision="FI RL 25:3"),
        ],
    )

    assert counted == {("registered", "trafficking", "recorded"): 1}


@pytest.mark.parametrize(
    ("provisions", "treatment"),
    [
        (["FI RL 47:3a", "FI RL 25:1"], "lesser_labour"),
        (["FI RL 25:1"], "other"),
        ([], "none"),
    ],
)
def test_the_case_is_treated_as_its_most_serious_category(provisions, treatment):
    person = victim()
    proceedings = [event(case_id=person["case_id"], provision=p) for p in provisions]

    _, counted = gap([person], proceedings)

    assert counted == {("registered", treatment, "recorded"): 1}


def test_victims_own_events_do_not_decide_the_treatment():
    person = victim()
    own = event(case_id=person["case_id"], role="victim", provision="FI RL 25:3")

    _, counted = gap([person], [own])

    assert counted == {("registered", "none", "recorded"): 1}


def test_identification_and_assistance_are_counted_with_no_decision_apart():
    rows = [
        victim(),
        victim(identification="not_identified"),
        victim(identification=None),
    ]

    _, counted = gap(rows, assisted=[rows[0]["person_id"]])

    assert counted == {
        ("no_decision", "none", "none_recorded"): 1,
        ("not_registered", "none", "none_recorded"): 1,
        ("registered", "none", "recorded"): 1,
    }


def test_a_victim_missing_from_the_assistance_frame_is_unknown():
    person = victim()
    people = frame(person)
    table = recognition_gap(people, events(), pl.DataFrame([], schema=ASSISTED), by=())
    assert table.counts.rows() == [("registered", "none", "unknown", 1)]


def test_only_cases_meeting_forced_labour_or_trafficking_are_counted():
    table, counted = gap(
        [
            victim(continuum="forced_labour"),
            victim(continuum="trafficking"),
            victim(continuum="labour_exploitation"),
            victim(continuum="decent_work"),
            victim(continuum=None),
            victim(is_synthetic=True),
        ]
    )

    assert counted == {("registered", "none", "recorded"): 2}
    assert table.levels == ("forced_labour", "trafficking")
    assert dict(table.left_out) == {
        "synthetic": 1,
        "continuum_unknown": 1,
        "other_level": 2,
    }


def test_the_lowest_level_counted_can_be_chosen_but_must_exist():
    rows = [victim(continuum="labour_exploitation"), victim()]

    table, _ = gap(rows, from_level="labour_exploitation")

    assert table.victims == 2
    with pytest.raises(TableError, match="'forced' is not a level"):
        gap(rows, from_level="forced")


def test_unknowns_are_kept_in_the_recognition_gap():
    _, counted = gap(
        [victim(country=None, sector=None, year=None), victim()],
        by=("country", "sector", "year"),
    )

    assert counted == {
        ("FI", "nace_01", 2023, "registered", "none", "recorded"): 1,
        ("unknown", "unknown", None, "registered", "none", "recorded"): 1,
    }


def test_frames_without_a_needed_column_are_refused():
    people = frame(victim()).drop("year")
    helped = pl.DataFrame([], schema=ASSISTED)

    with pytest.raises(TableError, match="no column year"):
        recognition_gap(people, events(), helped)
    with pytest.raises(TableError, match="no column provision"):
        proceedings_funnel(events(event()).drop("provision"))


# The offences file


def test_the_offences_file_reads_stages_convictions_and_categories():
    reading = definitions.offences()

    assert set(reading.stages) == set(vocab.vocabulary("legal_stage").codes)
    assert reading.stages["appealed"] == "tried"
    assert reading.convicted == {"convicted"}
    assert reading.category("FI RL 25:3") == "trafficking"
    assert reading.category("FI RL 47:3a") == "lesser_labour"
    assert reading.category("PL KK 211a") == "other"
    assert reading.cites["EE KarS 133"] == "EE-KarS-133"


def _offences_text(**changes) -> str:
    data = {
        "version": "1",
        "source": "a test",
        "stages": {code: "reported" for code in vocab.vocabulary("legal_stage").codes},
        "convicted": ["convicted"],
        "convicted_of_other_offence": ["convicted_other_offence"],
        "offences": {
            "FI": {"trafficking": [{"provision": "FI RL 25:3", "cites": "x"}]}
        },
    }
    return yaml.safe_dump({**data, **changes}, sort_keys=False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stages": {"reported": "reported"}}, "expected the keys"),
        ({"convicted": ["jailed"]}, "'jailed' is not a code of legal_outcome"),
        ({"convicted_of_other_offence": ["convicted"]}, "cannot be both"),
        (
            {"offences": {"XX": {"trafficking": []}}},
            "expected the keys",
        ),
        (
            {
                "offences": {
                    "FI": {"trafficking": [{"provision": "RL 25:3", "cites": "x"}]}
                }
            },
            "must start with 'FI'",
        ),
        (
            {
                "offences": {
                    "FI": {
                        "trafficking": [{"provision": "FI RL 25:3", "cites": "x"}],
                        "lesser_labour": [{"provision": "FI RL 25:3", "cites": "y"}],
                    }
                }
            },
            "listed twice",
        ),
    ],
)
def test_a_malformed_offences_file_is_refused_with_file_and_line(changes, message):
    with pytest.raises(definitions.DefinitionError, match=message) as refused:
        definitions.load_offences(_offences_text(**changes), "offences.yaml")
    assert str(refused.value).startswith("offences.yaml")
    assert "line" in str(refused.value)
