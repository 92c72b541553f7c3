"""Who sees which figures on the statistics page, read and published for them.

The page (``stats.dashboard_views``) stays thin: it asks this module for
the figures of a person and filters. Two audiences:

- everyone who may see statistics (any role, or records shared through a
  grant) sees figures only after disclosure control, protected together
  (``stats.figures.publish`` with ``THRESHOLD``), built from what they may
  see: the records of their organisations and those shared with them. A
  partner, who reads no records, sees their organisation's aggregated
  figures, as ``accounts.roles`` promises them;
- a person who may run statistics (``analyse``) may ask for unsuppressed
  counts, of the records of their own organisations only, never of shared
  ones. Each such view is written to the audit trail.

The frames are read once a page view, in a fixed number of queries.
"""

import logging
from dataclasses import asdict, dataclass

from flexwatch.accounts import audit
from flexwatch.accounts.roles import Role, capabilities
from flexwatch.accounts.scoping import Scope
from flexwatch.stats import figures, frames

log = logging.getLogger(__name__)

# The smallest count shown to anyone outside the organisation, as in the
# deliveries and reports: counts from 1 to 4 are suppressed.
THRESHOLD = 5
PROTECTED, UNSUPPRESSED = "protected", "unsuppressed"
MODES = (PROTECTED, UNSUPPRESSED)
DEFAULT_FILTERS = figures.Filters()


class DashboardRefused(Exception):
    """The person may not see the figures asked for."""


@dataclass(frozen=True)
class Audience:
    """Whose records the figures count and how they are published.

    Attributes:
        scope: the scope the frames are read with.
        threshold: the disclosure threshold, or None for unsuppressed counts.
    """

    scope: Scope
    threshold: int | None

    @property
    def unsuppressed(self) -> bool:
        return self.threshold is None


@dataclass(frozen=True)
class Result:
    """The figures of one page view and whom they were published for."""

    shown: dict[str, figures.Shown]
    audience: Audience


def may_see(scope: Scope) -> bool:
    """Whether the person may see the statistics page at all."""
    return bool(scope.roles) or bool(scope.grants)


def may_see_unsuppressed(scope: Scope) -> bool:
    """Whether the person may switch to their own organisations' true counts."""
    return bool(scope.organisations_where("analyse"))


def audience(scope: Scope, mode: str = PROTECTED) -> Audience:
    """The audience of a person asking for ``mode`` figures.

    Raises:
        DashboardRefused: the person may see no statistics, or asks for
            unsuppressed counts without the right to run statistics.
    """
    if not may_see(scope):
        raise DashboardRefused("This person may see no statistics.")
    if mode == PROTECTED:
        return Audience(_reading(scope), THRESHOLD)
    if mode != UNSUPPRESSED:
        raise DashboardRefused(f"{mode!r} is not {PROTECTED} or {UNSUPPRESSED}.")
    if not may_see_unsuppressed(scope):
        raise DashboardRefused("Only people who may run statistics see true counts.")
    return Audience(_own(scope), None)


def read(who: Audience) -> figures.Frames:
    """The five frames of the audience's records, in a fixed number of queries."""
    return figures.Frames(
        victims=frames.victims(who.scope),
        proceedings=frames.proceedings(who.scope),
        assistance=frames.assistance(who.scope),
        observations=frames.observations(who.scope),
        cases=frames.cases(who.scope),
    )


def publish(
    who: Audience, read_frames: figures.Frames, chosen: figures.Filters
) -> Result:
    """The page's figures for ``who``, counted as ``chosen`` asks and published.

    Unsuppressed figures are written to the audit trail, with the filters.

    Raises:
        TableError: an unknown date basis or framework.
    """
    counted = figures.count(read_frames, chosen)
    shown = figures.publish(counted, who.threshold)

    if who.unsuppressed:
        audit.record(
            "statistics_viewed_unsuppressed",
            actor_id=who.scope.user_id,
            detail={
                "organisations": sorted(who.scope.roles),
                "filters": asdict(chosen),
                "figures": len(shown),
            },
        )
    log.info(
        "Statistics page: %d figures for user %s, %s",
        len(shown),
        who.scope.user_id,
        UNSUPPRESSED if who.unsuppressed else PROTECTED,
    )
    return Result(shown, who)


def _reading(scope: Scope) -> Scope:
    """``scope`` as the frames read it for aggregated, protected figures.

    A partner reads no records, but may see their organisation's aggregated
    outputs: for counting only, their role reads as a viewer's, who reads
    no sensitive field either.
    """
    roles = {
        org: Role.VIEWER.value if role == Role.PARTNER else role
        for org, role in scope.roles.items()
    }
    return Scope(scope.user_id, roles, scope.grants)


def _own(scope: Scope) -> Scope:
    """The organisations where the person runs statistics, without grants."""
    roles = {o: role for o, role in scope.roles.items() if capabilities(role).analyse}
    return Scope(scope.user_id, roles, {})
