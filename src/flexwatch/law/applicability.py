"""Which provisions of a case's country its assessment could meet.

Pure: no Django and no I/O. A case's observed ids (after the assessment's
own crosswalk) become legal elements through ``crosswalk.yaml``; each
offence of the case's country in force on some day of the exploitation is
checked version by version, so a period that spans a reform is judged under
every wording it lived through. A provision needs one element of each group
it lists (act, means, purpose); a child's case needs no means where the
provision's child rule says so.

The result is decision support: it says which elements the screening shows
and which are missing or must be established from the file, never that an
offence was committed.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flexwatch.law.model import (
    GROUPS,
    NO_MEANS,
    Crosswalk,
    Elements,
    LawBook,
    Provision,
    Version,
)

# The kinds of provision a case can meet: offences, including repealed ones
# for exploitation that happened while they were in force.
OFFENCES = ("offence", "aggravated_offence", "offence_repealed")
POPULATIONS = ("adult", "child")
# What an aggravated offence needs besides its elements.
AGGRAVATING = "aggravating"


@dataclass(frozen=True)
class Match:
    """One version of one provision weighed against a case, for one age group.

    Attributes:
        required: the groups the version asks an element of.
        met: each required group that the case shows, with the codes shown.
        missing: each required group the case does not show but the
            screening could, with the codes that would meet it.
        to_establish: required groups no screening id can show, and for an
            aggravated offence ``AGGRAVATING``; they must be established from
            the case file.
    """

    provision: Provision
    version: Version
    population: str
    required: tuple[str, ...]
    met: Mapping[str, tuple[str, ...]]
    missing: Mapping[str, tuple[str, ...]]
    to_establish: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """Whether the screening shows an element of every required group."""
        return not self.missing and not self.to_establish

    @property
    def share(self) -> float:
        """The share of required groups that the case shows."""
        return len(self.met) / len(self.required) if self.required else 0.0


def populations(groups: Iterable[str | None]) -> tuple[str, ...]:
    """The age groups to judge for: an unknown age is judged as both."""
    found = {g for g in groups if g in POPULATIONS}
    if None in set(groups) or not found:
        found |= set(POPULATIONS)
    return tuple(p for p in POPULATIONS if p in found)


def applicable(
    book: LawBook,
    crosswalk: Crosswalk,
    country: str,
    period: tuple[date, date],
    observed: Iterable[str],
    groups: Iterable[str],
) -> list[Match]:
    """Every offence version of ``country`` in force during ``period``, ranked.

    Args:
        period: the first and last day of the exploitation.
        observed: the case's observed assessment ids, already expanded by
            the assessment's crosswalk.
        groups: the age groups to judge for (``populations``).

    Returns:
        Complete matches first, then by the share of groups shown; each
        provision in the files' order within a rank.
    """
    shown = crosswalk.evidence(observed)
    reachable = crosswalk.reachable
    start, end = period
    matches = [
        _weigh(provision, version, population, shown, reachable)
        for provision in book.of_country(country)
        if provision.type in OFFENCES
        for version in provision.versions_during(start, end)
        for population in groups
        if provision.victims in ("any", population)
    ]
    order = {p.id: n for n, p in enumerate(book.provisions)}
    return sorted(
        matches,
        key=lambda m: (not m.complete, -m.share, order[m.provision.id]),
    )


def _weigh(
    provision: Provision,
    version: Version,
    population: str,
    shown: Elements,
    reachable: Elements,
) -> Match:
    required = _required(provision, version, population)

    met, missing, to_establish = {}, {}, []
    for group in required:
        wanted = version.elements.of(group)
        found = wanted & shown.of(group)
        could = wanted & reachable.of(group)
        if found:
            met[group] = tuple(sorted(found))
        elif could:
            missing[group] = tuple(sorted(could))
        else:
            to_establish.append(group)
    if provision.type == "aggravated_offence":
        # No screening id shows what makes an offence aggravated as a whole.
        to_establish.append(AGGRAVATING)
    return Match(
        provision, version, population, required, met, missing, tuple(to_establish)
    )


def _required(
    provision: Provision, version: Version, population: str
) -> tuple[str, ...]:
    """The groups a version asks an element of, for an adult or a child."""
    means = version.elements.means - {NO_MEANS}
    rule = provision.child_rule
    child_free = population == "child" and rule and rule.means_required is False
    needs_means = bool(means) and provision.means_required_for_adults and not child_free
    return tuple(
        group
        for group in GROUPS
        if (group == "means" and needs_means)
        or (group != "means" and version.elements.of(group))
    )
