"""Imports end to end: map, check every row, store all or nothing, re-import."""

import csv
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from flexwatch.accounts.models import AuditEntry
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases.models import Case, Observation, Person
from flexwatch.ingest import pipeline
from flexwatch.ingest.models import ImportRun
from flexwatch.ingest.profile import parse
from flexwatch.linkage import projects
from flexwatch.linkage.models import PersonKey
from tests import factories

SECRET = "a shared secret of the fi-ee project, long enough"

PROFILE = """
name: inspections
format: {kind: csv, encoding: auto}
reference: Case no
defaults:
  country: FI
  source_kind: labour_inspection
  legal_basis: gdpr_6_1_e
fields:
  registered_on: {column: Registered, dates: ["%d.%m.%Y"]}
  sector: {column: Sector, values: {Maatalous: nace_a, Rakennus: nace_f}}
  exploitation_forms:
    column: Forms
    separator: ";"
    values: {pakkotyö: forced_labour, työperäinen: labour_exploitation}
  person.sex: {column: Sex, values: {N: female, M: male}}
  person.age: {column: Age, transform: age_range}
  person.citizenship: {column: Citizenship}
  observation.cd.documents:
    column: Passport taken
    values: {kyllä: observed, ei: not_observed, "": null}
identifiers:
  full_name: Name
  personal_code: Personal code
"""
HEADER = [
    "Case no",
    "Registered",
    "Sector",
    "Forms",
    "Sex",
    "Age",
    "Citizenship",
    "Passport taken",
    "Name",
    "Personal code",
]
LINES = [
    "TT-1|03.02.2024|Maatalous|pakkotyö|N|34|UA|kyllä|Olena Kovalenko|UA123",
    "TT-2|15.03.2024|Rakennus|pakkotyö;työperäinen|M|18-20|VN|ei|Nguyễn Văn An|",
    "TT-3|01.12.2024||työperäinen|M||EE||Jõgi Mart|38001010000",
]
ROWS = [line.split("|") for line in LINES]


def _write(folder: Path, rows: list[list[str]], name: str = "cases.csv", **kw) -> Path:
    path = folder / name
    with open(path, "w", encoding=kw.get("encoding", "utf-8"), newline="") as out:
        writer = csv.writer(out, delimiter=kw.get("delimiter", ","))
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _run(ws, path: Path, text: str = PROFILE, **options) -> ImportRun:
    request = pipeline.Request(
        factories.actor(ws.user("analyst")),
        ws.owner,
        parse(text, "test.yaml"),
        path,
        path.name,
        **options,
    )
    return pipeline.run(request)


def _problems(run: ImportRun) -> list[tuple]:
    return [(p.row, p.column, p.value) for p in run.problems.all()]


@pytest.fixture
def folder(tmp_path):
    return tmp_path


def test_a_file_becomes_cases_with_pseudonyms_and_one_audit_entry(ws, folder):
    run = _run(ws, _write(folder, ROWS))

    assert (run.status, run.cases_created, run.problem_count) == ("committed", 3, 0)
    first = Case.objects.get(registered_on="2024-02-03")
    victim = first.persons.get()
    assert (first.sector, first.year, first.country) == ("nace_a", 2024, "FI")
    assert [f.code for f in first.exploitation_forms.all()] == ["forced_labour"]
    assert (victim.role, victim.sex, victim.age_min, victim.age_max) == (
        "victim",
        "female",
        34,
        34,
    )
    # The personal code, not the name, makes the pseudonym when there is one.
    assert victim.pseudonym == pseudonym(ws.owner.pseudonym_key, "UA123", "person")
    key = ws.owner.pseudonym_key
    assert first.source_reference == pseudonym(key, "TT-1", "source")
    assert Observation.objects.get(case=first).status == "observed"
    assert first.import_run_id == run.pk and first.is_synthetic is False
    entry = AuditEntry.objects.get(action="cases_imported")
    assert entry.detail["created"] == 3 and entry.object_id == str(run.pk)


def test_an_age_range_and_several_values_in_a_cell_are_read(ws, folder):
    _run(ws, _write(folder, ROWS))

    second = Case.objects.get(registered_on="2024-03-15")
    victim = second.persons.get()
    assert (victim.age_min, victim.age_max) == (18, 20)
    forms = sorted(f.code for f in second.exploitation_forms.all())
    assert forms == ["forced_labour", "labour_exploitation"]


def test_one_bad_row_stores_nothing_and_every_problem_is_reported(ws, folder):
    rows = [*ROWS, ["TT-4", "31.02.2024", "Kalastus", "", "N", "", "XX", "", "", ""]]

    run = _run(ws, _write(folder, rows))

    assert run.status == "refused" and not Case.objects.exists()
    problems = {p.column: p for p in run.problems.all()}
    assert set(problems) == {"Registered", "Sector", "Citizenship"}
    assert problems["Registered"].row == 5 and problems["Registered"].value == (
        "31.02.2024"
    )
    assert "nace_a" in problems["Sector"].accepted
    assert problems["Citizenship"].value == "XX"


