"""The stored audit trail: appends, tampering, deletion, truncation, concurrency."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from flexwatch.accounts import audit
from flexwatch.accounts.models import AuditEntry, AuditHead
from flexwatch.cli import app


def _append(n: int) -> None:
    for i in range(n):
        audit.record("test_event", actor_id=i, detail={"i": i}, remote_addr="10.0.0.1")


def test_entries_chain_to_each_other_and_move_the_head(db):
    _append(3)

    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    assert (AuditHead.objects.get().seq, AuditHead.objects.get().hash) == (
        3,
        entries[2].hash,
    )
    assert audit.verify().ok


def test_a_malformed_address_is_not_stored(db):
    entry = audit.record("test_event", remote_addr="<script>")

    assert entry.remote_addr == ""
    assert audit.verify().ok


def test_a_tampered_entry_is_caught(db):
    _append(5)
    AuditEntry.objects.filter(seq=3).update(actor_id=4242)

    verdict = audit.verify()

    assert verdict.broken_at == 3


def test_a_deleted_entry_is_caught(db):
    _append(5)
    AuditEntry.objects.filter(seq=2).delete()

    verdict = audit.verify()

    assert verdict.broken_at == 2
    assert "missing" in verdict.reason


def test_a_truncated_tail_is_caught(db):
    _append(5)
    AuditEntry.objects.filter(seq__gte=4).delete()

    verdict = audit.verify()

    assert verdict.broken_at == 4
    assert "#5" in verdict.reason


def test_the_command_names_the_first_broken_link(db, capsys):
    from typer.testing import CliRunner

    _append(4)
    AuditEntry.objects.filter(seq=2).update(action="sign_out")

    result = CliRunner().invoke(app, ["audit", "verify"])

    assert result.exit_code == 1
    assert "broken at entry #2" in result.output


def test_the_command_reports_an_intact_trail(db):
    from typer.testing import CliRunner

    _append(2)

    result = CliRunner().invoke(app, ["audit", "verify"])

    assert result.exit_code == 0, result.output
    assert "intact: 2 entries" in result.output


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        # The in-memory test database is one shared connection: no real
        # concurrency to test. The PostgreSQL pass runs this for real.
        pytest.skip("needs a database with separate connections per thread")
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            _append(15)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert AuditEntry.objects.count() == 60
    assert audit.verify().ok
    call_command("check")


def test_a_deleted_head_is_caught(db):
    _append(3)
    AuditHead.objects.all().delete()

    assert not audit.verify().ok
