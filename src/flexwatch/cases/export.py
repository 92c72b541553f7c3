"""Exporting cases as CSV, XLSX, Parquet or HTCDS 2.0 CSV; docs/export.md.

``run`` is what the command line and the background job both call. An
export is for a person who may run statistics and exports (the ``analyse``
capability: admins and analysts). It holds the cases of the organisations
where they have that role and the cases shared with their organisations,
each as they may see it (``cases.tables``). Sensitive fields go out only when
asked for and only from owners where the person's role reads them; every
export that carried some writes a ``sensitive_exported`` entry to the audit
trail for each owner, naming its cases. The file appears whole or not at all.
"""

import contextlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from flexwatch import files
from flexwatch.accounts import audit
from flexwatch.accounts.models import User
from flexwatch.accounts.roles import capabilities
from flexwatch.accounts.scoping import Scope, scope_for
from flexwatch.cases import listing, person_tables, tables, writers
from flexwatch.cases.models import Case

log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "parquet", "htcds")
TABLES = ("cases", "persons", "observations")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet", "htcds": ".csv"}
BINARY = ("xlsx", "parquet")
# How the audit trail names the sensitive fields each table carries.
SENSITIVE = {"cases": ["narrative"], "observations": ["observations.evidence"]}

Progress = Callable[[int, int | None, str], None]
_BUILDERS: dict[str, Callable[[tables.Reader, QuerySet[Case]], tables.Table]] = {
    "cases": tables.cases_table,
    "persons": person_tables.persons_table,
    "observations": tables.observations_table,
    "htcds": person_tables.htcds_table,
}


