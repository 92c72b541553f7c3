"""A case screened against the indicator frameworks, as its pages show it.

Pure: no Django and no I/O. The engine (``flexwatch.assessment.engine``)
judges observations for one age; a case holds several people, so it is
screened once for each age group its victims fall in: adults, children, or,
where a victim's age is not known, both. The level of the continuum stored
with the case, for lists and statistics, is the highest level met for the
victims whose age group is known; with no age known it is the adult's, which
asks the most of the evidence (a child needs no means).

Every result is decision support, not a legal finding.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.assessment.engine import CaseResult, Engine, default
from flexwatch.assessment.explain import Explainer
from flexwatch.cases.record import CaseIn

# Ages that stand for an age group: the engine reads only adult or child.
AGE_OF = {"adult": 30, "child": 15}


@dataclass(frozen=True)
class Seen:
    """What a case records: indicator ids by status, and its victims' ages."""

    observed: frozenset[str]
    not_observed: frozenset[str]
    groups: tuple[str | None, ...]


def seen(
    observations: Iterable[Mapping[str, Any]], persons: Iterable[Mapping[str, Any]]
) -> Seen:
    """Read a case in the ``CaseIn`` shape (dicts or models' attributes alike).

    Args:
        observations: each with ``indicator`` and ``status``.
        persons: each with ``role``, ``age_min`` and ``age_max``.
    """
    by_status: dict[str, set[str]] = {"observed": set(), "not_observed": set()}
    for observation in observations:
        by_status.get(observation["status"], set()).add(observation["indicator"])

    groups = {
        _group(person["age_min"], person["age_max"])
        for person in persons
        if person["role"] == "victim"
    }
    known = tuple(sorted(g for g in groups if g is not None))
    return Seen(
        frozenset(by_status["observed"]),
        frozenset(by_status["not_observed"] - by_status["observed"]),
        known or (None,),
    )


def _group(age_min: int | None, age_max: int | None) -> str | None:
    category = vocab.age_category(age_min, age_max)
    return category if category in AGE_OF else None


@cache
def _engine() -> Engine:
    return default()


@cache
def _explainer() -> Explainer:
    return Explainer(_engine(), frameworks.sentences())


def results(case: Seen) -> list[CaseResult]:
    """The engine's result for each age group of the case's victims."""
    engine = _engine()
    observations = engine.observations(case.observed, case.not_observed)
    return [
        engine.assess(observations, AGE_OF[group] if group else None)
        for group in case.groups
    ]


@lru_cache(maxsize=4096)
def level(case: Seen) -> str:
    """The id of the continuum level the case is stored and counted at.

    Remembered for the last few thousand distinct cases: an import meets the
    same pattern of observations and ages many times over.
    """
    return _level(results(case))


def record_level(record: CaseIn) -> str:
    """``level`` of a checked record (``CaseIn``), as a case stores it."""
    return level(
        seen(
            [o.model_dump() for o in record.observations],
            [p.model_dump() for p in record.persons],
        )
    )


def _level(found: list[CaseResult]) -> str:
    order = [step.id for step in _engine().continuum.levels]
    # With the age unknown the engine answers for an adult first.
    reached = [
        order.index(result.assessments[0].continuum.level.id) for result in found
    ]
    return order[max(reached)]


def levels(language: str = "en") -> list[tuple[str, str]]:
    """``(id, label)`` of every level of the continuum, from decent work up."""
    return [(lv.id, lv.labels.get(language)) for lv in _engine().continuum.levels]


def check_level(code: str) -> str:
    """Return ``code`` if it is a level of the continuum, else raise.

    Raises:
        ValueError: naming the code and the levels there are.
    """
    known = [code for code, _label in levels()]
    if code not in known:
        raise ValueError(
            f"{code!r} is not a level of the continuum; accepted: {', '.join(known)}."
        )
    return code


def report(case: Seen, language: str = "en") -> dict[str, Any]:
    """Everything a page or the API shows of the case's screening.

    Returns:
        ``level`` (stored level id), ``notice`` (decision support, not a legal
        finding), ``rules`` (the versions of the data applied) and one entry
        per age group in ``groups``, each with the continuum position and
        every framework's verdict, dimensions, what to ask next and its
        trace in ``language``.
    """
    engine = _engine()
    explainer = _explainer()
    found = results(case)
    groups = [_group_report(result, explainer, language) for result in found]
    return {
        "level": _level(found),
        "notice": explainer.notice(language),
        "rules": {
            "crosswalk": engine.crosswalk.version,
            "continuum": engine.continuum.version,
            "frameworks": {f.id: f.version for f in engine.catalogue.frameworks},
        },
        "groups": [entry for entries in groups for entry in entries],
    }


def _group_report(
    result: CaseResult, explainer: Explainer, language: str
) -> list[dict[str, Any]]:
    reported = []
    for assessment in result.assessments:
        position = assessment.continuum
        reported.append(
            {
                "population": assessment.population,
                "age_known": result.age is not None,
                "continuum": {
                    "id": position.level.id,
                    "label": position.level.labels.get(language),
                    "clause": position.level.clause,
                    "gaps": [gap.labels.get(language) for gap in position.gaps],
                },
                "provisional": position.provisional,
                "frameworks": [
                    _framework(
                        result, assessment.population, score, explainer, language
                    )
                    for score in assessment.scores.values()
                ],
            }
        )
    return reported


def _framework(
    result: CaseResult,
    population: str,
    score: Any,
    explainer: Explainer,
    language: str,
) -> dict[str, Any]:
    catalogue = _engine().catalogue
    framework = score.framework
    steps = explainer.trace(result, framework.id, language)
    return {
        "id": framework.id,
        "title": framework.title(language),
        "scored": framework.scored,
        "verdict_field": framework.verdict_field,
        "verdict": score.verdict,
        "provisional": score.provisional,
        "dimensions": [
            {"id": d.id, "name": d.name(language), "positive": positive}
            for d, positive in zip(framework.dimensions, score.results, strict=True)
        ],
        "present": [catalogue.indicator(i).label(language) for i in score.present],
        "ask_next": [
            {"id": i, "label": catalogue.indicator(i).label(language)}
            for i in score.ask_next
        ],
        "trace": [
            step["text"]
            for step in steps
            if step["step"] != "notice" and step["population"] in (None, population)
        ],
    }