def test_skip_bad_stores_the_good_rows_and_reports_the_bad(ws, folder):
    rows = [*ROWS, ["TT-4", "2024", "", "", "N", "", "UA", "", "", ""]]

    run = _run(ws, _write(folder, rows), skip_bad=True)

    assert (run.status, run.cases_created, run.rows_skipped) == ("committed", 3, 1)
    assert _problems(run) == [(5, "Registered", "2024")]


def test_a_dry_run_checks_every_row_and_stores_nothing(ws, folder):
    run = _run(ws, _write(folder, ROWS), dry_run=True)

    assert (run.status, run.rows_read, run.problem_count) == ("validated", 3, 0)
    assert not Case.objects.exists() and not Person.objects.exists()


def test_reimporting_the_same_file_changes_nothing(ws, folder):
    path = _write(folder, ROWS)
    _run(ws, path)
    versions = dict(Case.objects.values_list("pk", "version"))

    again = _run(ws, path)

    assert (again.cases_created, again.cases_updated, again.cases_unchanged) == (
        0,
        0,
        3,
    )
    assert dict(Case.objects.values_list("pk", "version")) == versions


def test_a_changed_row_updates_its_case_as_a_new_audited_version(ws, folder):
    _run(ws, _write(folder, ROWS))
    changed = [list(row) for row in ROWS]
    changed[1][2] = "Maatalous"

    run = _run(ws, _write(folder, changed))

    case = Case.objects.get(registered_on="2024-03-15")
    assert (run.cases_updated, run.cases_unchanged, run.cases_created) == (1, 2, 0)
    assert (case.sector, case.version) == ("nace_a", 2)
    update = AuditEntry.objects.get(action="case_updated")
    assert update.object_id == str(case.pk) and "sector" in update.detail["fields"]
    assert case.persons.get().pseudonym  # the person keeps a pseudonym


def test_a_reference_repeated_in_one_file_is_reported(ws, folder):
    run = _run(ws, _write(folder, [*ROWS, ROWS[0]]))

    assert run.status == "refused"
    assert _problems(run) == [(5, "Case no", "")]
    assert not Case.objects.exists()


def test_a_keyless_profile_refuses_the_same_file_twice(ws, folder):
    keyless = PROFILE.replace("reference: Case no\n", "")
    path = _write(folder, ROWS)
    _run(ws, path, keyless)

    again = _run(ws, path, keyless)

    assert again.status == "refused" and "twice" in again.message
    assert Case.objects.count() == 3


def test_missing_columns_refuse_the_file_before_any_row(ws, folder):
    path = folder / "short.csv"
    path.write_text("Case no,Registered\nTT-1,03.02.2024\n", encoding="utf-8")

    run = _run(ws, path)

    assert run.status == "refused" and run.rows_read == 0
    missing = {p.column for p in run.problems.all()}
    assert {"Sector", "Forms", "Passport taken", "Name"} <= missing
    assert all(p.row == 1 for p in run.problems.all())


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1257"])
def test_a_file_in_another_encoding_reads_the_same(ws, folder, encoding):
    rows = [[cell.replace("ễ", "e").replace("ă", "a") for cell in row] for row in ROWS]
    path = _write(folder, rows, encoding=encoding, delimiter=";")

    run = _run(ws, path)

    assert run.status == "committed", list(run.problems.values_list("problem"))
    assert Case.objects.filter(exploitation_forms__code="forced_labour").count() == 2


def test_an_unreadable_file_is_refused_naming_it(ws, folder):
    path = _write(folder, ROWS, name="broken.csv")
    with open(path, "a", encoding="utf-8") as out:
        out.write('TT-9,"01.01.2024,Maatalous\n')

    run = _run(ws, path)

    assert run.status == "refused" and "broken.csv" in run.message
    assert not Case.objects.exists()


PER_PERSON = """
name: court
format: {kind: csv}
rows: person
reference: Judgement
defaults: {country: PL, source_kind: court_judgement, legal_basis: gdpr_6_1_e}
fields:
  registered_on: {column: Date}
  person.role: {column: Role, values: {oskarżony: suspect, pokrzywdzony: victim}}
  person.sex: {column: Sex}
  legal_event.provision: {column: Article}
  legal_event.stage: {column: Stage}
  legal_event.outcome: {column: Outcome}
"""


