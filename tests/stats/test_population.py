"""Population denominators: the shipped file, newer releases, bad files, rates."""

import csv
import logging
import os
import subprocess
import sys
from datetime import date

import polars as pl
import pytest
from typer.testing import CliRunner

from flexwatch import cli
from flexwatch.stats import population
from flexwatch.vocab import eu_member, vocabulary
from tests.conftest import shared_file

HEADER = "country,year,population,source,flag,note\n"
NEWER = HEADER + (
    "FI,2024,5604000,Eurostat demo_pjan (March 2026),p,\n"
    "EL,2024,10370000,Eurostat demo_pjan (March 2026),,\n"
)


def release(folder, name: str, text: str | bytes):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def said(text: str) -> str:
    """Output as one line: rich wraps long messages."""
    return " ".join(text.split())


# The shipped file


def test_the_shipped_file_has_every_eu_27_country_from_2008_to_2025():
    countries = [
        c for c in vocabulary("country").codes if eu_member(c, date(2025, 1, 1))
    ]
    shipped = population.load(None)

    missing = [
        (country, year)
        for country in countries
        for year in range(2008, 2026)
        if shipped.get(country, year) is None
    ]

    assert len(countries) == 27
    assert not missing
    assert len(shipped.values) == 27 * 18
    assert {value.origin for value in shipped.values.values()} == {"shipped"}


def test_the_shipped_figures_keep_their_source_flag_and_note():
    shipped = population.load(None)

    poland = shipped.get("PL", 2021)
    estonia = shipped.get("EE", 2013)

    assert poland is not None and poland.population == 37_073_357
    assert poland.flag == "bep" and "2021 census" in poland.note
    assert estonia is not None
    assert estonia.source == "Eurostat tps00001 (release of December 2022)"


def test_eurostats_el_is_read_as_greece_and_found_either_way():
    shipped = population.load(None)

    assert shipped.get("GR", 2020) == shipped.get("EL", 2020)
    assert shipped.get("GR", 2020).country == "GR"
    assert population.iso_code("EL") == "GR"


def test_the_shipped_copy_equals_the_shared_reference_row_for_row():
    reference = shared_file("reference/population/population_1_january.csv")
    shipped = population.load(None).files[0]

    def rows(path) -> list[list[str]]:
        with open(path, encoding="utf-8", newline="") as stream:
            return list(csv.reader(stream))

    assert rows(shipped) == rows(reference)


# Newer releases


def test_a_newer_release_overrides_the_shipped_value_and_keeps_its_source(tmp_path):
    release(tmp_path, "2026-03_demo_pjan.csv", NEWER)

    loaded = population.load(tmp_path)

    finland = loaded.get("FI", 2024)
    assert finland is not None
    assert finland.population == 5_604_000
    assert finland.source == "Eurostat demo_pjan (March 2026)"
    assert finland.flag == "p"
    assert finland.origin == "2026-03_demo_pjan.csv"
    assert loaded.get("GR", 2024).population == 10_370_000
    assert loaded.get("FI", 2023).origin == "shipped"
    assert len(loaded.values) == 27 * 18


def test_a_release_may_leave_out_flag_and_note_and_add_new_years(tmp_path):
    release(
        tmp_path, "2027.csv", "year,country,source,population\n2026,NO,SSB,5600000\n"
    )

    norway = population.load(tmp_path).get("NO", 2026)

    assert norway == population.Denominator(
        "NO", 2026, 5_600_000, "SSB", "", "", "2027.csv"
    )


def test_releases_apply_in_name_order_so_the_later_name_wins(tmp_path):
    release(tmp_path, "2027-03.csv", HEADER + "FI,2024,5605000,March 2027,,\n")
    release(tmp_path, "2026-03.csv", HEADER + "FI,2024,5604000,March 2026,,\n")

    loaded = population.load(tmp_path)

    assert loaded.get("FI", 2024).source == "March 2027"
    assert [os.path.basename(f) for f in loaded.files[1:]] == [
        "2026-03.csv",
        "2027-03.csv",
    ]


def test_a_missing_folder_gives_the_shipped_figures(tmp_path):
    loaded = population.load(tmp_path / "population")

    assert len(loaded.files) == 1
    assert loaded.get("FI", 2024).population == 5_603_851


def test_series_gives_a_country_by_year_within_the_range():
    years = [v.year for v in population.load(None).series("FI", 2020, 2022)]

    assert years == [2020, 2021, 2022]


# Bad files

