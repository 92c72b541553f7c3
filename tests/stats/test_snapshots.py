"""Snapshots of published tables: frozen content, hash, rights, audit trail."""

import csv

import pytest

from flexwatch.accounts.models import AuditEntry, Membership
from flexwatch.cases import actions, documents
from flexwatch.cases.models import Case
from flexwatch.cases.record import CaseIn
from flexwatch.stats import disclosure, published, snapshots
from flexwatch.stats.models import ImmutableSnapshot, Snapshot
from tests import factories


def _cases(ws, number: int, **overrides) -> list[Case]:
    author = ws.user("caseworker")
    return [factories.case(ws.owner, author, **overrides) for _ in range(number)]


def _publish(ws, **options) -> Snapshot:
    values = {
        "countries": ("FI",),
        "first_year": 2023,
        "last_year": 2023,
        "by": ("year", "sex"),
    }
    return snapshots.publish_standard(
        ws.user("analyst"), "registered_victims", **(values | options)
    )


def _cells(snapshot: Snapshot) -> dict[tuple, int | None]:
    return {tuple(key): value for key, value in snapshot.content["cells"]}


def _edit(ws, case: Case, **changes) -> None:
    stored = documents.as_input(documents.whole(Case.objects).get(pk=case.pk))
    fresh = Case.objects.get(pk=case.pk)
    actions.save(
        factories.actor(ws.user("caseworker")),
        fresh,
        CaseIn.model_validate(stored | changes),
        fresh.version,
    )


def test_a_published_table_is_unchanged_by_later_edits_and_new_cases(ws):
    cases = _cases(ws, 6)
    snapshot = _publish(ws)
    cells, digest = _cells(snapshot), snapshot.sha256

    _edit(ws, cases[0], registered_on="2024-01-05")
    _cases(ws, 3)
    again = Snapshot.objects.get(pk=snapshot.pk)

    assert cells == {("2023", "female"): 6}
    assert _cells(again) == cells and again.sha256 == digest
    assert snapshots.verify(again)
    # The same table published now counts the edit and the new cases.
    assert _cells(_publish(ws)) == {("2023", "female"): 8}


def test_the_hash_is_the_sha256_of_the_canonical_content(ws):
    _cases(ws, 5)
    snapshot = _publish(ws)

    assert snapshot.sha256 == published.digest(snapshot.content)
    assert len(snapshot.sha256) == 64
    assert snapshot.content["parameters"]["basis"] == "registration"
    assert snapshot.content["parameters"]["dimensions"] == ["year", "sex"]
    # Margins sort by key, a summed dimension (None) after every code.
    assert snapshot.content["margins"] == [
        [["2023", None], 5],
        [[None, "female"], 5],
        [[None, None], 5],
    ]


def test_a_changed_content_no_longer_verifies(ws):
    _cases(ws, 5)
    snapshot = _publish(ws)

    snapshot.content["cells"][0][1] = 50

    assert not snapshots.verify(snapshot)


def test_small_counts_are_suppressed_and_the_account_says_so(ws):
    _cases(ws, 2)
    _cases(ws, 6, persons=[factories.case_values()["persons"][0] | {"sex": "male"}])

    snapshot = _publish(ws)

    assert _cells(snapshot) == {("2023", "female"): None, ("2023", "male"): None}
    reasons = {tuple(key): reason for key, reason in snapshot.content["suppressed"]}
    assert reasons[("2023", "female")] == "primary"
    assert reasons[("2023", "male")] == "secondary"
    assert "Threshold 5" in snapshot.content["account"]


def test_the_model_refuses_update_and_delete(ws):
    _cases(ws, 5)
    snapshot = _publish(ws)

    snapshot.title = "Something else"
    with pytest.raises(ImmutableSnapshot):
        snapshot.save()
    with pytest.raises(ImmutableSnapshot):
        snapshot.delete()
    with pytest.raises(ImmutableSnapshot):
        Snapshot.objects.filter(pk=snapshot.pk).update(title="Other")
    with pytest.raises(ImmutableSnapshot):
        Snapshot.objects.filter(pk=snapshot.pk).delete()
    assert Snapshot.objects.get(pk=snapshot.pk).title != "Other"


