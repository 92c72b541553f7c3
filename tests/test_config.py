"""Settings read from the environment: defaults, refusals, the key file."""

import stat

import pytest

from flexwatch import config


def _env(**values: str) -> config.Env:
    return config.Env(values)


def test_the_default_database_is_sqlite_in_the_data_folder(tmp_path):
    url = config.database_url(_env(), tmp_path)

    assert url == f"sqlite:///{tmp_path / 'flexwatch.sqlite3'}"


def test_a_postgresql_url_is_accepted(tmp_path):
    url = "postgresql://postgres@127.0.0.1:5432/flexwatch"

    assert config.database_url(_env(FLEXWATCH_DATABASE_URL=url), tmp_path) == url


def test_an_unsupported_database_is_refused_by_name(tmp_path):
    with pytest.raises(config.SettingError, match="FLEXWATCH_DATABASE_URL='mysql'"):
        config.database_url(_env(FLEXWATCH_DATABASE_URL="mysql://x/y"), tmp_path)


def test_the_secret_key_file_is_made_once_with_owner_only_access(tmp_path):
    first = config.secret_key(_env(), tmp_path)
    second = config.secret_key(_env(), tmp_path)

    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert first == second and len(first) >= 50
    assert mode == 0o600


def test_a_secret_key_in_the_environment_wins(tmp_path):
    key = config.secret_key(_env(FLEXWATCH_SECRET_KEY="from-the-environment"), tmp_path)

    assert key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("off", False)]
)
def test_flags_read_the_usual_spellings(raw, expected):
    assert _env(FLEXWATCH_DEBUG=raw).flag("FLEXWATCH_DEBUG") is expected


def test_debug_is_off_by_default():
    assert _env().flag("FLEXWATCH_DEBUG") is False


@pytest.mark.parametrize(
    ("name", "raw", "reader"),
    [
        ("FLEXWATCH_DEBUG", "maybe", lambda e: e.flag("FLEXWATCH_DEBUG")),
        (
            "FLEXWATCH_LOCKOUT_FAILURES",
            "0",
            lambda e: e.number("FLEXWATCH_LOCKOUT_FAILURES", 5),
        ),
        (
            "FLEXWATCH_LOCKOUT_FAILURES",
            "five",
            lambda e: e.number("FLEXWATCH_LOCKOUT_FAILURES", 5),
        ),
        ("FLEXWATCH_LOG_LEVEL", "LOUD", config.log_level),
    ],
)
def test_bad_values_are_refused_naming_the_setting(name, raw, reader):
    with pytest.raises(config.SettingError, match=name):
        reader(_env(**{name: raw}))


def test_hosts_are_a_comma_separated_list():
    env = _env(FLEXWATCH_ALLOWED_HOSTS="flex.example.org, 10.0.0.5,")

    assert env.words("FLEXWATCH_ALLOWED_HOSTS", ()) == ["flex.example.org", "10.0.0.5"]


def test_sqlite_runs_with_wal_and_foreign_keys(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    options = connection.settings_dict["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