BAD_FILES = {
    "unknown column": (
        "country,year,population,source,flag,note,region\nFI,2024,5,x,,,FI1\n",
        1,
        "unknown columns 'region'",
    ),
    "missing column": (
        "country,year,population\nFI,2024,5604000\n",
        1,
        "no column source",
    ),
    "column twice": ("country,year,year,population,source\n", 1, "year more than once"),
    "unknown country": (NEWER + "XX,2024,100,x,,\n", 4, "country 'XX' is not a code"),
    "country in lower case": (NEWER + "fi,2023,100,x,,\n", 4, "country 'fi'"),
    "country by name": (NEWER + "Finland,2023,100,x,,\n", 4, "country 'Finland'"),
    "year with decimals": (NEWER + "FI,2023.0,100,x,,\n", 4, "year '2023.0'"),
    "year in words": (NEWER + "FI,last,100,x,,\n", 4, "year 'last'"),
    "year too early": (NEWER + "FI,1800,100,x,,\n", 4, "from 1950 to 2100"),
    "year too late": (NEWER + "FI,2101,100,x,,\n", 4, "year '2101'"),
    "zero population": (NEWER + "FI,2023,0,x,,\n", 4, "population '0'"),
    "negative population": (NEWER + "FI,2023,-5,x,,\n", 4, "population '-5'"),
    "thousands separators": (
        NEWER + 'FI,2023,"5,563,970",x,,\n',
        4,
        "population '5,563,970'",
    ),
    "population with decimals": (NEWER + "FI,2023,5563970.5,x,,\n", 4, "whole number"),
    "empty population": (NEWER + "FI,2023,,x,,\n", 4, "population ''"),
    "same country and year twice": (
        NEWER + "FI,2024,5604001,x,,\n",
        4,
        "FI 2024 is given twice, first on line 2",
    ),
    "Greece as EL and GR": (
        NEWER + "GR,2024,10370001,x,,\n",
        4,
        "GR 2024 is given twice",
    ),
    "empty source": (NEWER + "FI,2023,100,,,\n", 4, "source is empty"),
    "unknown flag": (NEWER + "FI,2023,100,x,provisional,\n", 4, "flag 'provisional'"),
    "too few cells": (NEWER + "FI,2023,100\n", 4, "has 3 cells; the header has 6"),
    "header alone": (HEADER, None, "no denominators"),
    "not UTF-8": (
        NEWER.encode() + "FI,2023,100,Väestö,,\n".encode("latin-1"),
        4,
        "UTF-8",
    ),
}


@pytest.mark.parametrize(("text", "line", "problem"), BAD_FILES.values(), ids=BAD_FILES)
def test_a_bad_file_is_refused_naming_file_and_line_and_nothing_is_added(
    tmp_path, text, line, problem
):
    bad = release(tmp_path / "incoming", "bad.csv", text)
    folder = tmp_path / "population"

    with pytest.raises(ValueError) as refused:
        population.add(bad, folder)

    where = f"{bad}, line {line}:" if line else f"{bad}:"
    assert where in str(refused.value)
    assert problem in str(refused.value)
    assert not folder.exists()


def test_a_bad_file_put_in_the_folder_by_hand_stops_loading(tmp_path):
    bad = release(tmp_path, "2026.csv", NEWER + "FI,2023,many,x,,\n")

    with pytest.raises(ValueError) as refused:
        population.load(tmp_path)

    assert f"{bad}, line 4: population 'many'" in str(refused.value)


def test_only_csv_files_are_added(tmp_path):
    sheet = release(tmp_path, "2026.xlsx", NEWER)

    with pytest.raises(ValueError, match=r"only \.csv files"):
        population.add(sheet, tmp_path / "population")

    assert not (tmp_path / "population").exists()


def test_adding_is_refused_when_a_different_file_has_the_name(tmp_path):
    folder = tmp_path / "population"
    release(folder, "2026.csv", NEWER)
    other = release(tmp_path, "2026.csv", HEADER + "FI,2024,1,x,,\n")

    with pytest.raises(ValueError, match=r"already holds a different 2026\.csv"):
        population.add(other, folder)

    assert (folder / "2026.csv").read_text(encoding="utf-8") == NEWER


def test_adding_copies_the_file_as_it_is_and_again_changes_nothing(tmp_path):
    folder = tmp_path / "population"
    newer = release(tmp_path, "2026.csv", NEWER)

    first = population.add(newer, folder)
    again = population.add(newer, folder)

    assert first == again and len(first) == 2
    assert [p.name for p in folder.iterdir()] == ["2026.csv"]
    assert (folder / "2026.csv").read_bytes() == newer.read_bytes()


# Rates


def test_the_rate_is_the_count_per_100000_inhabitants():
    rate = population.rate_per_100k(24, 5_600_000)

    assert rate == pytest.approx(24 * 100_000 / 5_600_000)
    assert round(rate, 2) == 0.43
    assert population.rate_per_100k(0, 5_600_000) == 0.0


@pytest.mark.parametrize(("count", "people"), [(-1, 5_600_000), (24, 0), (24, -3)])
def test_a_rate_of_a_negative_count_or_population_is_refused(count, people):
    with pytest.raises(ValueError):
        population.rate_per_100k(count, people)


