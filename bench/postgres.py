"""A fresh PostgreSQL database for one benchmark run, dropped afterwards."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from bench.options import BenchmarkError

log = logging.getLogger(__name__)

# A database cannot drop itself: the drop and the create run from here.
_MAINTENANCE_DATABASE = "postgres"


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """Drop and create the database named in ``url``; drop it again on exit.

    Args:
        url: ``postgresql://USER@HOST:PORT/NAME``; NAME must contain "bench",
            because whatever it names is dropped.

    Yields:
        ``url``, now naming an empty database.

    Raises:
        BenchmarkError: The URL is refused or the server cannot be reached.
    """
    name, maintenance_url = _split(url)
    _recreate(maintenance_url, name)
    try:
        yield url
    finally:
        _drop(maintenance_url, name)


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql"):
        raise BenchmarkError(
            f"The benchmark database URL {url!r} is not a PostgreSQL one; "
            "use postgresql://USER@HOST:PORT/NAME."
        )
    if "bench" not in name:
        raise BenchmarkError(
            f"The benchmark database {name!r} would be dropped and recreated, so "
            "its name must contain 'bench' (for example flexwatch_bench)."
        )
    maintenance = parts._replace(path=f"/{_MAINTENANCE_DATABASE}")
    return name, urlunsplit(maintenance)


def _execute(maintenance_url: str, statement: sql.Composed) -> None:
    try:
        with psycopg.connect(
            maintenance_url, autocommit=True, connect_timeout=10
        ) as connection:
            connection.execute(statement)
    except psycopg.Error as problem:
        raise BenchmarkError(
            f"PostgreSQL at {maintenance_url} refused {statement.as_string()!r}: "
            f"{problem}"
        ) from problem


def _recreate(maintenance_url: str, name: str) -> None:
    _drop(maintenance_url, name)
    _execute(
        maintenance_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    )
    log.info("Created database %s", name)


def _drop(maintenance_url: str, name: str) -> None:
    # FORCE ends connections a crashed run may have left behind.
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _execute(maintenance_url, statement.format(sql.Identifier(name)))
    log.info("Dropped database %s", name)
