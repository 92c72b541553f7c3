"""The trace: which rule fired on which indicators, in plain words.

Every sentence comes from the data files, in the reader's language: the
frameworks' names, labels and rule texts, the continuum's levels and clauses,
and ``sentences.yaml`` for the words around them. Nothing here uses gettext,
so the trace can be written anywhere the engine runs.

Each step of a trace is a dictionary ready for JSON::

    {"step": "dimension", "population": "adult", "rule": "delphi_dimension_rule",
     "subject": "cd", "met": true, "indicators": ["cd.documents", "cd.violence"],
     "text": "Coercion at destination (cd) is positive. ..."}

``step`` is one of: age, crosswalk, dimension, verdict, report, provisional,
continuum, gap, ask_next, notice.
"""

from collections.abc import Iterable
from typing import Any

from flexwatch.assessment.engine import (
    Assessment,
    CaseResult,
    Engine,
    Score,
    named_ids,
)
from flexwatch.assessment.model import Dimension, Indicator, Sentences

Step = dict[str, Any]


class Explainer:
    """Writes traces from the engine's data and the sentences file.

    Args:
        engine: The engine whose results are explained.
        sentences: The sentences of the trace, in every language.
    """

    def __init__(self, engine: Engine, sentences: Sentences) -> None:
        self.engine = engine
        self.sentences = sentences

    def notice(self, language: str = "en") -> str:
        """The decision-support notice every result carries."""
        return self.sentences.say("notice", language)

    def trace(
        self, result: CaseResult, framework_id: str, language: str = "en"
    ) -> list[Step]:
        """The steps that led to one framework's result for one case.

        Args:
            result: The case's result from ``Engine.assess``.
            framework_id: The framework explained (it must have been asked).
            language: en, fi, et or pl (English for any other).

        Returns:
            The steps, in the order they were taken, ending with the notice.
        """
        steps = []
        twice = len(result.assessments) > 1
        if twice:
            steps.append(
                _step("age", None, self.sentences.say("age_unknown", language))
            )

        for assessment in result.assessments:
            writer = _Writer(self, result, assessment, language, prefixed=twice)
            steps.extend(writer.steps(assessment.scores[framework_id]))

        steps.append(_step("notice", None, self.notice(language)))
        return steps


def _step(
    kind: str,
    population: str | None,
    text: str,
    *,
    rule: str | None = None,
    subject: str | None = None,
    met: bool | None = None,
    indicators: Iterable[str] = (),
) -> Step:
    return {
        "step": kind,
        "population": population,
        "rule": rule,
        "subject": subject,
        "met": met,
        "indicators": list(indicators),
        "text": text,
    }


