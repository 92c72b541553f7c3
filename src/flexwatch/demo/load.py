"""Write the synthetic demo workspace into the store through the audited actions."""

import logging

from django.db import transaction

from flexwatch.accounts import actions
from flexwatch.accounts.models import Organisation, User
from flexwatch.accounts.scoping import scope_for
from flexwatch.cases import actions as case_actions
from flexwatch.cases.record import CaseIn
from flexwatch.demo import cases
from flexwatch.demo.synthetic import DEMO_PASSWORD, Workspace, workspace
from flexwatch.sources import actions as source_actions
from flexwatch.sources.models import DataSource

log = logging.getLogger(__name__)
PLATFORM_ADMIN = "platform-admin"
# Cases per police or inspection organisation: enough to page and filter.
CASES_EACH = 30


def is_empty() -> bool:
    return not Organisation.objects.exists() and not User.objects.exists()


@transaction.atomic
def load(seed: int = 2026) -> Workspace:
    """Create the demo organisations, users, data sources and grants."""
    spec = workspace(seed)
    orgs = {
        o.key: Organisation.objects.create(
            name=o.name, country=o.country, kind=o.kind, is_synthetic=True
        )
        for o in spec.organisations
    }
    users = {
        u.username: actions.create_user(
            u.username,
            DEMO_PASSWORD,
            organisation=orgs[u.organisation],
            role=u.role,
            synthetic=True,
        )
        for u in spec.users
    }
    actions.create_user(PLATFORM_ADMIN, DEMO_PASSWORD, superuser=True, synthetic=True)

    admins = {
        u.organisation: actions.Actor(users[u.username], scope_for(users[u.username]))
        for u in spec.users
        if u.role == "admin"
    }
    for s in spec.sources:
        record = DataSource(owner=orgs[s.organisation], is_synthetic=True)
        changes = {k: v for k, v in vars(s).items() if k != "organisation"}
        source_actions.save(admins[s.organisation], record, changes)

    made = 0
    for key, org in orgs.items():
        if org.kind in ("police", "labour_inspection"):
            made += _cases(admins[key], org, f"{seed}-{key}")

    for g in spec.grants:
        actions.grant(
            admins[g.grantor],
            orgs[g.grantor],
            orgs[g.grantee],
            g.record_kind,
            list(g.fields),
        )
    log.info(
        "demo workspace loaded: %s organisations, %s users, %s sources, %s cases",
        len(orgs),
        len(users) + 1,
        len(spec.sources),
        made,
    )
    return spec


def _cases(admin: actions.Actor, org: Organisation, seed: str) -> int:
    values = cases.cases(org.country, CASES_EACH, seed=seed)
    for case in values:
        case_actions.create(admin, org, CaseIn.model_validate(case), is_synthetic=True)
    return CASES_EACH
