"""Many synthetic cases written straight to the tables, for ``bench.case_list``.

Only the fill process imports this module, once Django is set up; the leading
underscore keeps ``python -m bench`` from importing it without. Creating
100,000 cases one by one through ``cases.actions`` would take hours, so the
cases of ``flexwatch.demo.cases`` are checked by ``CaseIn`` and inserted in
batches with their forms of exploitation and their persons. Their decisions,
proceedings, assistance and indicator observations are left out: the list
shows none of them. The rows are not audited: they are a benchmark's set-up,
not a change anyone made. The sharing grant and the API tokens go through the
audited actions, as they would on a real site.

The cases are inserted in the order they were registered, whoever owns them,
as a site fills up over the years: ids grow with the date, and each
organisation's cases are spread over the whole range of ids, which is what the
planner meets on a real site. Sorting holds every case in memory first (about
1 GB for 100,000).
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction

from flexwatch.accounts.actions import Actor, create_token, grant
from flexwatch.accounts.models import Organisation, User
from flexwatch.accounts.pseudonyms import pseudonym
from flexwatch.accounts.scoping import scope_for
from flexwatch.cases import documents, listing
from flexwatch.cases.models import Case, ExploitationForm, Person
from flexwatch.cases.record import CaseIn, PersonIn
from flexwatch.demo import cases

log = logging.getLogger(__name__)

# Cases a transaction: few enough to keep each statement small, many enough
# that a round trip is shared by a thousand rows.
BATCH = 1000
# A case with the organisation that owns it.
Owned = tuple[Organisation, CaseIn]


@dataclass(frozen=True)
class Layout:
    """Who loads the lists, who shares with them, and the filters they use."""

    username: str
    grantor: str
    shared_fields: list[str]
    filters: dict[str, Any]
    seed: int


def fill(count: int, tokens: int, layout: Layout) -> dict[str, Any]:
    """Add ``count`` cases, a grant and ``tokens`` API tokens; say what was made.

    Returns:
        ``fill_s`` (seconds taken), ``tokens`` (the keys), and the numbers of
        ``cases`` in the store, of those ``visible`` to the user and of those
        ``matching`` the filters.
    """
    started = time.perf_counter()
    share(layout.grantor, layout.username, layout.shared_fields)
    insert(count, layout.seed)
    analyse()
    keys = make_tokens(layout.username, tokens)
    fill_s = round(time.perf_counter() - started, 1)
    log.info("Filled %s cases in %.1f s", count, fill_s)
    return {"fill_s": fill_s, "tokens": keys, **counts(layout)}


def _actor(username: str) -> Actor:
    user = User.objects.get(username=username)
    return Actor(user, scope_for(user))


def share(grantor: str, grantee: str, fields: list[str]) -> None:
    """``grantor``'s organisation shares its cases with ``grantee``'s."""
    admin = _actor(grantor)
    given = Organisation.objects.get(memberships__user=admin.user)
    taker = Organisation.objects.get(memberships__user__username=grantee)
    grant(admin, given, taker, Case.record_kind(), fields)


def insert(count: int, seed: int) -> None:
    """Spread ``count`` cases evenly over every organisation, oldest first."""
    started = time.perf_counter()
    owned = sorted(_generate(count, seed), key=_registered)
    log.info(
        "Made and checked %s cases in %.1f s", count, time.perf_counter() - started
    )

    for done, batch in enumerate(_batches(owned), start=1):
        _insert_batch(batch)
        if done % 20 == 0:
            log.info("Inserted %s of %s cases", done * BATCH, count)


def _generate(count: int, seed: int) -> Iterator[Owned]:
    organisations = list(Organisation.objects.order_by("pk"))
    each, rest = divmod(count, len(organisations))
    for number, owner in enumerate(organisations):
        share_of_owner = each + (number < rest)
        own_seed = f"{seed}-{owner.pk}"
        for values in cases.cases(owner.country, share_of_owner, own_seed):
            # Not inserted, so not worth checking either.
            del values["observations"]
            yield owner, CaseIn.model_validate(values)


def _registered(owned: Owned) -> date:
    return owned[1].registered_on or date.min


def _batches(owned: list[Owned]) -> Iterator[list[Owned]]:
    for start in range(0, len(owned), BATCH):
        yield owned[start : start + BATCH]


@transaction.atomic
def _insert_batch(batch: list[Owned]) -> None:
    rows = Case.objects.bulk_create(_case_row(*owned) for owned in batch)

    ExploitationForm.objects.bulk_create(
        ExploitationForm(case=row, code=code)
        for row, (_owner, record) in zip(rows, batch, strict=True)
        for code in record.exploitation_forms
    )
    Person.objects.bulk_create(
        _person_row(owner, row, person)
        for row, (owner, record) in zip(rows, batch, strict=True)
        for person in record.persons
    )


def _case_row(owner: Organisation, record: CaseIn) -> Case:
    values = {name: getattr(record, name) for name in documents.CASE_FIELDS}
    reference = record.source_reference
    return Case(
        owner=owner,
        year=record.year,
        is_synthetic=True,
        source_reference=pseudonym(owner.pseudonym_key, reference, "source")
        if reference
        else "",
        **values,
    )


def _person_row(owner: Organisation, case: Case, person: PersonIn) -> Person:
    values = {name: getattr(person, name) for name in documents.PERSON_FIELDS}
    identifier = person.identifier
    return Person(
        case=case,
        pseudonym=pseudonym(owner.pseudonym_key, identifier, "person")
        if identifier
        else "",
        **values,
    )


def analyse() -> None:
    """Vacuum and analyse the filled tables, as autovacuum soon would.

    Without statistics the planner guesses at 100,000 rows as if they were a
    handful, and the figures would be of plans a real site does not run.
    """
    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (Case, ExploitationForm, Person)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {tables}")


def make_tokens(username: str, count: int) -> list[str]:
    """``count`` API tokens of ``username``: one for each client."""
    actor = _actor(username)
    made = [create_token(actor, f"benchmark client {n}") for n in range(count)]
    return [key for _token, key in made]


def counts(layout: Layout) -> dict[str, int]:
    """Cases in the store, visible to the user, and matching the filters."""
    visible = scope_for(User.objects.get(username=layout.username)).visible(
        Case.objects.all()
    )
    return {
        "cases": Case.objects.count(),
        "visible": visible.count(),
        "matching": listing.filtered(visible, layout.filters).count(),
    }
