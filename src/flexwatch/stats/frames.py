"""Frames of the cases a user may see: victims, proceedings, assistance, cases.

This is the Django side of the statistics, and it stays thin: it reads the
store and hands polars frames to the pure table code (``stats.tables``,
``stats.proceedings``). Each frame is read in a fixed number of queries
whatever the number of cases: ``victims`` in two (the victims with their
case and latest identification decision, then the forms of exploitation of
those cases), ``proceedings`` (one row per legal event) and ``assistance``
(one row per victim, whether any assistance is recorded) in one each, and
so are ``observations`` (one row per indicator observation) and ``cases``
(one row per case, the denominators of the indicator tables).

What the user may see is decided by ``accounts.scoping``, as on the case
pages: ``Scope.visible`` chooses the cases, and ``Access`` the parts of
them. The persons of an owner whose sharing grant leaves out persons, and
so their legal events and assistance, are never read, nor the observations
of an owner whose grant leaves out observations; a case field or the
forms a grant leaves out are null, which the tables count as unknown.
Synthetic records are kept and flagged (``is_synthetic``): the tables leave
them out unless asked.
"""

import logging

import polars as pl
from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from flexwatch.accounts.actions import Actor
from flexwatch.accounts.models import User
from flexwatch.accounts.scoping import Access, Scope, scope_for
from flexwatch.cases.models import (
    AssistanceEvent,
    Case,
    ExploitationForm,
    IdentificationDecision,
    LegalEvent,
    Observation,
    Person,
)

log = logging.getLogger(__name__)

# Each column of the frame, its type, and where the query reads it.
COLUMNS: dict[str, tuple[pl.DataType, str]] = {
    "case_id": (pl.Int64(), "case_id"),
    "owner_id": (pl.Int64(), "case__owner_id"),
    "country": (pl.String(), "case__country"),
    "source_kind": (pl.String(), "case__source_kind"),
    "sector": (pl.String(), "case__sector"),
    "continuum": (pl.String(), "case__continuum"),
    "is_synthetic": (pl.Boolean(), "case__is_synthetic"),
    "registered_on": (pl.Date(), "case__registered_on"),
    "identified_on": (pl.Date(), "case__identified_on"),
    "exploitation_began": (pl.Date(), "case__exploitation_began"),
    "year": (pl.Int32(), "case__year"),
    "person_id": (pl.Int64(), "id"),
    "sex": (pl.String(), "sex"),
    "age_min": (pl.Int32(), "age_min"),
    "age_max": (pl.Int32(), "age_max"),
    "citizenship": (pl.String(), "citizenship"),
    "identification": (pl.String(), "identification"),
}
FORMS = pl.List(pl.String())
SCHEMA = {**{name: kind for name, (kind, _) in COLUMNS.items()}, "forms": FORMS}

