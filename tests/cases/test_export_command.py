"""`flexwatch export`: the user's scope, formats, filters and clear refusals."""

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


def _run(*args: str):
    return CliRunner().invoke(cli.app, ["export", *args], catch_exceptions=False)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_it_writes_the_users_cases_to_a_file(ws, two_cases, tmp_path):
    target = tmp_path / "cases.csv"

    result = _run("--user", "owner-analyst", str(target))

    rows = _rows(target.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.output
    assert [row["case_id"] for row in rows] == [str(two_cases[0].pk)]
    assert "narrative" not in rows[0]
    assert "Exported 1 rows" in result.output


def test_it_writes_csv_to_standard_output(ws, two_cases):
    result = _run("--user", "owner-analyst", "--table", "persons", "-")

    rows = _rows(result.stdout)
    assert result.exit_code == 0
    assert [row["role"] for row in rows] == ["victim", "suspect"]


def test_htcds_goes_to_standard_output_with_htcds_names(ws, two_cases):
    result = _run("--user", "outsider-admin", "--format", "htcds", "-")

    rows = _rows(result.stdout)
    assert result.exit_code == 0
    assert len(rows) == 1 and rows[0]["prs_Gender"] == "Feminine"


def test_filters_and_the_sensitive_flag(ws, two_cases, tmp_path):
    factories.case(ws.owner, ws.user("caseworker"), country="EE", region="EE001")
    target = tmp_path / "cases.xlsx"

    result = _run(
        "--user", "owner-admin", "--format", "xlsx", "--country", "FI",
        "--year", "2023", "--sensitive", str(target),
    )  # fmt: skip

    book = openpyxl.load_workbook(target, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert result.exit_code == 0, result.output
    assert len(rows) == 2 and rows[0][-1] == "narrative"
    assert "audit trail" in result.output
    assert AuditEntry.objects.filter(action="sensitive_exported").count() == 1


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--user", "nobody"], "No active user"),
        (["--user", "owner-analyst", "--country", "XX"], "--country"),
        (["--user", "owner-analyst", "--year", "1200"], "--year"),
        (["--user", "owner-analyst", "--format", "htcds", "--table", "cases"], "HTCDS"),
        (["--user", "owner-viewer"], "admins and analysts"),
        (["--user", "owner-analyst", "--format", "xlsx"], "binary format"),
    ],
)
def test_refusals_exit_with_status_2_and_write_nothing(ws, two_cases, args, complaint):
    destination = "-" if "xlsx" in args else "out.csv"

    result = CliRunner().invoke(cli.app, ["export", *args, destination])

    assert result.exit_code == 2
    assert complaint in " ".join(result.output.split())
    assert result.stdout.count("case_id") == 0


def test_a_year_with_no_cases_gives_the_header_only(ws, two_cases):
    result = _run("--user", "owner-analyst", "--year", "2022", "-")

    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeffcase_id,") and _rows(result.stdout) == []
