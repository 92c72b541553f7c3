"""The indicator frameworks as plain, frozen data, and the errors about them.

Besides the frameworks: the crosswalk (what one observation also counts as),
the continuum of exploitation (levels and their tests) and the sentences the
trace is written in.

Errors::

    ValueError
     ├── FrameworkError          a data file is refused (names the file and entry)
     ├── UnknownFramework        a framework id that no file defines
     ├── UnknownIndicator        an indicator id that no framework defines
     └── ConflictingObservation  one id given two statuses for one case
"""

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

LANGUAGES = ("en", "fi", "et", "pl")
STRENGTHS = ("strong", "medium", "weak")
STAGES = ("recruitment", "destination")
POPULATIONS = ("adult", "child")

# A rule's test, as read from its file: a dimension id ("ex"), an indicator id
# ("inv.unfree_recruitment"), or ("all_of" | "any_of", (test, ...)).
Test = str | tuple[str, tuple["Test", ...]]


class FrameworkError(ValueError):
    """A framework, crosswalk or rules file that cannot be used."""


class UnknownFramework(ValueError):
    """A framework id that no loaded file defines."""


class UnknownIndicator(ValueError):
    """An indicator id that no loaded framework defines."""


class ConflictingObservation(ValueError):
    """One indicator id given as, say, both observed and not observed."""


@dataclass(frozen=True)
class Translated:
    """One text in each of the project's languages."""

    en: str
    fi: str
    et: str
    pl: str

    def get(self, language: str) -> str:
        """The text in ``language``, or in English for any other language."""
        return str(getattr(self, language)) if language in LANGUAGES else self.en


@dataclass(frozen=True)
class Indicator:
    """One indicator: an observation a caseworker can tick."""

    id: str
    framework_id: str
    dimension_id: str
    strength: str | None
    child_strength: str | None
    labels: Translated

    def label(self, language: str = "en") -> str:
        """The indicator's short label in ``language`` (English otherwise)."""
        return self.labels.get(language)


@dataclass(frozen=True)
class Dimension:
    """A group of indicators judged together (a dimension, an element)."""

    id: str
    framework_id: str
    stage: str | None
    names: Translated
    indicators: tuple[Indicator, ...]

    def name(self, language: str = "en") -> str:
        """The dimension's name in ``language`` (English otherwise)."""
        return self.names.get(language)


@dataclass(frozen=True)
class DimensionRule:
    """When a dimension is positive: any one alternative of minimum counts.

    Each alternative maps a tier ("strong", "medium", "weak",
    "medium_or_weak" or "any") to the least number of observed indicators of
    that tier; all of an alternative's minimums must hold.
    """

    id: str
    alternatives: tuple[tuple[tuple[str, int], ...], ...]
    text: Translated


@dataclass(frozen=True)
class Rule:
    """A published rule: the overall test for one population, or a report."""

    id: str
    population: str | None
    test: Test | None
    text: Translated


@dataclass(frozen=True)
class Framework:
    """One framework: its citation, dimensions, indicators and rules."""

    id: str
    source: str
    version: str
    verdict_field: str
    scored: bool
    titles: Translated
    dimensions: tuple[Dimension, ...]
    dimension_rule: DimensionRule | None
    rules: tuple[Rule, ...]
    child_strengths_provisional: bool = False

    def title(self, language: str = "en") -> str:
        """The framework's title in ``language`` (English otherwise)."""
        return self.titles.get(language)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator of the framework, dimension by dimension."""
        return tuple(i for d in self.dimensions for i in d.indicators)

    def rule_for(self, population: str) -> Rule | None:
        """The overall rule for "adult" or "child", or None when unscored."""
        return next((r for r in self.rules if r.population == population), None)


@dataclass(frozen=True)
class Catalogue:
    """Every loaded framework, with lookups by framework and indicator id."""

    frameworks: tuple[Framework, ...]
    _by_id: Mapping[str, Framework] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {f.id: f for f in self.frameworks})

    @cached_property
    def _indicators(self) -> dict[str, Indicator]:
        return {i.id: i for f in self.frameworks for i in f.indicators}

    @cached_property
    def _prefixes(self) -> dict[str, Framework]:
        return {d.id: f for f in self.frameworks for d in f.dimensions}

    @property
    def ids(self) -> frozenset[str]:
        """Every indicator id of every framework."""
        return frozenset(self._indicators)

    def framework(self, framework_id: str) -> Framework:
        """The framework with this id.

        Raises:
            UnknownFramework: naming the id and listing the loaded ones.
        """
        found = self._by_id.get(framework_id)
        if found is None:
            raise UnknownFramework(
                f"{framework_id!r} is not a framework id; use one of "
                f"{', '.join(self._by_id)}."
            )
        return found

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id.

        Raises:
            UnknownIndicator: naming the id and listing the ids its prefix
                suggests (or the known prefixes when none matches).
        """
        found = self._indicators.get(indicator_id)
        if found is None:
            raise UnknownIndicator(self._unknown_message(indicator_id))
        return found

    def _unknown_message(self, indicator_id: str) -> str:
        prefix = indicator_id.partition(".")[0]
        framework = self._prefixes.get(prefix)
        if framework is None:
            prefixes = ", ".join(f"{p}." for p in self._prefixes)
            return (
                f"{indicator_id!r} is not an indicator id: no framework has the "
                f"prefix {prefix!r}; ids start with one of {prefixes}"
            )
        accepted = ", ".join(i.id for i in framework.indicators)
        return (
            f"{indicator_id!r} is not an indicator id of {framework.id}; "
            f"its ids are {accepted}."
        )