class _Writer:
    """The steps of one framework's trace for one population."""

    def __init__(
        self,
        explainer: Explainer,
        result: CaseResult,
        assessment: Assessment,
        language: str,
        *,
        prefixed: bool,
    ) -> None:
        self.catalogue = explainer.engine.catalogue
        self.crosswalk = explainer.engine.crosswalk
        self.continuum = explainer.engine.continuum
        self.say = explainer.sentences.say
        self.result = result
        self.assessment = assessment
        self.population = assessment.population
        self.language = language
        self.prefix = (
            self.say(f"if_{self.population}", language) + " " if prefixed else ""
        )

    def step(self, kind: str, text: str, **details: Any) -> Step:
        return _step(kind, self.population, self.prefix + text, **details)

    def steps(self, score: Score) -> list[Step]:
        found = self._crosswalk(score)
        if score.verdict is None:
            found.append(self._report(score))
        else:
            found.extend(self._dimension(score, d) for d in score.framework.dimensions)
            found.append(self._verdict(score))
        if score.provisional:
            title = score.framework.title(self.language)
            found.append(
                self.step(
                    "provisional",
                    self.say("provisional", self.language, framework=title),
                )
            )
        found.extend(self._continuum())
        if score.ask_next:
            found.append(self._ask_next(score))
        return found

    def _label(self, indicator: Indicator, with_strength: bool = False) -> str:
        label = f"{indicator.label(self.language)} ({indicator.id}"
        strength = (
            indicator.child_strength
            if self.population == "child"
            else indicator.strength
        )
        if with_strength and strength:
            label += ", " + self.say(strength, self.language)
        return label + ")"

    def _labels(self, ids: Iterable[str], with_strength: bool = False) -> str:
        indicator = self.catalogue.indicator
        listed = [self._label(indicator(i), with_strength) for i in ids]
        return "; ".join(listed) or self.say("none", self.language)

    def _crosswalk(self, score: Score) -> list[Step]:
        """One step per indicator counted through the crosswalk."""
        entered = self.result.entered.observed
        reach = self.crosswalk.reach
        found = []
        for target in score.present:
            if target in entered:
                continue
            sources = sorted(s for s in entered if target in reach.get(s, ()))
            text = self.say(
                "crosswalk",
                self.language,
                target=self.catalogue.indicator(target).label(self.language),
                target_id=target,
                source=self.catalogue.indicator(sources[0]).label(self.language),
                source_id=", ".join(sources),
            )
            found.append(
                self.step(
                    "crosswalk", text, subject=target, indicators=sources, met=True
                )
            )
        return found

    def _dimension(self, score: Score, dimension: Dimension) -> Step:
        ids = [i for i in score.present if i.partition(".")[0] == dimension.id]
        positive = bool(score.dimensions[dimension.id])
        rule = score.framework.dimension_rule
        key = "dimension_positive" if positive else "dimension_negative"
        text = self.say(
            key if ids else "dimension_empty",
            self.language,
            dimension=dimension.name(self.language),
            dimension_id=dimension.id,
            observed=self._labels(ids, with_strength=True),
            rule=rule.text.get(self.language) if rule else "",
        )
        return self.step(
            "dimension",
            text,
            rule=rule.id if rule else None,
            subject=dimension.id,
            met=positive,
            indicators=ids,
        )

    def _verdict(self, score: Score) -> Step:
        framework, rule = score.framework, score.rule
        blanks = {
            "rule_id": rule.id,
            "version": framework.version,
            "rule": rule.text.get(self.language),
        }
        if score.verdict:
            text = self.say("verdict_met", self.language, **blanks)
        else:
            missing = self._missing(score)
            text = self.say("verdict_not_met", self.language, missing=missing, **blanks)
        positive = [d for d, ok in score.dimensions.items() if ok]
        return self.step(
            "verdict",
            text,
            rule=rule.id,
            subject=framework.verdict_field,
            met=score.verdict,
            indicators=[i for i in score.present if i.partition(".")[0] in positive],
        )

    def _missing(self, score: Score) -> str:
        """The dimensions and indicators the rule names that are not met."""
        names = []
        for dimension in score.framework.dimensions:
            if not score.dimensions[dimension.id] and _names(score, dimension.id):
                names.append(f"{dimension.name(self.language)} ({dimension.id})")
        for i in _named_indicators(score):
            if i not in score.present:
                names.append(self._label(self.catalogue.indicator(i)))
        return "; ".join(names) or self.say("none", self.language)

    def _report(self, score: Score) -> Step:
        rule = score.rule
        text = self.say(
            "report",
            self.language,
            observed=self._labels(score.present),
            count=len(score.present),
            total=len(score.framework.indicators),
            rule=rule.text.get(self.language),
        )
        field = score.framework.verdict_field
        return self.step(
            "report", text, rule=rule.id, subject=field, indicators=score.present
        )

    def _continuum(self) -> list[Step]:
        position = self.assessment.continuum
        level = position.level
        text = self.say(
            "continuum",
            self.language,
            version=self.continuum.version,
            level=level.label(self.language),
            text=level.text(self.language),
            clause=level.clause,
        )
        found = [
            self.step("continuum", text, rule=level.id, subject=level.id, met=True)
        ]
        for gap in position.gaps:
            words = self.say(
                "continuum_gap",
                self.language,
                level=gap.label(self.language),
                text=gap.text(self.language),
            )
            found.append(
                self.step("gap", words, rule=gap.id, subject=gap.id, met=False)
            )
        if position.provisional:
            found[0]["text"] += " " + self.say(
                "provisional",
                self.language,
                framework=self._provisional_titles(),
            )
        return found

    def _provisional_titles(self) -> str:
        shaky = [f for f in self.catalogue.frameworks if f.child_strengths_provisional]
        return "; ".join(f.title(self.language) for f in shaky)

    def _ask_next(self, score: Score) -> Step:
        text = self.say(
            "ask_next", self.language, indicators=self._labels(score.ask_next)
        )
        return self.step(
            "ask_next",
            text,
            subject=score.framework.id,
            indicators=score.ask_next,
        )


def _names(score: Score, dimension_id: str) -> bool:
    return dimension_id in named_ids(score.rule.test)


def _named_indicators(score: Score) -> list[str]:
    return [i for i in named_ids(score.rule.test) if "." in i]
