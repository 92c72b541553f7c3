"""The statistics' frames read from a filled database, for ``bench.stats``.

Run by ``bench.stats`` in a process of its own (``python -m
bench._stats_store``, an order as JSON on standard input, the result as
JSON on standard output) with ``FLEXWATCH_DATABASE_URL`` naming an empty
database; the benchmark runner itself never sets Django up.

The process migrates the database, makes an organisation for each country,
writes the cases of ``bench._stats_rows`` straight to the tables with their
forms, persons, identification decisions, legal events, assistance and
observations (as ``bench._case_rows`` does, and for the same reason: the
audited actions would take hours), then reads the five frames through
``flexwatch.stats.frames`` as an analyst of every organisation, timing each
read, and checks that every frame reads back the rows that were written.
The rows are not audited: they are a benchmark's set-up.
"""

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import django
import polars as pl

log = logging.getLogger("bench.stats")

BATCH = 5000


def main() -> None:
    order = json.load(sys.stdin)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "flexwatch.settings")
    django.setup()
    logging.getLogger("bench").setLevel(logging.INFO)
    print(json.dumps(fill_and_read(order["cases"], order["seed"])))


def fill_and_read(cases: int, seed: int) -> dict[str, Any]:
    """Fill the database with ``cases`` cases and read the frames back, timed."""
    written, owners, fill_s = fill(cases, seed)
    seconds, rows = _read(written, owners)
    return {"fill_s": round(fill_s, 1), "read_s": seconds, "rows": rows}


def fill(cases: int, seed: int) -> tuple[Any, tuple[int, ...], float]:
    """Migrate the database and write ``cases`` synthetic cases to it.

    Returns:
        The frames written, the organisation of each country and the
        seconds the writing took.
    """
    from django.core.management import call_command

    from bench._stats_rows import COUNTRIES, synthetic

    call_command("migrate", verbosity=0)
    owners = _organisations(COUNTRIES)
    written = synthetic(cases, seed, owners)

    started = time.perf_counter()
    _write(written)
    fill_s = time.perf_counter() - started
    log.info("Wrote %d cases in %.1f s", cases, fill_s)
    return written, owners, fill_s


def _organisations(countries: tuple[str, ...]) -> tuple[int, ...]:
    from flexwatch.accounts.models import Organisation

    made = [
        Organisation.objects.create(
            name=f"Benchmark {country}",
            country=country,
            kind="police",
            is_synthetic=True,
            pseudonym_key=f"benchmark-{country}",
        )
        for country in countries
    ]
    return tuple(organisation.pk for organisation in made)


def _write(frames: Any) -> None:
    from flexwatch.cases import models

    cases = frames.cases.join(
        frames.victims.unique("case_id").select(
            "case_id", "registered_on", "identified_on", "exploitation_began", "forms"
        ),
        on="case_id",
        how="left",
    )
    _insert(models.Case, cases, _case)
    forms = cases.select("case_id", "forms").explode("forms").drop_nulls()
    _insert(
        models.ExploitationForm,
        forms,
        lambda r: {"case_id": r["case_id"], "code": r["forms"]},
    )
    persons = pl.concat(
        [
            frames.victims.select(
                "case_id",
                "person_id",
                "sex",
                "age_min",
                "age_max",
                "citizenship",
                pl.lit("victim").alias("role"),
            ),
            frames.proceedings.filter(pl.col("role") == "suspect")
            .unique("person_id", keep="first", maintain_order=True)
            .select(
                "case_id",
                "person_id",
                "sex",
                pl.lit(None, pl.Int32).alias("age_min"),
                pl.lit(None, pl.Int32).alias("age_max"),
                pl.lit(None, pl.String).alias("citizenship"),
                "role",
            ),
        ]
    )
    _insert(models.Person, persons, _person)
    decided = frames.victims.filter(pl.col("identification").is_not_null())
    _insert(
        models.IdentificationDecision,
        decided,
        lambda r: {"person_id": r["person_id"], "decision": r["identification"]},
    )
    _insert(
        models.LegalEvent,
        frames.proceedings,
        lambda r: {
            k: r[k]
            for k in ("person_id", "provision", "stage", "outcome", "occurred_on")
        },
    )
    assisted = frames.assistance.filter(pl.col("assisted"))
    _insert(
        models.AssistanceEvent,
        assisted,
        lambda r: {"person_id": r["person_id"], "measure": "accommodation"},
    )
    _insert(
        models.Observation,
        frames.observations,
        lambda r: {k: r[k] for k in ("case_id", "indicator", "stage", "status")},
    )


def _case(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["case_id"],
        "owner_id": row["owner_id"],
        "country": row["country"],
        "source_kind": row["source_kind"],
        "sector": row["sector"] or "",
        "continuum": row["continuum"],
        "is_synthetic": row["is_synthetic"],
        "registered_on": row["registered_on"],
        "identified_on": row["identified_on"],
        "exploitation_began": row["exploitation_began"],
        "year": row["year"],
        "legal_basis": "gdpr_6_1_e",
    }


def _person(row: dict[str, Any]) -> dict[str, Any]:
    values = {
        "id": row["person_id"],
        "case_id": row["case_id"],
        "role": row["role"],
        "sex": row["sex"],
        "age_min": row["age_min"],
        "age_max": row["age_max"],
    }
    if row["citizenship"] is not None:
        values["citizenship"] = row["citizenship"]
    return values


def _insert(model: Any, frame: pl.DataFrame, values: Callable[[dict], dict]) -> None:
    from django.db import transaction

    for batch in _batches(frame):
        with transaction.atomic():
            model.objects.bulk_create(model(**values(row)) for row in batch)
    log.info("Wrote %d rows of %s", frame.height, model.__name__)


def _batches(frame: pl.DataFrame) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, frame.height, BATCH):
        yield frame.slice(start, BATCH).to_dicts()


def _read(
    written: Any, owners: tuple[int, ...]
) -> tuple[dict[str, float], dict[str, int]]:
    from flexwatch.accounts.scoping import Scope
    from flexwatch.stats import frames

    scope = Scope(user_id=None, roles=dict.fromkeys(owners, "analyst"))
    seconds, rows = {}, {}
    for name in ("victims", "proceedings", "assistance", "observations", "cases"):
        started = time.perf_counter()
        frame = getattr(frames, name)(scope)
        seconds[name] = round(time.perf_counter() - started, 2)
        rows[name] = frame.height
        _check(name, frame, getattr(written, name))
    return seconds, rows


def _check(name: str, read: pl.DataFrame, written: pl.DataFrame) -> None:
    """The frame read has the rows written, column for column."""
    columns = [c for c in written.columns if c in read.columns]
    keys = [c for c in columns if not isinstance(read.schema[c], pl.List)]
    ours = read.select(columns).sort(keys)
    theirs = written.select(columns).sort(keys)
    if not ours.equals(theirs):
        raise RuntimeError(f"The {name} frame read back differs from the rows written.")


if __name__ == "__main__":
    main()
