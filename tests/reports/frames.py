"""Frames of the shape ``stats.frames`` reads, made up for the report tests.

Counts are drawn from a seeded generator, so every run sees the same cases:
enough in each country for most cells to be published, and small groups
(children, rare sectors) for disclosure control to have work to do.
"""

import random
from datetime import date

import polars as pl

from flexwatch.reports.content import Frames
from flexwatch.stats import frames as stats_frames

SECTORS = ("nace_01", "nace_10", "nace_43", "nace_55", "nace_97", None)
SOURCES = ("police_investigation", "labour_inspection", "victim_assistance", "ngo")
LEVELS = ("decent_work", "labour_rights_violation", "forced_labour", "trafficking")
DECISIONS = ("formally_identified", "presumed", "not_identified", None)
PROVISIONS = {
    "FI": ("FI RL 25:3", "FI RL 47:3a", "FI RL 21:1"),
    "EE": ("EE KarS 133", "EE KarS 121"),
    "PL": ("PL KK 189a", "PL KK 218"),
}
STAGES = ("reported", "investigated", "charged", "tried")
OUTCOMES = ("pending", "convicted", "acquitted")
INDICATORS = ("dr.nature_of_job", "dr.housing", "dr.wages")


def made_up(cases_per_country: int = 120, seed: int = 6) -> Frames:
    """Frames of ``cases_per_country`` cases in each of FI, EE and PL."""
    draw = random.Random(seed)
    cases, victims, events, helped, seen = [], [], [], [], []
    for country in ("FI", "EE", "PL"):
        for _ in range(cases_per_country):
            case = _case(draw, country, len(cases) + 1)
            cases.append(case)
            for _ in range(draw.choice((1, 1, 2, 3))):
                person = len(victims) + len(events) + 1
                victims.append(_victim(draw, case, person))
                helped.append((case["case_id"], 1, person, draw.random() < 0.6))
            events += _events(draw, case, len(victims) + len(events) + 1000)
            seen += _observations(draw, case)
    return Frames(
        victims=pl.DataFrame(victims, schema=stats_frames.SCHEMA, orient="row"),
        proceedings=pl.DataFrame(
            events, schema=_schema(stats_frames.PROCEEDINGS), orient="row"
        ),
        assistance=pl.DataFrame(
            helped, schema=_schema(stats_frames.ASSISTANCE), orient="row"
        ),
        observations=pl.DataFrame(
            seen, schema=_schema(stats_frames.OBSERVATIONS), orient="row"
        ),
        cases=pl.DataFrame(
            [{**c, "observations_shared": True} for c in cases],
            schema={**_schema(stats_frames.CASES), "observations_shared": pl.Boolean},
            orient="row",
        ),
    )


def _schema(columns: dict) -> dict:
    return {name: kind for name, (kind, _) in columns.items()}


def _case(draw: random.Random, country: str, case_id: int) -> dict:
    year = draw.choice((2023, 2024, 2024, 2025, 2025))
    return {
        "case_id": case_id,
        "owner_id": 1,
        "country": country,
        "sector": draw.choice(SECTORS),
        "source_kind": draw.choice(SOURCES),
        "year": year,
        # Dated without a draw, so the victims' own dates keep their stream.
        "registered_on": date(year, 1, 1),
        "identified_on": date(year, 1, 1),
        "exploitation_began": date(year, 1, 1),
        "continuum": draw.choice(LEVELS),
        "is_synthetic": False,
    }


def _victim(draw: random.Random, case: dict, person_id: int) -> dict:
    registered = date(case["year"], draw.randint(1, 12), 1)
    age = draw.choice((15, 25, 34, 47, None))
    return {
        **{k: case[k] for k in ("case_id", "owner_id", "country", "source_kind")},
        **{k: case[k] for k in ("sector", "continuum", "is_synthetic", "year")},
        "registered_on": registered,
        "identified_on": registered,
        "exploitation_began": registered,
        "person_id": person_id,
        "sex": draw.choice(("female", "male", "male", "unknown")),
        "age_min": age,
        "age_max": age,
        "citizenship": draw.choice((case["country"], "UA", "UA", "VN", "RO")),
        "identification": draw.choice(DECISIONS),
        "forms": [draw.choice(("forced_labour", "labour_exploitation"))],
    }


def _events(draw: random.Random, case: dict, person_id: int) -> list[tuple]:
    if draw.random() < 0.4:
        return []
    stage = draw.choice(STAGES)
    outcome = draw.choice(OUTCOMES) if stage == "tried" else "pending"
    return [
        (
            case["case_id"],
            1,
            case["country"],
            case["source_kind"],
            case["sector"],
            case["continuum"],
            False,
            case["year"],
            case["registered_on"],
            case["identified_on"],
            case["exploitation_began"],
            person_id,
            "suspect",
            draw.choice(("female", "male", "male")),
            draw.choice(PROVISIONS[case["country"]]),
            stage,
            outcome,
            date(case["year"], 6, 1),
        )
    ]


def _observations(draw: random.Random, case: dict) -> list[tuple]:
    return [
        (
            case["case_id"],
            1,
            case["country"],
            case["sector"],
            case["source_kind"],
            case["year"],
            case["continuum"],
            False,
            indicator,
            "destination",
            draw.choice(("observed", "observed", "not_observed")),
        )
        for indicator in INDICATORS
        if draw.random() < 0.7
    ]
