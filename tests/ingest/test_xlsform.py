"""The XLSForm of a case: valid for pyxform, complete, and named as the record."""

import dataclasses
import os
import shutil
import subprocess
import sys
import typing
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from pyxform.parsing.expression import is_xml_tag
from pyxform.xls2xform import convert
from typer.testing import CliRunner

from flexwatch import __version__, cli, vocab
from flexwatch.assessment import frameworks
from flexwatch.cases.record import CaseIn, PersonIn
from flexwatch.ingest import xlsform
from flexwatch.vocab.fields import Code

LABELS = [f"label::{language}" for language in xlsform.LANGUAGES.values()]
GROUPS = {"victim": PersonIn, "": CaseIn}


@pytest.fixture(scope="module")
def form():
    return xlsform.build()


@pytest.fixture(scope="module")
def workbook(form, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsform") / "flexwatch-case.xlsx"
    xlsform.save(form, path)
    return path


def paths(form) -> list[tuple[str, dict[str, str]]]:
    """Every question of the survey with its path, such as ``victim/sex``."""
    found, groups = [], []
    for row in form["survey"]:
        if row["type"] == "begin_group":
            groups.append(row["name"])
        elif row["type"] == "end_group":
            groups.pop()
        else:
            found.append(("/".join([*groups, row["name"]]), row))
    return found


def questions(form) -> dict[str, dict[str, str]]:
    return dict(paths(form))


def choice_list(row: dict[str, str]) -> str:
    return row["type"].split()[1] if row["type"].startswith("select_") else ""


def record_vocabulary(model, name: str) -> str:
    """The vocabulary the case record checks field ``name`` against, or ""."""
    info = model.model_fields[name]
    items = typing.get_args(info.annotation)  # list[Annotated[str, Code(...)]]
    inner = getattr(items[0], "__metadata__", ()) if items else ()
    marks = [*info.metadata, *inner]
    return next((m.vocabulary for m in marks if isinstance(m, Code)), "")


# pyxform


def test_the_workbook_converts_to_an_xform_without_warnings(workbook):
    warnings: list[str] = []

    result = convert(xlsform=str(workbook), warnings=warnings)

    assert warnings == []
    root = ET.fromstring(result.xform)
    data = root.find(".//{http://www.w3.org/2002/xforms}instance/*")
    assert data.get("id") == "flexwatch_case"
    assert data.get("version").startswith(f"{__version__}+")
    paths = {
        "/".join(part.split("}")[1] for part in (group.tag, child.tag))
        for group in data
        for child in group
    }
    assert {"victim/sex", "identifiers/full_name", "indicators/cd__documents"} <= paths


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
def test_odk_validate_accepts_the_xform(workbook):
    warnings: list[str] = []

    convert(xlsform=str(workbook), warnings=warnings, validate=True)

    assert warnings == []


# Names


def test_every_name_is_a_valid_xml_name_without_dots(form):
    names = [row["name"] for row in form["survey"] if "name" in row]
    bad = [name for name in names if not is_xml_tag(name) or "." in name]

    assert not bad


def test_every_question_path_and_bare_name_is_unique(form):
    # Unique bare names keep exports without group headers unambiguous.
    found = [path for path, _row in paths(form)]
    names = [row["name"] for row in form["survey"] if "name" in row]

    assert len(set(found)) == len(found)
    assert len(set(names)) == len(names)


def test_case_and_victim_questions_are_named_as_the_record_fields(form):
    asked = questions(form)
    outside = [
        path
        for path in asked
        if path.partition("/")[0] not in ("identifiers", "indicators")
        and path.rpartition("/")[2] not in GROUPS[path.rpartition("/")[0]].model_fields
    ]

    assert not outside


def test_selects_use_the_vocabulary_the_record_checks_against(form):
    differing = {}
    # The record checks a region against its country (vocab.check_region).
    coded = {p: r for p, r in questions(form).items() if p != "region"}
    for path, row in coded.items():
        group, _, name = path.rpartition("/")
        if group in GROUPS and choice_list(row) != xlsform.YES_NO:
            wanted = record_vocabulary(GROUPS[group], name)
            if choice_list(row) != wanted:
                differing[path] = (choice_list(row), wanted)

    assert differing == {}


def test_the_fields_the_record_requires_are_required_questions(form):
    required = {
        name
        for name, info in CaseIn.model_fields.items()
        if info.is_required() and name not in ("persons", "observations")
    }
    asked = questions(form)

    assert {p for p, row in asked.items() if row.get("required") == "yes"} == required


def test_the_victim_age_is_a_whole_number_from_0_to_120(form):
    age = questions(form)["victim/age"]

    assert age["type"] == "integer"
    assert age["constraint"] == ". >= 0 and . <= 120"


def test_identifiers_are_asked_with_a_hint_that_they_are_not_stored(form):
    asked = questions(form)
    identifiers = {p: r for p, r in asked.items() if p.startswith("identifiers/")}

    assert set(identifiers) == {
        "identifiers/full_name",
        "identifiers/date_of_birth",
        "identifiers/personal_code",
    }
    assert identifiers["identifiers/date_of_birth"]["type"] == "date"
    for row in identifiers.values():
        assert "never stores" in row["hint::English (en)"]


@pytest.mark.parametrize("indicator", ["dr.nature_of_job", "fl.debt_bondage"])
def test_an_indicator_id_and_its_question_name_turn_into_each_other(indicator):
    name = xlsform.question_name(indicator)

    assert "." not in name
    assert xlsform.indicator_id(name) == indicator


def test_an_indicator_id_with_a_double_underscore_is_refused():
    with pytest.raises(ValueError, match="could not be turned back"):
        xlsform.question_name("dr.nature__of_job")


# Indicators and choices


def test_every_indicator_of_the_catalogue_has_a_question(form):
    asked = {
        xlsform.indicator_id(path.removeprefix("indicators/")): row
        for path, row in questions(form).items()
        if path.startswith("indicators/")
    }

    assert set(asked) == frameworks.catalogue().ids
    assert {row["type"] for row in asked.values()} == {"select_one observation_status"}
    documents = asked["cd.documents"]
    assert documents["label::Polish (pl)"] == "Odebranie dokumentów"
    assert documents["hint::English (en)"] == "Coercion at destination"


def test_every_vocabulary_used_is_offered_whole_with_four_labels(form):
    offered: dict[str, list[str]] = {}
    for row in form["choices"]:
        offered.setdefault(row["list_name"], []).append(row["name"])
        assert all(row.get(label, "").strip() for label in LABELS), row
    used = {choice_list(row) for row in questions(form).values()} - {""}

    assert set(offered) == used
    for name in used - {xlsform.YES_NO}:
        assert offered[name] == list(vocab.vocabulary(name).codes), name
    assert offered[xlsform.YES_NO] == ["yes", "no"]


def test_every_question_and_group_has_its_texts_in_four_languages(form):
    for row in form["survey"]:
        if row["type"] == "end_group":
            continue
        kinds = {column.partition("::")[0] for column in row if "::" in column}
        for kind in kinds:
            texts = [row.get(f"{kind}::{lang}") for lang in xlsform.LANGUAGES.values()]
            assert all(texts), (row["name"], kind)
        assert "label" in kinds, row["name"]


def test_the_wording_file_names_only_questions_of_the_form(form):
    paths = set(questions(form)) | {"victim", "identifiers", "indicators"}
    wording = xlsform.read_wording(xlsform._package_file())

    assert set(wording.questions) <= paths


def test_a_text_missing_a_language_is_refused_with_its_entry(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text(
        "version: '1'\nquestions:\n  country:\n    label: {en: Country, fi: Maa}\n",
        encoding="utf-8",
    )

    with pytest.raises(ValueError, match=r"questions: country: label: no text in et"):
        xlsform.read_wording(path)


# Settings


def test_the_settings_name_the_form_and_its_default_language(form):
    (settings,) = form["settings"]

    assert settings["form_id"] == "flexwatch_case"
    assert settings["default_language"] == "English (en)"
    assert settings["version"] == xlsform.build()["settings"][0]["version"]


def test_the_version_changes_with_a_vocabulary_version(form, monkeypatch):
    loaded = vocab.vocabulary
    changed = dataclasses.replace(loaded("sex"), version="2")
    monkeypatch.setattr(
        xlsform.vocab, "vocabulary", lambda n: changed if n == "sex" else loaded(n)
    )

    assert xlsform.build()["settings"][0]["version"] != form["settings"][0]["version"]


# The workbook and the command


def test_the_saved_workbook_holds_the_three_sheets_with_headers(form, workbook):
    book = openpyxl.load_workbook(workbook, read_only=True)

    assert book.sheetnames == ["survey", "choices", "settings"]
    header = next(book["survey"].iter_rows(max_row=1, values_only=True))
    assert header[:3] == ("type", "name", "label::English (en)")
    assert book["survey"].max_row == len(form["survey"]) + 1


def xlsform_command(*args: str):
    return CliRunner().invoke(cli.app, ["xlsform", *args])


def test_the_command_writes_the_form(tmp_path):
    output = tmp_path / "case.xlsx"

    done = xlsform_command(str(output))

    assert done.exit_code == 0, done.output
    assert "flexwatch_case" in done.stdout
    assert openpyxl.load_workbook(output).sheetnames == [
        "survey",
        "choices",
        "settings",
    ]


def test_the_command_needs_no_database(tmp_path):
    workspace = tmp_path / "never-initialised"
    env = {**os.environ, "FLEXWATCH_DATA_DIR": str(workspace)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    done = subprocess.run(
        [sys.executable, "-m", "flexwatch", "xlsform", str(tmp_path / "case.xlsx")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr
    assert (tmp_path / "case.xlsx").is_file()
    assert not workspace.exists()


def test_the_command_refuses_a_missing_folder_and_names_the_path(tmp_path):
    output = tmp_path / "absent" / "case.xlsx"

    done = xlsform_command(str(output))

    assert done.exit_code == 1
    said = " ".join(done.stderr.split())
    assert f"Nothing written: cannot write {output}" in said
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_file_behind(tmp_path):
    (tmp_path / "case.xlsx").mkdir()

    done = xlsform_command(str(tmp_path / "case.xlsx"))

    assert done.exit_code == 1
    assert [p.name for p in tmp_path.iterdir()] == ["case.xlsx"]


def test_the_command_refuses_a_name_without_xlsx(tmp_path):
    done = xlsform_command(str(tmp_path / "case.csv"))

    assert done.exit_code == 2
    assert list(tmp_path.iterdir()) == []
