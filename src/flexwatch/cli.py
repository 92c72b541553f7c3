"""The `flexwatch` command: a thin shell over the library's functions."""

import getpass
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

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


def _active_user(username: str) -> Any:
    """The active user named on the command line, or a clear exit."""
    from flexwatch.accounts.models import User

    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise typer.BadParameter(f"No active user {username!r}.", param_hint="--user")
    return person


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


@app.command("import")
def import_file(
    path: Annotated[str, typer.Argument(help="The CSV, XLSX or JSON file to import.")],
    profile: Annotated[
        str,
        typer.Option(help="A profile: the organisation's, a shipped one or a file."),
    ],
    user: Annotated[str, typer.Option(help="Who imports: a user name.")],
    organisation: Annotated[
        str | None,
        typer.Option(help="Whose cases they become (needed if the user has several)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and store nothing.")
    ] = False,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Store the good rows; report the bad ones."),
    ] = False,
    report: Annotated[
        str | None,
        typer.Option(help="Write the validation report (CSV) here; - for stdout."),
    ] = None,
) -> None:
    """Import cases from a spreadsheet or form export, all or nothing.

    Every row is mapped by the profile and checked; identifiers are turned
    into pseudonyms and linkage keys at once. One problem in any row stores
    nothing (unless --skip-bad); the report lists each problem by row and
    column. Importing the same file again changes only the changed cases.

    Example:
    [bold]flexwatch import --profile ctdc-global --user fi-admin data.csv[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch import files
    from flexwatch.ingest import commands

    try:
        request = commands.request(
            path, profile, user, organisation, dry_run=dry_run, skip_bad=skip_bad
        )
    except commands.CommandError as problem:
        errors.print(f"[red]Nothing imported:[/red] {escape(str(problem))}")
        raise typer.Exit(2) from problem

    columns = (
        TextColumn("Importing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
    )
    with Progress(*columns, console=errors, transient=True) as bar:
        task = bar.add_task("import", total=None)
        outcome = commands.run(
            request,
            lambda done, total, _m: bar.update(task, completed=done, total=total),
        )
    if report is not None:
        with files.all_or_nothing(report) as out:
            commands.write_report(outcome, out)
    for line in commands.summary(outcome):
        console.print(escape(line))
    if outcome.status not in ("committed", "validated") or (
        dry_run and outcome.problem_count
    ):
        raise typer.Exit(1)


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


@app.command("export")
def export_cases(
    output: Annotated[
        str, typer.Argument(help="The file to write; - for standard output (CSV).")
    ],
    user: Annotated[
        str, typer.Option(help="Whose scope and clearance the export follows.")
    ],
    fmt: Annotated[
        str, typer.Option("--format", help="csv, xlsx, parquet or htcds.")
    ] = "csv",
    table: Annotated[
        str | None,
        typer.Option(help="cases, persons or observations (default: cases)."),
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Only cases in this country (FI).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Only cases of this year.")] = None,
    sector: Annotated[str | None, typer.Option(help="Only this sector code.")] = None,
    form: Annotated[
        str | None, typer.Option(help="Only this form of exploitation.")
    ] = None,
    source_kind: Annotated[
        str | None, typer.Option(help="Only this kind of source.")
    ] = None,
    continuum: Annotated[
        str | None, typer.Option(help="Only this level of the continuum.")
    ] = None,
    sensitive: Annotated[
        bool, typer.Option(help="Include sensitive fields where allowed; audited.")
    ] = False,
) -> None:
    """Export the cases a person may see as CSV, XLSX, Parquet or HTCDS 2.0 CSV.

    The file appears only when the export is complete. Sensitive fields
    (narratives, evidence notes) go out only with --sensitive, from
    organisations where the person may read them, and the export is then
    written to the audit trail.

    Example:
    [bold]flexwatch export --format xlsx --user maria --country FI cases.xlsx[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.cases import export
    from flexwatch.cases.forms import CaseFilterForm

    if fmt == "htcds" and table not in (None, "persons"):
        raise typer.BadParameter("HTCDS has one row per victim: leave --table out.")
    person = _active_user(user)
    chosen = {
        "country": country,
        "year": year,
        "sector": sector,
        "form": form,
        "source_kind": source_kind,
        "continuum": continuum,
    }
    filters = CaseFilterForm({k: v for k, v in chosen.items() if v is not None})
    if not filters.is_valid():
        wrong = "; ".join(
            f"--{name.replace('_', '-')}: {' '.join(map(str, problems))}"
            for name, problems in filters.errors.items()
        )
        raise typer.BadParameter(wrong)
    request = export.Request(fmt, table or "cases", filters.cleaned_data, sensitive)

    columns = (TextColumn("Exporting"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=errors, transient=True) as bar:
            job = bar.add_task("export", total=None)

            def report(done: int, total: int | None, message: str) -> None:
                bar.update(job, completed=done, total=total)

            summary = export.run(person, request, output, progress=report)
    except export.ExportRefused as refused:
        errors.print(f"[red]Not exported:[/red] {escape(str(refused))}")
        raise typer.Exit(2) from refused
    except OSError as problem:
        errors.print(f"[red]Cannot write:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem
    where = "standard output" if output == "-" else output
    errors.print(f"Exported {summary.rows} rows to {where}.")
    if summary.disclosed:
        errors.print(
            f"Sensitive fields of {summary.disclosed} cases were included; "
            "the export is in the audit trail."
        )


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


linkage_app = typer.Typer(
    help="Linkage projects: keys that find one person in several agencies' records.",
    no_args_is_help=True,
)
app.add_typer(linkage_app, name="linkage")


@linkage_app.command("join")
def linkage_join(
    slug: Annotated[
        str, typer.Argument(help="The project's short name, agreed by its members.")
    ],
    organisation: Annotated[
        str, typer.Option(help="The organisation joining, by exact name or id.")
    ],
    secret_file: Annotated[
        str,
        typer.Option(help="A file holding the project's secret; - for standard input."),
    ],
    name: Annotated[
        str, typer.Option(help="The project's name, when this join creates it.")
    ] = "",
) -> None:
    """Make an organisation a member of a linkage project, holding its secret.

    The first organisation to join creates the project; each later one must
    bring the same secret, checked by its fingerprint. The secret is read from
    a file, never from the command line, so it stays out of the shell history.

    Example:
    [bold]flexwatch linkage join seasonal-2025 --organisation 3 --secret-file key[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.accounts.models import Organisation
    from flexwatch.linkage import projects

    found = Organisation.objects.filter(name=organisation)
    if organisation.isdigit():
        found = Organisation.objects.filter(pk=int(organisation))
    member_org = found.first()
    if member_org is None:
        errors.print(f"No organisation {escape(repr(organisation))}.")
        raise typer.Exit(2)
    secret = _secret_from(secret_file)
    try:
        member = projects.join(member_org, slug, secret, name)
    except projects.ProjectError as problem:
        errors.print(f"[red]Not joined:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem
    console.print(
        f"{escape(member_org.name)} is a member of linkage project {slug}. "
        f"Fingerprint of the secret: [bold]{member.project.fingerprint}[/bold]"
    )
    console.print("Read it to the other members: theirs must be the same.")


def _secret_from(path: str) -> str:
    from rich.markup import escape

    from flexwatch import files

    try:
        if path == files.STDIO:
            return sys.stdin.read()
        with open(path, encoding="utf-8") as source:
            return source.read()
    except (OSError, UnicodeDecodeError) as problem:
        errors.print(f"[red]Cannot read the secret file:[/red] {escape(str(problem))}")
        raise typer.Exit(2) from problem


@linkage_app.command("projects")
def linkage_projects() -> None:
    """List the linkage projects, their fingerprints and member organisations.

    Example: [bold]flexwatch linkage projects[/bold]
    """
    _django()
    from rich.markup import escape
    from rich.table import Table

    from flexwatch.linkage import projects

    table = Table("project", "name", "fingerprint", "members")
    for project in projects.listing():
        members = ", ".join(m.organisation.name for m in project.members.all())
        table.add_row(
            project.slug, escape(project.name), project.fingerprint, escape(members)
        )
    if not table.row_count:
        console.print("No linkage projects yet.")
        return
    console.print(table)


stats_app = typer.Typer(
    help="Statistics: deliveries to Eurostat and UNODC, published snapshots, "
    "microdata releases.",
    no_args_is_help=True,
)
app.add_typer(stats_app, name="stats")


@stats_app.command("deliver")
def stats_deliver(
    layout: Annotated[
        str, typer.Argument(help="A delivery layout, such as crim_thb_vexp.")
    ],
    output: Annotated[
        Path, typer.Argument(help="The file to write: .csv or .xlsx.", dir_okay=False)
    ],
    user: Annotated[str, typer.Option(help="Whose scope the counts follow.")],
    country: Annotated[str, typer.Option(help="The reporting country, such as FI.")],
    year: Annotated[int, typer.Option(help="The year delivered.")],
    threshold: Annotated[
        int, typer.Option(help="Counts below this are flagged confidential.")
    ] = 5,
) -> None:
    """Write a Eurostat or UNODC layout of victims or persons in proceedings.

    Counts come from the cases the person may see in organisations where
    they may run statistics. Small counts are flagged c, not suppressed: a
    statistical office applies its own disclosure control. The file appears
    only when it is complete, and the delivery is written to the audit trail.
    The layouts are listed in docs/statistics.md.

    Example:
    [bold]flexwatch stats deliver crim_thb_vexp fi.xlsx --user maria
    --country FI --year 2024[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.stats import actions

    person = _active_user(user)
    try:
        result = actions.deliver(
            person, layout, output, country=country, year=year, threshold=threshold
        )
    except actions.DeliveryRefused as refused:
        errors.print(f"[red]Not delivered:[/red] {escape(str(refused))}")
        raise typer.Exit(2) from refused
    except OSError as problem:
        errors.print(f"[red]Cannot write:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem
    noun = (
        "persons in proceedings"
        if actions.counted_as(result.layout) == "persons"
        else "registered victims"
    )
    console.print(
        f"{escape(str(output))}: {result.victims} {noun}, "
        f"{escape(country)} {year}; the delivery is in the audit trail."
    )


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",") if code.strip())


@stats_app.command("publish")
def stats_publish(
    kind: Annotated[
        str,
        typer.Argument(
            help="registered_victims, suspects, funnel, recognition_gap, "
            "prevalence, continuum_levels or victims_assisted."
        ),
    ],
    user: Annotated[str, typer.Option(help="Who publishes; their scope counts.")],
    countries: Annotated[
        str, typer.Option(help="Countries counted, comma-separated: FI,EE.")
    ],
    first: Annotated[int, typer.Option("--from", help="First year of the period.")],
    last: Annotated[int, typer.Option("--to", help="Last year of the period.")],
    basis: Annotated[
        str,
        typer.Option(help="Date basis: registration, identification or exploitation."),
    ] = "registration",
    by: Annotated[
        str | None,
        typer.Option(help="Dimensions, comma-separated; the kind's own if omitted."),
    ] = None,
    threshold: Annotated[
        int, typer.Option(help="Counts from 1 to threshold - 1 are suppressed.")
    ] = 5,
    title: Annotated[str | None, typer.Option(help="The table's title.")] = None,
    organisation: Annotated[
        str | None,
        typer.Option(help="The publishing organisation, by name, if several."),
    ] = None,
) -> None:
    """Count a standard table, protect it, and keep it as a snapshot.

    The counts come from the cases the person may see in organisations where
    they may run statistics. Disclosure control suppresses small counts and
    what would reveal them; the snapshot keeps the cells, the suppression
    account, notes and series breaks, with a SHA-256 of its content, and no
    later edit changes it. Publishing is written to the audit trail.

    Example:
    [bold]flexwatch stats publish registered_victims --user maria
    --countries EE --from 2011 --to 2013 --by year,sex[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.accounts.models import Organisation
    from flexwatch.stats import snapshots

    person = _active_user(user)
    organisation_id = None
    if organisation is not None:
        found = Organisation.objects.filter(name=organisation).first()
        if found is None:
            raise typer.BadParameter(
                f"No organisation {organisation!r}.", param_hint="--organisation"
            )
        organisation_id = found.pk
    try:
        snapshot = snapshots.publish_standard(
            person,
            kind,
            countries=_codes(countries.upper()),
            first_year=first,
            last_year=last,
            basis=basis,
            by=None if by is None else _codes(by),
            threshold=threshold,
            title=title,
            organisation_id=organisation_id,
        )
    except snapshots.PublishRefused as refused:
        errors.print(f"[red]Not published:[/red] {escape(str(refused))}")
        raise typer.Exit(2) from refused
    suppressed = len(snapshot.content["suppressed"])
    console.print(
        f"Snapshot {snapshot.pk}: {escape(snapshot.title)}; "
        f"{len(snapshot.content['cells'])} cells, {suppressed} values suppressed. "
        f"SHA-256 {snapshot.sha256}"
    )


@stats_app.command("snapshots")
def stats_snapshots(
    user: Annotated[str, typer.Option(help="Whose organisations' snapshots.")],
    show: Annotated[int | None, typer.Option(help="Print this snapshot whole.")] = None,
    csv_file: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Write the snapshot of --show as CSV.", dir_okay=False
        ),
    ] = None,
    verify: Annotated[
        bool, typer.Option("--verify", help="Recompute each snapshot's hash.")
    ] = False,
) -> None:
    """List the snapshots of the person's organisations, or show one.

    With --show ID, print one snapshot: its parameters, cells and margins
    (x where suppressed), the suppression account, notes and series breaks;
    with --csv FILE as well, write its cells and margins as CSV. --verify
    recomputes the SHA-256 of each snapshot listed or shown and fails if one
    no longer matches.

    Example: [bold]flexwatch stats snapshots --user maria --show 3 --verify[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.stats import snapshots

    person = _active_user(user)
    if csv_file is not None and show is None:
        raise typer.BadParameter("Name the snapshot to write with --show.")
    chosen = snapshots.readable(person)
    if show is not None:
        chosen = chosen.filter(pk=show)
        if not chosen.exists():
            errors.print(f"[red]No snapshot {show} that {escape(user)} may read.[/red]")
            raise typer.Exit(1)

    if show is None:
        _list_snapshots(list(chosen))
    else:
        _show_snapshot(chosen.get(), csv_file)
    broken = [s.pk for s in chosen if verify and not snapshots.verify(s)]
    if broken:
        errors.print(f"[red]Hash does not match:[/red] snapshots {broken}.")
        raise typer.Exit(3)
    if verify:
        console.print("Every hash matches its content.")


def _list_snapshots(found: list[Any]) -> None:
    from rich.markup import escape

    if not found:
        console.print("No snapshots yet.")
        return
    # One line each, so that the list reads in a narrow terminal and greps.
    for snapshot in found:
        console.print(
            f"{snapshot.pk}  {snapshot.published_at:%Y-%m-%d %H:%M}  "
            f"{snapshot.kind}  {snapshot.sha256[:16]}  {escape(snapshot.title)} "
            f"({escape(snapshot.organisation.name)})",
            soft_wrap=True,
        )


def _show_snapshot(snapshot: Any, csv_file: Path | None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from flexwatch.stats import snapshots

    content = snapshot.content
    parameters = content["parameters"]
    console.print(f"[bold]{escape(snapshot.title)}[/bold] (snapshot {snapshot.pk})")
    for name, value in parameters.items():
        console.print(f"{name}: {escape(str(value))}")
    table = Table(*parameters["dimensions"], "value", "series break")
    for row in snapshots.rows(snapshot):
        value = "x" if row["value"] is None else str(row["value"])
        flag = "break" if row["series_break"] else ""
        table.add_row(*(escape(code) for code in row["codes"]), value, flag)
    console.print(table)
    console.print(escape(content["account"]))
    for note in content["notes"]:
        console.print(f"- {escape(note)}")
    console.print(f"SHA-256 {snapshot.sha256}")
    if csv_file is not None:
        try:
            written = snapshots.write_csv(snapshot, str(csv_file))
        except OSError as problem:
            errors.print(f"[red]Cannot write:[/red] {escape(str(problem))}")
            raise typer.Exit(1) from problem
        console.print(f"{escape(str(csv_file))}: {written} rows.")


@stats_app.command("microdata")
def stats_microdata(
    output: Annotated[
        Path,
        typer.Argument(help="The file to write: .csv or .parquet.", dir_okay=False),
    ],
    user: Annotated[str, typer.Option(help="Whose scope the rows follow.")],
    country: Annotated[str, typer.Option(help="The country of the cases, such as FI.")],
    first_year: Annotated[
        int, typer.Option("--from", help="The first year of the cases.")
    ],
    last_year: Annotated[int, typer.Option("--to", help="The last year of the cases.")],
    k: Annotated[
        int | None,
        typer.Option(
            "-k",
            "--k-anonymity",
            help="The smallest class size (default: as microdata.yaml declares).",
        ),
    ] = None,
    l: Annotated[  # noqa: E741 -- the l of l-diversity
        int | None,
        typer.Option(
            "-l",
            "--l-diversity",
            help="Distinct forms of exploitation in every class (default: as "
            "microdata.yaml declares).",
        ),
    ] = None,
) -> None:
    """Write victim microdata that passed k-anonymity and l-diversity.

    One row per victim of the country's cases in the period, among those the
    person may see where they may run statistics: only the declared
    quasi-identifiers (generalised and locally suppressed as needed), the
    form of exploitation and safe columns; never an identifier, pseudonym or
    free text. Prints the account of what was generalised and suppressed.
    The file appears only when complete; the release is in the audit trail.

    Example:
    [bold]flexwatch stats microdata --user maria --country FI --from 2024
    --to 2025 -k 5 -l 2 fi.parquet[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.stats import actions

    person = _active_user(user)
    try:
        release = actions.export_microdata(
            person,
            output,
            country=country,
            first_year=first_year,
            last_year=last_year,
            k=k,
            l=l,
        )
    except actions.MicrodataRefused as refused:
        errors.print(f"[red]Not released:[/red] {escape(str(refused))}")
        raise typer.Exit(2) from refused
    except OSError as problem:
        errors.print(f"[red]Cannot write:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem
    console.print(f"{escape(str(output))}: {release.records} records.")
    console.print(escape(release.account))


law_app = typer.Typer(
    help="Legislation: new versions of provisions.", no_args_is_help=True
)
app.add_typer(law_app, name="law")


@law_app.command("add")
def law_add(
    file: Annotated[
        Path,
        typer.Argument(help="A file of kind: version (docs/law.md).", dir_okay=False),
    ],
    user: Annotated[str, typer.Option(help="The analyst adding the version.")],
) -> None:
    """Add a new version of a provision, after the one in force.

    The file is checked like the provision files and against the history:
    a version that overlaps or starts on or before the one in force is
    refused, naming the line, and nothing is stored. A version in force until
    further notice ends the day before the new one starts. The addition is
    written to the audit trail.

    Example: [bold]flexwatch law add fi-25-3-2027.yaml --user maria[/bold]
    """
    _django()
    from rich.markup import escape

    from flexwatch.law import actions
    from flexwatch.law.model import LawDataError

    person = _active_user(user)
    try:
        text = file.read_text(encoding="utf-8")
        row = actions.add_version(person, file.name, text)
    except (actions.AdditionRefused, LawDataError, OSError, UnicodeError) as problem:
        errors.print(f"[red]Nothing added:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem
    console.print(
        f"{escape(row.provision)}: the version in force from {row.start} is "
        "added; the addition is in the audit trail."
    )


population_app = typer.Typer(
    help="Population on 1 January, for rates per 100,000 inhabitants.",
    no_args_is_help=True,
)
app.add_typer(population_app, name="population")


def _population_folder() -> Path:
    """Where newer releases are kept: DATA_DIR/population.

    Read as the settings read it, without starting Django: the denominators
    need neither the database nor the secret key.
    """
    from flexwatch import config

    return config.data_dir(config.environment()) / "population"


@population_app.command("add")
def population_add(
    file: Annotated[
        Path, typer.Argument(help="The CSV file of a newer release.", dir_okay=False)
    ],
) -> None:
    """Check a newer release of population figures and add it to the workspace.

    Its values replace the shipped ones for the same country and year. A file
    with any problem is refused, naming the line, and nothing is stored.
    Needs no database.

    Example: [bold]flexwatch population add 2026-03_demo_pjan.csv[/bold]
    """
    from rich.markup import escape

    from flexwatch.stats import population

    folder = _population_folder()
    try:
        values = population.add(file, folder)
    except (ValueError, OSError) as problem:
        errors.print(f"[red]Nothing added:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem

    countries = sorted({value.country for value in values})
    years = sorted({value.year for value in values})
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]} to {years[-1]}"
    console.print(
        f"{escape(file.name)} is in {escape(str(folder))}: {len(values)} "
        f"denominators for {', '.join(countries)}, {span}."
    )


@population_app.command("show")
def population_show(
    country: Annotated[
        str, typer.Option(help="An ISO 3166-1 alpha-2 code, such as FI.")
    ],
    first: Annotated[int | None, typer.Option("--from", help="First year.")] = None,
    last: Annotated[int | None, typer.Option("--to", help="Last year.")] = None,
) -> None:
    """Print a country's population on 1 January, with source and flag.

    Each value comes from the shipped Eurostat file or from a newer release
    added with flexwatch population add, as the last column says. Needs no
    database.

    Example: [bold]flexwatch population show --country FI --from 2020 --to 2025[/bold]
    """
    from rich.markup import escape
    from rich.table import Table

    from flexwatch.stats import population
    from flexwatch.vocab import UnknownCode, vocabulary

    try:
        code = population.iso_code(country.upper())
    except UnknownCode as problem:
        raise typer.BadParameter(str(problem), param_hint="--country") from problem
    if first is not None and last is not None and first > last:
        raise typer.BadParameter(f"--from {first} comes after --to {last}.")
    try:
        values = population.load(_population_folder()).series(code, first, last)
    except (ValueError, OSError) as problem:
        errors.print(f"[red]Cannot read the denominators:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem

    name = f"{vocabulary('country').label(code)} ({code})"
    if not values:
        console.print(f"No population figures for {name} in those years.")
        return
    table = Table("year", "population", "flag", "source", "from")
    table.title = f"Population on 1 January: {name}"
    for value in values:
        figures = (str(value.year), f"{value.population:,}", value.flag)
        table.add_row(*figures, escape(value.source), escape(value.origin))
    console.print(table)
    for line in population.explain(values):
        console.print(escape(line))


report_app = typer.Typer(
    help="National and comparative reports, as PDF and HTML.", no_args_is_help=True
)
app.add_typer(report_app, name="report")

_PDF_OPTION = typer.Option("--pdf", help="The PDF file to write.", dir_okay=False)
_HTML_OPTION = typer.Option(
    "--html", help="The HTML file to write (stands alone).", dir_okay=False
)


@report_app.command("national")
def report_national(
    country: Annotated[str, typer.Option(help="The country, such as FI.")],
    first: Annotated[int, typer.Option("--from", help="The first year.")],
    last: Annotated[int, typer.Option("--to", help="The last year.")],
    user: Annotated[str, typer.Option(help="Whose scope the figures follow.")],
    lang: Annotated[str, typer.Option(help="en, fi, et or pl.")] = "en",
    pdf: Annotated[Path | None, _PDF_OPTION] = None,
    html: Annotated[Path | None, _HTML_OPTION] = None,
    threshold: Annotated[
        int, typer.Option(help="Counts below this are suppressed.")
    ] = 5,
    include_synthetic: Annotated[
        bool, typer.Option(help="Count synthetic records (demonstrations only).")
    ] = False,
) -> None:
    """Write the national report of a country for a period.

    Every table passes disclosure control; the figures come from the cases
    the person may see where they may run statistics. Files appear only when
    complete, and the report is written to the audit trail. The sections are
    described in docs/reports.md.

    Example:
    [bold]flexwatch report national --country FI --from 2024 --to 2025
    --lang fi --pdf fi.pdf --user maria[/bold]
    """
    _report(
        [country.upper()],
        first,
        last,
        user,
        lang,
        pdf,
        html,
        threshold,
        include_synthetic,
    )


@report_app.command("compare")
def report_compare(
    countries: Annotated[
        str, typer.Option(help="Two countries or more, such as FI,EE,PL.")
    ],
    first: Annotated[int, typer.Option("--from", help="The first year.")],
    last: Annotated[int, typer.Option("--to", help="The last year.")],
    user: Annotated[str, typer.Option(help="Whose scope the figures follow.")],
    lang: Annotated[str, typer.Option(help="en, fi, et or pl.")] = "en",
    pdf: Annotated[Path | None, _PDF_OPTION] = None,
    html: Annotated[Path | None, _HTML_OPTION] = None,
    threshold: Annotated[
        int, typer.Option(help="Counts below this are suppressed.")
    ] = 5,
    include_synthetic: Annotated[
        bool, typer.Option(help="Count synthetic records (demonstrations only).")
    ] = False,
) -> None:
    """Write the comparative report of several countries for a period.

    As the national report, with a column per country in every table.

    Example:
    [bold]flexwatch report compare --countries FI,EE,PL --from 2024 --to 2025
    --lang en --pdf compared.pdf --user maria[/bold]
    """
    chosen = [code.strip().upper() for code in countries.split(",") if code.strip()]
    if len(chosen) < 2:
        raise typer.BadParameter(
            f"{countries!r} names fewer than two countries; a national report "
            "is flexwatch report national.",
            param_hint="--countries",
        )
    _report(chosen, first, last, user, lang, pdf, html, threshold, include_synthetic)


def _report(
    countries: list[str],
    first: int,
    last: int,
    user: str,
    lang: str,
    pdf: Path | None,
    html: Path | None,
    threshold: int,
    include_synthetic: bool,
) -> None:
    """Make a report for ``user`` with progress, turning refusals into exits."""
    _django()
    from rich.markup import escape

    from flexwatch.reports import actions
    from flexwatch.reports.content import Request

    person = _active_user(user)
    request = Request(
        tuple(countries),
        first,
        last,
        threshold=threshold,
        language=lang,
        include_synthetic=include_synthetic,
    )
    try:
        with console.status("Starting") as status:
            made = actions.make(
                person,
                request,
                pdf=pdf,
                html=html,
                progress=lambda step: status.update(f"{step.capitalize()}…"),
            )
    except actions.ReportRefused as refused:
        errors.print(f"[red]No report:[/red] {escape(str(refused))}")
        raise typer.Exit(2) from refused
    except OSError as problem:
        errors.print(f"[red]Cannot write:[/red] {escape(str(problem))}")
        raise typer.Exit(1) from problem
    pages = f", {made.pages} pages" if made.pages else ""
    console.print(
        f"{', '.join(escape(str(p)) for p in made.files)}: {made.tables} tables"
        f"{pages}; {made.suppressed} values suppressed; the report is in the "
        "audit trail."
    )


@app.command()
def xlsform(
    output: Annotated[str, typer.Argument(help="The .xlsx file to write.")],
) -> None:
    """Write the case template and the indicator checklist as an XLSForm.

    Load the workbook into KoboToolbox or ODK Central to collect cases on
    phones, in English, Finnish, Estonian or Polish; bring the submissions
    back with flexwatch import. Needs no database.

    Example: [bold]flexwatch xlsform flexwatch-case.xlsx[/bold]
    """
    from rich.markup import escape

    from flexwatch.ingest import xlsform as forms

    if not output.lower().endswith(".xlsx"):
        raise typer.BadParameter(
            f"{output!r} does not end in .xlsx, which KoboToolbox and ODK Central "
            "need to read it as an XLSForm."
        )
    form = forms.build()
    try:
        forms.save(form, output)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        errors.print(
            f"[red]Nothing written:[/red] cannot write {escape(output)}: "
            f"{escape(reason)}."
        )
        raise typer.Exit(1) from problem
    questions = sum(1 for row in form["survey"] if "group" not in row["type"])
    version = form["settings"][0]["version"]
    console.print(
        f"Wrote {escape(output)}: {questions} questions, form "
        f"{forms.FORM_ID} version {version}."
    )


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
