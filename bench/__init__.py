"""Benchmarks of FLEX Watch, each printing its figures.

A benchmark is a module in this folder, with a name that does not start with
an underscore, that defines ``run()``. ``run()`` takes no arguments and returns
a list of figures made with ``figure()``; ``python -m bench`` (``make bench``)
finds every such module, runs it and prints each figure as one JSON line on
standard output. Helper modules (``load``, ``options``, ``postgres``,
``server``) define no ``run()`` and are skipped.

Progress and diagnostics go to standard error through ``logging``.
"""

from typing import Any

Figure = dict[str, Any]


def figure(
    benchmark: str, name: str, value: float | None, unit: str, **context: Any
) -> Figure:
    """One measured figure with what it was measured under.

    Args:
        benchmark: The benchmark module's name, such as ``home_page``.
        name: What was measured, such as ``requests_per_second``.
        value: The measured value; None when nothing could be measured.
        unit: The unit of ``value``, such as ``req/s`` or ``ms``.
        **context: The conditions of the run (database, clients, seconds …).

    Returns:
        A dictionary that ``python -m bench`` prints as one JSON line.
    """
    head = {"benchmark": benchmark, "figure": name, "value": value, "unit": unit}
    return head | context
