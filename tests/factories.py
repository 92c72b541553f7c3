"""Small factories for tests: organisations, people with roles, records."""

from dataclasses import dataclass, field
from itertools import count

from flexwatch.accounts import actions
from flexwatch.accounts.models import Organisation, User
from flexwatch.accounts.roles import Role
from flexwatch.accounts.scoping import scope_for
from flexwatch.sources.models import DataSource

PASSWORD = "correct-horse-battery-9"
_serial = count(1)


def organisation(name: str | None = None, country: str = "FI", kind: str = "police"):
    return Organisation.objects.create(
        name=name or f"Organisation {next(_serial)}", country=country, kind=kind
    )


def person(org: Organisation | None, role: str, username: str | None = None) -> User:
    return actions.create_user(
        username or f"{role}-{next(_serial)}",
        PASSWORD,
        organisation=org,
        role=role if org is not None else None,
    )


def actor(user: User) -> actions.Actor:
    return actions.Actor(user, scope_for(user), "127.0.0.1")


def source(
    owner: Organisation, title: str = "Inspection reports", **extra
) -> DataSource:
    values = {
        "title": title,
        "kind": "labour_inspection",
        "country": owner.country,
        "first_year": 2015,
        "last_year": 2020,
        "records_held": 120,
        "access_conditions": "By written request.",
        "notes": "Contact: registry desk.",
        **extra,
    }
    return DataSource.objects.create(owner=owner, **values)


@dataclass
class Workspace:
    """An owner organisation with a member per role, a rapporteur, an outsider."""

    owner: Organisation
    rapporteur: Organisation
    outsider: Organisation
    members: dict[str, User] = field(default_factory=dict)
    rapporteur_analyst: User | None = None
    outsider_admin: User | None = None

    def user(self, role: str) -> User:
        return self.members[role]


def workspace() -> Workspace:
    owner = organisation("Owner Inspectorate", "FI", "labour_inspection")
    rapporteur = organisation("National Rapporteur", "FI", "national_rapporteur")
    outsider = organisation("Outside Police", "EE", "police")
    made = Workspace(owner, rapporteur, outsider)
    made.members = {role: person(owner, role, f"owner-{role}") for role in Role.values}
    made.rapporteur_analyst = person(rapporteur, "analyst", "rapporteur-analyst")
    made.outsider_admin = person(outsider, "admin", "outsider-admin")
    return made


def case_values(**overrides) -> dict:
    """A valid case as ``CaseIn`` reads it: one victim, one suspect, indicators."""
    values = {
        "country": "FI",
        "region": "FI1B1",
        "source_kind": "labour_inspection",
        "source_reference": "INSP-2023-0417",
        "exploitation_began": "2022-04-01",
        "exploitation_ended": "2023-02-15",
        "identified_on": "2023-02-20",
        "registered_on": "2023-03-01",
        "sector": "nace_01",
        "occupation": "isco_9",
        "exploitation_forms": ["forced_labour"],
        "recruitment_country": "UA",
        "recruitment_channel": "friends",
        "recruitment_fees_paid": True,
        "narrative": "Berry pickers housed in a shed; passports kept by the boss.",
        "legal_basis": "gdpr_6_1_e",
        "retention_until": "2040-12-31",
        "persons": [
            {
                "role": "victim",
                "sex": "female",
                "age": 34,
                "citizenship": "UA",
                "identifier": "Olena Testova 1989-05-02",
                "decisions": [
                    {
                        "decision": "formally_identified",
                        "decided_on": "2023-03-10",
                        "authority": "victim_assistance_system",
                    }
                ],
                "assistance": [{"measure": "accommodation"}],
            },
            {
                "role": "suspect",
                "sex": "male",
                "age_min": 40,
                "age_max": 49,
                "citizenship": "FI",
                "legal_events": [
                    {
                        "provision": "FI RL 25:3",
                        "stage": "charged",
                        "occurred_on": "2023-09-01",
                    }
                ],
            },
        ],
        "observations": [
            {
                "indicator": "cd.documents",
                "stage": "destination",
                "status": "observed",
                "evidence": "Passports in the boss's car.",
            },
            {
                "indicator": "ex.excessive_hours",
                "stage": "destination",
                "status": "observed",
            },
        ],
    }
    values.update(overrides)
    return values


def case(owner: Organisation, by: User | None = None, **overrides):
    """A stored case of ``owner``, made through the action the pages use."""
    from flexwatch.cases import actions as case_actions
    from flexwatch.cases.record import CaseIn

    author = by or person(owner, "caseworker")
    data = CaseIn.model_validate(case_values(**overrides))
    return case_actions.create(actor(author), owner, data)