def test_publishing_is_audited(ws):
    _cases(ws, 5)
    snapshot = _publish(ws)

    entry = AuditEntry.objects.get(action="statistics_published")
    assert entry.actor_id == ws.user("analyst").pk
    assert entry.organisation_id == ws.owner.pk
    assert entry.object_id == str(snapshot.pk)
    assert entry.detail == {
        "kind": "registered_victims",
        "sha256": snapshot.sha256,
        "cells": 1,
        "suppressed": 0,
        "threshold": 5,
    }


@pytest.mark.parametrize("role", ["viewer", "caseworker", "partner"])
def test_those_who_may_not_run_statistics_may_not_publish(ws, role):
    _cases(ws, 5)

    with pytest.raises(snapshots.PublishRefused, match="may not run statistics"):
        snapshots.publish_standard(
            ws.user(role),
            "registered_victims",
            countries=("FI",),
            first_year=2023,
            last_year=2023,
        )

    assert not Snapshot.objects.exists()
    assert not AuditEntry.objects.filter(action="statistics_published").exists()


def test_an_outsider_may_not_publish_for_the_organisation(ws):
    with pytest.raises(snapshots.PublishRefused, match="organisation"):
        _publish_as(ws.outsider_admin, ws.owner.pk)
    assert not Snapshot.objects.exists()


def _publish_as(user, organisation_id):
    table = disclosure.protect(
        disclosure.Table(("sex",), {("female",): 7, ("male",): 9})
    ).tables[0]
    metadata = published.Metadata(
        kind="registered_victims",
        title="By sex",
        countries=("FI",),
        first_year=2023,
        last_year=2023,
        basis="registration",
        threshold=5,
        account="none suppressed",
        organisation_id=organisation_id,
    )
    return snapshots.publish(user, table, metadata)


def test_a_table_showing_a_small_count_is_refused(ws):
    table = disclosure.PublishedTable("raw", ("sex",), {("female",): 3}, {})
    metadata = published.Metadata(
        kind="registered_victims",
        title="Raw",
        countries=("FI",),
        first_year=2023,
        last_year=2023,
        basis="registration",
        threshold=5,
        account="",
    )
    with pytest.raises(snapshots.PublishRefused, match="below the threshold 5"):
        snapshots.publish(ws.user("analyst"), table, metadata)
    assert not Snapshot.objects.exists()


def test_a_person_analysing_in_two_organisations_names_one(ws):
    analyst = ws.user("analyst")
    Membership.objects.create(user=analyst, organisation=ws.rapporteur, role="analyst")

    with pytest.raises(snapshots.PublishRefused, match="Name the organisation"):
        _publish_as(analyst, None)
    assert _publish_as(analyst, ws.rapporteur.pk).organisation == ws.rapporteur


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"countries": ("XX",)}, "XX: name countries"),
        ({"first_year": 2024, "last_year": 2023}, "ends before it starts"),
        ({"basis": "arrival"}, "'arrival' is not a date basis"),
        ({"by": ("shoe_size",)}, "'shoe_size' cannot be counted by"),
        ({"first_year": 1999, "last_year": 1999}, "counts nobody"),
    ],
)
def test_a_bad_request_is_refused_and_nothing_is_kept(ws, options, says):
    _cases(ws, 5)
    with pytest.raises(snapshots.PublishRefused, match=says):
        _publish(ws, **options)
    assert not Snapshot.objects.exists()


def test_members_of_the_organisation_read_its_snapshots_and_no_one_else(ws):
    _cases(ws, 5)
    snapshot = _publish(ws)

    for role in ("viewer", "partner", "admin"):
        assert list(snapshots.readable(ws.user(role))) == [snapshot]
    assert not snapshots.readable(ws.outsider_admin).exists()
    assert not snapshots.readable(ws.rapporteur_analyst).exists()


