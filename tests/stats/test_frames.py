"""Frames read from the store: rows, columns, scoping, queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.accounts import actions
from flexwatch.accounts.scoping import scope_for
from flexwatch.cases import actions as case_actions
from flexwatch.cases.record import CaseIn
from flexwatch.stats import frames
from flexwatch.stats.tables import registered_victims
from tests import factories

pytestmark = pytest.mark.django_db


def _case(ws, owner=None, *, synthetic=False, **overrides):
    owner = owner or ws.owner
    author = ws.user("caseworker") if owner == ws.owner else ws.outsider_admin
    data = CaseIn.model_validate(factories.case_values(**overrides))
    return case_actions.create(
        factories.actor(author), owner, data, is_synthetic=synthetic
    )


def _victim(**values) -> dict:
    return {"role": "victim", "citizenship": "UA", **values}


def _grant(ws, fields):
    admin = factories.actor(ws.user("admin"))
    actions.grant(admin, ws.owner, ws.rapporteur, "cases.case", fields)


# Rows and columns


def test_the_frame_has_a_row_per_victim_with_case_and_person_columns(ws):
    case = _case(ws)

    frame = frames.victims(ws.user("analyst"))

    assert frame.columns == list(frames.SCHEMA)
    assert frame.schema == frames.SCHEMA
    row = frame.row(0, named=True)
    person_id = row.pop("person_id")
    assert person_id == case.persons.get(role="victim").pk
    assert row == {
        "case_id": case.pk,
        "owner_id": ws.owner.pk,
        "country": "FI",
        "source_kind": "labour_inspection",
        "sector": "nace_01",
        "continuum": case.continuum,
        "is_synthetic": False,
        "registered_on": datetime.date(2023, 3, 1),
        "identified_on": datetime.date(2023, 2, 20),
        "exploitation_began": datetime.date(2022, 4, 1),
        "year": 2023,
        "sex": "female",
        "age_min": 34,
        "age_max": 34,
        "citizenship": "UA",
        "identification": "formally_identified",
        "forms": ["forced_labour"],
    }


def test_suspects_are_not_rows_and_every_victim_is(ws):
    persons = [_victim(sex="male"), _victim(sex="unknown"), {"role": "suspect"}]
    _case(ws, persons=persons)

    frame = frames.victims(ws.user("analyst"))

    assert sorted(frame["sex"]) == ["male", "unknown"]


def test_the_identification_is_the_latest_decision_by_date(ws):
    def decided(decision, on=None):
        return {"decision": decision, "decided_on": on}

    persons = [
        _victim(
            sex="female",
            decisions=[
                decided("formally_identified", "2023-06-01"),
                decided("presumed", "2023-02-01"),
                decided("not_identified"),
            ],
        ),
        _victim(
            sex="male",
            decisions=[decided("presumed"), decided("declined_identification")],
        ),
        _victim(sex="other"),
    ]
    _case(ws, persons=persons)

    frame = frames.victims(ws.user("analyst"))

    assert dict(zip(frame["sex"], frame["identification"], strict=True)) == {
        "female": "formally_identified",
        "male": "declined_identification",
        "other": None,
    }


def test_forms_are_a_list_and_empty_when_none_is_recorded(ws):
    several = _case(ws, exploitation_forms=["forced_labour", "begging"])
    none = _case(ws, exploitation_forms=[], sector="")

    frame = frames.victims(ws.user("analyst")).sort("case_id")

    assert frame["case_id"].to_list() == [several.pk, none.pk]
    assert frame["forms"].to_list() == [["forced_labour", "begging"], []]
    assert frame["sector"].to_list() == ["nace_01", None]


def test_synthetic_cases_are_kept_and_flagged(ws):
    _case(ws)
    _case(ws, synthetic=True)

    frame = frames.victims(ws.user("analyst"))

    assert sorted(frame["is_synthetic"]) == [False, True]
    assert registered_victims(frame, by=()).victims == 1


def test_deleted_cases_are_left_out(ws):
    case = _case(ws)
    case_actions.delete(factories.actor(ws.user("admin")), case)

    assert frames.victims(ws.user("analyst")).is_empty()


# Who sees what


def test_a_user_sees_only_the_cases_of_their_organisations(ws):
    own = _case(ws)
    outside = _case(ws, ws.outsider)

    assert frames.victims(ws.user("viewer"))["case_id"].to_list() == [own.pk]
    assert frames.victims(ws.outsider_admin)["case_id"].to_list() == [outside.pk]
    assert frames.victims(ws.rapporteur_analyst).is_empty()


def test_a_user_without_a_role_that_reads_records_sees_nothing(ws):
    _case(ws)
    assert frames.victims(ws.user("partner")).is_empty()


def test_a_grant_of_every_field_shows_the_granted_cases_whole(ws):
    own = _case(ws)
    _grant(ws, [])

    frame = frames.victims(ws.rapporteur_analyst)

    assert frame["case_id"].to_list() == [own.pk]
    assert frame["forms"].to_list() == [["forced_labour"]]


def test_a_grant_without_persons_shows_no_victim(ws):
    _case(ws)
    _grant(ws, ["country", "year", "exploitation_forms"])

    assert frames.victims(ws.rapporteur_analyst).is_empty()


def test_fields_and_forms_a_grant_leaves_out_are_null(ws):
    _case(ws)
    _grant(ws, ["persons", "country", "registered_on"])

    row = frames.victims(ws.rapporteur_analyst).row(0, named=True)

    assert (row["country"], row["registered_on"]) == ("FI", datetime.date(2023, 3, 1))
    assert row["sector"] is row["year"] is row["forms"] is None
    assert (row["sex"], row["identification"]) == ("female", "formally_identified")


def test_a_user_an_actor_and_a_scope_give_the_same_frame(ws):
    _case(ws)
    user = ws.user("analyst")

    by_user = frames.victims(user)

    assert by_user.equals(frames.victims(factories.actor(user)))
    assert by_user.equals(frames.victims(scope_for(user)))


# Queries


def test_the_number_of_queries_does_not_grow_with_the_cases(ws):
    scope = scope_for(ws.user("analyst"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            frames.victims(scope)
        return len(captured)

    _case(ws)
    few = queries()
    for forms in (["begging"], [], ["forced_labour", "servitude"], ["other"]):
        _case(ws, exploitation_forms=forms, persons=[_victim(), _victim()])

    assert few == queries() == 2
    assert frames.victims(scope).height == 9


# The proceedings frame


def _suspect(*legal_events, **values) -> dict:
    return {"role": "suspect", "legal_events": list(legal_events), **values}


def _event(provision="FI RL 25:3", stage="charged", **values) -> dict:
    return {"provision": provision, "stage": stage, **values}


def test_the_proceedings_frame_has_a_row_per_legal_event(ws):
    case = _case(ws)

    frame = frames.proceedings(ws.user("analyst"))

    assert frame.columns == list(frames.PROCEEDINGS)
    row = frame.row(0, named=True)
    assert row.pop("person_id") == case.persons.get(role="suspect").pk
    assert row == {
        "case_id": case.pk,
        "owner_id": ws.owner.pk,
        "country": "FI",
        "source_kind": "labour_inspection",
        "sector": "nace_01",
        "continuum": case.continuum,
        "is_synthetic": False,
        "year": 2023,
        "registered_on": datetime.date(2023, 3, 1),
        "identified_on": datetime.date(2023, 2, 20),
        "exploitation_began": datetime.date(2022, 4, 1),
        "role": "suspect",
        "sex": "male",
        "provision": "FI RL 25:3",
        "stage": "charged",
        "outcome": "pending",
        "occurred_on": datetime.date(2023, 9, 1),
    }


def test_every_event_of_suspects_and_victims_is_a_row(ws):
    persons = [
        _suspect(_event(stage="reported"), _event("FI RL 47:3a", "tried")),
        _victim(legal_events=[_event("FI RL 25:1", "investigated")]),
        _victim(),
    ]
    _case(ws, persons=persons)

    frame = frames.proceedings(ws.user("analyst"))

    assert sorted(zip(frame["role"], frame["stage"], strict=True)) == [
        ("suspect", "reported"),
        ("suspect", "tried"),
        ("victim", "investigated"),
    ]


def test_an_outsiders_proceedings_are_absent(ws):
    own = _case(ws)
    _case(ws, ws.outsider)

    assert frames.proceedings(ws.user("viewer"))["case_id"].to_list() == [own.pk]
    assert frames.proceedings(ws.rapporteur_analyst).is_empty()


def test_a_grant_without_persons_reads_no_proceedings_nor_assistance(ws):
    _case(ws)
    _grant(ws, ["country", "year", "exploitation_forms"])

    assert frames.proceedings(ws.rapporteur_analyst).is_empty()
    assert frames.assistance(ws.rapporteur_analyst).is_empty()


def test_case_fields_a_grant_leaves_out_are_null_in_proceedings(ws):
    _case(ws)
    _grant(ws, ["persons", "country"])

    row = frames.proceedings(ws.rapporteur_analyst).row(0, named=True)

    assert row["country"] == "FI"
    assert row["sector"] is row["year"] is row["continuum"] is None
    assert (row["provision"], row["stage"]) == ("FI RL 25:3", "charged")


# The assistance frame


def test_the_assistance_frame_says_whether_a_victim_was_assisted(ws):
    case = _case(
        ws,
        persons=[
            _victim(sex="female", assistance=[{"measure": "accommodation"}]),
            _victim(sex="male"),
            _suspect(),
        ],
    )

    frame = frames.assistance(ws.user("analyst"))

    assert frame.columns == list(frames.ASSISTANCE)
    victims = dict(case.persons.filter(role="victim").values_list("sex", "id"))
    assert dict(zip(frame["person_id"], frame["assisted"], strict=True)) == {
        victims["female"]: True,
        victims["male"]: False,
    }


def test_an_outsiders_victims_are_absent_from_assistance(ws):
    own = _case(ws)
    _case(ws, ws.outsider)

    assert frames.assistance(ws.user("viewer"))["case_id"].to_list() == [own.pk]


def test_new_frames_read_in_one_query_however_many_cases(ws):
    scope = scope_for(ws.user("analyst"))

    def queries(read) -> int:
        with CaptureQueriesContext(connection) as captured:
            read(scope)
        return len(captured)

    _case(ws)
    few = (queries(frames.proceedings), queries(frames.assistance))
    for sector in ("nace_01", "nace_55", "", "nace_41"):
        suspect = _suspect(_event(), _event("FI RL 47:3a", "tried"))
        _case(ws, persons=[_victim(), _victim(), suspect], sector=sector)

    assert few == (queries(frames.proceedings), queries(frames.assistance)) == (1, 1)
    assert frames.proceedings(scope).height == 9
    assert frames.assistance(scope).height == 9


# The observations and cases frames


def test_the_observations_frame_has_a_row_per_observation_with_its_case(ws):
    case = _case(ws)

    frame = frames.observations(ws.user("analyst"))

    assert frame.columns == list(frames.OBSERVATIONS)
    assert frame.row(0, named=True) == {
        "case_id": case.pk,
        "owner_id": ws.owner.pk,
        "country": "FI",
        "sector": "nace_01",
        "source_kind": "labour_inspection",
        "year": 2023,
        "continuum": case.continuum,
        "is_synthetic": False,
        "indicator": "cd.documents",
        "stage": "destination",
        "status": "observed",
    }
    assert frame["indicator"].to_list() == ["cd.documents", "ex.excessive_hours"]


def test_the_cases_frame_has_a_row_per_case_even_without_observations(ws):
    with_some = _case(ws)
    without = _case(ws, observations=[], synthetic=True)

    frame = frames.cases(ws.user("analyst"))

    assert frame.columns == [*frames.CASES, "observations_shared"]
    assert frame["case_id"].to_list() == [with_some.pk, without.pk]
    assert frame["is_synthetic"].to_list() == [False, True]
    assert frame["observations_shared"].to_list() == [True, True]


def test_an_outsiders_observations_and_cases_are_absent(ws):
    own = _case(ws)
    _case(ws, ws.outsider)

    assert frames.cases(ws.user("viewer"))["case_id"].to_list() == [own.pk]
    assert set(frames.observations(ws.user("viewer"))["case_id"]) == {own.pk}
    assert frames.observations(ws.rapporteur_analyst).is_empty()
    assert frames.cases(ws.rapporteur_analyst).is_empty()


def test_a_grant_without_observations_reads_none_but_shows_the_case(ws):
    own = _case(ws)
    _grant(ws, ["country", "year", "persons"])

    assert frames.observations(ws.rapporteur_analyst).is_empty()
    row = frames.cases(ws.rapporteur_analyst).row(0, named=True)
    assert (row["case_id"], row["observations_shared"]) == (own.pk, False)
    assert (row["country"], row["year"]) == ("FI", 2023)
    assert row["sector"] is row["continuum"] is None


def test_case_fields_a_grant_leaves_out_are_null_in_observations(ws):
    _case(ws)
    _grant(ws, ["observations", "country"])

    row = frames.observations(ws.rapporteur_analyst).row(0, named=True)

    assert row["country"] == "FI"
    assert row["sector"] is row["year"] is row["continuum"] is None
    assert (row["indicator"], row["status"]) == ("cd.documents", "observed")
    assert frames.cases(ws.rapporteur_analyst)["observations_shared"].to_list() == [
        True
    ]


def test_the_observations_and_cases_frames_read_in_one_query_each(ws):
    scope = scope_for(ws.user("analyst"))

    def queries(read) -> int:
        with CaptureQueriesContext(connection) as captured:
            read(scope)
        return len(captured)

    _case(ws)
    few = (queries(frames.observations), queries(frames.cases))
    for sector in ("nace_01", "nace_55", "", "nace_41"):
        _case(ws, sector=sector)

    assert few == (queries(frames.observations), queries(frames.cases)) == (1, 1)
    assert frames.observations(scope).height == 10
    assert frames.cases(scope).height == 5
