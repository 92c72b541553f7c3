"""Keeping the law current: a new version of a provision, added from a file,
checked like the shipped files, never rewriting history, and audited."""

from datetime import date

import pytest
from typer.testing import CliRunner

from flexwatch import cli, law
from flexwatch.accounts.models import AuditEntry
from flexwatch.law import casework, history, store
from flexwatch.law.models import AddedVersion

# Finland's 25:3 as of 2025 with the use of force added as a means.
ADDED = """\
kind: version
provision: FI-RL-25-3
version:
  from: "{start}"
  to: null
  amending_act: Test act 1/2027
  change: Use of force added as a means.
  status: partial
  elements:
    act: [taking_control, recruitment, transfer, transportation, receipt, harbouring]
    means: [{means}]
    purpose: [sexual_exploitation, forced_labour_or_services, forced_marriage]
sources:
  - {{url: "https://example.org/act-1-2027", title: "Test act 1/2027", status: partial}}
"""
MEANS = "deception, pressure, use_of_force"


def _file(start="2027-03-01", means=MEANS):
    return ADDED.format(start=start, means=means)


def test_a_new_version_ends_the_one_in_force_the_day_before():
    addition = history.parse_addition("new.yaml", _file(), law.book())

    book = history.layered(law.book(), [("new.yaml", addition)])

    versions = book.provision("FI-RL-25-3").versions
    assert [(v.start, v.end) for v in versions[-2:]] == [
        (date(2025, 1, 1), date(2027, 2, 28)),
        (date(2027, 3, 1), None),
    ]
    assert "use_of_force" in versions[-1].elements.means
    assert book.provision("FI-RL-25-3").sources[-1].title == "Test act 1/2027"
    assert law.book().provision("FI-RL-25-3").versions[-1].end is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (_file(start="2025-01-01"), "line 3: this version of FI-RL-25-3 starts on "
         "2025-01-01, but the version in force from 2025-01-01 is already recorded"),
        (_file(start="2020-06-01"), "line 3: this version of FI-RL-25-3 starts on "
         "2020-06-01"),
        (_file(means="deception, use_of_forse"), "line 11: 'use_of_forse' is not "
         "an accepted means code"),
        (_file(start="2027-02-30"), "line 4: '2027-02-30' is not a date"),
        (_file().replace("FI-RL-25-3", "FI-RL-25-9"), "line 2: 'FI-RL-25-9' is not "
         "a provision id"),
        (_file().replace("kind: version", "kind: provisions"), "line 1: expected "
         "kind: version"),
        (_file().replace("sources:", "source:"), "line 13: 'source' is not a known "
         "entry"),
    ],
)  # fmt: skip
def test_a_version_that_rewrites_overlaps_or_is_malformed_is_refused(text, says):
    with pytest.raises(law.LawDataError) as refused:
        history.parse_addition("new.yaml", text, law.book())

    assert str(refused.value).startswith(f"new.yaml, {says}")


def test_a_version_overlapping_a_closed_one_is_refused():
    closed = history.parse_addition("a.yaml", _file(), law.book())
    book = history.layered(law.book(), [("a.yaml", closed)])
    ended = _file(start="2028-01-01").replace("to: null", 'to: "2028-12-31"')
    book = history.layered(
        book, [("b.yaml", history.parse_addition("b.yaml", ended, book))]
    )

    with pytest.raises(law.LawDataError) as refused:
        history.parse_addition("c.yaml", _file(start="2028-06-01"), book)

    assert "while the version recorded until 2028-12-31 is in force" in str(
        refused.value
    )


def _add(path, user="owner-analyst"):
    return CliRunner().invoke(cli.app, ["law", "add", str(path), "--user", user])


