"""What ``flexwatch import`` does, apart from drawing its progress bar.

Resolves who imports for whom and by which profile, runs the pipeline, and
words the outcome; the same report CSV the Imports page offers.
"""

import csv
from collections.abc import Iterator
from io import TextIOBase
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model

from flexwatch.accounts.actions import Actor
from flexwatch.accounts.models import Organisation
from flexwatch.accounts.scoping import scope_for
from flexwatch.ingest import library, pipeline
from flexwatch.ingest.models import ImportProblem, ImportRun
from flexwatch.ingest.profile import ProfileError

REPORT_HEADER = ("file", "row", "column", "value", "problem", "accepted values")
SHOWN_PROBLEMS = 20


class CommandError(Exception):
    """The command cannot start: a wrong user, organisation, profile or path."""


def request(
    path: str,
    profile_name: str,
    username: str,
    organisation: str | None,
    *,
    dry_run: bool,
    skip_bad: bool,
) -> pipeline.Request:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"{path}: no such file.")
    actor, owner = acting(username, organisation)
    try:
        profile = library.find(owner, profile_name)
    except ProfileError as problem:
        raise CommandError(str(problem)) from problem
    return pipeline.Request(
        actor, owner, profile, file, file.name, dry_run=dry_run, skip_bad=skip_bad
    )


def acting(username: str, organisation: str | None) -> tuple[Actor, Organisation]:
    """The user as an actor, and the organisation they act for."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user {username!r}.")
    scope = scope_for(user)
    editable = Organisation.objects.filter(
        pk__in=scope.organisations_where("edit_records")
    )
    if organisation is not None:
        editable = editable.filter(name=organisation)
    chosen = list(editable[:2])
    if len(chosen) != 1:
        member_of = Organisation.objects.filter(pk__in=list(scope.roles))
        names = ", ".join(o.name for o in member_of) or "none"
        wanted = f" {organisation!r}" if organisation else ""
        raise CommandError(
            f"{username} may not import cases for one organisation{wanted}; "
            f"give --organisation, one whose records they edit (member of: {names})."
        )
    return Actor(user, scope), chosen[0]


def run(request: pipeline.Request, report: pipeline.Report) -> ImportRun:
    return pipeline.run(request, report)


def write_report(run: ImportRun, out: TextIOBase | TextIO) -> None:
    """The validation report as CSV: one line a problem."""
    csv.writer(out).writerows(report_rows(run))


def report_rows(run: ImportRun) -> Iterator[list[Any]]:
    """The validation report's header, then a row for each problem."""
    yield list(REPORT_HEADER)
    problems = ImportProblem.objects.filter(run=run).order_by("id")
    for problem in problems.iterator(2000):
        yield [
            run.file_name,
            problem.row or "",
            problem.column,
            problem.value,
            problem.problem,
            problem.accepted,
        ]


def summary(run: ImportRun) -> list[str]:
    """The outcome in a few lines, with the first problems."""
    lines = [
        f"{run.get_status_display()}: {run.rows_read} rows read, "
        f"{run.cases_created} cases created, {run.cases_updated} updated, "
        f"{run.cases_unchanged} unchanged, {run.rows_skipped} rows not stored, "
        f"{run.problem_count} problems."
    ]
    if run.rows_empty:
        lines.append(f"{run.rows_empty} empty rows (no cell filled) were passed over.")
    if run.message:
        lines.append(run.message)
    for problem in ImportProblem.objects.filter(run=run)[:SHOWN_PROBLEMS]:
        place = (
            f"row {problem.row}, {problem.column}" if problem.row else problem.column
        )
        value = f" ({problem.value!r})" if problem.value else ""
        lines.append(f"  {run.file_name}, {place}{value}: {problem.problem}")
    if run.problem_count > SHOWN_PROBLEMS:
        lines.append(
            f"  … and {run.problem_count - SHOWN_PROBLEMS} more (see --report)."
        )
    return lines
