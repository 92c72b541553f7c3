"""The `flexwatch` command, run as a user runs it: a process on a fresh workspace."""

import os
import sqlite3
import subprocess
import sys

import pytest

from flexwatch import __version__


def flexwatch(
    data_dir, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "FLEXWATCH_DATA_DIR": str(data_dir),
        "FLEXWATCH_LOG_LEVEL": "WARNING",
    }
    env.pop("FLEXWATCH_DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "flexwatch", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workspace")
    made = flexwatch(folder, "init")
    assert made.returncode == 0, made.stderr
    return folder


def test_version():
    result = flexwatch("var", "--version")

    assert result.stdout.strip() == f"flexwatch {__version__}"


def test_init_makes_a_wal_sqlite_database_and_a_private_key(workspace):
    database = sqlite3.connect(workspace / "flexwatch.sqlite3")

    mode = database.execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"
    assert oct((workspace / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_check_passes_on_a_prepared_workspace(workspace):
    result = flexwatch(workspace, "check")

    assert result.returncode == 0, result.stderr
    assert "migrations applied" in result.stdout


def test_check_fails_before_init(tmp_path):
    result = flexwatch(tmp_path, "check")

    assert result.returncode == 1
    assert "not applied" in result.stderr


def test_a_bad_setting_is_refused_with_its_name(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "flexwatch", "check"],
        env={
            **os.environ,
            "FLEXWATCH_DATA_DIR": str(tmp_path),
            "FLEXWATCH_DEBUG": "perhaps",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert env_result.returncode == 2
    assert "FLEXWATCH_DEBUG='perhaps'" in env_result.stderr


def test_demo_loads_once_and_the_audit_trail_verifies(workspace):
    first = flexwatch(workspace, "demo", "--if-empty")
    second = flexwatch(workspace, "demo", "--if-empty")
    forced = flexwatch(workspace, "demo")
    verified = flexwatch(workspace, "audit", "verify")

    assert first.returncode == 0 and "flexwatch-demo" in first.stdout
    assert "not loaded" in second.stdout
    assert forced.returncode == 1
    assert verified.returncode == 0 and "intact" in verified.stdout


def test_createuser_adds_a_member_with_a_role(workspace):
    created = flexwatch(
        workspace,
        "createuser",
        "maria",
        "--org",
        "Demo Police (Finland)",
        "--role",
        "analyst",
        "--password-stdin",
        stdin="a-long-enough-passphrase\n",
    )

    assert created.returncode == 0, created.stderr
    database = sqlite3.connect(workspace / "flexwatch.sqlite3")
    role = database.execute(
        "SELECT m.role FROM accounts_membership m JOIN accounts_user u "
        "ON u.id = m.user_id WHERE u.username = 'maria'"
    ).fetchone()
    assert role == ("analyst",)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--org", "1"], "Unknown role 'boss'"),
        (["--role", "viewer", "--org", "No Such Org"], "No organisation"),
        (["--role", "viewer"], "both an organisation and a role"),
    ],
)
def test_createuser_refuses_bad_input_and_creates_nobody(workspace, args, message):
    result = flexwatch(
        workspace,
        "createuser",
        "nobody",
        *args,
        "--password-stdin",
        stdin="a-long-enough-passphrase\n",
    )

    assert result.returncode in (1, 2)
    assert message in result.stderr
    database = sqlite3.connect(workspace / "flexwatch.sqlite3")
    assert database.execute(
        "SELECT count(*) FROM accounts_user WHERE username = 'nobody'"
    ).fetchone() == (0,)


def test_createuser_refuses_a_weak_password(workspace):
    result = flexwatch(
        workspace, "createuser", "weak", "--password-stdin", stdin="12345\n"
    )

    assert result.returncode == 1
    assert "too short" in result.stderr
