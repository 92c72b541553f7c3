"""`flexwatch assess`: files and standard streams, and nothing written on a bad line."""

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from flexwatch import cli

DELPHI = "ilo_ec_delphi_2009"
GOOD = (
    '{"id": "c1", "age": 34, "observed": ["dr.nature_of_job", "dr.wages", '
    '"ex.excessive_hours", "ex.low_wages", "cd.documents", "cd.violence"]}\n'
    '{"id": "c2", "age": 16, "observed": ["dr.nature_of_job", "ex.low_wages"]}\n'
)
BAD = GOOD + '{"id": "c3", "observed": ["cd.pasport"]}\n'


def assess(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli.app, ["assess", *args], input=stdin)


def said(text: str) -> str:
    """Standard error as one line: rich wraps long messages."""
    return " ".join(text.split())


def results(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_reads_standard_input_and_writes_standard_output():
    done = assess("--framework", DELPHI, "--input", "-", "--no-trace", stdin=GOOD)

    assert done.exit_code == 0, done.output
    found = results(done.stdout)
    assert [(f["id"], f["victim"]) for f in found] == [("c1", True), ("c2", False)]
    assert "trace" not in found[0]


def test_writes_a_file_with_the_trace_in_the_language_asked(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(GOOD, encoding="utf-8")
    output = tmp_path / "results.jsonl"

    done = assess(
        "--framework", "all", "--input", str(cases), "--output", str(output),
        "--lang", "pl",
    )  # fmt: skip

    assert done.exit_code == 0, done.output
    found = results(output.read_text(encoding="utf-8"))
    assert len(found) == 8
    assert found[0]["trace"][-1]["text"].startswith("Wsparcie w podejmowaniu decyzji")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cases.jsonl",
        "results.jsonl",
    ]


def test_reads_csv_by_its_extension(tmp_path):
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "id,age,observed\nk1,15,act.recruitment;purpose.forced_labour\n",
        encoding="utf-8",
    )

    done = assess(
        "--framework", "palermo_protocol_2000_art3", "--input", str(cases),
        "--no-trace",
    )  # fmt: skip

    assert done.exit_code == 0, done.output
    assert results(done.stdout)[0]["trafficking"] is True


def test_a_bad_line_stops_the_run_and_nothing_is_written(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(BAD, encoding="utf-8")
    output = tmp_path / "results.jsonl"
    output.write_text("the last good results\n", encoding="utf-8")

    done = assess("--framework", DELPHI, "--input", str(cases), "--output", str(output))

    assert done.exit_code == 1
    assert "Nothing written" in said(done.stderr)
    assert "cases.jsonl, line 3: field 'observed': 'cd.pasport'" in said(done.stderr)
    assert output.read_text(encoding="utf-8") == "the last good results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cases.jsonl",
        "results.jsonl",
    ]


def test_a_bad_line_on_standard_input_writes_nothing_to_standard_output():
    done = assess("--framework", DELPHI, "--input", "-", stdin=BAD)

    assert done.exit_code == 1
    assert done.stdout == ""


def test_skip_bad_reports_the_bad_line_and_writes_the_rest():
    done = assess(
        "--framework", DELPHI, "--input", "-", "--skip-bad", "--no-trace", stdin=BAD
    )

    assert done.exit_code == 0, done.output
    assert [f["id"] for f in results(done.stdout)] == ["c1", "c2"]
    assert "Skipped: <stdin>, line 3: field 'observed'" in said(done.stderr)


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--framework", "delphi"], "'delphi' is not a framework id"),
        (["--framework", DELPHI, "--lang", "de"], "language 'de' is not known"),
        (["--framework", DELPHI, "--format", "xml"], "format 'xml' is not known"),
    ],
)
def test_a_bad_option_is_refused_naming_what_is_accepted(args, problem):
    done = assess(*args, "--input", "-", stdin=GOOD)

    assert done.exit_code == 2
    assert problem in said(done.stderr)


def test_a_missing_input_file_is_reported():
    done = assess("--framework", DELPHI, "--input", "no-such-file.jsonl")

    assert done.exit_code == 1
    assert "Cannot read or write" in said(done.stderr)


def test_the_help_gives_an_example():
    done = CliRunner().invoke(cli.app, ["assess", "--help"])

    assert "Example:" in done.stdout
    assert "flexwatch assess --framework ilo_ec_delphi_2009" in done.stdout


def test_assess_needs_neither_django_nor_the_settings():
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from flexwatch import cli\n"
        "done = CliRunner().invoke(cli.app, ['assess', '--framework', 'all',"
        " '--input', '-', '--no-trace'], input='{\"id\": 1}\\n')\n"
        "print(done.exit_code, 'django' in sys.modules)\n"
    )
    # A setting that cannot be used stops every command that reads settings.
    env = {**os.environ, "FLEXWATCH_DEBUG": "perhaps"}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip

    assert done.stdout.split() == ["0", "False"], done.stderr