# The proceedings frame: a legal event, its person and their case.
PROCEEDINGS: dict[str, tuple[pl.DataType, str]] = {
    "case_id": (pl.Int64(), "person__case_id"),
    "owner_id": (pl.Int64(), "person__case__owner_id"),
    "country": (pl.String(), "person__case__country"),
    "source_kind": (pl.String(), "person__case__source_kind"),
    "sector": (pl.String(), "person__case__sector"),
    "continuum": (pl.String(), "person__case__continuum"),
    "is_synthetic": (pl.Boolean(), "person__case__is_synthetic"),
    "year": (pl.Int32(), "person__case__year"),
    "registered_on": (pl.Date(), "person__case__registered_on"),
    "identified_on": (pl.Date(), "person__case__identified_on"),
    "exploitation_began": (pl.Date(), "person__case__exploitation_began"),
    "person_id": (pl.Int64(), "person_id"),
    "role": (pl.String(), "person__role"),
    "sex": (pl.String(), "person__sex"),
    "provision": (pl.String(), "provision"),
    "stage": (pl.String(), "stage"),
    "outcome": (pl.String(), "outcome"),
    "occurred_on": (pl.Date(), "occurred_on"),
}
# The assistance frame: a victim and whether any assistance is recorded.
ASSISTANCE: dict[str, tuple[pl.DataType, str]] = {
    "case_id": (pl.Int64(), "case_id"),
    "owner_id": (pl.Int64(), "case__owner_id"),
    "person_id": (pl.Int64(), "id"),
    "assisted": (pl.Boolean(), "assisted"),
}
# The observations frame: an indicator as seen in a case, and the case.
OBSERVATIONS: dict[str, tuple[pl.DataType, str]] = {
    "case_id": (pl.Int64(), "case_id"),
    "owner_id": (pl.Int64(), "case__owner_id"),
    "country": (pl.String(), "case__country"),
    "sector": (pl.String(), "case__sector"),
    "source_kind": (pl.String(), "case__source_kind"),
    "year": (pl.Int32(), "case__year"),
    "continuum": (pl.String(), "case__continuum"),
    "is_synthetic": (pl.Boolean(), "case__is_synthetic"),
    "indicator": (pl.String(), "indicator"),
    "stage": (pl.String(), "stage"),
    "status": (pl.String(), "status"),
}
# The cases frame: a case (whether its observations may be read is added).
CASES: dict[str, tuple[pl.DataType, str]] = {
    "case_id": (pl.Int64(), "id"),
    "owner_id": (pl.Int64(), "owner_id"),
    "country": (pl.String(), "country"),
    "sector": (pl.String(), "sector"),
    "source_kind": (pl.String(), "source_kind"),
    "year": (pl.Int32(), "year"),
    "registered_on": (pl.Date(), "registered_on"),
    "identified_on": (pl.Date(), "identified_on"),
    "exploitation_began": (pl.Date(), "exploitation_began"),
    "exploitation_ended": (pl.Date(), "exploitation_ended"),
    "continuum": (pl.String(), "continuum"),
    "is_synthetic": (pl.Boolean(), "is_synthetic"),
}
# The regions frame: a case and its NUTS region, for microdata releases.
REGIONS: dict[str, tuple[pl.DataType, str]] = {
    "case_id": (pl.Int64(), "id"),
    "owner_id": (pl.Int64(), "owner_id"),
    "region": (pl.String(), "region"),
}

# Case fields a sharing grant may leave out; person fields go with the part.
_CASE_FIELDS = (
    "country",
    "source_kind",
    "sector",
    "continuum",
    "registered_on",
    "identified_on",
    "exploitation_began",
    "year",
)
_CASE_FIELDS_OF_EVENTS = {
    name: name for name in ("country", "source_kind", "sector", "continuum", "year")
}
# The case's dates, which the proceedings and cases frames carry so that their
# tables can count by a date basis.
_DATED_CASE_FIELDS = _CASE_FIELDS_OF_EVENTS | {
    name: name for name in ("registered_on", "identified_on", "exploitation_began")
}
# The cases frame also carries when exploitation ended, which decides the law
# a case is weighed under (the report's legislation section).
_CASE_FRAME_FIELDS = _DATED_CASE_FIELDS | {"exploitation_ended": "exploitation_ended"}


def victims(who: User | Actor | Scope) -> pl.DataFrame:
    """Every victim of the cases ``who`` may see, one row each (``SCHEMA``).

    Args:
        who: a user, an actor or a scope already loaded.

    Returns:
        A frame whose ``identification`` is the person's latest
        identification decision (null for none) and ``forms`` the case's
        forms of exploitation (empty for none, null when not shared).
    """
    scope = _scope_of(who)
    accesses = _accesses(scope)
    shown = _with_persons(scope, accesses)

    frame = _persons(shown)
    frame = frame.join(_forms(shown, accesses), on="case_id", how="left")
    frame = _blank_hidden(frame, accesses)

    log.info("Read %d victims of %d cases", frame.height, frame["case_id"].n_unique())
    return frame.select(list(SCHEMA))


