"""`flexwatch stats deliver`: rights, scope, the file, the audit trail, refusals."""

import csv
import io

import openpyxl
import pytest
from typer.testing import CliRunner

from flexwatch import cli
from flexwatch.accounts.models import AuditEntry
from tests import factories


@pytest.fixture
def two_cases(ws):
    ours = factories.case(ws.owner, ws.user("caseworker"))
    theirs = factories.case(ws.outsider, ws.outsider_admin)
    return ours, theirs


def _deliver(*args: str):
    return CliRunner().invoke(cli.app, ["stats", "deliver", *args])


def _options(user: str = "owner-analyst", country: str = "FI") -> list[str]:
    return ["--user", user, "--country", country, "--year", "2023"]


def _rows(path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def _cell(rows, **where) -> tuple[str, str]:
    (row,) = [r for r in rows if all(r[k] == v for k, v in where.items())]
    return row["value"], row["flag"]


def test_a_delivery_counts_the_users_victims_flags_them_and_is_audited(
    ws, two_cases, tmp_path
):
    target = tmp_path / "fi-2023.csv"

    result = _deliver("crim_thb_vexp", str(target), *_options())

    assert result.exit_code == 0, result.output
    rows = _rows(target)
    # The one victim of the owner's case; the outsider's is not in scope.
    assert _cell(rows, form_group="labour_exploitation", sex="females") == ("1", "c")
    assert _cell(rows, form_group="total", sex="total") == ("1", "c")
    entry = AuditEntry.objects.get(action="statistics_delivered")
    assert entry.actor_id == ws.user("analyst").pk
    assert entry.detail == {
        "layout": "crim_thb_vexp",
        "country": "FI",
        "year": 2023,
        "threshold": 5,
        "victims": 1,
        "file": "fi-2023.csv",
    }
    assert "1 registered victims" in " ".join(result.output.split())


def test_a_workbook_is_written_when_the_name_asks_for_one(ws, two_cases, tmp_path):
    target = tmp_path / "fi-2023.xlsx"

    result = _deliver("crim_thb_vsage", str(target), *_options(), "--threshold", "1")

    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    assert book.sheetnames[:2] == ["table", "notes"]
    values = [cell for row in book["table"].iter_rows(values_only=True) for cell in row]
    # With a threshold of 1 no count is confidential.
    assert 1 in values and "c" not in values


def test_a_layout_of_persons_in_proceedings_counts_the_users_suspects(
    ws, two_cases, tmp_path
):
    target = tmp_path / "fi-2023-persons.csv"

    result = _deliver("eurostat_persons_by_legal_status", str(target), *_options())

    assert result.exit_code == 0, result.output
    rows = _rows(target)
    # The owner's case has one male suspect charged under FI RL 25:3.
    assert _cell(rows, legal_status="suspected", sex="males") == ("1", "c")
    assert _cell(rows, legal_status="prosecuted", sex="males") == ("1", "c")
    assert _cell(rows, legal_status="convicted", sex="total") == ("0", "")
    assert _cell(rows, legal_status="total", sex="total") == ("1", "c")
    entry = AuditEntry.objects.get(action="statistics_delivered")
    assert entry.detail["persons"] == 1 and "victims" not in entry.detail
    assert "1 persons in proceedings" in " ".join(result.output.split())


@pytest.mark.parametrize("role", ["viewer", "caseworker"])
def test_someone_who_may_not_run_statistics_is_refused(ws, two_cases, tmp_path, role):
    target = tmp_path / "out.csv"

    result = _deliver("crim_thb_vexp", str(target), *_options(f"owner-{role}"))

    assert result.exit_code == 2
    assert "may not run statistics" in result.output
    assert not target.exists()
    assert not AuditEntry.objects.filter(action="statistics_delivered").exists()


@pytest.mark.parametrize(
    ("layout", "name", "country", "message"),
    [
        ("crim_thb_nope", "out.csv", "FI", "crim_thb_nope"),
        ("crim_thb_vexp", "out.pdf", "FI", "name a .csv or .xlsx file"),
        ("crim_thb_vexp", "out.csv", "XX", "'XX' is not a country code"),
    ],
)
def test_what_cannot_be_delivered_is_refused_and_nothing_written(
    ws, two_cases, tmp_path, layout, name, country, message
):
    target = tmp_path / name

    result = _deliver(layout, str(target), *_options(country=country))

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not target.exists()
    assert not AuditEntry.objects.filter(action="statistics_delivered").exists()


def test_an_unknown_user_is_refused(ws, tmp_path):
    result = _deliver("crim_thb_vexp", str(tmp_path / "x.csv"), *_options("nobody"))

    assert result.exit_code == 2
    assert "No active user" in result.output
