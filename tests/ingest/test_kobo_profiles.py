"""The shipped KoboToolbox and ODK profiles, against the form they import.

The form is ``xlsform.build()``. Submissions are written here in the shape
each tool exports them (KoboToolbox CSV with and without groups in the
headers, ODK Central CSV, the KoboToolbox API's JSON) and imported through
``pipeline.run``.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from flexwatch.accounts.models import AuditEntry
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.cases import checklist, documents
from flexwatch.cases.models import Case, ExploitationForm, Observation, Person
from flexwatch.ingest import library, pipeline, xlsform
from flexwatch.ingest.models import ImportProblem, ImportRun
from flexwatch.ingest.profile import Profile, parse
from tests import factories
from tests.conftest import shared_file

SHIPPED = {"kobo-case": "_uuid", "kobo-case-json": "rootUuid", "odk-case": "KEY"}
IDENTIFIERS = {
    "full_name": "full_name",
    "date_of_birth": "birth_date",
    "personal_code": "personal_code",
}
# Every question the form asks is read.
NOT_READ: set[str] = set()


@dataclass(frozen=True)
class Question:
    group: str
    name: str
    type: str

    @property
    def path(self) -> str:
        return f"{self.group}/{self.name}" if self.group else self.name

    @property
    def target(self) -> str:
        """The field of the case record the question is named after."""
        if self.group == xlsform.VICTIM:
            return f"person.{self.name}"
        if self.group == xlsform.IDENTIFIERS:
            return IDENTIFIERS[self.name]
        if self.group == xlsform.INDICATORS:
            return f"observation.{xlsform.indicator_id(self.name)}"
        return self.name


@cache
def _form() -> dict:
    return xlsform.build()


def _questions() -> list[Question]:
    found, group = [], ""
    for row in _form()["survey"]:
        if row["type"] == "begin_group":
            group = row["name"]
        elif row["type"] == "end_group":
            group = ""
        else:
            found.append(Question(group, row["name"], row["type"]))
    return found


def _choices(question: Question) -> list[str]:
    listed = question.type.split()[1]
    return [row["name"] for row in _form()["choices"] if row["list_name"] == listed]


def _specs(profile: Profile) -> dict:
    return {**profile.fields, **profile.identifier_specs()}


# The profiles, read against the form


@pytest.mark.parametrize("name", SHIPPED)
def test_every_question_of_the_form_is_read_into_its_field(name):
    profile = library.shipped()[name]
    asked = {q.target: q for q in _questions() if q.name not in NOT_READ}

    specs = _specs(profile)

    assert set(specs) == set(asked)
    for target, question in asked.items():
        if name == "kobo-case" and question.group:
            # The CSV export has the group in its headers only when asked to.
            expected = [question.path, question.name]
        else:
            expected = [question.name]
        assert specs[target].columns == expected, target
    assert profile.reference_columns == [SHIPPED[name]]
    assert (profile.rows, profile.release) == ("case", "official")


@pytest.mark.parametrize("name", SHIPPED)
def test_each_answer_is_read_as_its_question_asks(name):
    specs = _specs(library.shipped()[name])
    stages = {indicator.id: stage for _f, _d, indicator, stage in checklist.rows()}

    for question in _questions():
        if question.name in NOT_READ:
            continue
        spec, kind = specs[question.target], question.type.split()
        if question.group == xlsform.INDICATORS:
            indicator = xlsform.indicator_id(question.name)
            assert spec.stage == stages[indicator], indicator
            assert spec.values == {"unknown": None}, indicator
        elif kind == ["select_one", xlsform.YES_NO]:
            assert (spec.transform, spec.truthy) == ("boolean", ["yes"])
        elif kind[0] == "select_multiple":
            assert spec.separator == " ", question.path
        elif kind[0] == "date":
            assert spec.dates == ["%Y-%m-%d"], question.path
        elif kind[0] == "decimal":
            assert spec.transform == "number", question.path
        else:
            assert (spec.transform, spec.values, spec.separator) == (None, {}, None)


# Submissions as each tool exports them


@dataclass(frozen=True)
class Submission:
    """Answers by question path; ``uuid`` is the id it was first sent with."""

    uuid: str
    answers: dict[str, str]
    edits: int = 0

    @property
    def instance(self) -> str:
        # Every edit is sent as a new instance with an id of its own.
        return self.uuid if not self.edits else f"{self.uuid[:-2]}{self.edits:02d}"


FINNISH = Submission(
    "3f6c1d2e-7b8a-4c9d-a0e1-f2a3b4c5d601",
    {
        "country": "FI",
        "region": "FI1B1",
        "source_kind": "labour_inspection",
        "exploitation_began": "2023-04-01",
        "exploitation_ended": "2023-09-30",
        "identified_on": "2023-10-02",
        "registered_on": "2023-10-05",
        "sector": "nace_a",
        "occupation": "isco_9",
        "exploitation_forms": "forced_labour labour_exploitation",
        "recruitment_country": "UA",
        "recruitment_channel": "social_media",
        "recruitment_fees_paid": "yes",
        "narrative": "Marjanpoimintaa Pohjois-Karjalassa; työnantaja säilytti passit.",
        "legal_basis": "gdpr_6_1_e",
        "retention_until": "2033-12-31",
        "victim/sex": "female",
        "victim/age": "34",
        "victim/citizenship": "UA",
        "victim/residence_status": "permit_work",
        "victim/trafficking_status": "presumed_victim",
        "victim/recruiter_relationship": "agency",
        "victim/means_of_control": "debt_bondage withheld_documents",
        "victim/penalised": "no",
        "victim/currency": "EUR",
        "victim/compensation_claimed": "1250.50",
        "identifiers/full_name": "Päivi Jääskeläinen",
        "identifiers/date_of_birth": "1989-05-02",
        "identifiers/personal_code": "020589-924R",
        "indicators/dr__wages": "observed",
        "indicators/cd__documents": "observed",
        "indicators/ex__excessive_hours": "not_observed",
        "indicators/fl__isolation": "unknown",
    },
)
ESTONIAN = Submission(
    "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c02",
    {
        "country": "EE",
        "region": "EE001",
        "source_kind": "police_investigation",
        "registered_on": "2024-01-15",
        "sector": "nace_f",
        "exploitation_forms": "forced_labour",
        "narrative": "Ehitustööd Tallinnas; töötasu jäi maksmata, pass võeti ära.",
        "legal_basis": "led_2016_680_art8",
        "victim/sex": "male",
        "victim/age_min": "18",
        "victim/age_max": "20",
        "victim/citizenship": "MD",
        "victim/means_of_control": "withheld_earnings threats_of_denunciation",
        "victim/penalised": "yes",
        "victim/currency": "EUR",
        "identifiers/full_name": "Mart Jõgi-Sööt",
        "identifiers/date_of_birth": "1990-03-17",
        "identifiers/personal_code": "39003170266",
        "indicators/rv__economic_reasons": "observed",
        "indicators/cd__withholding_wages": "observed",
        "indicators/coe__withheld_wages": "not_observed",
    },
)
POLISH = Submission(
    "c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e03",
    {
        "country": "PL",
        "source_kind": "ngo",
        "registered_on": "2024-06-20",
        "exploitation_forms": "forced_labour begging",
        "recruitment_fees_paid": "no",
        "narrative": "Żebranie pod przymusem w Łodzi; zabrano dokumenty.",
        "legal_basis": "consent",
        "victim/sex": "male",
        "victim/age": "17",
        "victim/citizenship": "RO",
        "victim/means_of_control": "threats_of_violence",
        "victim/currency": "PLN",
        "identifiers/full_name": "Łukasz Żółkiewski",
        "identifiers/date_of_birth": "2007-02-11",
        "indicators/purpose__begging": "observed",
        "indicators/means__threat": "observed",
        "indicators/act__recruitment": "unknown",
    },
)
SUBMISSIONS = [FINNISH, ESTONIAN, POLISH]
RAW_IDENTIFIERS = [
    "Päivi",
    "Jääskeläinen",
    "020589-924R",
    "1989-05-02",
    "Jõgi",
    "39003170266",
    "1990-03-17",
    "Żółkiewski",
    "2007-02-11",
    "TSH-2023-118",
    *(s.uuid for s in SUBMISSIONS),
]

Cell = Callable[[Submission], str]


def _answer(question: Question) -> Cell:
    return lambda s: s.answers.get(question.path, "")


def _ticked(question: Question, code: str) -> Cell:
    # The column a tool adds for one choice of a select-many question.
    def cell(s: Submission) -> str:
        answer = s.answers.get(question.path, "")
        return ("1" if code in answer.split() else "0") if answer else ""

    return cell


def _columns(
    header: Callable[[Question], str], choice_separator: str
) -> list[tuple[str, Cell]]:
    columns: list[tuple[str, Cell]] = []
    for question in _questions():
        named = header(question)
        columns.append((named, _answer(question)))
        if question.type.startswith("select_multiple"):
            columns += [
                (f"{named}{choice_separator}{code}", _ticked(question, code))
                for code in _choices(question)
            ]
    return columns


def _kobo_columns(groups: bool) -> list[tuple[str, Cell]]:
    header = (lambda q: q.path) if groups else (lambda q: q.name)
    return [
        *_columns(header, "/"),
        ("_id", lambda s: str(int(s.uuid[-2:]) + 4100)),
        ("_uuid", lambda s: s.instance),
        ("_submission_time", lambda s: "2024-07-01T09:30:12"),
        ("_validation_status", lambda s: ""),
        ("_status", lambda s: "submitted_via_web"),
        ("__version__", lambda s: "vGq3bZ9xKj2LmN"),
        ("_index", lambda s: s.uuid[-1]),
    ]


def _odk_columns() -> list[tuple[str, Cell]]:
    return [
        ("SubmissionDate", lambda s: "2024-07-01T09:30:12.412Z"),
        *_columns(lambda q: q.path.replace("/", "-"), "/"),
        ("meta-instanceID", lambda s: f"uuid:{s.instance}"),
        ("KEY", lambda s: f"uuid:{s.uuid}"),
        ("SubmitterID", lambda s: "7"),
        ("SubmitterName", lambda s: "Kenttätyö"),
        ("AttachmentsPresent", lambda s: "0"),
        ("AttachmentsExpected", lambda s: "0"),
        ("Status", lambda s: ""),
        ("ReviewState", lambda s: "edited" if s.edits else ""),
        ("DeviceID", lambda s: "collect:Xq8p2"),
        ("Edits", lambda s: str(s.edits)),
        ("FormVersion", lambda s: _form()["settings"][0]["version"]),
    ]


def _csv(columns: list[tuple[str, Cell]], delimiter: str) -> Callable:
    def write(path: Path, submissions: list[Submission]) -> None:
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, delimiter=delimiter)
            writer.writerow([header for header, _cell in columns])
            for submission in submissions:
                writer.writerow([cell(submission) for _header, cell in columns])

    return write


def _kobo_json(path: Path, submissions: list[Submission]) -> None:
    # The API leaves out the questions a submission did not answer.
    results = [
        {
            **{q: a for q, a in s.answers.items() if a},
            "_id": int(s.uuid[-2:]) + 4100,
            "formhub/uuid": "1f2e3d4c5b6a49788796a5b4c3d2e1f0",
            "__version__": "vGq3bZ9xKj2LmN",
            "meta/instanceID": f"uuid:{s.instance}",
            "meta/rootUuid": f"uuid:{s.uuid}",
            "_uuid": s.instance,
            "_attachments": [],
            "_geolocation": [None, None],
            "_tags": [],
            "_validation_status": {},
            "_submitted_by": None,
        }
        for s in submissions
    ]
    document = {"count": len(results), "next": None, "previous": None}
    path.write_text(
        json.dumps({**document, "results": results}, ensure_ascii=False),
        encoding="utf-8",
    )


@dataclass(frozen=True)
class Shape:
    """An export: the profile for it, how it is written and how it is named."""

    profile: str
    suffix: str
    write: Callable[[Path, list[Submission]], None]
    reference: Callable[[Submission], str]
    column: Callable[[Question], str]
    # Where a person finds the first submission: a CSV line, a JSON item.
    first_row: int
    follows_edits: bool = True


KOBO_CSV = Shape(
    "kobo-case",
    "csv",
    _csv(_kobo_columns(groups=True), ";"),
    lambda s: s.instance,
    lambda q: q.path,
    first_row=2,
    # KoboToolbox's CSV holds only _uuid, which an edit changes.
    follows_edits=False,
)
SHAPES = {
    "kobo-csv": KOBO_CSV,
    "kobo-csv-without-groups": replace(
        KOBO_CSV, write=_csv(_kobo_columns(groups=False), ";"), column=lambda q: q.name
    ),
    "odk-csv": Shape(
        "odk-case",
        "csv",
        _csv(_odk_columns(), ","),
        lambda s: f"uuid:{s.uuid}",
        lambda q: q.name,
        first_row=2,
    ),
    "kobo-json": Shape(
        "kobo-case-json",
        "json",
        _kobo_json,
        lambda s: f"uuid:{s.uuid}",
        lambda q: q.name,
        first_row=1,
    ),
}
FOLLOWING_EDITS = [name for name, shape in SHAPES.items() if shape.follows_edits]


@pytest.fixture(params=SHAPES)
def shape(request) -> Shape:
    return SHAPES[request.param]


def _export(folder: Path, shape: Shape, submissions: list, name: str = "export"):
    path = folder / f"{name}.{shape.suffix}"
    shape.write(path, submissions)
    return path


def _run(ws, profile: Profile, path: Path) -> ImportRun:
    request = pipeline.Request(
        factories.actor(ws.user("analyst")), ws.owner, profile, path, path.name
    )
    return pipeline.run(request)


def _import(ws, shape: Shape, path: Path) -> ImportRun:
    return _run(ws, library.shipped()[shape.profile], path)


def _case(ws, shape: Shape, submission: Submission) -> Case:
    reference = pseudonym(ws.owner.pseudonym_key, shape.reference(submission), "source")
    return Case.objects.get(owner=ws.owner, source_reference=reference)


def _document(case: Case) -> dict:
    return documents.as_input(documents.whole(Case.objects).get(pk=case.pk))


def _observations(document: dict) -> set[tuple[str, str, str]]:
    return {(o["indicator"], o["stage"], o["status"]) for o in document["observations"]}


# Importing the exports


def test_the_finnish_submission_becomes_its_case(ws, tmp_path, shape):
    run = _import(ws, shape, _export(tmp_path, shape, SUBMISSIONS))

    assert (run.status, run.cases_created, run.problem_count) == ("committed", 3, 0)
    stored = _document(_case(ws, shape, FINNISH))
    stored["exploitation_forms"].sort()
    expected = {
        "country": "FI",
        "region": "FI1B1",
        "source_kind": "labour_inspection",
        "exploitation_began": date(2023, 4, 1),
        "exploitation_ended": date(2023, 9, 30),
        "identified_on": date(2023, 10, 2),
        "registered_on": date(2023, 10, 5),
        "sector": "nace_a",
        "occupation": "isco_9",
        "exploitation_forms": ["forced_labour", "labour_exploitation"],
        "recruitment_country": "UA",
        "recruitment_channel": "social_media",
        "recruitment_fees_paid": True,
        "narrative": FINNISH.answers["narrative"],
        "legal_basis": "gdpr_6_1_e",
        "retention_until": date(2033, 12, 31),
    }
    assert {name: stored[name] for name in expected} == expected
    (victim,) = stored["persons"]
    del victim["id"]
    assert victim == {
        "role": "victim",
        "sex": "female",
        "age_min": 34,
        "age_max": 34,
        "citizenship": "UA",
        "residence_status": "permit_work",
        "trafficking_status": "presumed_victim",
        "recruiter_relationship": "agency",
        "means_of_control": ["debt_bondage", "withheld_documents"],
        "penalised": False,
        "currency": "EUR",
        "compensation_claimed": Decimal("1250.50"),
        "compensation_awarded": None,
        "wages_recovered": None,
        "decisions": [],
        "legal_events": [],
        "assistance": [],
    }
    # The indicator answered unknown is not stored, as on the checklist page.
    assert _observations(stored) == {
        ("dr.wages", "recruitment", "observed"),
        ("cd.documents", "destination", "observed"),
        ("ex.excessive_hours", "destination", "not_observed"),
    }


def test_the_estonian_and_polish_submissions_become_their_cases(ws, tmp_path, shape):
    _import(ws, shape, _export(tmp_path, shape, SUBMISSIONS))

    estonian = _document(_case(ws, shape, ESTONIAN))
    polish = _document(_case(ws, shape, POLISH))

    assert (estonian["country"], estonian["region"], estonian["sector"]) == (
        "EE",
        "EE001",
        "nace_f",
    )
    assert estonian["recruitment_fees_paid"] is None  # not answered
    (victim,) = estonian["persons"]
    assert (victim["age_min"], victim["age_max"], victim["penalised"]) == (18, 20, True)
    assert victim["means_of_control"] == [
        "withheld_earnings",
        "threats_of_denunciation",
    ]
    assert _observations(estonian) == {
        ("rv.economic_reasons", "recruitment", "observed"),
        ("cd.withholding_wages", "destination", "observed"),
        ("coe.withheld_wages", "destination", "not_observed"),
    }
    assert sorted(polish["exploitation_forms"]) == ["begging", "forced_labour"]
    assert polish["narrative"] == POLISH.answers["narrative"]
    (victim,) = polish["persons"]
    assert (victim["sex"], victim["age_min"], victim["currency"]) == ("male", 17, "PLN")
    assert _observations(polish) == {
        ("purpose.begging", "destination", "observed"),
        ("means.threat", "destination", "observed"),
    }


def test_the_victims_get_pseudonyms_and_no_raw_identifier_is_stored(
    ws, tmp_path, shape
):
    run = _import(ws, shape, _export(tmp_path, shape, SUBMISSIONS))

    key = ws.owner.pseudonym_key
    found = {
        submission.uuid: _case(ws, shape, submission).persons.get().pseudonym
        for submission in SUBMISSIONS
    }
    # A personal code makes the pseudonym; without one, the name and birth date.
    assert found == {
        FINNISH.uuid: pseudonym(key, "020589-924R", "person"),
        ESTONIAN.uuid: pseudonym(key, "39003170266", "person"),
        POLISH.uuid: pseudonym(key, "Łukasz Żółkiewski\x1f2007-02-11", "person"),
    }
    stored = json.dumps(
        [
            *Case.stored.values(),
            *ExploitationForm.objects.values(),
            *Person.objects.values(),
            *Observation.objects.values(),
            *ImportRun.objects.filter(pk=run.pk).values(),
            *ImportProblem.objects.values(),
            *AuditEntry.objects.values(),
        ],
        default=str,
        ensure_ascii=False,
    )
    assert [raw for raw in RAW_IDENTIFIERS if raw in stored] == []


def test_importing_the_same_export_again_changes_nothing(ws, tmp_path, shape):
    path = _export(tmp_path, shape, SUBMISSIONS)
    _import(ws, shape, path)
    versions = dict(Case.objects.values_list("pk", "version"))

    again = _import(ws, shape, path)

    assert (again.status, again.cases_created, again.cases_updated) == (
        "committed",
        0,
        0,
    )
    assert again.cases_unchanged == 3
    assert dict(Case.objects.values_list("pk", "version")) == versions


@pytest.mark.parametrize("shape", FOLLOWING_EDITS, indirect=True)
def test_an_edited_submission_updates_its_case_audited(ws, tmp_path, shape):
    _import(ws, shape, _export(tmp_path, shape, SUBMISSIONS))
    answers = {
        **ESTONIAN.answers,
        "sector": "nace_a",
        "indicators/cd__withholding_wages": "not_observed",
    }
    edited = replace(ESTONIAN, answers=answers, edits=1)

    run = _import(ws, shape, _export(tmp_path, shape, [FINNISH, edited, POLISH], "v2"))

    assert (run.cases_created, run.cases_updated, run.cases_unchanged) == (0, 1, 2)
    case = _case(ws, shape, edited)
    assert (case.sector, case.version) == ("nace_a", 2)
    changed = Observation.objects.get(case=case, indicator="cd.withholding_wages")
    assert changed.status == "not_observed"
    update = AuditEntry.objects.get(action="case_updated")
    assert update.object_id == str(case.pk) and "sector" in update.detail["fields"]


def test_an_unknown_code_is_reported_by_row_and_column_and_nothing_is_stored(
    ws, tmp_path, shape
):
    wrong = replace(ESTONIAN, answers={**ESTONIAN.answers, "victim/citizenship": "XX"})

    run = _import(ws, shape, _export(tmp_path, shape, [FINNISH, wrong, POLISH]))

    assert run.status == "refused"
    (problem,) = run.problems.all()
    citizenship = Question(xlsform.VICTIM, "citizenship", "select_one citizenship")
    assert (problem.row, problem.column, problem.value) == (
        shape.first_row + 1,
        shape.column(citizenship),
        "XX",
    )
    assert "AD" in problem.accepted.split(", ")  # the codes accepted
    assert not Case.stored.exists() and not Person.objects.exists()


# Forms whose groups were renamed between versions

RENAMED_GROUPS = """
name: kobo-renamed-groups
format: {kind: kobo_json, group_separator: /}
reference: rootUuid
defaults: {country: FI, source_kind: ngo, legal_basis: consent}
fields:
  registered_on: {column: today, dates: ["%Y-%m-%d"]}
  person.sex: {column: hh_sex, values: {"1": male, "2": female}}
identifiers:
  full_name: full_name
"""


def test_submissions_read_alike_whatever_their_group_was_named(ws):
    path = shared_file("data/kobo/robotoolbox_fixture_kobo_data_group_names.json")

    run = _run(ws, parse(RENAMED_GROUPS, "renamed-groups.yaml"), path)

    assert (run.status, run.cases_created, run.problem_count) == ("committed", 6, 0)
    # hh_sex was asked in the groups v1 (three), v2 (two) and v0 (one).
    sexes = {
        "Ahmadou": "male",
        "Ali": "male",
        "Fatma": "female",
        "Lebron": "male",
        "Jeanne": "female",
        "Coco Laye": "male",
    }
    key = ws.owner.pseudonym_key
    stored = dict(Person.objects.values_list("pseudonym", "sex"))
    assert stored == {pseudonym(key, n, "person"): s for n, s in sexes.items()}
    days = set(Case.objects.values_list("registered_on", flat=True))
    assert days == {date(2023, 5, 18), date(2023, 5, 22)}
    assert "Ahmadou" not in str(list(Person.objects.values()))
