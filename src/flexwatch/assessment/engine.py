"""Screen one case against every framework and place it on the continuum.

Pure: no Django and no I/O. The data files are compiled once into an
``Engine``; assessing a case is then set and dictionary work, fast enough for
a batch of a million cases (``bench/assess.py``)::

    from flexwatch.assessment import engine

    screen = engine.default()
    seen = screen.observations(["cd.documents", "cd.violence", "ex.low_wages"])
    result = screen.assess(seen, age=34)
    adult = result.assessments[0]
    adult.scores["ilo_ec_delphi_2009"].dimensions["cd"]   # True
    adult.continuum.level.id                              # "forced_labour"

How a case is read:

- An indicator nobody gave is unknown, and unknown never counts as observed.
- The crosswalk runs first, so an observation entered once counts in every
  framework it belongs to; only an observation travels along a link.
- Each framework's dimensions are judged by its dimension rule, with the
  adult or the child weights, and its overall rule names the verdict.
- With the age at recruitment unknown, the case is assessed both as an adult
  and as a child; results that use provisional child weights say so.
- Every result is decision support, not a legal finding.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from operator import getitem, itemgetter
from typing import NamedTuple

from flexwatch.assessment import frameworks
from flexwatch.assessment.model import (
    POPULATIONS,
    Catalogue,
    ConflictingObservation,
    Continuum,
    Crosswalk,
    Dimension,
    Framework,
    Indicator,
    Level,
    Rule,
    Test,
    UnknownFramework,
)

log = logging.getLogger(__name__)

ADULT_AGE = 18
OLDEST_AGE = 120
ADULTS = ("adult",)
STATUSES = ("observed", "not_observed", "unknown")

# A dimension's observed indicators are counted by tier: strong, medium,
# weak, and a fourth place for indicators that have no strength.
TIERS = ("strong", "medium", "weak")
UNTIERED = 3
RULE_TIERS = {
    "strong": (0,),
    "medium": (1,),
    "weak": (2,),
    "medium_or_weak": (1, 2),
    "any": (0, 1, 2, 3),
}

# A compiled test: called with the tuple of every dimension's result (by slot)
# and the set of ids counted as observed.
Check = Callable[[tuple[bool, ...], frozenset[str]], bool]
# What a test's leaf compiles to: a dimension's slot, an indicator id to look
# for among the observed, or a check of its own (another framework's rule).
Leaf = int | str | Check


class Observations(NamedTuple):
    """What was recorded for one case; any other id is unknown."""

    observed: frozenset[str]
    not_observed: frozenset[str] = frozenset()


class Score(NamedTuple):
    """One framework's result for one population.

    Attributes:
        framework: The framework, with its version and citation.
        population: "adult" or "child".
        results: Whether each dimension is positive, in the framework's order
            (None when the framework is reported, not scored).
        verdict: Whether the overall rule is met (None when not scored).
        counted: Every id counted as observed in the case, in any framework.
        ask_next: Unknown indicators that would change this result if
            observed: those that would change the verdict first.
        provisional: The result uses provisional weights.
        rule: The overall rule applied (for a reported framework, its report).
    """

    framework: Framework
    population: str
    results: tuple[bool | None, ...]
    verdict: bool | None
    counted: frozenset[str]
    ask_next: tuple[str, ...]
    provisional: bool
    rule: Rule

    @property
    def dimensions(self) -> dict[str, bool | None]:
        """Each dimension id and whether it is positive."""
        ids = (d.id for d in self.framework.dimensions)
        return dict(zip(ids, self.results, strict=True))

    @property
    def present(self) -> tuple[str, ...]:
        """The framework's indicators counted as observed, in its order."""
        return tuple(i.id for i in self.framework.indicators if i.id in self.counted)


class Position(NamedTuple):
    """Where the case sits on the continuum, and the levels below it not met."""

    level: Level
    gaps: tuple[Level, ...]
    provisional: bool


class Assessment(NamedTuple):
    """Every framework asked for, for one population, and the continuum."""

    population: str
    scores: dict[str, Score]
    continuum: Position


