"""`flexwatch report national | compare`: files, rights, the audit trail, refusals."""

import pytest
from typer.testing import CliRunner

from flexwatch import cli
from flexwatch.accounts.models import AuditEntry
from tests import factories

DETAIL_KEYS = {
    "kind",
    "countries",
    "from",
    "to",
    "language",
    "threshold",
    "include_synthetic",
    "tables",
    "suppressed",
    "pages",
    "files",
}


@pytest.fixture
def cases(ws):
    ours = [factories.case(ws.owner, ws.user("caseworker")) for _ in range(3)]
    theirs = factories.case(ws.outsider, ws.outsider_admin)
    return ours, theirs


def _report(*args: str):
    return CliRunner().invoke(cli.app, ["report", *args])


def _period(first: str = "2022", last: str = "2023") -> list[str]:
    return ["--from", first, "--to", last]


def test_a_national_report_is_written_and_audited_without_values(ws, cases, tmp_path):
    target = tmp_path / "fi.html"

    result = _report(
        "national",
        "--country",
        "FI",
        *_period(),
        "--lang",
        "fi",
        "--html",
        str(target),
        "--user",
        "owner-analyst",
    )

    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert '<html lang="fi">' in page and "Uhrit" in page
    # Three victims: the table is there, its small counts suppressed.
    assert "Rekisteröidyt uhrit sukupuolen mukaan" in page
    assert "x: salattu (tietosuoja)." in page
    entry = AuditEntry.objects.get(action="report_generated")
    assert entry.actor_id == ws.user("analyst").pk
    assert set(entry.detail) == DETAIL_KEYS
    assert entry.detail["countries"] == ["FI"] and entry.detail["files"] == ["fi.html"]
    assert entry.detail["pages"] is None  # no PDF was asked for
    assert not list(tmp_path.glob("*.part"))


def test_a_comparative_report_is_written_as_pdf_and_html(ws, cases, tmp_path):
    pdf, html = tmp_path / "compared.pdf", tmp_path / "compared.html"

    result = _report(
        "compare",
        "--countries",
        "FI,EE,PL",
        *_period(),
        "--pdf",
        str(pdf),
        "--html",
        str(html),
        "--user",
        "owner-analyst",
    )

    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    page = html.read_text(encoding="utf-8")
    for country in ("Finland", "Estonia", "Poland"):
        assert country in page
    entry = AuditEntry.objects.get(action="report_generated")
    assert entry.detail["kind"] == "comparative"
    assert entry.detail["countries"] == ["FI", "EE", "PL"]
    assert entry.detail["pages"] > 5
    assert sorted(entry.detail["files"]) == ["compared.html", "compared.pdf"]


@pytest.mark.parametrize("role", ["viewer", "caseworker"])
def test_someone_who_may_not_run_statistics_is_refused(ws, cases, tmp_path, role):
    target = tmp_path / "fi.html"

    result = _report(
        "national",
        "--country",
        "FI",
        *_period(),
        "--html",
        str(target),
        "--user",
        f"owner-{role}",
    )

    assert result.exit_code == 2
    assert "may not run statistics" in result.output
    assert not target.exists()
    assert not AuditEntry.objects.filter(action="report_generated").exists()


@pytest.mark.parametrize(
    ("options", "name", "message"),
    [
        (["--country", "XX", *_period()], "r.html", "'XX' is not a country code"),
        (["--country", "FI", *_period("2025", "2024")], "r.html", "runs backwards"),
        (
            ["--country", "FI", *_period(), "--lang", "sv"],
            "r.html",
            "'sv' is not a report language",
        ),
        (["--country", "FI", *_period()], "r.txt", "name a .html file"),
        (["--country", "FI", *_period()], "missing/r.html", "does not exist"),
        (
            ["--country", "FI", *_period(), "--threshold", "1"],
            "r.html",
            "threshold 1 is out of range",
        ),
    ],
)
def test_bad_input_is_refused_by_name_and_nothing_is_written(
    ws, cases, tmp_path, options, name, message
):
    target = tmp_path / name

    result = _report(
        "national", *options, "--html", str(target), "--user", "owner-analyst"
    )

    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not target.exists()
    assert not AuditEntry.objects.filter(action="report_generated").exists()


def test_a_comparison_needs_two_countries(ws, tmp_path):
    result = _report(
        "compare",
        "--countries",
        "FI",
        *_period(),
        "--html",
        str(tmp_path / "r.html"),
        "--user",
        "owner-analyst",
    )

    assert result.exit_code == 2
    assert "fewer than two countries" in " ".join(result.output.split())


def test_no_file_named_is_refused(ws, cases):
    result = _report(
        "national", "--country", "FI", *_period(), "--user", "owner-analyst"
    )

    assert result.exit_code == 2
    assert "Name a file to write" in result.output


def test_an_unknown_user_is_refused(ws, tmp_path):
    result = _report(
        "national",
        "--country",
        "FI",
        *_period(),
        "--html",
        str(tmp_path / "r.html"),
        "--user",
        "nobody",
    )

    assert result.exit_code == 2
    assert "No active user" in result.output
