"""Raw identifiers go no further than the import's first step.

Names, personal codes and dates of birth are searched for, byte for byte, in
every place an import writes: the SQLite file and its journal, a dump of
PostgreSQL, the upload folder, the job table, the report and the logs.
"""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from flexwatch.cases.models import Case, Person
from flexwatch.ingest.models import ImportProfile, ImportRun

NAMES = ("Zyxkovalenko Olena", "Qwertinen Aino-Maija", "Żółwiński Brzęczysław")
CODES = ("UAX7731928", "131052-308T", "EE39001014217")
BORN = ("14.07.1990", "02.11.1985", "29.02.1996")
RAW = [*NAMES, *CODES, *BORN, "1990-07-14", "1985-11-02", "1996-02-29"]

PROFILE = """
name: leaky
format: {kind: csv}
reference: Ref
defaults: {country: FI, source_kind: ngo, legal_basis: consent}
fields:
  person.sex: {column: Sex}
identifiers:
  full_name: Name
  personal_code: Code
  birth_date: {column: Born, dates: ["%d.%m.%Y"]}
"""


def _file(folder: Path, broken_birth_date: bool = False) -> Path:
    born = list(BORN)
    if broken_birth_date:
        born[2] = "31.02.1996-" + CODES[2]  # not a date, and it holds a code
    rows = [
        f"R-{n},female,{name},{code},{day}"
        for n, (name, code, day) in enumerate(zip(NAMES, CODES, born, strict=True))
    ]
    path = folder / "people.csv"
    path.write_text("Ref,Sex,Name,Code,Born\n" + "\n".join(rows) + "\n", "utf-8")
    return path


def _leaks(data: bytes) -> list[str]:
    found = []
    for value in RAW:
        for encoded in (value.encode(), value.encode("utf-16-le")):
            if encoded in data:
                found.append(value)
    return found


def _files(folder: Path) -> dict[str, list[str]]:
    return {
        str(path): leaks
        for path in folder.rglob("*")
        if path.is_file() and (leaks := _leaks(path.read_bytes()))
    }


def _flexwatch(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLEXWATCH_DATA_DIR": str(data_dir),
        "FLEXWATCH_LOG_LEVEL": "DEBUG",
    }
    env.pop("FLEXWATCH_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "flexwatch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command_line_import_stores_and_logs_no_identifier(tmp_path):
    data = tmp_path / "data"
    assert _flexwatch(data, "init").returncode == 0
    assert _flexwatch(data, "demo").returncode == 0
    profile = tmp_path / "leaky.yaml"
    profile.write_text(PROFILE, "utf-8")
    common = ("import", "--profile", str(profile), "--user", "fi-admin")

    refused = _flexwatch(
        data,
        *common,
        "--report",
        str(tmp_path / "report.csv"),
        str(_file(tmp_path, broken_birth_date=True)),
    )
    stored = _flexwatch(data, *common, str(_file(tmp_path)))

    assert refused.returncode == 1 and "Born" in refused.stdout
    assert stored.returncode == 0, stored.stderr
    assert "3 cases created" in stored.stdout.replace("\n", " ")
    logs = (refused.stdout + refused.stderr + stored.stdout + stored.stderr).encode()
    assert b"DEBUG" in logs or b"INFO" in logs  # the logs were really captured
    assert _leaks(logs) == []
    assert _leaks((tmp_path / "report.csv").read_bytes()) == []
    # The SQLite file, its write-ahead log, the key file, any upload: all of it.
    assert (data / "flexwatch.sqlite3").exists()
    assert _files(data) == {}


@pytest.mark.django_db(transaction=True)
def test_the_web_import_leaves_no_identifier_anywhere(
    ws, signed_in, settings, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    settings.DATA_DIR = tmp_path
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(settings.UPLOAD_DIR)
    settings.UPLOAD_DIR.mkdir()
    ImportProfile.objects.create(owner=ws.owner, name="leaky", text=PROFILE)
    client = signed_in(ws.user("analyst"))
    upload = SimpleUploadedFile("people.csv", _file(tmp_path).read_bytes())
    (tmp_path / "people.csv").unlink()

    client.post("/imports/", {"owner": ws.owner.pk, "profile": "leaky", "file": upload})
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert ImportRun.objects.get().status == "committed"
    assert Person.objects.exclude(pseudonym="").count() == 3
    assert Case.objects.count() == 3
    assert _files(tmp_path) == {}
    assert _leaks(_every_row().encode()) == []
    assert _leaks(caplog.text.encode()) == []
    if connection.vendor == "postgresql":
        assert _leaks(_pg_dump()) == []


def _every_row() -> str:
    """Every row of every table the project and its libraries keep."""
    return "\n".join(
        repr(row)
        for model in apps.get_models()
        for row in model._default_manager.values_list()
    )


def _pg_dump() -> bytes:
    database = connection.settings_dict
    dumped = subprocess.run(
        [
            "pg_dump",
            "--host",
            database["HOST"] or "127.0.0.1",
            "--username",
            database["USER"] or "postgres",
            database["NAME"],
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return dumped.stdout