class CaseResult(NamedTuple):
    """One case's assessment: one per population when the age is unknown.

    Attributes:
        entered: The observations as entered.
        counted: The ids counted as observed, once the crosswalk has run.
        not_observed: The ids entered as not observed and not reached by an
            observation through the crosswalk.
        age: The age at recruitment, or None when not known.
        assessments: For an adult or a child, or for both, adult first.
    """

    entered: Observations
    counted: frozenset[str]
    not_observed: frozenset[str]
    age: int | None
    assessments: tuple[Assessment, ...]


def populations(age: int | None) -> tuple[str, ...]:
    """Which rules apply at ``age``: the adult's, the child's, or both.

    Raises:
        ValueError: ``age`` is not a whole number from 0 to 120, or None.
    """
    if age is None:
        return POPULATIONS
    if isinstance(age, bool) or not isinstance(age, int):
        raise ValueError(
            f"age {age!r} is not a whole number of years; "
            "leave it empty when not known."
        )
    if not 0 <= age <= OLDEST_AGE:
        raise ValueError(
            f"age {age} is outside 0 to {OLDEST_AGE}; leave it empty when not known."
        )
    return ("adult",) if age >= ADULT_AGE else ("child",)


def compile_test(test: Test, leaf: Callable[[str], Leaf]) -> Check:
    """Turn a rule's test into one function of (dimension results, observed ids).

    Built once per engine, run once per case and rule, so the parts of an
    all_of or any_of are grouped: its dimensions are read with one
    ``itemgetter`` and its indicators with one set operation, rather than a
    call per part.

    Args:
        test: The test as the data file gives it.
        leaf: Compiles a named id: a dimension to its slot, an indicator to
            its id, anything else to a check of its own.
    """
    if isinstance(test, str):
        return _check(leaf(test))
    operator, parts = test
    every = operator == "all_of"
    compiled = [leaf(part) if isinstance(part, str) else part for part in parts]

    slots = [found for found in compiled if isinstance(found, int)]
    ids = frozenset(found for found in compiled if isinstance(found, str))
    checks = [_slots_check(slots, every)] if slots else []
    if ids:
        checks.append(_ids_check(ids, every))
    for found in compiled:
        if isinstance(found, tuple):
            checks.append(compile_test(found, leaf))
        elif callable(found):
            checks.append(found)
    return _all(checks) if every else _any(checks)


def _slots_check(slots: list[int], every: bool) -> Check:
    read = itemgetter(*slots, *slots)  # named twice so it always returns a tuple
    join = all if every else any
    return lambda positive, seen: join(read(positive))


def _ids_check(ids: frozenset[str], every: bool) -> Check:
    if every:
        return lambda positive, seen: ids <= seen
    return lambda positive, seen: not ids.isdisjoint(seen)


def _check(found: Leaf) -> Check:
    if isinstance(found, int):
        return lambda positive, seen: positive[found]
    if isinstance(found, str):
        return lambda positive, seen: found in seen
    return found


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda p, s: first(p, s) and second(p, s)
    if len(checks) == 3:
        first, second, third = checks
        return lambda p, s: first(p, s) and second(p, s) and third(p, s)
    return lambda p, s: all(check(p, s) for check in checks)


