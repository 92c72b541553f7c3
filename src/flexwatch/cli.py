"""The `flexwatch` command: a thin shell over the library's functions."""

import getpass
import logging
import os
import sys
from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from flexwatch import __version__

app = typer.Typer(
    help="FLEX Watch: knowledge on trafficking for forced labour.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
retention_app = typer.Typer(
    help="Retention of case records past their date.", no_args_is_help=True
)
app.add_typer(retention_app, name="retention")
console = Console()
errors = Console(stderr=True)


def _django() -> None:
    """Load the settings and apps, turning a bad setting into a clear exit."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwatch.settings")
    import django

    from flexwatch.config import SettingError

    try:
        django.setup()
    except SettingError as problem:
        errors.print(f"[red]Setting refused:[/red] {problem}")
        raise typer.Exit(2) from problem


def _version(value: bool) -> None:
    if value:
        console.print(f"flexwatch {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version,
            is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")


@app.command()
def init() -> None:
    """Prepare the workspace: data folder, secret key, database tables.

    Example: [bold]flexwatch init[/bold]
    """
    _django()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    console.print(f"Workspace ready in {settings.DATA_DIR}")
    console.print(f"Database: {settings.DATABASES['default']['NAME']}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    threads: Annotated[int, typer.Option(help="Request threads.")] = 8,
) -> None:
    """Serve the web app with waitress.

    Example: [bold]flexwatch serve --port 8000[/bold]
    """
    _django()
    import waitress

    from flexwatch.wsgi import application

    console.print(f"FLEX Watch is at [bold]http://{host}:{port}/[/bold]")
    waitress.serve(
        application, host=host, port=port, threads=threads, ident="flexwatch"
    )


@app.command()
def worker(
    batch: Annotated[bool, typer.Option(help="Run what is queued, then stop.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between polls.")] = 1.0,
) -> None:
    """Run background jobs (imports, exports, reports, audit checks).

    Example: [bold]flexwatch worker[/bold]
    """
    _django()
    from django.core.management import call_command

    call_command("db_worker", batch=batch, interval=interval, no_startup_delay=True)


@app.command()
def demo(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing if the database has data.")
    ] = False,
) -> None:
    """Load the synthetic demo workspace (FI, EE and PL organisations, a user per role).

    Example: [bold]flexwatch demo --if-empty[/bold]
    """
    _django()
    from flexwatch.demo import load
    from flexwatch.demo.synthetic import DEMO_PASSWORD

    if not load.is_empty():
        if if_empty:
            console.print("The database already has data; the demo was not loaded.")
            return
        errors.print("The database is not empty; the demo loads into an empty one.")
        raise typer.Exit(1)
    spec = load.load()
    console.print(f"Demo loaded: {len(spec.organisations)} organisations.")
    console.print(
        f"Sign in as fi-admin, ee-analyst, pl-viewer … (password: {DEMO_PASSWORD})."
    )


@app.command()
def createuser(
    username: Annotated[str, typer.Argument(help="The sign-in name.")],
    organisation: Annotated[
        str | None, typer.Option("--org", help="Organisation name or id.")
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(help="admin, analyst, caseworker, viewer or partner."),
    ] = None,
    superuser: Annotated[
        bool, typer.Option(help="A platform administrator (Django admin).")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a person, with a role in an organisation.

    Example: [bold]flexwatch createuser maria --org 3 --role analyst[/bold]
    """
    _django()
    from django.core.exceptions import ValidationError

    from flexwatch.accounts import actions
    from flexwatch.accounts.models import Organisation
    from flexwatch.accounts.roles import Role

    if role is not None and role not in Role.values:
        errors.print(f"Unknown role {role!r}; use one of {', '.join(Role.values)}.")
        raise typer.Exit(2)
    org = None
    if organisation is not None:
        found = Organisation.objects.filter(name=organisation)
        if organisation.isdigit():
            found = Organisation.objects.filter(pk=int(organisation))
        org = found.first()
        if org is None:
            errors.print(f"No organisation {organisation!r}.")
            raise typer.Exit(2)
    password = _password(password_stdin)
    try:
        user = actions.create_user(
            username, password, organisation=org, role=role, superuser=superuser
        )
    except (actions.ActionRefused, ValidationError) as problem:
        errors.print(f"[red]Not created:[/red] {' '.join(_messages(problem))}")
        raise typer.Exit(1) from problem
    console.print(f"Created {user.username} (id {user.pk}).")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        errors.print("The two passwords differ.")
        raise typer.Exit(1)
    return first


def _messages(problem: Exception) -> list[str]:
    return list(getattr(problem, "messages", [str(problem)]))


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain and name the first broken link.

    Exits with status 1 when the trail was tampered with.

    Example: [bold]flexwatch audit verify[/bold]
    """
    _django()
    from flexwatch.accounts import audit
    from flexwatch.accounts.models import AuditEntry

    total = AuditEntry.objects.count()
    columns = (TextColumn("Verifying"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=errors, transient=True) as bar:
        job = bar.add_task("verify", total=total)
        verdict = audit.verify(progress=lambda n: bar.update(job, completed=n))
    if verdict.ok:
        console.print(f"Audit trail intact: {verdict.checked} entries.")
        return
    where = f"entry #{verdict.broken_at}"
    errors.print(f"[red]Audit trail broken at {where}:[/red] {verdict.reason}.")
    raise typer.Exit(1)


@app.command()
def assess(
    framework: Annotated[
        str, typer.Option(help="A framework id, such as ilo_ec_delphi_2009, or all.")
    ],
    input_path: Annotated[
        str,
        typer.Option("--input", help="Cases, JSON Lines or CSV; - for standard input."),
    ],
    output: Annotated[
        str, typer.Option(help="Where to write JSON Lines; - for standard output.")
    ] = "-",
    input_format: Annotated[
        str | None,
        typer.Option("--format", help="jsonl or csv (default: from the extension)."),
    ] = None,
    lang: Annotated[
        str, typer.Option(help="Language of the trace: en, fi, et or pl.")
    ] = "en",
    trace: Annotated[
        bool, typer.Option(help="Explain each result in words (off is faster).")
    ] = True,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Report and skip bad lines.")
    ] = False,
) -> None:
    """Screen cases against an indicator framework: one JSON line per case.

    Each result gives the dimensions, the verdict, the place on the continuum
    of exploitation and the unknown indicators worth asking about next. An
    unknown indicator id or a malformed line stops the run before anything
    is written, unless --skip-bad is given. Results are decision support, not
    legal findings. Needs no database.

    Example:
    [bold]flexwatch assess --framework ilo_ec_delphi_2009 --input cases.jsonl[/bold]
    """
    from rich.markup import escape

    from flexwatch import files
    from flexwatch.assessment import batch
    from flexwatch.assessment.engine import default

    try:
        chosen = default().frameworks([framework])
        fmt = batch.format_of(input_path, input_format)
        batch.check_language(lang)
    except ValueError as problem:
        raise typer.BadParameter(str(problem)) from problem
    source = "<stdin>" if input_path == files.STDIO else input_path
    settings = batch.Settings(chosen, lang, trace, skip_bad, source)

    def skipped(bad: batch.BadLine) -> None:
        errors.print(f"[yellow]Skipped:[/yellow] {escape(str(bad))}")

    try:
        with (
            files.lines_of(input_path, errors, "Assessing") as lines,
            files.all_or_nothing(output) as out,
        ):
            results = batch.assess_lines(lines, fmt, settings, on_bad=skipped)
            out.writelines(batch.blocks(results))
    except batch.BadLine as bad:
        errors.print(f"[red]Nothing written:[/red] {escape(str(bad))}")
        raise typer.Exit(1) from bad
    except OSError as problem:
        errors.print(f"[red]Cannot read or write:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem


@retention_app.command("apply")
def retention_apply(
    delete: Annotated[
        bool, typer.Option(help="Delete the cases instead of anonymising them.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="Say what would be done and change nothing.")
    ] = False,
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="The date to apply (default: today)."),
    ] = None,
) -> None:
    """Anonymise or delete the cases kept past their retention date, audited.

    Anonymising clears the narrative, evidence notes, the source's reference,
    the persons' pseudonyms and the exact dates, and keeps the codes and the
    year for statistics. Cases already marked deleted are removed.

    Example: [bold]flexwatch retention apply --dry-run[/bold]
    """
    _django()
    from django.utils import timezone

    from flexwatch.cases import retention

    day = today.date() if today else timezone.localdate()
    outcome = retention.apply(day, delete=delete, dry_run=dry_run)
    verb = "Would have" if dry_run else "Have"
    console.print(
        f"{verb} anonymised {len(outcome.anonymised)} and deleted "
        f"{len(outcome.deleted)} cases past their retention date ({day})."
    )
    for label, ids in (
        ("anonymised", outcome.anonymised),
        ("deleted", outcome.deleted),
    ):
        if ids:
            console.print(f"  {label}: " + ", ".join(f"#{pk}" for pk in ids))


@app.command()
def check() -> None:
    """Check the settings, the database connection and the migrations.

    Example: [bold]flexwatch check[/bold]
    """
    _django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("check", verbosity=0)
    try:
        connection.ensure_connection()
    except Exception as problem:
        errors.print(f"[red]Database unreachable:[/red] {problem}")
        raise typer.Exit(1) from problem
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        errors.print(
            f"[red]{len(pending)} migrations not applied;[/red] run flexwatch init."
        )
        raise typer.Exit(1)
    console.print(
        f"Settings valid; database {connection.vendor} reachable; migrations applied."
    )


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (for developers).

    Example: [bold]flexwatch manage makemigrations[/bold]
    """
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["flexwatch manage", *ctx.args])


def main() -> None:
    app()
