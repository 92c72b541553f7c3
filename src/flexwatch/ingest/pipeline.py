"""An import from end to end: read, map, check every row, then store all or none.

The command line and the background job call ``run``. It reads the file once:
each row is mapped (its identifiers turned into pseudonyms and linkage keys
at once), checked with ``CaseIn`` and, unless the run only validates, written
in batches inside one transaction. A problem in any row rolls the whole
transaction back at the end, so the store is as it was and the report lists
every problem; ``skip_bad`` stores the good rows and reports the others.

A re-import finds its cases by the pseudonym of the source's reference: an
unchanged row leaves its case alone, a changed one saves it through
``cases.actions.save`` (versioned and audited).
"""

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from flexwatch.accounts import audit
from flexwatch.accounts.actions import ActionRefused, Actor
from flexwatch.accounts.models import Organisation
from flexwatch.cases import actions, bulk
from flexwatch.cases.models import Case, Person
from flexwatch.cases.record import CaseIn
from flexwatch.ingest import mapping, preparation, tuning
from flexwatch.ingest.models import PROBLEMS_KEPT, ImportProblem, ImportRun
from flexwatch.ingest.problems import Problem, ReadError
from flexwatch.ingest.profile import Profile
from flexwatch.ingest.readers import Table, open_table
from flexwatch.linkage import projects
from flexwatch.linkage.models import LinkageProject, PersonKey, ProjectMember

log = logging.getLogger(__name__)

BATCH = 500
# Below this size a file is prepared in the importing process: forking
# helpers would take longer than the rows.
HELPERS_FROM_BYTES = 2 * 2**20
# Cases written before PostgreSQL's statistics of them are first renewed.
ANALYSE_FROM = 5_000
Report = Callable[[int, int | None, str], None]


def _silent(done: int, total: int | None, message: str) -> None:
    """No progress to show (tests, the API)."""


@dataclass
class Request:
    actor: Actor
    owner: Organisation
    profile: Profile
    path: Path
    file_name: str
    dry_run: bool = False
    skip_bad: bool = False
    task_id: str = ""


class _Refused(Exception):
    """Ends the transaction so that nothing of the run is kept."""


@dataclass
class _Tally:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    empty: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add(self, found: list[Problem]) -> None:
        self.problem_count += len(found)
        room = PROBLEMS_KEPT - len(self.problems)
        self.problems.extend(problem.shown() for problem in found[:room])


def run(request: Request, report: Report = _silent) -> ImportRun:
    """Import one file by one profile; the returned run says what happened."""
    actions.require_editor(request.actor, request.owner.pk)
    record = ImportRun.objects.create(
        owner=request.owner,
        profile_name=request.profile.name,
        profile_version=request.profile.version,
        file_name=request.file_name[:200],
        dry_run=request.dry_run,
        skip_bad=request.skip_bad,
        started_by=request.actor.user,
        task_id=request.task_id,
    )
    tally = _Tally()
    try:
        with tuning.long_import():
            _import(request, record, tally, report)
    except ReadError as error:
        tally.add([error.problem])
        _finish(record, tally, ImportRun.Status.REFUSED, str(error.problem))
    except _Refused as refusal:
        _finish(record, tally, ImportRun.Status.REFUSED, str(refusal))
    except (ActionRefused, projects.ProjectError) as refusal:
        _finish(record, tally, ImportRun.Status.REFUSED, str(refusal))
    except Exception:
        log.exception("import run %s failed", record.pk)
        _finish(record, tally, ImportRun.Status.FAILED, _("An unexpected error."))
        raise
    return record


def _import(request: Request, record: ImportRun, tally: _Tally, report: Report) -> None:
    profile = request.profile
    with open_table(request.path, profile.format, name=request.file_name) as table:
        record.file_sha256 = table.sha256
        member = _member(request)
        keys = mapping.Keys(
            request.owner.pseudonym_key, member.secret if member else None
        )
        mapper = mapping.Mapper(profile, table.columns, keys, request.file_name)
        if missing := mapper.missing():
            tally.add(_missing(missing, request.file_name))
            raise _Refused(_("The file lacks columns the profile reads."))
        if not request.dry_run:
            _refuse_keyless_repeat(request, record)

        rows = _prepared(request, table, mapper, keys)
        writer = _Writer(request, record, tally)
        writer.project = member.project if member else None

        def progress(message: str) -> None:
            report(rows.position, table.size, message)

        if request.dry_run:
            writer.check(rows, progress)
            tally.empty = rows.empty_rows
            _finish(record, tally, ImportRun.Status.VALIDATED, "")
        else:
            with transaction.atomic():
                writer.write(rows, progress)
                tally.empty = rows.empty_rows
                if tally.problem_count and not request.skip_bad:
                    raise _Refused(_("Some rows have problems: nothing was stored."))
                _audit(request, record, tally)
                _finish(record, tally, ImportRun.Status.COMMITTED, "", save=False)
                record.save()
    report(table.size, table.size, _("Done."))