def proceedings(who: User | Actor | Scope) -> pl.DataFrame:
    """Every legal event of a person of the cases ``who`` may see, one row each.

    Suspects and victims alike (a victim's events record proceedings against
    them, which non-punishment asks about); the tables choose.

    Args:
        who: a user, an actor or a scope already loaded.

    Returns:
        A frame with the columns of ``PROCEEDINGS``; a case field a sharing
        grant leaves out is null.
    """
    scope = _scope_of(who)
    accesses = _accesses(scope)
    shown = _with_persons(scope, accesses)

    rows = (
        LegalEvent.objects.filter(person__case__in=shown)
        .order_by("person__case_id", "person_id", "id")
        .values_list(*(path for _, path in PROCEEDINGS.values()))
    )
    frame = _read(rows, PROCEEDINGS)
    frame = _blank(frame, accesses, _DATED_CASE_FIELDS)

    log.info("Read %d legal events of %d persons", frame.height, _persons_in(frame))
    return frame


def assistance(who: User | Actor | Scope) -> pl.DataFrame:
    """Every victim of the cases ``who`` may see, and whether they were assisted.

    ``assisted`` is true when at least one assistance event is recorded for
    the victim: no event recorded is not proof that no help was given.

    Args:
        who: a user, an actor or a scope already loaded.

    Returns:
        A frame with the columns of ``ASSISTANCE``, one row per victim.
    """
    scope = _scope_of(who)
    shown = _with_persons(scope, _accesses(scope))

    any_event = AssistanceEvent.objects.filter(person=OuterRef("pk"))
    rows = (
        Person.objects.filter(role="victim", case__in=shown)
        .annotate(assisted=Exists(any_event))
        .order_by("case_id", "id")
        .values_list(*(path for _, path in ASSISTANCE.values()))
    )
    frame = _read(rows, ASSISTANCE)

    log.info("Read assistance of %d victims", frame.height)
    return frame


def observations(who: User | Actor | Scope) -> pl.DataFrame:
    """Every indicator observation of the cases ``who`` may see, one row each.

    An indicator with no row in a case is unknown there, never "not
    observed": the tables count a case's indicators against ``cases``.

    Args:
        who: a user, an actor or a scope already loaded.

    Returns:
        A frame with the columns of ``OBSERVATIONS``; a case field a sharing
        grant leaves out is null.
    """
    scope = _scope_of(who)
    accesses = _accesses(scope)
    shown = scope.visible(Case.objects.all()).exclude(
        owner_id__in=_hiding(accesses, "observations")
    )

    rows = (
        Observation.objects.filter(case__in=shown)
        .order_by("case_id", "indicator", "stage")
        .values_list(*(path for _, path in OBSERVATIONS.values()))
    )
    frame = _blank(_read(rows, OBSERVATIONS), accesses, _CASE_FIELDS_OF_EVENTS)

    log.info("Read %d observations", frame.height)
    return frame


def cases(who: User | Actor | Scope) -> pl.DataFrame:
    """Every case ``who`` may see, one row each.

    ``observations_shared`` is false for the cases of an owner whose grant
    leaves out observations: such a case has none in ``observations``, and
    that says nothing about its indicators.

    Args:
        who: a user, an actor or a scope already loaded.

    Returns:
        A frame with the columns of ``CASES`` and ``observations_shared``; a
        case field a sharing grant leaves out is null.
    """
    scope = _scope_of(who)
    accesses = _accesses(scope)
    hidden = _hiding(accesses, "observations")

    rows = (
        scope.visible(Case.objects.all())
        .order_by("id")
        .values_list(*(path for _, path in CASES.values()))
    )
    frame = _blank(_read(rows, CASES), accesses, _CASE_FRAME_FIELDS)
    shared = ~pl.col("owner_id").is_in(hidden)
    frame = frame.with_columns(shared.alias("observations_shared"))

    log.info("Read %d cases", frame.height)
    return frame