def _any(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda p, s: first(p, s) or second(p, s)
    return lambda p, s: any(check(p, s) for check in checks)


def named_ids(test: Test | None) -> list[str]:
    """Every id a test names, in the order it names them."""
    if test is None:
        return []
    if isinstance(test, str):
        return [test]
    return [found for part in test[1] for found in named_ids(part)]


class Scorer:
    """Every framework's rules for one population, compiled for speed.

    Every dimension of every framework has a slot. An observed indicator adds
    its weight to its dimension's slot: one digit per strength tier, in a base
    larger than any dimension, so a slot's number (its code) says how many
    strong, medium and weak indicators were observed. Whether a dimension is
    positive, and which one more indicator would make it so, are then list
    lookups in tables computed when the engine is built.
    """

    def __init__(self, catalogue: Catalogue, population: str) -> None:
        self.population = population
        self.slots: dict[str, range] = {}
        self.slot_of: dict[tuple[str, str], int] = {}
        self.weights: dict[str, tuple[int, int]] = {}
        self.tables: list[list[bool]] = []
        self.flips: list[list[tuple[int, ...]]] = []
        self.by_tier: list[tuple[tuple[str, ...], ...]] = []
        self.order: dict[str, dict[str, int]] = {}
        self.checks: dict[str, Check | None] = {}
        self.named: dict[str, tuple[str, ...]] = {}
        self.named_ids: dict[str, frozenset[str]] = {}
        self.frameworks: dict[str, Framework] = {}
        self.rules: dict[str, Rule] = {}
        self.dimension_ids: dict[str, tuple[str, ...]] = {}
        self.ids: dict[str, frozenset[str]] = {}
        self._flipping_ids: list[dict[int, tuple[str, ...]]] = []
        self._flipping_of: dict[str, list[dict[int, tuple[str, ...]]]] = {}
        self._decides: dict[tuple[object, ...], tuple[bool, ...]] = {}
        self.provisional: dict[str, bool] = {}
        for framework in catalogue.frameworks:
            self._add(framework)

    def _strength(self, indicator: Indicator) -> str | None:
        if self.population == "child":
            return indicator.child_strength
        return indicator.strength

    def _add(self, framework: Framework) -> None:
        first = len(self.tables)
        self.slots[framework.id] = range(first, first + len(framework.dimensions))
        self.order[framework.id] = {i.id: n for n, i in enumerate(framework.indicators)}
        self.ids[framework.id] = frozenset(self.order[framework.id])

        tiers = _Tiers(framework)
        for dimension in framework.dimensions:
            self._add_dimension(framework.id, dimension, tiers)
        slots = self.slots[framework.id]
        self._flipping_of[framework.id] = self._flipping_ids[slots.start : slots.stop]

        rule = framework.rule_for(self.population)
        self.frameworks[framework.id] = framework
        self.dimension_ids[framework.id] = tuple(d.id for d in framework.dimensions)
        self.provisional[framework.id] = (
            self.population == "child" and framework.child_strengths_provisional
        )
        self.rules[framework.id] = rule or framework.rules[0]
        test = rule.test if rule else None
        leaf = self._rule_leaf(framework.id)
        self.checks[framework.id] = None if test is None else compile_test(test, leaf)
        self.named[framework.id] = tuple(i for i in named_ids(test) if "." in i)
        self.named_ids[framework.id] = frozenset(self.named[framework.id])

    def _add_dimension(
        self, framework_id: str, dimension: Dimension, tiers: "_Tiers"
    ) -> None:
        slot = len(self.tables)
        self.slot_of[framework_id, dimension.id] = slot
        ranks = [tiers.rank(self._strength(i)) for i in dimension.indicators]
        for indicator, rank in zip(dimension.indicators, ranks, strict=True):
            self.weights[indicator.id] = (slot, tiers.base**rank)

        pairs = list(zip(dimension.indicators, ranks, strict=True))
        self.by_tier.append(
            tuple(
                tuple(i.id for i, r in pairs if r == t) for t in range(len(tiers.ranks))
            )
        )
        self.tables.append(tiers.table)
        self.flips.append(tiers.flips)
        self._flipping_ids.append({})

    def _rule_leaf(self, framework_id: str) -> Callable[[str], Leaf]:
        """How a framework's own rule reads a name: its dimension, or an indicator."""

        def leaf(name: str) -> Leaf:
            return name if "." in name else self.slot_of[framework_id, name]

        return leaf

    def level_leaf(self, name: str) -> Leaf:
        """How a continuum level reads a name.

        ``framework/dimension`` is that dimension; a framework id alone is the
        framework's rule for this population; anything else is an indicator.
        """
        framework_id, _, dimension_id = name.partition("/")
        if dimension_id:
            return self.slot_of[framework_id, dimension_id]
        check = self.checks.get(name)
        return name if check is None else check

    def codes(self, counted: frozenset[str]) -> list[int]:
        """Every slot's code for the ids counted as observed."""
        codes = [0] * len(self.tables)
        weights = self.weights
        for indicator_id in counted:
            slot, weight = weights[indicator_id]
            codes[slot] += weight
        return codes

    def results(self, codes: list[int]) -> tuple[bool, ...]:
        """Whether each slot's dimension is positive."""
        return tuple(map(getitem, self.tables, codes))

    def score(
        self,
        framework_id: str,
        codes: list[int],
        positive: tuple[bool, ...],
        counted: frozenset[str],
        known: frozenset[str],
    ) -> Score:
        """One framework's published result, from every slot's code and result."""
        check = self.checks[framework_id]
        slots = self.slots[framework_id]
        found = positive[slots.start : slots.stop] if check else (None,) * len(slots)
        verdict = None if check is None else check(positive, counted)
        asked = self.ask_next(framework_id, codes, positive, counted, known, verdict)
        return Score(
            self.frameworks[framework_id],
            self.population,
            found,
            verdict,
            counted,
            asked,
            self.provisional[framework_id],
            self.rules[framework_id],
        )

    def ask_next(
        self,
        framework_id: str,
        codes: list[int],
        positive: tuple[bool, ...],
        counted: frozenset[str],
        known: frozenset[str],
        verdict: bool | None = None,
    ) -> tuple[str, ...]:
        """Unknown indicators that, observed, would change a dimension or the verdict.

        Those that would change the verdict come first; within each group,
        dimension by dimension, the strongest first. A reported framework's
        result is the list of indicators present, so every unknown one counts.
        """
        check = self.checks[framework_id]
        if check is None:
            return tuple(i for i in self.order[framework_id] if i not in known)
        if verdict is None:
            verdict = check(positive, counted)

        deciding = self._deciding(framework_id, positive, counted, verdict)
        decisive: list[str] = []
        other: list[str] = []
        slots = zip(
            self.slots[framework_id],
            self._flipping_of[framework_id],
            deciding,
            strict=True,
        )
        for slot, kept, decides in slots:
            if positive[slot]:
                continue
            flipping = kept.get(codes[slot])
            if flipping is None:
                flipping = self._flipping(slot, codes[slot])
            if flipping and decides:
                decisive += flipping
            elif flipping:
                other += flipping

        named = []
        if not verdict and self.named[framework_id]:
            named = self._named_deciding(framework_id, positive, counted)
        found = [i for i in decisive + named + other if i not in known]
        # Each dimension's ids land in one group; only an id the rule names
        # itself can come twice.
        return tuple(dict.fromkeys(found)) if named else tuple(found)

    def _flipping(self, slot: int, code: int) -> tuple[str, ...]:
        """A dimension's ids, strongest first, one more of which makes it positive."""
        ranks = self.flips[slot][code]
        found = tuple(i for rank in ranks for i in self.by_tier[slot][rank])
        self._flipping_ids[slot][code] = found
        return found

    def _deciding(
        self,
        framework_id: str,
        positive: tuple[bool, ...],
        counted: frozenset[str],
        verdict: bool,
    ) -> tuple[bool, ...]:
        """Per dimension of the framework: would its turning positive meet the rule?

        A rule reads only its own framework's dimensions and the ids it names,
        so the answer is kept for each combination of those.
        """
        slots = self.slots[framework_id]
        named_seen = counted & self.named_ids[framework_id]
        key = (framework_id, positive[slots.start : slots.stop], named_seen)
        found = self._decides.get(key)
        if found is None:
            check = self.checks[framework_id]
            turned = ((*positive[:k], True, *positive[k + 1 :]) for k in slots)
            found = tuple(
                bool(check and not verdict and check(t, counted)) for t in turned
            )
            self._decides[key] = found
        return found

    def _named_deciding(
        self, framework_id: str, positive: tuple[bool, ...], counted: frozenset[str]
    ) -> list[str]:
        """Ids the rule names itself whose observation alone would meet it."""
        check = self.checks[framework_id]
        return [
            i
            for i in self.named[framework_id]
            if check is not None and i not in counted and check(positive, counted | {i})
        ]


class _Tiers:
    """How one framework's strengths become digits, and its rule's tables."""

    def __init__(self, framework: Framework) -> None:
        used = {
            _tier(strength)
            for i in framework.indicators
            for strength in (i.strength, i.child_strength)
        }
        self.ranks = sorted(used)
        self.base = 1 + max(len(d.indicators) for d in framework.dimensions)
        # The largest code any dimension can reach, plus one more indicator.
        top = self.base ** len(self.ranks)
        self.table = [self._meets(framework, code) for code in range(top)]
        self.flips = [self._flips(code) for code in range(top)]

    def rank(self, strength: str | None) -> int:
        return self.ranks.index(_tier(strength))

    def _counts(self, code: int) -> list[int]:
        counts = [0] * (UNTIERED + 1)
        for rank, tier in enumerate(self.ranks):
            counts[tier] = (code // self.base**rank) % self.base
        return counts

    def _meets(self, framework: Framework, code: int) -> bool:
        rule = framework.dimension_rule
        if rule is None:
            return False
        counts = self._counts(code)
        return any(
            all(
                sum(counts[t] for t in RULE_TIERS[tier]) >= least
                for tier, least in option
            )
            for option in rule.alternatives
        )

    def _flips(self, code: int) -> tuple[int, ...]:
        if self.table[code]:
            return ()
        steps = (code + self.base**rank for rank in range(len(self.ranks)))
        return tuple(
            rank
            for rank, after in enumerate(steps)
            if after < len(self.table) and self.table[after]
        )


def _tier(strength: str | None) -> int:
    return TIERS.index(strength) if strength in TIERS else UNTIERED


class Engine:
    """Every framework, the crosswalk and the continuum, compiled once.

    Args:
        catalogue: The frameworks.
        crosswalk: What one observation also counts as.
        continuum: The levels of the continuum of exploitation.
    """

    def __init__(
        self, catalogue: Catalogue, crosswalk: Crosswalk, continuum: Continuum
    ) -> None:
        self.catalogue = catalogue
        self.crosswalk = crosswalk
        self.continuum = continuum
        self.ids = catalogue.ids
        self.framework_ids = tuple(f.id for f in catalogue.frameworks)
        self._framework_set = frozenset(self.framework_ids)

        self.scorers = {p: Scorer(catalogue, p) for p in POPULATIONS}
        self._levels = {
            p: [compile_test(test, scorer.level_leaf) for test in _tested(continuum)]
            for p, scorer in self.scorers.items()
        }
        self._provisional = self._provisional_continuum()
        self._positions: dict[tuple[str, tuple[bool, ...]], Position] = {}

    def _provisional_continuum(self) -> frozenset[str]:
        """The populations for which the continuum rests on provisional weights."""
        named = {
            name.partition("/")[0]
            for level in self.continuum.levels
            for name in named_ids(level.test)
        }
        shaky = [
            f
            for f in self.catalogue.frameworks
            if f.id in named and f.child_strengths_provisional
        ]
        return frozenset({"child"}) if shaky else frozenset()

    def observations(
        self,
        observed: Iterable[str] = (),
        not_observed: Iterable[str] = (),
        unknown: Iterable[str] = (),
    ) -> Observations:
        """Check what was recorded for a case, and keep it.

        Args:
            observed: Indicator ids seen.
            not_observed: Ids looked for and not seen.
            unknown: Ids said to be unknown (any id not given is unknown too).

        Raises:
            UnknownIndicator: an id no framework defines, with the ids its
                prefix suggests.
            ConflictingObservation: one id given two statuses.
        """
        given = dict(
            zip(STATUSES, map(tuple, (observed, not_observed, unknown)), strict=True)
        )
        for ids in given.values():
            for indicator_id in ids:
                self.catalogue.indicator(indicator_id)
        _check_conflicts(given)
        return Observations(
            frozenset(given["observed"]), frozenset(given["not_observed"])
        )

    def frameworks(self, names: Iterable[str] | None = None) -> tuple[str, ...]:
        """The framework ids ``names`` stands for; None or "all" is every one.

        Raises:
            UnknownFramework: naming the id and the framework ids there are.
        """
        if names is None:
            return self.framework_ids
        if isinstance(names, tuple) and self._framework_set.issuperset(names):
            return names
        chosen = tuple(names)
        if "all" in chosen:
            return self.framework_ids
        return tuple(self.catalogue.framework(name).id for name in chosen)

    def assess(
        self,
        observations: Observations,
        age: int | None = None,
        frameworks: Iterable[str] | None = None,
    ) -> CaseResult:
        """Screen one case against the frameworks and place it on the continuum.

        Args:
            observations: What was recorded (see ``observations``).
            age: The person's age at recruitment; None when not known, in
                which case the case is assessed both as an adult and a child.
            frameworks: The framework ids whose scores to give (default all,
                or "all"); the continuum always reads every framework it needs.

        Returns:
            The counted observations and, per population, the scores and the
            position on the continuum.

        Raises:
            ValueError: a bad age, or an unknown framework id.
        """
        asked = self.frameworks(frameworks)
        counted = self.crosswalk.expand(observations.observed)
        not_observed = observations.not_observed
        if not_observed:
            not_observed -= counted
        known = counted | not_observed if not_observed else counted

        if age is None:
            groups: tuple[str, ...] = POPULATIONS
        elif type(age) is int and ADULT_AGE <= age <= OLDEST_AGE:
            groups = ADULTS
        else:
            groups = populations(age)
        assessments = tuple(
            [self._assess_as(group, counted, known, asked) for group in groups]
        )
        return CaseResult(observations, counted, not_observed, age, assessments)

    def _assess_as(
        self,
        population: str,
        counted: frozenset[str],
        known: frozenset[str],
        asked: tuple[str, ...],
    ) -> Assessment:
        scorer = self.scorers[population]
        codes = scorer.codes(counted)
        positive = scorer.results(codes)

        scores = {
            name: scorer.score(name, codes, positive, counted, known) for name in asked
        }
        return Assessment(
            population, scores, self._place(population, positive, counted)
        )

    def _place(
        self, population: str, positive: tuple[bool, ...], counted: frozenset[str]
    ) -> Position:
        """The highest level met, and the levels below it that are not."""
        met = tuple([check(positive, counted) for check in self._levels[population]])
        key = (population, met)
        found = self._positions.get(key)
        if found is None:
            found = self._positions[key] = self._position(population, met)
        return found

    def _position(self, population: str, met: tuple[bool, ...]) -> Position:
        top = max((n + 1 for n, ok in enumerate(met) if ok), default=0)
        levels = self.continuum.levels
        gaps = tuple(levels[n + 1] for n in range(top - 1) if not met[n])
        return Position(levels[top], gaps, population in self._provisional)


def _tested(continuum: Continuum) -> list[Test]:
    """The tests of the levels above the floor, from the lowest up."""
    return [level.test for level in continuum.levels[1:] if level.test is not None]


def _check_conflicts(given: Mapping[str, tuple[str, ...]]) -> None:
    seen: dict[str, str] = {}
    for status, ids in given.items():
        for indicator_id in ids:
            first = seen.setdefault(indicator_id, status)
            if first != status:
                raise ConflictingObservation(
                    f"{indicator_id!r} is given as both {first} and {status}; "
                    "give each id one status: observed, not_observed or unknown."
                )


@cache
def default() -> Engine:
    """The engine for the package's own data files, built once.

    Raises:
        FrameworkError: a data file cannot be used (naming file and entry).
    """
    built = Engine(
        frameworks.catalogue(), frameworks.crosswalk(), frameworks.continuum()
    )
    log.debug("Compiled the assessment engine: %d frameworks", len(built.framework_ids))
    return built


__all__ = [
    "ADULT_AGE",
    "Assessment",
    "CaseResult",
    "Engine",
    "Observations",
    "Position",
    "Score",
    "UnknownFramework",
    "default",
    "populations",
]