def test_rates_are_added_with_their_denominators_and_null_where_unknown(caplog):
    counts = pl.DataFrame(
        {
            "country": ["FI", "EE", "PL", "SE", None],
            "year": [2024, 2030, 2021, 2020, 2020],
            "victims": [24, 3, None, 0, 1],
        }
    )
    caplog.set_level(logging.WARNING)

    rated = population.with_rates(counts, population.load(None), count="victims")

    rows = rated.to_dicts()
    assert rated.get_column("country").to_list() == ["FI", "EE", "PL", "SE", None]
    assert rows[0]["population"] == 5_603_851
    assert rows[0]["population_source"] == "Eurostat demo_pjan"
    assert rows[0]["rate_per_100k"] == pytest.approx(24 * 100_000 / 5_603_851)
    assert rows[0]["rate_note"] is None
    assert rows[1]["rate_per_100k"] is None
    assert rows[1]["rate_note"] == "no population on 1 January for EE in 2030"
    assert rows[2]["population_flag"] == "bep"
    assert rows[2]["rate_per_100k"] is None
    assert rows[2]["rate_note"] == "no count (suppressed or not known)"
    assert rows[3]["rate_per_100k"] == 0.0
    assert rows[4]["rate_note"] == "no country or no year"
    assert "3 of 5 rows have no rate" in caplog.text


def test_rates_of_an_empty_frame_are_an_empty_frame():
    counts = pl.DataFrame(
        {"country": [], "year": [], "count": []},
        schema={"country": pl.String, "year": pl.Int64, "count": pl.Int64},
    )

    rated = population.with_rates(counts, population.load(None))

    assert rated.height == 0
    assert rated.schema["rate_per_100k"] == pl.Float64


@pytest.mark.parametrize(
    ("frame", "problem"),
    [
        ({"country": ["FI"], "count": [1]}, "no column year"),
        (
            {"country": ["FI"], "year": [2024], "count": [1], "population": [1]},
            "already",
        ),
        ({"country": ["FI"], "year": [2024], "count": [-1]}, "negative count"),
    ],
)
def test_rates_refuse_counts_they_cannot_use(frame, problem):
    with pytest.raises(ValueError, match=problem):
        population.with_rates(pl.DataFrame(frame), population.load(None))


def test_explain_gives_the_flags_and_the_notes():
    shipped = population.load(None)

    lines = population.explain(shipped.series("PL", 2021, 2022))

    assert lines[0] == "Eurostat flags: b break in series, e estimated, p provisional."
    assert lines[1].startswith("PL 2021: Eurostat flag: bep")
    assert len(lines) == 3


# The commands


def run(data_dir, *args: str):
    return CliRunner().invoke(
        cli.app, ["population", *args], env={"FLEXWATCH_DATA_DIR": str(data_dir)}
    )


def test_add_then_show_uses_the_newer_release(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    release(tmp_path, "2026-03.csv", NEWER)

    added = run(tmp_path / "ws", "add", "2026-03.csv")
    shown = run(
        tmp_path / "ws", "show", "--country", "FI", "--from", "2023", "--to", "2024"
    )

    assert added.exit_code == 0, added.output
    assert "2 denominators for FI, GR, 2024" in said(added.stdout)
    assert (tmp_path / "ws" / "population" / "2026-03.csv").is_file()
    assert shown.exit_code == 0, shown.output
    assert "5,563,970" in shown.stdout and "shipped" in shown.stdout
    assert "5,604,000" in shown.stdout and "2026-03.csv" in shown.stdout
    assert "Eurostat flags: p provisional." in shown.stdout
    assert "2022" not in shown.stdout


def test_add_refuses_a_bad_file_naming_the_line_and_stores_nothing(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    release(tmp_path, "bad.csv", NEWER + "FI,2024,1,x,,\n")

    refused = run(tmp_path / "ws", "add", "bad.csv")

    assert refused.exit_code == 1
    assert "Nothing added: bad.csv, line 4: FI 2024 is given twice" in said(
        refused.stderr
    )
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--country", "XX"], "'XX' is not a code of country"),
        (["--country", "FI", "--from", "2025", "--to", "2020"], "comes after"),
    ],
)
def test_show_refuses_an_unknown_country_or_an_empty_range(tmp_path, args, problem):
    refused = run(tmp_path, "show", *args)

    assert refused.exit_code == 2
    assert problem in said(refused.stderr)


def test_show_says_when_no_figures_are_known(tmp_path):
    shown = run(tmp_path, "show", "--country", "NO")

    assert shown.exit_code == 0
    assert "No population figures for Norway (NO)" in said(shown.stdout)


def test_both_commands_run_as_a_process_on_a_workspace_without_a_database(tmp_path):
    newer = release(tmp_path, "2026-03.csv", NEWER)
    env = {**os.environ, "FLEXWATCH_DATA_DIR": str(tmp_path / "ws")}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def flexwatch(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "flexwatch", "population", *args]
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120
        )

    added = flexwatch("add", str(newer))
    shown = flexwatch("show", "--country", "EL", "--from", "2024")

    assert added.returncode == 0, added.stderr
    assert shown.returncode == 0, shown.stderr
    assert "Greece (GR)" in shown.stdout and "10,370,000" in shown.stdout
    assert sorted(p.name for p in (tmp_path / "ws").iterdir()) == ["population"]
