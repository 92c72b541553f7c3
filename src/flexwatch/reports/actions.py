"""Making a report for a person: rights checked, built, written, audited.

The command line (and, later, the web pages) call ``make``. A report holds
only disclosure-controlled figures, but it still describes victims of crime,
so it is made only by people who may run statistics (the ``analyse``
capability, as for deliveries) and only from the cases they may see there.
Files appear whole or not at all, and each report is written to the audit
trail with its parameters and how much it counted, never a cell's value.
"""

import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from flexwatch.accounts import audit
from flexwatch.accounts.models import User
from flexwatch.accounts.scoping import scope_for
from flexwatch.cases import export
from flexwatch.law import store
from flexwatch.reports import content, render
from flexwatch.reports.sections import RequestError
from flexwatch.stats import frames, population

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


class ReportRefused(Exception):
    """The person may not make this report, or it cannot be made as asked."""


@dataclass(frozen=True)
class Made:
    """What was written: the files and how much the report counted."""

    files: tuple[Path, ...]
    tables: int
    suppressed: int
    pages: int | None


def make(
    user: User,
    request: content.Request,
    *,
    pdf: Path | None = None,
    html: Path | None = None,
    progress: Progress | None = None,
) -> Made:
    """Build the report ``request`` asks for and write it to ``pdf``/``html``.

    Raises:
        ReportRefused: the person may not run statistics, the request or an
            output path cannot be used. Nothing is written.
        OSError: a file cannot be written; nothing is left half-written.
    """
    step = progress or (lambda _: None)
    _check_outputs(pdf, html)
    try:
        request.check()
    except RequestError as problem:
        raise ReportRefused(str(problem)) from problem
    scope = scope_for(user)
    if not export.may_export(scope):
        raise ReportRefused(
            f"{user.username} may not run statistics in any organisation."
        )

    step("reading the cases")
    shown = export.export_scope(scope)
    read = content.Frames(
        frames.victims(shown),
        frames.proceedings(shown),
        frames.assistance(shown),
        frames.observations(shown),
        frames.cases(shown),
        # The law as the case page weighs it: the files and added versions.
        law=store.current_book(),
    )
    denominators = population.load(Path(settings.DATA_DIR) / "population")

    step("counting and protecting the tables")
    report = render.build(read, request, denominators)
    written, pages = _write(report, denominators, pdf, html, step)

    _audit(user, request, report, written, pages)
    return Made(tuple(written), len(report.tables), _suppressed(report), pages)


def _check_outputs(pdf: Path | None, html: Path | None) -> None:
    if pdf is None and html is None:
        raise ReportRefused("Name a file to write: --pdf, --html or both.")
    for path, suffix in ((pdf, ".pdf"), (html, ".html")):
        if path is None:
            continue
        if path.suffix.lower() != suffix:
            raise ReportRefused(f"{path}: name a {suffix} file.")
        if not path.parent.is_dir():
            raise ReportRefused(f"{path}: the folder {path.parent} does not exist.")
        if path.is_dir():
            raise ReportRefused(f"{path} is a folder; name a file.")
    if pdf is not None and html is not None and pdf.resolve() == html.resolve():
        raise ReportRefused("The PDF and the HTML file must differ.")


def _write(
    report: content.Report,
    denominators: population.Denominators,
    pdf: Path | None,
    html: Path | None,
    step: Progress,
) -> tuple[list[Path], int | None]:
    written, pages = [], None
    if html is not None:
        step("writing the HTML")
        _atomically(html, render.html(report, denominators).encode("utf-8"))
        written.append(html)
    if pdf is not None:
        step("laying out the PDF")
        document = render.html(report, denominators, for_print=True)
        data, pages = render.pdf_with_pages(document)
        _atomically(pdf, data)
        written.append(pdf)
    return written, pages


def _atomically(destination: Path, data: bytes) -> None:
    """Write ``data`` beside ``destination`` and move it into place at once."""
    descriptor, spool = tempfile.mkstemp(
        dir=destination.parent, prefix=f".{destination.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(spool, destination)
    finally:
        if os.path.exists(spool):
            os.unlink(spool)


def _suppressed(report: content.Report) -> int:
    return sum(len(p.suppressed) for p in report.protected.publications.values())


def _audit(
    user: User,
    request: content.Request,
    report: content.Report,
    written: list[Path],
    pages: int | None,
) -> None:
    # Parameters and sizes only: a cell's value never enters the trail.
    audit.record(
        "report_generated",
        actor_id=user.pk,
        detail={
            "kind": "comparative" if request.comparative else "national",
            "countries": list(request.countries),
            "from": request.first,
            "to": request.last,
            "language": request.language,
            "threshold": request.threshold,
            "include_synthetic": request.include_synthetic,
            "tables": len(report.tables),
            "suppressed": _suppressed(report),
            "pages": pages,
            "files": [path.name for path in written],
        },
    )
    log.info("Report written: %s", ", ".join(str(path) for path in written))
