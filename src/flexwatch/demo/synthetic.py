"""A seeded generator of synthetic organisations, people and records.

Pure: no Django, no I/O. Everything it makes is fictional and is marked as
synthetic wherever it is stored and shown.
"""

import random
from dataclasses import dataclass

DEMO_PASSWORD = "flexwatch-demo"
ROLES = ("admin", "analyst", "caseworker", "viewer", "partner")
COUNTRIES = {"FI": "Finland", "EE": "Estonia", "PL": "Poland"}

_SOURCE_TEMPLATES = {
    "labour_inspection": [
        ("labour_inspection", "Inspection reports on {sector}"),
        ("labour_inspection", "Complaints register ({sector})"),
    ],
    "police": [
        ("police_investigation", "Investigation files on trafficking offences"),
        ("prosecution", "Prosecution decisions on exploitation offences"),
    ],
    "national_rapporteur": [
        ("victim_assistance", "Assistance system client records"),
        ("media", "Media reports on labour exploitation"),
    ],
}
_SECTORS = ("agriculture", "construction", "cleaning", "restaurants", "care work")


@dataclass(frozen=True)
class OrganisationSpec:
    key: str
    name: str
    country: str
    kind: str


@dataclass(frozen=True)
class UserSpec:
    username: str
    organisation: str
    role: str


@dataclass(frozen=True)
class SourceSpec:
    organisation: str
    title: str
    kind: str
    country: str
    first_year: int
    last_year: int
    records_held: int
    notes: str


@dataclass(frozen=True)
class GrantSpec:
    grantor: str
    grantee: str
    fields: tuple[str, ...]
    record_kind: str = "sources.datasource"


@dataclass(frozen=True)
class Workspace:
    organisations: list[OrganisationSpec]
    users: list[UserSpec]
    sources: list[SourceSpec]
    grants: list[GrantSpec]


def _organisations(code: str, country: str) -> list[OrganisationSpec]:
    low = code.lower()
    return [
        OrganisationSpec(
            f"{low}-nr",
            f"Demo National Rapporteur ({country})",
            code,
            "national_rapporteur",
        ),
        OrganisationSpec(f"{low}-police", f"Demo Police ({country})", code, "police"),
        OrganisationSpec(
            f"{low}-inspection",
            f"Demo Labour Inspection ({country})",
            code,
            "labour_inspection",
        ),
    ]


def _users(code: str) -> list[UserSpec]:
    low = code.lower()
    people = [UserSpec(f"{low}-{role}", f"{low}-nr", role) for role in ROLES]
    people.append(UserSpec(f"{low}-police", f"{low}-police", "admin"))
    people.append(UserSpec(f"{low}-inspector", f"{low}-inspection", "admin"))
    return people


def _sources(rng: random.Random, org: OrganisationSpec) -> list[SourceSpec]:
    made = []
    for kind, pattern in _SOURCE_TEMPLATES[org.kind]:
        first = rng.randint(2010, 2018)
        made.append(
            SourceSpec(
                organisation=org.key,
                title=pattern.format(sector=rng.choice(_SECTORS)),
                kind=kind,
                country=org.country,
                first_year=first,
                last_year=rng.randint(first, 2025),
                records_held=rng.randint(20, 5000),
                notes=f"Synthetic note {rng.randint(1000, 9999)}: ask the registry.",
            )
        )
    return made


def workspace(seed: int = 2026) -> Workspace:
    """The demo workspace: the same seed gives the same workspace."""
    rng = random.Random(seed)
    organisations, users, sources, grants = [], [], [], []
    for code, country in COUNTRIES.items():
        orgs = _organisations(code, country)
        organisations += orgs
        users += _users(code)
        for org in orgs:
            sources += _sources(rng, org)
        low = code.lower()
        # The inspectorate shares everything not sensitive with the
        # rapporteur; the police share only what identifies the source.
        grants.append(GrantSpec(f"{low}-inspection", f"{low}-nr", ()))
        grants.append(GrantSpec(f"{low}-inspection", f"{low}-nr", (), "cases.case"))
        grants.append(
            GrantSpec(
                f"{low}-police",
                f"{low}-nr",
                ("title", "kind", "first_year", "last_year"),
            )
        )
    return Workspace(organisations, users, sources, grants)
