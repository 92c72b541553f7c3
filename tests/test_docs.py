"""The documentation is kept true by machine: settings, commands, roles, links."""

import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import typer
from django.apps import apps

from flexwatch import cli, config
from flexwatch.accounts.roles import CAPABILITIES, Role

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"

# A name ending in "_" is a prefix (``FLEXWATCH_BENCH_*``), not a setting.
SETTING_NAME = re.compile(r"\bFLEXWATCH_[A-Z0-9_]+")
LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^```.*?^```[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _settings_named_in(paths: list[Path]) -> dict[str, str]:
    """Each FLEXWATCH_ name found in ``paths``, with the first file naming it."""
    found: dict[str, str] = {}
    for path in paths:
        for name in SETTING_NAME.findall(_read(path)):
            if not name.endswith("_"):
                found.setdefault(name, _relative(path))
    return found


def _code_files(folder: Path) -> list[Path]:
    suffixes = {".py", ".html", ".txt"}
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes)


def _tooling_files() -> list[Path]:
    """The project's commands and benchmarks, which read settings of their own."""
    scripts = [ROOT / "Makefile", ROOT / ".ci" / "run"]
    bench = _code_files(ROOT / "bench") if (ROOT / "bench").is_dir() else []
    return [p for p in scripts if p.is_file()] + bench


def _table_rows(text: str) -> list[list[str]]:
    """The cells of every table row, header included, separators left out."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("|") or re.fullmatch(r"[|\s:-]+", line):
            continue
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _settings_table() -> set[str]:
    rows = _table_rows(_read(DOCS / "settings.md"))
    first_cells = (re.fullmatch(r"`(FLEXWATCH_[A-Z0-9_]+)`", row[0]) for row in rows)
    return {match.group(1) for match in first_cells if match}


# Settings


def test_the_settings_page_has_one_table():
    text = _read(DOCS / "settings.md")
    separators = [line for line in text.splitlines() if re.match(r"\|\s*-{3}", line)]

    assert len(separators) == 1, (
        f"docs/settings.md should hold one table of settings; it has {len(separators)}."
    )


def test_every_registered_setting_has_a_row_in_the_settings_table():
    missing = sorted(set(config.SETTINGS) - _settings_table())

    assert not missing, (
        f"docs/settings.md has no table row for {', '.join(missing)} "
        "(listed in flexwatch.config.SETTINGS)."
    )


def test_every_setting_the_package_reads_is_registered_in_config():
    named = _settings_named_in(_code_files(ROOT / "src" / "flexwatch"))
    unregistered = sorted(set(named) - set(config.SETTINGS))

    assert not unregistered, "Not in flexwatch.config.SETTINGS: " + ", ".join(
        f"{name} (named in {named[name]})" for name in unregistered
    )


def test_every_setting_the_tooling_reads_has_a_row_in_the_settings_table():
    named = _settings_named_in(_tooling_files())
    missing = sorted(set(named) - _settings_table())

    assert not missing, "docs/settings.md has no table row for " + ", ".join(
        f"{name} (named in {named[name]})" for name in missing
    )


def test_the_docs_name_no_setting_that_nothing_reads():
    known = set(config.SETTINGS) | set(_settings_named_in(_tooling_files()))
    pages = [README, *sorted(DOCS.glob("*.md"))]
    named = _settings_named_in(pages)
    unknown = sorted(set(named) - known)

    assert not unknown, "No code reads " + ", ".join(
        f"{name} (named in {named[name]})" for name in unknown
    )


# Command line


# Typer ships its own copy of click, so groups and options are told apart by
# what they have rather than by their class.
def _subcommands(command: Any) -> dict[str, Any]:
    return dict(getattr(command, "commands", {}))


def _commands(command: Any, path: str = "flexwatch") -> Iterator[tuple[str, Any]]:
    yield path, command
    for name, sub in sorted(_subcommands(command).items()):
        yield from _commands(sub, f"{path} {name}")


COMMANDS = dict(_commands(typer.main.get_command(cli.app)))
RUNNABLE = {path: c for path, c in COMMANDS.items() if not _subcommands(c)}


def _heading(line: str) -> tuple[int, str] | None:
    """The level and title of a Markdown heading line, or None."""
    found = HEADING.match(line)
    return (len(found.group(1)), found.group(2)) if found else None


def _section(text: str, title: str) -> str | None:
    """The text under the heading ``title`` down to the next heading as high."""
    lines = text.splitlines()
    headings = {n: h for n, line in enumerate(lines) if (h := _heading(line))}
    start = next((n for n, h in headings.items() if h[1] == title), None)
    if start is None:
        return None

    level = headings[start][0]
    later = (n for n, h in headings.items() if n > start and h[0] <= level)
    end = next(later, len(lines))
    return "\n".join(lines[start:end])


def _cli_section(path: str) -> str:
    section = _section(FENCE.sub("", _read(DOCS / "cli.md")), f"`{path}`")
    assert section is not None, f"docs/cli.md has no heading `{path}`."
    return section


@pytest.mark.parametrize("path", COMMANDS)
def test_every_command_has_a_section_in_the_cli_page(path):
    assert _cli_section(path)


@pytest.mark.parametrize("path", COMMANDS)
def test_every_option_and_argument_is_described_in_its_section(path):
    section = _cli_section(path)
    missing = []
    for param in COMMANDS[path].params:
        if param.param_type_name == "option":
            flag = next(opt for opt in param.opts if opt.startswith("--"))
            if f"`{flag}`" not in section:
                missing.append(flag)
        elif f"`{param.name.upper()}`" not in section:
            missing.append(param.name.upper())

    assert not missing, (
        f"The `{path}` section of docs/cli.md does not describe {', '.join(missing)}."
    )


@pytest.mark.parametrize("path", RUNNABLE)
def test_every_command_help_gives_an_example(path):
    help_text = RUNNABLE[path].help or ""

    assert "Example:" in help_text, f"`{path} --help` has no 'Example:'."


# Roles


def _roles_table() -> dict[str, dict[str, bool]]:
    rows = _table_rows(_read(DOCS / "roles.md"))
    header = next(row for row in rows if "`read_records`" in " ".join(row))
    names = [re.search(r"`(\w+)`", cell) for cell in header[1:]]
    table = {}
    for row in rows:
        role = re.fullmatch(r"`(\w+)`", row[0])
        if role and role.group(1) in Role.values and len(row) == len(header):
            table[role.group(1)] = {
                name.group(1): cell == "yes"
                for name, cell in zip(names, row[1:], strict=True)
                if name
            }
    return table


def test_the_roles_table_matches_the_capabilities_in_the_code():
    table = _roles_table()
    wrong = []
    for role in Role:
        for capability in (f.name for f in fields(CAPABILITIES[role])):
            expected = getattr(CAPABILITIES[role], capability)
            shown = table.get(role.value, {}).get(capability)
            if shown != expected:
                wrong.append(
                    f"{role.value}/{capability}: {shown} instead of {expected}"
                )

    assert not wrong, "docs/roles.md disagrees with roles.py: " + "; ".join(wrong)


# Architecture


def test_the_data_model_diagram_shows_every_model_of_the_project():
    page = _read(DOCS / "architecture.md")
    diagram = re.search(r"```mermaid\nerDiagram\n(.*?)```", page, re.DOTALL)
    assert diagram, "docs/architecture.md has no Mermaid erDiagram."
    entities = set(re.findall(r"^\s*(\w+) \{", diagram.group(1), re.MULTILINE))
    models = {
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("flexwatch.")
    }
    missing = sorted(models - entities)

    assert not missing, (
        f"The data model in docs/architecture.md lacks {', '.join(missing)}."
    )


# README and links


def _first_screen() -> list[str]:
    """The README up to its second ``## `` heading, and at most 40 lines."""
    lines = _read(README).splitlines()
    headings = [n for n, line in enumerate(lines) if line.startswith("## ")]
    end = headings[1] if len(headings) > 1 else len(lines)
    return lines[: min(end, 40)]