def _prepared(
    request: Request, table: Table, mapper: mapping.Mapper, keys: mapping.Keys
) -> preparation.Rows:
    """The file's rows, prepared by helper processes when that pays."""
    profile = request.profile
    helpers = settings.IMPORT_HELPERS if preparation.can_help() else 0
    # Rows of one person are grouped across the whole file: one process.
    if helpers and profile.rows == "case" and table.size >= HELPERS_FROM_BYTES:
        job = preparation.Job(
            request.path, profile.format, request.file_name, profile, keys
        )
        return preparation.Helpers(job, helpers)
    drafts: Iterator[mapping.Draft] = (mapper.draft(row) for row in table.rows())
    if profile.rows == "person":
        drafts = mapping.grouped(drafts)
    preparer = preparation.Preparer(mapper, keys, request.file_name)
    return preparation.InProcess(table, drafts, preparer)


def _member(request: Request) -> ProjectMember | None:
    slug = request.profile.linkage
    return projects.member_of(request.owner, slug) if slug else None


def _missing(columns: list[str], file: str) -> list[Problem]:
    return [
        Problem(1, column, "", _("The file has no such column."), "", file)
        for column in columns
    ]


def _refuse_keyless_repeat(request: Request, record: ImportRun) -> None:
    # Without a reference nothing tells a re-imported row from a new case.
    if request.profile.reference_columns:
        return
    earlier = ImportRun.objects.filter(
        owner=request.owner,
        profile_name=request.profile.name,
        file_sha256=record.file_sha256,
        status=ImportRun.Status.COMMITTED,
    ).first()
    if earlier is not None:
        raise _Refused(
            _(
                "This file was imported on %(date)s with the profile %(profile)s, "
                "which names no reference column: importing it again would "
                "store every case twice."
            )
            % {"date": earlier.started_at.date(), "profile": request.profile.name}
        )


