"""Benchmark settings read from ``FLEXWATCH_BENCH_*`` environment variables.

A bad value is refused with a sentence naming the variable and what is
accepted, before anything is started.
"""

import os


class BenchmarkError(RuntimeError):
    """A benchmark could not be set up, run or cleaned up."""


def text(name: str, default: str) -> str:
    """The variable's value, or ``default`` when it is unset or blank."""
    return os.environ.get(name, "").strip() or default


def count(name: str, default: int) -> int:
    """A whole number of at least 1."""
    raw = text(name, str(default))
    if not raw.isdigit() or int(raw) < 1:
        raise BenchmarkError(f"{name}={raw!r} must be a whole number of at least 1.")
    return int(raw)


def seconds(name: str, default: float, minimum: float = 0.0) -> float:
    """A number of seconds from ``minimum`` to an hour (fractions allowed)."""
    raw = text(name, str(default))
    try:
        value = float(raw)
    except ValueError:
        value = minimum - 1
    if not minimum <= value <= 3600:
        raise BenchmarkError(
            f"{name}={raw!r} must be a number of seconds from {minimum:g} to 3600."
        )
    return value
