"""How a process is set up for a long import, and set back afterwards.

Python's and SQLite's defaults suit short requests. An import of a year of
records runs for minutes and writes millions of index entries; two settings
made a fifth to a third of its time.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# Allocations between two collections of the youngest objects (Python's
# default is 700).
GC_THRESHOLD = 10_000
# SQLite's page cache for the importing connection, in KiB (SQLite's default
# is 2 MiB): a store's indexes soon outgrow that, and every entry written at
# a random place in them reads pages back from the operating system.
SQLITE_CACHE_KIB = 128 * 1024


@contextmanager
def long_import() -> Iterator[None]:
    """Both settings below, for the time of the ``with`` block."""
    with few_collections(), sqlite_cache():
        yield


@contextmanager
def few_collections() -> Iterator[None]:
    """Python's cycle collector, set for a long stream of short-lived rows.

    Every row makes hundreds of objects that die with it, so by default the
    collector runs every few rows, and now and then walks every object the
    process holds (Django, the vocabularies). What exists before the import
    is set aside, and the youngest objects are collected less often.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


@contextmanager
def sqlite_cache() -> Iterator[None]:
    """A larger page cache for this connection, on SQLite; nothing elsewhere.

    The cache fills as the import goes and is given back at the end: memory
    stays bounded, at most this much above the import's own.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")