def test_an_estonian_table_of_2011_to_2013_carries_the_2012_break(ws):
    values = {"country": "EE", "region": ""}
    for year in (2011, 2012, 2013, 2014, 2015):
        dates = {
            "registered_on": f"{year}-06-01",
            "identified_on": f"{year}-05-01",
            "exploitation_began": f"{year}-01-10",
            "exploitation_ended": f"{year}-04-10",
        }
        _cases(ws, 5, **values, **dates)

    spanning = _publish(ws, countries=("EE",), first_year=2011, last_year=2013)
    later = _publish(ws, countries=("EE",), first_year=2014, last_year=2015)

    (found,) = spanning.content["breaks"]
    assert (found["country"], found["date"]) == ("EE", "2012-04-15")
    flagged = [r["codes"] for r in snapshots.rows(spanning) if r["series_break"]]
    assert flagged == [["2012", "female"], ["2012", "total"]]
    assert "Series break, EE 2012-04-15" in " ".join(spanning.content["notes"])
    assert later.content["breaks"] == []
    assert not any(r["series_break"] for r in snapshots.rows(later))


def test_a_snapshot_is_written_as_csv(ws, tmp_path):
    _cases(ws, 5)
    snapshot = _publish(ws)
    target = tmp_path / "snapshot.csv"

    written = snapshots.write_csv(snapshot, str(target))

    with target.open(encoding="utf-8") as source:
        table = list(csv.reader(source))
    assert table[0] == ["year", "sex", "value", "suppressed", "series_break"]
    assert ["2023", "female", "5", "", ""] in table
    assert ["total", "total", "5", "", ""] in table
    assert written == len(table) - 1


@pytest.mark.parametrize("kind", list(published.KINDS))
def test_every_standard_table_can_be_published(ws, kind):
    _cases(ws, 6)

    snapshot = snapshots.publish_standard(
        ws.user("analyst"), kind, countries=("FI",), first_year=2023, last_year=2023
    )

    expected = [*snapshots.DEFAULT_BY[kind], *published.KINDS[kind]]
    if kind == "prevalence":
        # One table per indicator, protected together, then merged.
        expected = ["indicator", *snapshots.DEFAULT_BY[kind], "status"]
    assert snapshot.content["parameters"]["dimensions"] == expected
    assert snapshots.verify(snapshot)
    assert snapshot.content["cells"]


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_title_that_a_snapshot_cannot_keep_whole_is_refused(ws, title):
    _cases(ws, 5)
    with pytest.raises(snapshots.PublishRefused, match="1 to 200 characters"):
        _publish(ws, title=title)
    assert not Snapshot.objects.exists()


def test_publish_itself_refuses_a_title_it_would_have_to_cut(ws):
    table = disclosure.protect(
        disclosure.Table(("sex",), {("female",): 7, ("male",): 9})
    ).tables[0]
    metadata = published.Metadata(
        kind="registered_victims",
        title="x" * 201,
        countries=("FI",),
        first_year=2023,
        last_year=2023,
        basis="registration",
        threshold=5,
        account="none suppressed",
    )

    with pytest.raises(snapshots.PublishRefused, match="this one has 201"):
        snapshots.publish(ws.user("analyst"), table, metadata)
    assert not Snapshot.objects.exists()
    assert not AuditEntry.objects.filter(action="statistics_published").exists()


def test_the_admin_shows_snapshots_but_changes_and_deletes_none(ws, client):
    _cases(ws, 5)
    snapshot = _publish(ws)
    root = factories.person(None, "admin", "platform-root")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    page = f"/admin/stats/snapshot/{snapshot.pk}/"

    shown = client.get(f"{page}change/")
    client.post(f"{page}change/", {"title": "Changed"})
    deleting = client.post(f"{page}delete/", {"post": "yes"})

    assert shown.status_code == 200
    assert 'name="_save"' not in shown.content.decode()
    assert deleting.status_code == 403
    kept = Snapshot.objects.get(pk=snapshot.pk)
    assert kept.title == snapshot.title and snapshots.verify(kept)
