"""Storing cases: versions, parts kept by id, pseudonyms, the audit trail."""

import pytest

from flexwatch.accounts.actions import ActionRefused
from flexwatch.accounts.models import AuditEntry
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases import actions, documents
from flexwatch.cases.models import Case, Observation, Person
from flexwatch.cases.record import CaseIn
from tests import factories


def _stored(case: Case) -> dict:
    return documents.as_input(documents.whole(Case.objects).get(pk=case.pk))


def _save(user, case, version=None, **changes):
    values = {**_stored(case), **changes}
    fresh = Case.objects.get(pk=case.pk)
    return actions.save(
        factories.actor(user),
        fresh,
        CaseIn.model_validate(values),
        fresh.version if version is None else version,
    )


def test_a_new_case_is_stored_whole_with_pseudonyms_not_the_identifiers(ws):
    case = factories.case(ws.owner, ws.user("caseworker"))

    stored = _stored(case)
    victim = Person.objects.get(case=case, role="victim")
    key = ws.owner.pseudonym_key
    assert case.version == 1 and case.year == 2023
    assert stored["exploitation_forms"] == ["forced_labour"]
    assert [p["role"] for p in stored["persons"]] == ["victim", "suspect"]
    assert stored["persons"][0]["decisions"][0]["decision"] == "formally_identified"
    assert stored["persons"][1]["legal_events"][0]["provision"] == "FI RL 25:3"
    assert case.source_reference == pseudonym(key, "INSP-2023-0417", "source")
    assert victim.pseudonym == pseudonym(key, "Olena Testova 1989-05-02", "person")
    stored_rows = [
        *Case.objects.filter(pk=case.pk).values(),
        *Person.objects.filter(case=case).values(),
    ]
    assert "Olena" not in str(stored_rows) and "INSP" not in str(stored_rows)


def test_a_save_keeps_the_ids_of_the_parts_it_keeps(ws):
    user = ws.user("analyst")
    case = factories.case(ws.owner, user)
    stored = _stored(case)
    victim, _suspect = stored["persons"]
    victim["sex"] = "other"

    _save(user, case, persons=[victim])

    (kept,) = _stored(case)["persons"]
    assert kept["id"] == victim["id"] and kept["sex"] == "other"
    assert kept["decisions"][0]["id"] == victim["decisions"][0]["id"]
    assert Person.objects.filter(case=case).count() == 1


def test_a_part_of_another_case_cannot_be_taken_over_by_id(ws):
    user = ws.user("analyst")
    mine = factories.case(ws.owner, user)
    other = factories.case(ws.owner, user)
    strangers = _stored(other)["persons"]

    with pytest.raises(ActionRefused, match="no part with id"):
        _save(user, mine, persons=strangers)

    assert Person.objects.filter(case=other).count() == 2


def test_observations_are_matched_by_indicator_and_stage(ws):
    user = ws.user("analyst")
    case = factories.case(ws.owner, user)
    before = {o.indicator: o.pk for o in Observation.objects.filter(case=case)}
    changed = [
        {"indicator": "cd.documents", "stage": "destination", "status": "not_observed"}
    ]

    _save(user, case, observations=changed)

    (row,) = Observation.objects.filter(case=case)
    assert (row.pk, row.status) == (before["cd.documents"], "not_observed")


def test_a_stale_version_is_refused_naming_what_the_other_save_changed(ws):
    first, second = ws.user("analyst"), ws.user("caseworker")
    case = factories.case(ws.owner, first)
    _save(first, case, sector="nace_41", narrative="Moved to a building site.")

    with pytest.raises(actions.StaleVersion) as refused:
        _save(second, case, version=1, occupation="isco_7")

    assert refused.value.current == 2 and refused.value.expected == 1
    assert refused.value.changed == ["narrative", "sector"]
    assert Case.objects.get(pk=case.pk).occupation == "isco_9"


def test_every_change_is_audited_with_its_fields_and_version(ws):
    user = ws.user("analyst")
    case = factories.case(ws.owner, user)

    _save(user, case, sector="nace_41")

    created, updated = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.pk)
    ).order_by("seq")
    assert created.action == "case_created" and updated.action == "case_updated"
    assert updated.detail == {"fields": ["sector"], "version": 2}
    assert updated.actor_id == user.pk


@pytest.mark.parametrize("role", ["viewer", "partner"])
def test_roles_that_do_not_edit_cannot_store_a_case(ws, role):
    data = CaseIn.model_validate(factories.case_values())

    with pytest.raises(ActionRefused):
        actions.create(factories.actor(ws.user(role)), ws.owner, data)

    assert not Case.objects.exists()


def test_a_member_of_another_organisation_cannot_change_the_case(ws):
    case = factories.case(ws.owner, ws.user("caseworker"))

    with pytest.raises(ActionRefused):
        _save(ws.outsider_admin, case, sector="nace_41")


def test_only_an_admin_of_the_owner_deletes_and_the_case_then_disappears(ws):
    case = factories.case(ws.owner, ws.user("caseworker"))

    with pytest.raises(ActionRefused):
        actions.delete(factories.actor(ws.user("analyst")), case)
    actions.delete(factories.actor(ws.user("admin")), case)

    assert not Case.objects.filter(pk=case.pk).exists()
    assert Case.stored.filter(pk=case.pk, deleted_at__isnull=False).exists()
    assert AuditEntry.objects.filter(action="case_deleted").count() == 1
