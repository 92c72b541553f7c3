"""Typed readers for the FLEX Watch settings held in the environment.

Every setting the project reads is named here once, in ``SETTINGS``, so the
documentation test can check that each one is described in docs/settings.md.
A bad value is refused with a sentence naming the variable and what is accepted.
"""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SETTINGS = (
    "FLEXWATCH_DATA_DIR",
    "FLEXWATCH_DATABASE_URL",
    "FLEXWATCH_SECRET_KEY",
    "FLEXWATCH_SECRET_KEY_FILE",
    "FLEXWATCH_DEBUG",
    "FLEXWATCH_ALLOWED_HOSTS",
    "FLEXWATCH_CSRF_TRUSTED_ORIGINS",
    "FLEXWATCH_SECURE_COOKIES",
    "FLEXWATCH_LOG_LEVEL",
    "FLEXWATCH_LOCKOUT_FAILURES",
    "FLEXWATCH_LOCKOUT_MINUTES",
    "FLEXWATCH_TEST_POSTGRES_URL",
    "FLEXWATCH_UPLOAD_MAX_MB",
    "FLEXWATCH_IMPORT_HELPERS",
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingError(ValueError):
    """A setting in the environment has a value FLEX Watch cannot use."""


@dataclass(frozen=True)
class Env:
    """A view of the environment with typed, validated readers."""

    values: Mapping[str, str]

    def text(self, name: str, default: str) -> str:
        return self.values.get(name, default).strip() or default

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.values.get(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise SettingError(
            f"{name}={raw!r} is not a yes/no value; use one of "
            f"{', '.join(sorted(_TRUE | _FALSE - {''}))}."
        )

    def words(self, name: str, default: tuple[str, ...]) -> list[str]:
        raw = self.values.get(name)
        if raw is None:
            return list(default)
        return [word.strip() for word in raw.split(",") if word.strip()]

    def number(self, name: str, default: int, minimum: int = 1) -> int:
        raw = self.values.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise SettingError(
                f"{name}={raw!r} must be a whole number of at least {minimum}."
            )
        return value

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name, default).upper()
        if value not in allowed:
            raise SettingError(
                f"{name}={value!r} is not accepted; use one of {', '.join(allowed)}."
            )
        return value


def environment() -> Env:
    return Env(dict(os.environ))


def data_dir(env: Env) -> Path:
    """The folder holding the embedded database, the key file and uploads."""
    return Path(env.text("FLEXWATCH_DATA_DIR", "var")).expanduser().resolve()


def database_url(env: Env, folder: Path) -> str:
    default = f"sqlite:///{folder / 'flexwatch.sqlite3'}"
    url = env.text("FLEXWATCH_DATABASE_URL", default)
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise SettingError(
            f"FLEXWATCH_DATABASE_URL={url.split(':')[0]!r}:… is not supported; "
            "use sqlite:///PATH or postgresql://USER@HOST:PORT/NAME."
        )
    return url


def secret_key(env: Env, folder: Path) -> str:
    """The key from FLEXWATCH_SECRET_KEY, else from a key file made on first use.

    The file is created with mode 0600 so only the service account reads it.
    """
    if key := env.text("FLEXWATCH_SECRET_KEY", ""):
        return key
    path = Path(env.text("FLEXWATCH_SECRET_KEY_FILE", str(folder / "secret_key")))
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


def log_level(env: Env) -> str:
    return env.choice("FLEXWATCH_LOG_LEVEL", "INFO", _LOG_LEVELS)
