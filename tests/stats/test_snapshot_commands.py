"""`flexwatch stats publish` and `flexwatch stats snapshots`."""

import json

import pytest
from django.db import connection
from typer.testing import CliRunner

from flexwatch import cli
from flexwatch.accounts.models import AuditEntry
from flexwatch.stats.models import Snapshot
from tests import factories


@pytest.fixture
def cases(ws):
    author = ws.user("caseworker")
    return [factories.case(ws.owner, author) for _ in range(6)]


def _run(*args: str):
    return CliRunner().invoke(cli.app, ["stats", *args])


def _publish(*extra: str, user: str = "owner-analyst"):
    return _run(
        "publish", "registered_victims", "--user", user, "--countries", "fi",
        "--from", "2023", "--to", "2023", "--by", "year,sex", *extra,
    )  # fmt: skip


def test_publish_keeps_a_snapshot_and_says_its_hash(cases):
    result = _publish("--title", "Victims 2023")

    assert result.exit_code == 0, result.output
    snapshot = Snapshot.objects.get()
    assert snapshot.title == "Victims 2023"
    assert snapshot.content["parameters"]["countries"] == ["FI"]
    assert snapshot.sha256 in result.output.replace("\n", "")
    assert AuditEntry.objects.filter(action="statistics_published").count() == 1


def test_publish_is_refused_for_a_viewer_and_nothing_is_kept(cases):
    result = _publish(user="owner-viewer")

    assert result.exit_code == 2
    assert "may not run statistics" in result.output
    assert not Snapshot.objects.exists()


def test_publish_refuses_a_bad_kind_naming_the_kinds(cases):
    result = _run(
        "publish", "everything", "--user", "owner-analyst", "--countries", "FI",
        "--from", "2023", "--to", "2023",
    )  # fmt: skip

    assert result.exit_code == 2
    assert "registered_victims" in result.output


def test_publish_refuses_a_blank_title_and_keeps_nothing(cases):
    result = _publish("--title", "  ")

    assert result.exit_code == 2
    assert "1 to 200 characters" in " ".join(result.output.split())
    assert not Snapshot.objects.exists()


def test_snapshots_lists_shows_writes_and_verifies(cases, tmp_path):
    _publish()
    snapshot = Snapshot.objects.get()
    target = tmp_path / "out.csv"

    listed = _run("snapshots", "--user", "owner-viewer", "--verify")
    shown = _run(
        "snapshots", "--user", "owner-partner", "--show", str(snapshot.pk),
        "--csv", str(target),
    )  # fmt: skip

    assert listed.exit_code == 0, listed.output
    assert f"{snapshot.pk}  " in listed.output
    assert snapshot.sha256[:16] in listed.output
    assert "Every hash matches" in listed.output
    assert shown.exit_code == 0, shown.output
    assert "Threshold 5" in shown.output
    assert target.read_text(encoding="utf-8").startswith("year,sex,value")


def test_snapshots_hides_another_organisations_snapshot(ws, cases):
    _publish()
    snapshot = Snapshot.objects.get()

    result = _run("snapshots", "--user", "outsider-admin", "--show", str(snapshot.pk))

    assert result.exit_code == 1
    assert "No snapshot" in result.output


def test_verify_fails_when_a_stored_content_was_altered(cases):
    _publish()
    snapshot = Snapshot.objects.get()
    # Only a write around the model, as an attacker with the database has.
    content = {**snapshot.content, "cells": [[["2023", "female"], 60]]}
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Snapshot._meta.db_table} SET content = %s WHERE id = %s",
            [json.dumps(content), snapshot.pk],
        )

    result = _run("snapshots", "--user", "owner-analyst", "--verify")

    assert result.exit_code == 3
    assert f"[{snapshot.pk}]" in result.output


def test_verify_fails_when_the_stored_title_was_altered(cases):
    _publish("--title", "Victims 2023")
    snapshot = Snapshot.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Snapshot._meta.db_table} SET title = %s WHERE id = %s",
            ["Victims 2024", snapshot.pk],
        )

    result = _run("snapshots", "--user", "owner-analyst", "--verify")

    assert result.exit_code == 3
    assert f"[{snapshot.pk}]" in result.output
