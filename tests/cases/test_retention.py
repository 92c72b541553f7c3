"""Retention: cases past their date are anonymised or removed, audited by id."""

from datetime import date

from typer.testing import CliRunner

from flexwatch.accounts.models import AuditEntry
from flexwatch.cases import actions, retention
from flexwatch.cases.models import Case, Observation, Person
from flexwatch.cli import app
from tests import factories

DAY = date(2041, 1, 1)


def test_a_case_past_its_date_keeps_its_codes_and_loses_what_identifies(ws):
    case = factories.case(ws.owner, retention_until="2040-12-31")

    outcome = retention.apply(DAY)

    stored = Case.objects.get(pk=case.pk)
    assert outcome.anonymised == [case.pk] and outcome.deleted == []
    assert (stored.country, stored.sector, stored.year) == ("FI", "nace_01", 2023)
    assert stored.narrative == "" and stored.source_reference == ""
    assert stored.exploitation_began is None and stored.anonymised_at is not None
    assert set(Person.objects.values_list("pseudonym", flat=True)) == {""}
    assert set(Observation.objects.values_list("evidence", flat=True)) == {""}


def test_a_case_still_within_its_date_is_left_alone(ws):
    case = factories.case(ws.owner, retention_until="2041-01-01")

    outcome = retention.apply(DAY)

    assert outcome.anonymised == outcome.deleted == []
    assert Case.objects.get(pk=case.pk).narrative


def test_a_second_run_finds_nothing_more_to_do(ws):
    factories.case(ws.owner, retention_until="2040-12-31")

    retention.apply(DAY)
    again = retention.apply(DAY)

    assert again.anonymised == again.deleted == []


def test_delete_removes_the_case_and_its_parts(ws):
    case = factories.case(ws.owner, retention_until="2040-12-31")

    outcome = retention.apply(DAY, delete=True)

    assert outcome.deleted == [case.pk]
    assert not Case.stored.exists() and not Person.objects.exists()


def test_a_case_marked_deleted_is_removed_whatever_its_date(ws):
    case = factories.case(ws.owner, retention_until="2060-01-01")
    actions.delete(factories.actor(ws.user("admin")), case)

    outcome = retention.apply(DAY)

    assert outcome.deleted == [case.pk] and not Case.stored.exists()


def test_a_dry_run_changes_nothing(ws):
    case = factories.case(ws.owner, retention_until="2040-12-31")

    outcome = retention.apply(DAY, dry_run=True)

    assert outcome.anonymised == [case.pk]
    assert Case.objects.get(pk=case.pk).narrative


def test_every_step_is_audited_by_id_only(ws):
    kept = factories.case(ws.owner, retention_until="2040-12-31")
    gone = factories.case(ws.owner, retention_until="2040-12-31")
    actions.delete(factories.actor(ws.user("admin")), gone)

    retention.apply(DAY)

    entries = AuditEntry.objects.filter(action__in=["case_anonymised", "case_purged"])
    assert {(e.action, e.object_id) for e in entries} == {
        ("case_anonymised", str(kept.pk)),
        ("case_purged", str(gone.pk)),
    }
    assert all("Berry" not in str(e.detail) for e in entries)


def test_the_command_says_what_it_did(ws):
    case = factories.case(ws.owner, retention_until="2040-12-31")

    result = CliRunner().invoke(app, ["retention", "apply", "--today", "2041-01-01"])

    assert result.exit_code == 0, result.output
    assert "anonymised 1 and deleted 0" in result.output
    assert f"#{case.pk}" in result.output
