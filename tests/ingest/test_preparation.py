"""Rows prepared by helper processes: the same import as in one process."""

import gc
import multiprocessing
import os

import pytest
from django.db import connection

from flexwatch.cases.models import Case
from flexwatch.cases.record import CaseIn
from flexwatch.ingest import pipeline, preparation
from flexwatch.ingest.mapping import Draft, PersonKeys
from flexwatch.ingest.models import ImportRun
from flexwatch.ingest.problems import Problem, ReadError
from flexwatch.linkage.keys import LinkageKey
from tests.ingest.test_pipeline import (
    PER_PERSON,
    ROWS,
    _problems,
    _run,
    _write,
)

pytestmark = pytest.mark.skipif(
    not preparation.can_help(), reason="helpers are forked: this system cannot fork"
)


@pytest.fixture
def helpers(settings, monkeypatch):
    """Imports of any size go through two helpers, in chunks of two rows."""
    settings.IMPORT_HELPERS = 2
    monkeypatch.setattr(pipeline, "HELPERS_FROM_BYTES", 0)
    monkeypatch.setattr(preparation, "CHUNK", 2)
    # And PostgreSQL's statistics are renewed after the first batch.
    monkeypatch.setattr(pipeline, "ANALYSE_FROM", 1)
    monkeypatch.setattr(pipeline, "BATCH", 3)


def _rows() -> list[list[str]]:
    """Eleven rows over six chunks, two with problems, one in an identifier."""
    rows = []
    for number in range(11):
        row = list(ROWS[number % 3])
        row[0] = f"TT-{number}"
        rows.append(row)
    rows[4][4] = "X"  # no such sex
    rows[7][1] = "31.02.2024"  # no such day
    return rows


def _stored() -> list[tuple]:
    cases = Case.objects.order_by("source_reference").prefetch_related("persons")
    return [
        (
            case.source_reference,
            case.import_digest,
            case.registered_on,
            case.sector,
            case.continuum,
            [(p.sex, p.age_min, p.pseudonym) for p in case.persons.all()],
        )
        for case in cases
    ]


def _tally(run: ImportRun) -> tuple:
    return (
        run.status,
        run.rows_read,
        run.cases_created,
        run.rows_skipped,
        run.rows_empty,
        run.problem_count,
    )


def _import_and_forget(ws, path, **options) -> tuple:
    run = _run(ws, path, **options)
    found = (_tally(run), _problems(run), _stored())
    Case.stored.all().delete()
    return found


def test_helpers_store_and_report_what_one_process_does(ws, tmp_path, settings):
    path = _write(tmp_path, _rows())
    settings.IMPORT_HELPERS = 0
    alone = _import_and_forget(ws, path, skip_bad=True)

    with pytest.MonkeyPatch.context() as patch:
        settings.IMPORT_HELPERS = 2
        patch.setattr(pipeline, "HELPERS_FROM_BYTES", 0)
        patch.setattr(preparation, "CHUNK", 2)
        patch.setattr(pipeline, "ANALYSE_FROM", 1)
        patch.setattr(pipeline, "BATCH", 3)
        helped = _import_and_forget(ws, path, skip_bad=True)

    assert helped == alone
    tally, problems, stored = helped
    assert tally == ("committed", 11, 9, 2, 0, 2)
    assert [row for row, _column, _value in problems] == [6, 9]
    assert len(stored) == 9


def test_a_dry_run_through_helpers_reports_every_problem(ws, tmp_path, helpers):
    run = _run(ws, _write(tmp_path, _rows()), dry_run=True)

    assert _tally(run) == ("validated", 11, 0, 2, 0, 2)
    assert _problems(run) == [(6, "Sex", "X"), (9, "Registered", "31.02.2024")]
    assert not Case.objects.exists()


def test_a_re_import_through_helpers_changes_nothing(ws, tmp_path, helpers):
    path = _write(tmp_path, _rows()[:6])
    first = _run(ws, path, skip_bad=True)
    stored = _stored()

    again = _run(ws, path, skip_bad=True)

    assert (first.cases_created, again.cases_created) == (5, 0)
    assert (again.cases_unchanged, again.cases_updated) == (5, 0)
    assert _stored() == stored