def regions(who: User | Actor | Scope) -> pl.DataFrame:
    """Every case ``who`` may see and its NUTS region, one row each.

    Read apart from the victims frame, which the tables share, because only
    a microdata release places a victim below the country.

    Args:
        who: a user, an actor or a scope already loaded.

    Returns:
        A frame with the columns of ``REGIONS``; the region is null when it
        was left blank or a sharing grant leaves it out.
    """
    scope = _scope_of(who)
    rows = (
        scope.visible(Case.objects.all())
        .order_by("id")
        .values_list(*(path for _, path in REGIONS.values()))
    )
    frame = _read(rows, REGIONS)
    frame = frame.with_columns(pl.col("region").replace("", None))
    frame = _blank(frame, _accesses(scope), {"region": "region"})

    log.info("Read the regions of %d cases", frame.height)
    return frame


def _scope_of(who: User | Actor | Scope) -> Scope:
    if isinstance(who, Actor):
        return who.scope
    return who if isinstance(who, Scope) else scope_for(who)


def _accesses(scope: Scope) -> dict[int, Access | None]:
    """The scope's access to the cases of each owner it may read or was granted."""
    kind = Case.record_kind()
    owners = set(scope.roles) | {owner for owner, k in scope.grants if k == kind}
    return {owner: scope.access(Case(owner_id=owner)) for owner in owners}


def _with_persons(scope: Scope, accesses: dict[int, Access | None]) -> QuerySet[Case]:
    """The visible cases whose persons the scope may read."""
    cases = scope.visible(Case.objects.all())
    return cases.exclude(owner_id__in=_hiding(accesses, "persons"))


def _read(rows: QuerySet, columns: dict[str, tuple[pl.DataType, str]]) -> pl.DataFrame:
    schema = {name: kind for name, (kind, _) in columns.items()}
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    if "sector" not in frame.columns:
        return frame
    # A sector left blank is as unknown as one not shared.
    return frame.with_columns(pl.col("sector").replace("", None))


def _persons_in(frame: pl.DataFrame) -> int:
    return frame["person_id"].n_unique()


def _hiding(accesses: dict[int, Access | None], name: str) -> list[int]:
    return [o for o, access in accesses.items() if not access or not access.shows(name)]


def _persons(cases: QuerySet[Case]) -> pl.DataFrame:
    # Undated decisions rank before dated ones; among equals the later entry.
    latest = IdentificationDecision.objects.filter(person=OuterRef("pk")).order_by(
        F("decided_on").desc(nulls_last=True), "-id"
    )
    rows = (
        Person.objects.filter(role="victim", case__in=cases)
        .annotate(identification=Subquery(latest.values("decision")[:1]))
        .order_by("case_id", "id")
        .values_list(*(path for _, path in COLUMNS.values()))
    )
    return _read(rows, COLUMNS)


def _forms(cases: QuerySet[Case], accesses: dict[int, Access | None]) -> pl.DataFrame:
    shared = cases.exclude(owner_id__in=_hiding(accesses, "exploitation_forms"))
    rows = (
        ExploitationForm.objects.filter(case__in=shared)
        .order_by("case_id", "id")
        .values_list("case_id", "code")
    )
    listed = pl.DataFrame(
        list(rows), schema={"case_id": pl.Int64(), "form": pl.String()}, orient="row"
    )
    return listed.group_by("case_id", maintain_order=True).agg(
        pl.col("form").alias("forms")
    )


def _blank_hidden(
    frame: pl.DataFrame, accesses: dict[int, Access | None]
) -> pl.DataFrame:
    """``frame`` with nulls where a sharing grant leaves a field or part out."""
    frame = frame.with_columns(pl.col("forms").fill_null(pl.lit([], dtype=FORMS)))
    parts = {name: name for name in _CASE_FIELDS} | {"forms": "exploitation_forms"}
    return _blank(frame, accesses, parts)


def _blank(
    frame: pl.DataFrame, accesses: dict[int, Access | None], parts: dict[str, str]
) -> pl.DataFrame:
    """``frame`` with each column null for the owners not shown its field or part."""
    for name, part in parts.items():
        hidden = pl.col("owner_id").is_in(_hiding(accesses, part))
        kept = pl.when(~hidden).then(pl.col(name)).otherwise(None)
        frame = frame.with_columns(kept.alias(name))
    return frame