class ExportRefused(Exception):
    """The export cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Request:
    """What to export.

    ``filters`` are those of the case list (``listing.FILTERS``: country,
    year, sector, form, source_kind, continuum). HTCDS has one row per victim,
    so ``table`` does not apply to it.
    """

    format: str
    table: str = "cases"
    filters: Mapping[str, Any] = field(default_factory=dict)
    sensitive: bool = False

    @property
    def table_built(self) -> str:
        return "htcds" if self.format == "htcds" else self.table

    def chosen_filters(self) -> dict[str, Any]:
        return {k: v for k, v in self.filters.items() if v not in (None, "")}


@dataclass(frozen=True)
class Summary:
    """What an export wrote: rows, and cases whose sensitive fields went out."""

    rows: int
    disclosed: int


def export_scope(scope: Scope) -> Scope:
    """The part of ``scope`` an export covers.

    That is the organisations where the person may run exports, and the
    records shared with the person's organisations.
    """
    roles = {o: role for o, role in scope.roles.items() if capabilities(role).analyse}
    return Scope(scope.user_id, roles, scope.grants if roles else {})


def may_export(scope: Scope) -> bool:
    """Whether a person with ``scope`` may export anything at all."""
    return bool(scope.organisations_where("analyse"))


def may_export_sensitive(scope: Scope) -> bool:
    """Whether an export by a person with ``scope`` may carry sensitive fields."""
    return bool(export_scope(scope).organisations_where("read_sensitive"))


def _check(request: Request) -> None:
    for value, allowed in ((request.format, FORMATS), (request.table, TABLES)):
        if value not in allowed:
            raise ExportRefused(
                _("%(value)r is not one of %(allowed)s.")
                % {"value": value, "allowed": ", ".join(allowed)}
            )


def _check_destination(request: Request, destination: str) -> None:
    if request.format in BINARY and destination == files.STDIO:
        raise ExportRefused(
            _("%(format)s is a binary format: give a file to write, not -.")
            % {"format": request.format.upper()}
        )


def prepare(user: User, request: Request) -> tuple[tables.Reader, tables.Table]:
    """The reader and the table of an export, or the reason it is refused.

    Raises:
        ExportRefused: an unknown format or table, a person who may not
            export (or not the sensitive fields asked for), or too many rows
            for XLSX.
    """
    _check(request)
    scope = export_scope(scope_for(user))
    if not scope.roles:
        raise ExportRefused(
            _("Exports are made by admins and analysts; you hold neither role.")
        )
    if request.sensitive and not scope.organisations_where("read_sensitive"):
        raise ExportRefused(_("Your roles do not let you read sensitive fields."))

    reader = tables.Reader(scope, request.sensitive and request.format != "htcds")
    visible = scope.visible(Case.objects.all())
    cases = listing.filtered(visible, dict(request.filters))
    table = _BUILDERS[request.table_built](reader, cases)
    if request.format == "xlsx" and table.total > writers.XLSX_MAX_ROWS:
        raise ExportRefused(
            _(
                "This export has %(rows)s rows; an XLSX sheet holds %(most)s. "
                "Choose CSV or Parquet, or narrow the filters."
            )
            % {"rows": table.total, "most": writers.XLSX_MAX_ROWS}
        )
    return reader, table


def run(
    user: User,
    request: Request,
    destination: str,
    *,
    remote_addr: str | None = None,
    progress: Progress | None = None,
) -> Summary:
    """Write the export to ``destination`` (``-``: standard output, text only).

    The file appears only once every row is written and the audit entries
    are recorded: an export that fails while reading or writing leaves
    neither file nor entry.

    Raises:
        ExportRefused: see ``prepare``; or a binary format to standard output.
    """
    _check_destination(request, destination)
    reader, table = prepare(user, request)
    counter = _Counter(table.total, progress or (lambda done, total, message: None))
    chunks = counter.counted(table.chunks())

    with _written(request.format, destination) as target:
        _write(request.format, target, table, chunks)
        _audit(user, request, reader, remote_addr)

    disclosed = sum(map(len, reader.disclosed.values()))
    log.info(
        "exported %s rows of %s as %s; sensitive fields of %s cases",
        counter.done,
        table.name,
        request.format,
        disclosed,
    )
    return Summary(counter.done, disclosed)


class _Counter:
    def __init__(self, total: int, progress: Progress) -> None:
        self.total = total
        self.progress = progress
        self.done = 0

    def counted(self, chunks: tables.Chunks) -> tables.Chunks:
        self.progress(0, self.total, "")
        for chunk in chunks:
            yield chunk
            self.done += len(chunk)
            self.progress(self.done, self.total, "")


@contextlib.contextmanager
def _written(fmt: str, destination: str) -> Iterator[Any]:
    """A text stream or a spool path that becomes ``destination`` at the end."""
    if fmt not in BINARY:
        with files.all_or_nothing(destination) as stream:
            yield stream
        return

    folder = os.path.dirname(os.path.abspath(destination))
    handle, spool = tempfile.mkstemp(
        dir=folder, prefix=".flexwatch-", suffix=SUFFIXES[fmt]
    )
    os.close(handle)
    try:
        yield spool
        os.replace(spool, destination)
    finally:
        if os.path.exists(spool):
            os.unlink(spool)


def _write(fmt: str, target: Any, table: tables.Table, chunks: tables.Chunks) -> None:
    if fmt == "xlsx":
        writers.write_xlsx(target, table.columns, chunks, sheet=table.name)
    elif fmt == "parquet":
        writers.write_parquet(target, table.columns, chunks)
    else:
        writers.write_csv(target, table.columns, chunks)


def _audit(
    user: User, request: Request, reader: tables.Reader, remote_addr: str | None
) -> None:
    for owner, case_ids in sorted(reader.disclosed.items()):
        audit.record(
            "sensitive_exported",
            actor_id=user.pk,
            organisation_id=owner,
            remote_addr=remote_addr,
            detail={
                "fields": SENSITIVE[request.table],
                "format": request.format,
                "table": request.table,
                "filters": request.chosen_filters(),
                "cases": sorted(case_ids),
            },
        )