def _shell_commands(block: str) -> list[str]:
    body = block.splitlines()[1:-1]
    commands = (line.split(" #")[0].strip().removeprefix("$ ") for line in body)
    return [command for command in commands if command and command[0] != "#"]


def test_the_readme_first_screen_gives_make_run_and_make_test_only():
    blocks = FENCE.findall("\n".join(_first_screen()))
    commands = [command for block in blocks for command in _shell_commands(block)]

    assert len(blocks) == 1, (
        f"The README's first screen should have one code block; it has {len(blocks)}."
    )
    assert commands == ["make run", "make test"], (
        f"The README's first screen gives {commands}; "
        "it should give exactly `make run` and `make test`."
    )


def _links(path: Path) -> list[str]:
    text = INLINE_CODE.sub("", FENCE.sub("", _read(path)))
    return [t for t in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", t)]


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in FENCE.sub("", _read(path)).splitlines():
        heading = _heading(line)
        if heading is None:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading[1].lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def _broken_links(path: Path) -> list[str]:
    broken = []
    for target in _links(path):
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
            broken.append(f"{target} (no heading #{anchor})")
    return broken


def test_every_docs_page_linked_from_the_readme_exists():
    linked = [t for t in _links(README) if t.startswith("docs/")]
    missing = [t for t in linked if not (ROOT / t.partition("#")[0]).is_file()]

    assert linked, "The README links to no page under docs/."
    assert not missing, f"The README links to missing pages: {', '.join(missing)}."


def test_the_readme_links_to_every_docs_page():
    linked = {t.partition("#")[0] for t in _links(README)}
    unlinked = [
        _relative(page)
        for page in sorted(DOCS.glob("*.md"))
        if _relative(page) not in linked
    ]

    assert not unlinked, f"The README does not link to {', '.join(unlinked)}."


@pytest.mark.parametrize(
    "page", [README, *sorted(DOCS.glob("*.md"))], ids=lambda page: _relative(page)
)
def test_every_relative_link_points_to_an_existing_file(page):
    broken = _broken_links(page)

    assert not broken, f"{_relative(page)} has broken links: {', '.join(broken)}."
