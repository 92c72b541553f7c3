"""Synthetic cases in the shape ``cases.record.CaseIn`` reads.

Pure: no Django, no I/O. Every value is drawn from the package's vocabularies
and frameworks with a seeded generator, so the same seed gives the same cases.
Nothing here describes a real person: identifiers are made-up serial numbers
and narratives say they are synthetic. The demo workspace and the benchmarks
use it.
"""

import random
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Any

from flexwatch import vocab
from flexwatch.assessment import frameworks

# Where, in these countries' reports, people exploited in labour come from.
_ORIGINS = {
    "FI": ("UA", "TH", "VN", "RU", "EE", "IN", "BD", "NP", "PH", "LK"),
    "EE": ("UA", "BY", "RU", "MD", "UZ", "KG", "IN", "LV"),
    "PL": ("UA", "BY", "IN", "NP", "PH", "BD", "GE", "VN", "KP", "UZ"),
}
_SECTORS = ("nace_01", "nace_41", "nace_43", "nace_81", "nace_56", "nace_10")
_FORMS = ("forced_labour", "labour_exploitation", "criminal_activities", "begging")
_SOURCE_KINDS = (
    "labour_inspection",
    "police_investigation",
    "victim_assistance",
    "court_judgement",
    "ngo",
)
_DECISIONS = ("presumed", "formally_identified", "not_identified")
_ASSISTANCE = ("accommodation", "legal_aid", "health_care", "reflection_period")


@cache
def _regions(country: str) -> tuple[str, ...]:
    regions = vocab.vocabulary("nuts_region")
    return tuple(c for c in regions.codes if c.startswith(country) and len(c) == 5)


@cache
def _delphi() -> tuple[tuple[str, str], ...]:
    """Every ILO-EC Delphi indicator with the stage of the journey it concerns."""
    framework = frameworks.catalogue().framework("ilo_ec_delphi_2009")
    return tuple(
        (indicator.id, dimension.stage or "destination")
        for dimension in framework.dimensions
        for indicator in dimension.indicators
    )


def cases(country: str, count: int, seed: int | str = 2026) -> Iterator[dict[str, Any]]:
    """``count`` synthetic cases of exploitation in ``country`` (FI, EE or PL).

    Examples:
        >>> first = next(cases("FI", 1))
        >>> first["country"], first["narrative"].startswith("Synthetic")
        ('FI', True)
    """
    rng = random.Random(f"{seed}-{country}")
    for serial in range(1, count + 1):
        yield _case(rng, country, serial)


def _case(rng: random.Random, country: str, serial: int) -> dict[str, Any]:
    began = date(2018, 1, 1) + timedelta(days=rng.randint(0, 7 * 365))
    ended = began + timedelta(days=rng.randint(30, 700))
    identified = ended + timedelta(days=rng.randint(0, 60))
    registered = identified + timedelta(days=rng.randint(0, 90))
    sector = rng.choice(_SECTORS)
    origin = rng.choice(_ORIGINS.get(country, _ORIGINS["FI"]))
    victims = rng.choices((1, 2, 3, 5, 12), weights=(50, 20, 12, 10, 8))[0]

    return {
        "country": country,
        "region": rng.choice(_regions(country) or ("",)),
        "source_kind": rng.choice(_SOURCE_KINDS),
        "source_reference": f"SYN-{country}-{serial:06d}",
        "exploitation_began": began.isoformat(),
        "exploitation_ended": ended.isoformat(),
        "identified_on": identified.isoformat(),
        "registered_on": registered.isoformat(),
        "sector": sector,
        "occupation": rng.choice(("isco_9", "isco_7", "isco_6", "isco_5", "isco_8")),
        "exploitation_forms": [rng.choices(_FORMS, weights=(60, 30, 6, 4))[0]],
        "recruitment_country": origin,
        "recruitment_channel": rng.choice(("friends", "family", "")),
        "recruitment_fees_paid": rng.choice((True, False, None)),
        "narrative": (
            f"Synthetic case {serial}: {victims} worker(s) recruited from "
            f"{origin}; pay withheld and long hours reported."
        ),
        "legal_basis": "gdpr_6_1_e",
        "retention_until": (registered + timedelta(days=365 * 15)).isoformat(),
        "persons": [
            *(_victim(rng, origin, registered) for _ in range(victims)),
            *(_suspect(rng, country, registered) for _ in range(rng.randint(0, 2))),
        ],
        "observations": _observations(rng),
    }


def _victim(rng: random.Random, origin: str, registered: date) -> dict[str, Any]:
    decided = registered + timedelta(days=rng.randint(0, 120))
    person: dict[str, Any] = {
        "role": "victim",
        "sex": rng.choices(("male", "female", "unknown"), weights=(62, 35, 3))[0],
        "citizenship": origin,
        "identifier": f"synthetic-person-{rng.getrandbits(48):012x}",
        "decisions": [
            {
                "decision": rng.choices(_DECISIONS, weights=(40, 35, 25))[0],
                "decided_on": decided.isoformat(),
                "authority": "victim_assistance_system",
            }
        ],
        "assistance": [{"measure": rng.choice(_ASSISTANCE)}]
        if rng.random() < 0.6
        else [],
    }
    if rng.random() < 0.8:
        person["age"] = rng.randint(16, 62)
    else:
        low = rng.choice((9, 18, 21, 25, 30))
        person["age_min"], person["age_max"] = low, low + rng.choice((2, 8, 9))
    return person


def _suspect(rng: random.Random, country: str, registered: date) -> dict[str, Any]:
    stage = rng.choice(("reported", "investigated", "charged", "tried"))
    return {
        "role": "suspect",
        "sex": rng.choices(("male", "female"), weights=(80, 20))[0],
        "age": rng.randint(25, 65),
        "citizenship": rng.choice((country, country, "UA", "VN")),
        "legal_events": [
            {
                "provision": rng.choice(_PROVISIONS.get(country, ("other",))),
                "stage": stage,
                "occurred_on": (registered + timedelta(days=200)).isoformat(),
                "outcome": "convicted" if stage == "tried" else "pending",
            }
        ],
    }


_PROVISIONS = {
    "FI": ("FI RL 25:3", "FI RL 47:3a", "FI RL 25:3a"),
    "EE": ("EE KarS 133", "EE KarS 133-1", "EE KarS 175"),
    "PL": ("PL KK 189a", "PL KK 218", "PL KK 211a"),
}


def _observations(rng: random.Random) -> list[dict[str, Any]]:
    chosen = rng.sample(_delphi(), k=rng.randint(2, 9))
    return [
        {"indicator": indicator, "stage": stage, "status": "observed"}
        for indicator, stage in chosen
    ]