@dataclass(frozen=True)
class Crosswalk:
    """What an observation also counts as in the other frameworks.

    Attributes:
        version: The crosswalk file's version, published with every result.
        source: What the crosswalk is based on.
        links: Each id's links as the file gives them.
        reach: Each id's links followed to the end, without the id itself.
    """

    version: str
    source: str
    links: Mapping[str, tuple[str, ...]]
    reach: Mapping[str, frozenset[str]] = field(init=False, repr=False)
    _counts_as: Mapping[str, frozenset[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        reach = _follow(self.links)
        object.__setattr__(self, "reach", reach)
        # Each linked id with what it counts as, itself included, so that
        # expanding a case is one union of a few sets.
        with_self = {i: found | {i} for i, found in reach.items()}
        object.__setattr__(self, "_counts_as", with_self)

    def expand(self, observed: Iterable[str]) -> frozenset[str]:
        """``observed`` together with every id that its links reach."""
        counted = frozenset(observed)
        linked = list(filter(None, map(self._counts_as.get, counted)))
        return counted.union(*linked) if linked else counted


def _follow(links: Mapping[str, tuple[str, ...]]) -> dict[str, frozenset[str]]:
    """Every id reachable from each id through ``links`` (cycles allowed)."""
    reach = {}
    for start in links:
        seen: set[str] = set()
        queue = deque(links[start])
        while queue:
            found = queue.popleft()
            if found not in seen:
                seen.add(found)
                queue.extend(links.get(found, ()))
        seen.discard(start)
        reach[start] = frozenset(seen)
    return reach


# Compared by identity: there is one object per level, and results that name
# a level are used as keys of caches, where a hash of every field would cost.
@dataclass(frozen=True, eq=False)
class Level:
    """One level of the continuum of exploitation, with its test and clause.

    The test reads as a rule's test, and may also name a framework (its rule
    is met for the person's age) or ``framework/dimension`` (the dimension is
    positive). The floor has no test: a case sits there when it meets nothing
    else.
    """

    id: str
    floor: bool
    clause: str
    labels: Translated
    texts: Translated
    test: Test | None

    def label(self, language: str = "en") -> str:
        """The level's name in ``language`` (English otherwise)."""
        return self.labels.get(language)

    def text(self, language: str = "en") -> str:
        """What the level's test asks, in ``language`` (English otherwise)."""
        return self.texts.get(language)


@dataclass(frozen=True)
class Continuum:
    """The continuum's levels, from the floor (decent work) up."""

    version: str
    source: str
    levels: tuple[Level, ...]

    def level(self, level_id: str) -> Level:
        """The level with this id.

        Raises:
            KeyError: naming the id and the levels there are.
        """
        for level in self.levels:
            if level.id == level_id:
                return level
        known = ", ".join(level.id for level in self.levels)
        raise KeyError(f"{level_id!r} is not a level; the levels are {known}.")


@dataclass(frozen=True)
class Sentences:
    """The sentences of the trace, in every language, with named blanks."""

    version: str
    templates: Mapping[str, Translated]

    def say(self, key: str, language: str = "en", **blanks: object) -> str:
        """The sentence ``key`` in ``language`` with its blanks filled in."""
        return self.templates[key].get(language).format(**blanks)