def test_an_analyst_adds_a_version_that_cases_are_then_weighed_under(ws, tmp_path):
    path = tmp_path / "fi-2027.yaml"
    path.write_text(_file(), encoding="utf-8")
    forced = [
        {"indicator": i, "status": "observed"}
        for i in ("act.recruitment", "means.force", "purpose.forced_labour")
    ]
    adult = [{"role": "victim", "age_min": 30, "age_max": 30}]

    result = _add(path)

    assert result.exit_code == 0, result.output
    row = AddedVersion.objects.get()
    assert (row.provision, row.start, row.added_by) == (
        "FI-RL-25-3",
        date(2027, 3, 1),
        ws.user("analyst"),
    )
    entry = AuditEntry.objects.get(action="law_version_added")
    assert entry.actor_id == ws.user("analyst").pk
    assert entry.detail == {
        "provision": "FI-RL-25-3",
        "from": "2027-03-01",
        "file": "fi-2027.yaml",
    }
    found = casework.matches(
        "FI", date(2027, 4, 1), None, 2027, forced, adult, store.current_book()
    )
    first = found[0]
    assert (first.version.start, first.complete) == (date(2027, 3, 1), True)


def test_the_same_version_added_twice_is_refused_the_second_time(ws, tmp_path):
    path = tmp_path / "fi-2027.yaml"
    path.write_text(_file(), encoding="utf-8")

    first, second = _add(path), _add(path)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 1
    assert "Nothing added" in second.output and "already recorded" in second.output
    assert AddedVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="law_version_added").count() == 1


@pytest.mark.parametrize("role", ["caseworker", "viewer"])
def test_people_who_may_not_analyse_add_no_version(ws, tmp_path, role):
    path = tmp_path / "fi-2027.yaml"
    path.write_text(_file(), encoding="utf-8")

    result = _add(path, user=ws.user(role).username)

    assert result.exit_code == 1
    assert "may not add versions" in result.output
    assert not AddedVersion.objects.exists()
    assert not AuditEntry.objects.filter(action="law_version_added").exists()


def test_the_admin_shows_the_history_and_cannot_change_it(ws, tmp_path, client):
    path = tmp_path / "fi-2027.yaml"
    path.write_text(_file(), encoding="utf-8")
    _add(path)
    row = AddedVersion.objects.get()
    root = ws.user("admin")
    root.is_superuser = root.is_staff = True
    root.save()
    client.force_login(root)
    base = "/admin/law/addedversion/"

    listing = client.get(base)
    add = client.get(f"{base}add/")
    delete = client.post(f"{base}{row.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200 and "FI-RL-25-3" in listing.content.decode()
    assert add.status_code == 200
    assert delete.status_code == 403
    assert AddedVersion.objects.filter(pk=row.pk).exists()


def test_an_unknown_user_is_refused_before_the_file_is_read(db, tmp_path):
    result = _add(tmp_path / "missing.yaml", user="nobody")

    assert result.exit_code == 2
    assert "No active user 'nobody'" in result.output


def test_a_file_that_cannot_be_read_adds_nothing(ws, tmp_path):
    result = _add(tmp_path / "missing.yaml")

    assert result.exit_code == 1
    assert "Nothing added" in result.output and "missing.yaml" in result.output
    assert not AddedVersion.objects.exists()


def test_an_undated_amendment_stays_with_the_version_it_amends():
    text = (
        "kind: version\nprovision: EE-KarS-133\nversion:\n"
        '  from: "2030-01-01"\n  to: null\n  change: Test.\n  status: partial\n'
        "  elements: {act: [placing_in_exploitative_situation], means: [threat],"
        " purpose: [begging, forced_marriage]}\n"
        "sources:\n"
        '  - {url: "https://example.org/x", title: "Test act", status: partial}\n'
    )
    addition = history.parse_addition("ee.yaml", text, law.book())

    added = history.layered(law.book(), [("ee.yaml", addition)])

    trafficking = added.provision("EE-KarS-133")
    assert trafficking.uncertain_on(date(2020, 1, 1)).purpose == {"forced_marriage"}
    assert not trafficking.uncertain_on(date(2030, 1, 1)).purpose