class _Writer:
    """Tallies prepared rows and writes them in batches."""

    def __init__(self, request: Request, record: ImportRun, tally: _Tally) -> None:
        self.request = request
        self.record = record
        self.tally = tally
        self.flags = {
            "is_synthetic": not request.profile.is_official,
            "import_run_id": record.pk,
        }
        self.project: LinkageProject | None = None
        self.analyse_at = ANALYSE_FROM

    def check(
        self, rows: Iterable[preparation.Prepared], progress: Callable[[str], None]
    ) -> None:
        for row in rows:
            self._checked(row)
            if self.tally.rows % BATCH == 0:
                progress(_("Checking rows"))

    def write(
        self, rows: Iterable[preparation.Prepared], progress: Callable[[str], None]
    ) -> None:
        batch: list[tuple[preparation.Prepared, CaseIn]] = []
        for row in rows:
            data = self._checked(row)
            if data is not None:
                batch.append((row, data))
            if len(batch) >= BATCH:
                self._store(batch)
                batch = []
                progress(_("Checking and storing rows"))
        self._store(batch)

    def _checked(self, row: preparation.Prepared) -> CaseIn | None:
        self.tally.rows += len(row.draft.rows)
        if row.data is None:
            self.tally.add(row.draft.problems)
            self.tally.skipped += len(row.draft.rows)
        return row.data

    def _store(self, batch: list[tuple[preparation.Prepared, CaseIn]]) -> None:
        if not batch:
            return
        self._refresh_statistics()
        stored = self._stored([row.reference for row, _data in batch])
        new: list[tuple[mapping.Draft, bulk.NewCase]] = []
        in_batch: set[str] = set()
        for row, data in batch:
            draft, reference = row.draft, row.reference
            if reference and reference in in_batch:
                self._repeated(draft)
                continue
            in_batch.add(reference)
            found = stored.get(reference) if reference else None
            if found is None:
                flags = {**self.flags, "import_digest": row.digest}
                item = bulk.NewCase(
                    data, reference, _pseudonyms(draft), flags, row.continuum
                )
                new.append((draft, item))
            elif found.import_run_id == self.record.pk:
                self._repeated(draft)
            elif found.import_digest == row.digest:
                self.tally.unchanged += 1
            else:
                self._update(found, draft, data, row.digest)
        self._create(new)

    def _refresh_statistics(self) -> None:
        # PostgreSQL plans the look-up by the case table's statistics, which
        # know nothing of the rows this transaction wrote: once those are
        # most of the table, each batch's look-up reads all of it. ANALYZE
        # inside the transaction counts them, from a sample of at most
        # 30,000 rows; repeated as the import grows fourfold.
        if connection.vendor != "postgresql" or self.tally.created < self.analyse_at:
            return
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{Case._meta.db_table}"')
        self.analyse_at *= 4

    def _stored(self, references: list[str]) -> dict[str, Case]:
        named = [r for r in references if r]
        if not named:
            return {}
        # By the references alone, through their index. With the owner in the
        # query too, a planner without statistics of the rows this import
        # has just written (PostgreSQL, inside its transaction) or without
        # any (SQLite, given the model's ordering) walks all of the owner's
        # cases instead, and an import of a million rows slows down as it
        # grows. The owner and deletion are checked here; a pseudonym keyed
        # with another organisation's secret would not match anyway.
        cases = (
            Case.stored.filter(source_reference__in=named)
            .order_by()
            .only(
                "id",
                "owner",
                "source_reference",
                "import_digest",
                "import_run",
                "version",
                "deleted_at",
            )
        )
        owner = self.request.owner.pk
        return {
            c.source_reference: c
            for c in cases
            if c.owner_id == owner and c.deleted_at is None
        }

    def _repeated(self, draft: mapping.Draft) -> None:
        columns = ", ".join(self.request.profile.reference_columns)
        self.tally.add(
            [
                Problem(
                    draft.row,
                    columns,
                    "",
                    _("The reference repeats an earlier row of the file."),
                    "",
                    self.request.file_name,
                )
            ]
        )
        self.tally.skipped += len(draft.rows)

    def _create(self, new: list[tuple[mapping.Draft, bulk.NewCase]]) -> None:
        if not new:
            return
        persons = bulk.create_many(
            self.request.actor, self.request.owner, [n for _, n in new]
        )
        if self.project is not None:
            bulk.insert(
                PersonKey,
                (
                    {
                        "person_id": person_id,
                        "project_id": self.project.pk,
                        "kind": key.kind,
                        "digest": key.digest,
                    }
                    for (draft, _item), ids in zip(new, persons, strict=True)
                    for person_id, made in zip(ids, draft.persons, strict=False)
                    for key in made.linkage
                ),
            )
        self.tally.created += len(new)

    def _update(
        self, case: Case, draft: mapping.Draft, data: CaseIn, digest: str
    ) -> None:
        saved = actions.save(self.request.actor, case, data, case.version)
        saved.import_run = self.record
        saved.import_digest = digest
        saved.is_synthetic = not self.request.profile.is_official
        saved.save(update_fields=["import_run", "import_digest", "is_synthetic"])
        rows = list(Person.objects.filter(case=saved).order_by("id"))
        for person, made in zip(rows, draft.persons, strict=False):
            person.pseudonym = made.pseudonym
            person.save(update_fields=["pseudonym"])
            if self.project is not None:
                projects.store_keys(person, self.project, made.linkage)
        self.tally.updated += 1


def _pseudonyms(draft: mapping.Draft) -> list[str]:
    return [keys.pseudonym for keys in draft.persons]


def _audit(request: Request, record: ImportRun, tally: _Tally) -> None:
    audit.record(
        "cases_imported",
        actor_id=request.actor.user.pk,
        organisation_id=request.owner.pk,
        obj=record,
        remote_addr=request.actor.remote_addr,
        detail={
            "profile": request.profile.name,
            "file_sha256": record.file_sha256,
            "created": tally.created,
            "updated": tally.updated,
            "unchanged": tally.unchanged,
            "skipped": tally.skipped,
        },
    )


def _finish(
    record: ImportRun, tally: _Tally, status: str, message: str, *, save: bool = True
) -> None:
    record.status = status
    record.message = message[:500]
    record.rows_read = tally.rows
    record.cases_created = tally.created if status == ImportRun.Status.COMMITTED else 0
    record.cases_updated = tally.updated if status == ImportRun.Status.COMMITTED else 0
    record.cases_unchanged = tally.unchanged
    record.rows_skipped = tally.skipped
    record.rows_empty = tally.empty
    record.problem_count = tally.problem_count
    record.finished_at = timezone.now()
    if save:
        record.save()
    ImportProblem.objects.bulk_create(
        (
            ImportProblem(
                run=record,
                row=p.row,
                column=p.column[:200],
                value=p.value[:200],
                problem=p.problem[:500],
                accepted=p.accepted,
            )
            for p in tally.problems
        ),
        batch_size=2000,
    )
    log.info(
        "import %s of %s: %s, %s rows, %s problems",
        record.pk,
        record.profile_name,
        status,
        tally.rows,
        tally.problem_count,
    )