def test_a_fault_in_the_file_refuses_it_as_in_one_process(ws, tmp_path, helpers):
    path = _write(tmp_path, _rows(), name="broken.csv")
    with open(path, "a", encoding="utf-8") as out:
        out.write('TT-99,"01.01.2024,Maatalous\n')

    run = _run(ws, path)

    assert run.status == "refused" and "broken.csv" in run.message
    assert run.rows_read == 11
    assert not Case.objects.exists()
    assert multiprocessing.active_children() == []


def test_a_helper_that_dies_fails_the_import_and_stores_nothing(
    ws, tmp_path, helpers, monkeypatch
):
    # Forked, the helper runs this module's replacement.
    monkeypatch.setattr(preparation, "_help", lambda *args: os._exit(3))

    with pytest.raises(RuntimeError, match="helper process"):
        _run(ws, _write(tmp_path, _rows()))

    assert ImportRun.objects.get().status == "failed"
    assert not Case.objects.exists()
    assert multiprocessing.active_children() == []


def test_helpers_stop_when_the_store_fails(ws, tmp_path, helpers, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.bulk, "create_many", broken)

    with pytest.raises(OSError, match="disk full"):
        _run(ws, _write(tmp_path, _rows()))

    assert multiprocessing.active_children() == []
    assert not Case.objects.exists()


def test_rows_of_one_person_each_are_grouped_in_one_process(
    ws, tmp_path, helpers, monkeypatch
):
    def refused(*args, **kwargs):
        raise AssertionError("grouped rows went to helpers")

    monkeypatch.setattr(preparation, "Helpers", refused)
    path = tmp_path / "court.csv"
    path.write_text(
        "Judgement,Date,Role,Sex,Article,Stage,Outcome\n"
        "II K 1/22,2022-05-01,oskarżony,male,art. 189a,tried,convicted\n"
        "II K 1/22,2022-05-01,pokrzywdzony,female,,,\n",
        encoding="utf-8",
    )

    run = _run(ws, path, text=PER_PERSON)

    assert (run.status, run.cases_created) == ("committed", 1)
    assert Case.objects.get().persons.count() == 2


def _process_settings() -> tuple:
    cache = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
    return gc.get_threshold(), gc.get_freeze_count(), gc.isenabled(), cache


def test_the_process_is_set_back_after_an_import(ws, tmp_path, helpers, monkeypatch):
    before = _process_settings()
    during = []

    def watched(*args, **kwargs):
        during.append(_process_settings())
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.bulk, "create_many", watched)

    with pytest.raises(OSError):
        _run(ws, _write(tmp_path, _rows()[:3]))

    assert _process_settings() == before
    assert during and during[0] != before


def test_a_read_error_crosses_processes_whole():
    problem = Problem(7, "Name", "", "not UTF-8", "", "cases.csv")

    copied = multiprocessing.reduction.ForkingPickler.loads(
        multiprocessing.reduction.ForkingPickler.dumps(ReadError(problem))
    )

    assert isinstance(copied, ReadError)
    assert copied.problem == problem and str(copied) == str(problem)


def _draft(pseudonym: str, keys: list[LinkageKey]) -> Draft:
    return Draft([2], "TT-1", {}, [PersonKeys(pseudonym, keys)], [], {}, [2])


def test_the_digest_changes_with_the_record_and_the_keys_alone():
    record = CaseIn.model_validate(
        {
            "country": "FI",
            "source_kind": "police_investigation",
            "legal_basis": "gdpr_6_1_e",
        }
    )
    other = record.model_copy(update={"sector": "nace_a"})
    keys = [LinkageKey("name", "a1"), LinkageKey("token", "b2")]
    digest = preparation.digest

    assert digest(record, _draft("p", keys)) == digest(record, _draft("p", keys[::-1]))
    assert digest(record, _draft("p", keys)) != digest(other, _draft("p", keys))
    assert digest(record, _draft("p", keys)) != digest(record, _draft("q", keys))
    assert digest(record, _draft("p", keys)) != digest(record, _draft("p", keys[:1]))