def test_rows_of_one_case_are_grouped_by_its_reference(ws, folder):
    path = folder / "court.csv"
    path.write_text(
        "Judgement,Date,Role,Sex,Article,Stage,Outcome\n"
        "II K 12/23,2023-05-04,oskarżony,male,art. 189a,tried,convicted\n"
        "II K 40/23,2023-06-01,oskarżony,female,art. 211a,tried,acquitted\n"
        "II K 12/23,2023-05-04,oskarżony,female,art. 189a,tried,convicted\n"
        "II K 12/23,2023-05-04,pokrzywdzony,male,,,\n",
        encoding="utf-8",
    )

    run = _run(ws, path, PER_PERSON)

    assert (run.status, run.cases_created, run.rows_read) == ("committed", 2, 4)
    grouped = Case.objects.get(registered_on="2023-05-04")
    roles = sorted(grouped.persons.values_list("role", flat=True))
    assert roles == ["suspect", "suspect", "victim"]
    outcomes = grouped.persons.filter(role="suspect").values_list(
        "legal_events__outcome", flat=True
    )
    assert list(outcomes) == ["convicted", "convicted"]


def test_rows_of_one_case_that_disagree_are_reported(ws, folder):
    path = folder / "court.csv"
    path.write_text(
        "Judgement,Date,Role,Sex,Article,Stage,Outcome\n"
        "II K 12/23,2023-05-04,oskarżony,male,art. 189a,tried,convicted\n"
        "II K 12/23,2023-05-05,oskarżony,female,art. 189a,tried,convicted\n",
        encoding="utf-8",
    )

    run = _run(ws, path, PER_PERSON)

    assert run.status == "refused"
    assert _problems(run) == [(3, "Date", "2023-05-05")]


def test_linkage_keys_are_made_under_the_project_secret(ws, folder):
    projects.join(ws.owner, "fi-ee", SECRET, "FI-EE linkage")
    linked = PROFILE + "linkage: fi-ee\n"

    _run(ws, _write(folder, ROWS), linked)

    victim = Person.objects.get(case__registered_on="2024-02-03")
    kinds = set(PersonKey.objects.filter(person=victim).values_list("kind", flat=True))
    assert {"full_name", "name_token", "name_phonetic"} <= kinds


def test_a_profile_naming_a_project_the_organisation_has_not_joined_is_refused(
    ws, folder
):
    run = _run(ws, _write(folder, ROWS), PROFILE + "linkage: nowhere\n")

    assert run.status == "refused" and "nowhere" in run.message
    assert not Case.objects.exists()


def test_a_de_identified_release_is_flagged_synthetic(ws, folder):
    _run(ws, _write(folder, ROWS), PROFILE + "release: deidentified\n")

    assert set(Case.objects.values_list("is_synthetic", flat=True)) == {True}


def test_someone_who_may_not_edit_imports_nothing(ws, folder):
    request = pipeline.Request(
        factories.actor(ws.user("viewer")),
        ws.owner,
        parse(PROFILE, "test.yaml"),
        _write(folder, ROWS),
        "cases.csv",
    )

    with pytest.raises(pipeline.ActionRefused):
        pipeline.run(request)
    assert not Case.objects.exists() and not ImportRun.objects.exists()


def test_a_workbook_imports_like_the_same_rows_in_csv(ws, folder):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tapaukset"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = folder / "cases.xlsx"
    workbook.save(path)
    as_xlsx = PROFILE.replace(
        "format: {kind: csv, encoding: auto}", "format: {kind: xlsx, sheet: Tapaukset}"
    )

    run = _run(ws, path, as_xlsx)

    assert (run.status, run.cases_created) == ("committed", 3), run.message
    assert Case.objects.filter(sector="nace_f").count() == 1


def test_a_zip_bomb_posing_as_a_workbook_is_refused(ws, folder):
    path = folder / "cases.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024 * 1024))
    as_xlsx = PROFILE.replace(
        "format: {kind: csv, encoding: auto}", "format: {kind: xlsx}"
    )

    run = _run(ws, path, as_xlsx)

    assert run.status == "refused" and "cases.xlsx" in run.message
    assert not Case.objects.exists()


def test_dates_out_of_order_are_reported_at_the_later_dates_column(ws, folder):
    dated = PROFILE.replace(
        "fields:\n",
        "fields:\n"
        '  exploitation_began: {column: Began, dates: ["%d.%m.%Y"]}\n'
        '  exploitation_ended: {column: Ended, dates: ["%d.%m.%Y"]}\n',
    )
    path = folder / "dated.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([*HEADER, "Began", "Ended"])
        writer.writerow([*ROWS[0], "01.06.2024", "01.05.2024"])

    run = _run(ws, path, dated)

    assert run.status == "refused"
    (problem,) = run.problems.all()
    assert (problem.row, problem.column, problem.value) == (2, "Ended", "2024-05-01")
    assert "before" in problem.problem
