"""`flexwatch stats microdata`: rows, rights, scope, files, audit, refusals."""

import csv
import dataclasses
import io
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from flexwatch import cli
from flexwatch.accounts import actions
from flexwatch.accounts.models import AuditEntry
from flexwatch.stats import frames
from flexwatch.stats.ladders import declaration
from flexwatch.stats.microdata import anonymise
from flexwatch.stats.microdata_rows import victim_rows, write_csv
from tests import factories

AGES = [23, 24, 25, 26, 27, 28]


def _victim(age: int, form_person: int) -> dict:
    return {
        "role": "victim",
        "sex": "male",
        "age": age,
        "citizenship": "UA",
        "identifier": f"Person {age}-{form_person}",
        "decisions": [{"decision": "presumed"}],
    }


@pytest.fixture
def cases(ws):
    """Six victims in six FI cases of 2023, two forms; one outsider's case."""
    author = ws.user("caseworker")
    made = [
        factories.case(
            ws.owner,
            author,
            persons=[_victim(age, i)],
            exploitation_forms=["forced_labour" if i % 2 else "labour_exploitation"],
        )
        for i, age in enumerate(AGES)
    ]
    factories.case(ws.outsider, ws.outsider_admin, country="EE", region="EE001")
    return made


def _microdata(*args: str):
    return CliRunner().invoke(cli.app, ["stats", "microdata", *args])


def _options(user: str = "owner-analyst", country: str = "FI") -> list[str]:
    return ["--user", user, "--country", country, "--from", "2023", "--to", "2023"]


def _rows(path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_release_is_written_k_anonymous_and_audited_with_counts_only(
    ws, cases, tmp_path
):
    target = tmp_path / "fi-2023.csv"

    result = _microdata(*_options(), "-k", "3", "-l", "2", str(target))

    assert result.exit_code == 0, result.output
    rows = _rows(target)
    assert len(rows) == len(AGES)
    assert tuple(rows[0]) == declaration().columns
    # Six ages, one of each: generalised to the group they share.
    assert {row["age"] for row in rows} == {"y18_29"}
    assert {row["form"] for row in rows} == {"forced_labour", "labour_exploitation"}
    assert "Person" not in target.read_text(encoding="utf-8")

    entry = AuditEntry.objects.get(action="microdata_exported")
    assert entry.actor_id == ws.user("analyst").pk
    assert entry.detail["records"] == 6 and entry.detail["k"] == 3
    assert entry.detail["levels"]["age"] == "age_group"
    assert entry.detail["file"] == "fi-2023.csv"
    # Counts and level names, never a value of a record.
    trail = json.dumps(entry.detail)
    for value in ("UA", "male", "FI1B1", "forced_labour", "23"):
        assert f'"{value}"' not in trail
    output = " ".join(result.output.split())
    assert "6 records" in output and "k = 3" in output and "age as age_group" in output


def test_a_parquet_file_carries_the_rows_and_the_account(ws, cases, tmp_path):
    target = tmp_path / "fi-2023.parquet"

    result = _microdata(*_options(), "-k", "2", "-l", "2", str(target))

    assert result.exit_code == 0, result.output
    released = pl.read_parquet(target)
    assert released.height == 6
    assert tuple(released.columns) == declaration().columns
    assert "k = 2" in pl.read_parquet_metadata(target)["account"]


def test_only_the_users_cases_of_the_country_and_period_are_rows(ws, cases):
    user = ws.user("analyst")

    rows, left_out = victim_rows(
        frames.victims(user),
        frames.regions(user),
        frames.assistance(user),
        country="FI",
        first_year=2023,
        last_year=2023,
    )

    assert rows.height == 6
    assert set(rows["region"]) == {"FI1B1"}
    assert set(rows["assisted"]) == {False}
    assert set(rows["year"]) == {"2023"}
    assert left_out == {}
    rows, left_out = victim_rows(
        frames.victims(user),
        frames.regions(user),
        frames.assistance(user),
        country="FI",
        first_year=2024,
        last_year=2025,
    )
    assert rows.height == 0 and left_out == {"outside_period": 6}


def test_a_region_not_shared_is_unknown(ws, cases):
    admin = factories.actor(ws.user("admin"))
    actions.grant(admin, ws.owner, ws.rapporteur, "cases.case", ["country", "persons"])

    regions = frames.regions(ws.rapporteur_analyst)

    assert regions["region"].to_list() == [None] * 6


@pytest.mark.parametrize("role", ["viewer", "caseworker"])
def test_someone_who_may_not_run_statistics_is_refused(ws, cases, tmp_path, role):
    target = tmp_path / "out.csv"

    result = _microdata(*_options(f"owner-{role}"), str(target))

    assert result.exit_code == 2
    assert "may not run statistics" in result.output
    assert not target.exists()
    assert not AuditEntry.objects.filter(action="microdata_exported").exists()


@pytest.mark.parametrize(
    ("name", "country", "extra", "message"),
    [
        ("out.xlsx", "FI", [], "name a .csv or .parquet file"),
        ("out.csv", "XX", [], "'XX' is not a country code"),
        ("out.csv", "FI", ["-k", "7"], "6 records cannot be released with k = 7"),
        ("out.csv", "FI", ["-l", "3"], "2 distinct values of form; l = 3"),
        ("out.csv", "FI", ["-k", "1"], "k is 1"),
    ],
)
def test_what_cannot_be_released_is_refused_and_nothing_written(
    ws, cases, tmp_path, name, country, extra, message
):
    target = tmp_path / name

    result = _microdata(*_options(country=country), *extra, str(target))

    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert not target.exists()
    assert not list(tmp_path.iterdir())
    assert not AuditEntry.objects.filter(action="microdata_exported").exists()


def test_an_unknown_user_is_refused(ws, tmp_path):
    result = _microdata(*_options("nobody"), str(tmp_path / "x.csv"))

    assert result.exit_code == 2
    assert "No active user" in result.output


def test_text_a_spreadsheet_would_run_is_written_as_text(tmp_path):
    rows = pl.DataFrame(
        {
            "age": ["unknown"] * 4,
            "sex": ["male"] * 4,
            "citizenship": ["UA"] * 4,
            "region": ["FI1B1"] * 4,
            "year": ["2023"] * 4,
            "sector": ["nace_01"] * 4,
            "form": ["begging", "forced_labour"] * 2,
            "identification": [None] * 4,
            "source_kind": ["labour_inspection"] * 4,
            "continuum": ["forced_labour"] * 4,
            "assisted": [True, False, None, True],
        }
    )
    release = anonymise(rows, country="FI", first_year=2023, last_year=2023, k=2)
    # anonymise refuses such text; the writer must not trust that it did.
    formula = pl.lit('=HYPERLINK("http://x")').alias("continuum")
    release = dataclasses.replace(release, frame=release.frame.with_columns(formula))

    write_csv(release, tmp_path / "out.csv")

    written = _rows(tmp_path / "out.csv")
    assert {row["continuum"] for row in written} == {'\'=HYPERLINK("http://x")'}
    assert sorted(row["assisted"] for row in written) == ["", "false", "true", "true"]
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
