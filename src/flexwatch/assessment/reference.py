"""Read and check the crosswalk, the continuum and the trace's sentences.

These files refer to the frameworks' ids, so they are checked against a
loaded catalogue: every id they name must exist, a crosswalk link must keep to
the stages of the journey, and every sentence must have the same blanks in
every language. A file that breaks a rule is refused with a FrameworkError
naming the file, the entry and what would be accepted.
"""

import logging
import string
from collections.abc import Iterable, Mapping
from typing import Any

from flexwatch.assessment.loader import (
    Where,
    documents,
    flag,
    mapping,
    parse_test,
    text,
    translated,
)
from flexwatch.assessment.model import (
    LANGUAGES,
    Catalogue,
    Continuum,
    Crosswalk,
    Indicator,
    Level,
    Sentences,
    Translated,
    UnknownIndicator,
)

log = logging.getLogger(__name__)

# The crosswalk's sections: a Delphi stage, or no stage (the other frameworks).
SECTIONS = {"recruitment": "recruitment", "destination": "destination"}
ANY_STAGE = "any_stage"
HEADER = ("kind", "version", "source")

# The sentences the trace needs, each with the blanks it must have.
SENTENCE_BLANKS: dict[str, frozenset[str]] = {
    key: frozenset(blanks)
    for key, blanks in {
        "notice": (),
        "age_unknown": (),
        "if_adult": (),
        "if_child": (),
        "provisional": ("framework",),
        "crosswalk": ("target", "target_id", "source", "source_id"),
        "dimension_positive": ("dimension", "dimension_id", "observed", "rule"),
        "dimension_negative": ("dimension", "dimension_id", "observed", "rule"),
        "dimension_empty": ("dimension", "dimension_id"),
        "verdict_met": ("rule_id", "version", "rule"),
        "verdict_not_met": ("rule_id", "version", "rule", "missing"),
        "report": ("observed", "count", "total", "rule"),
        "continuum": ("version", "level", "text", "clause"),
        "continuum_gap": ("level", "text"),
        "ask_next": ("indicators",),
        "none": (),
        "strong": (),
        "medium": (),
        "weak": (),
    }.items()
}


def single(files: Iterable[tuple[str, str]], kind: str) -> tuple[Where, Any]:
    """The one file of ``kind`` among ``files``, parsed.

    Raises:
        FrameworkError: there is no such file, or more than one.
    """
    found = list(documents(files, kind))
    if len(found) != 1:
        names = ", ".join(where.file for where, _ in found) or "none"
        raise Where("flexwatch.assessment.frameworks").refuse(
            f"expected exactly one file of kind {kind}, found {names}."
        )
    return found[0]


# The crosswalk


def parse_crosswalk(
    files: Iterable[tuple[str, str]], catalogue: Catalogue
) -> Crosswalk:
    """Build the crosswalk from its file and check it against ``catalogue``.

    Raises:
        FrameworkError: naming the file and entry that cannot be used.
    """
    where, data = single(files, "crosswalk")
    _known_keys(data, (*HEADER, *SECTIONS, ANY_STAGE), where)
    stages = _stages(catalogue)

    links: dict[str, tuple[str, ...]] = {}
    for section in (*SECTIONS, ANY_STAGE):
        entries = mapping(data.get(section, {}), where / section)
        for source, targets in entries.items():
            place = where / section / source
            _check_source(catalogue, stages, source, SECTIONS.get(section), place)
            links[source] = _targets(catalogue, stages, source, targets, place)

    crosswalk = Crosswalk(
        version=text(data.get("version"), where / "version"),
        source=text(data.get("source"), where / "source"),
        links=links,
    )
    _check_reach(catalogue, crosswalk, where)
    log.debug("Loaded the crosswalk: %d ids with links", len(links))
    return crosswalk


def _stages(catalogue: Catalogue) -> dict[str, str | None]:
    """Each indicator id's stage of the journey (None for no stage)."""
    return {
        i.id: d.stage
        for f in catalogue.frameworks
        for d in f.dimensions
        for i in d.indicators
    }


def _indicator(catalogue: Catalogue, indicator_id: Any, where: Where) -> Indicator:
    try:
        return catalogue.indicator(str(indicator_id))
    except UnknownIndicator as problem:
        raise where.refuse(str(problem)) from problem


def _check_source(
    catalogue: Catalogue,
    stages: Mapping[str, str | None],
    source: str,
    stage: str | None,
    where: Where,
) -> None:
    _indicator(catalogue, source, where)
    if stages[source] != stage:
        raise where.refuse(
            f"{source} belongs to the stage {stages[source] or 'none'}; "
            f"list it under {stages[source] or ANY_STAGE}."
        )


def _targets(
    catalogue: Catalogue,
    stages: Mapping[str, str | None],
    source: str,
    targets: Any,
    where: Where,
) -> tuple[str, ...]:
    if not isinstance(targets, list) or not targets:
        raise where.refuse("give a list of the ids it also counts as.")
    own = catalogue.indicator(source).framework_id
    for n, target in enumerate(targets):
        found = _indicator(catalogue, target, where / n)
        if stages[found.id] is not None:
            raise (where / n).refuse(
                f"{target} has a stage of the journey; a link may only point "
                "to an id of a framework without stages."
            )
        if found.framework_id == own:
            raise (where / n).refuse(
                f"{target} is in the same framework as {source}; one "
                "observation must count once in a framework."
            )
    if len(set(targets)) != len(targets):
        raise where.refuse("an id is listed twice.")
    return tuple(targets)


def _check_reach(catalogue: Catalogue, crosswalk: Crosswalk, where: Where) -> None:
    """No chain of links may lead back into the framework it started from."""
    for source, reached in crosswalk.reach.items():
        own = catalogue.indicator(source).framework_id
        back = sorted(i for i in reached if catalogue.indicator(i).framework_id == own)
        if back:
            raise (where / source).refuse(
                f"its links lead on to {', '.join(back)}, in its own framework; "
                "one observation must count once in a framework."
            )


def _known_keys(data: Mapping[str, Any], accepted: Iterable[str], where: Where) -> None:
    names = tuple(accepted)
    unknown = [key for key in data if key not in names]
    if unknown:
        raise (where / unknown[0]).refuse(f"not a known entry; use {', '.join(names)}.")


# The continuum


def parse_continuum(
    files: Iterable[tuple[str, str]], catalogue: Catalogue
) -> Continuum:
    """Build the continuum from its file and check its tests' ids.

    Raises:
        FrameworkError: naming the file and entry that cannot be used.
    """
    where, data = single(files, "continuum")
    _known_keys(data, (*HEADER, "levels"), where)
    listed = data.get("levels")
    if not isinstance(listed, list) or len(listed) < 2:
        raise (where / "levels").refuse("give a list of at least two levels.")

    known = _testable(catalogue)
    levels = tuple(
        _level(item, where / "levels" / n, known) for n, item in enumerate(listed)
    )
    _check_levels(levels, where / "levels")
    return Continuum(
        version=text(data.get("version"), where / "version"),
        source=text(data.get("source"), where / "source"),
        levels=levels,
    )


def _testable(catalogue: Catalogue) -> set[str]:
    """What a level's test may name: indicators, scored frameworks, dimensions."""
    known = set(catalogue.ids)
    for framework in catalogue.frameworks:
        if framework.scored:
            known.add(framework.id)
            known.update(f"{framework.id}/{d.id}" for d in framework.dimensions)
    return known


def _level(data: Any, where: Where, known: set[str]) -> Level:
    data = mapping(data, where)
    _known_keys(data, ("id", "floor", "clause", "label", "text", "test"), where)
    floor = flag(data.get("floor", False), where / "floor")
    test = None
    if not floor and "test" not in data:
        raise (where / "test").refuse(
            "give the level's test (only the floor has none)."
        )
    if not floor:
        test = parse_test(data.get("test"), where / "test", known)
    elif "test" in data:
        raise (where / "test").refuse(
            "the floor has no test; it is where the rest fail."
        )
    return Level(
        id=text(data.get("id"), where / "id"),
        floor=floor,
        clause=" ".join(text(data.get("clause"), where / "clause").split()),
        labels=translated(data.get("label"), where / "label"),
        texts=translated(data.get("text"), where / "text"),
        test=test,
    )


def _check_levels(levels: tuple[Level, ...], where: Where) -> None:
    floors = [n for n, level in enumerate(levels) if level.floor]
    if floors != [0]:
        raise where.refuse("the first level, and only it, is the floor (floor: true).")
    ids = [level.id for level in levels]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise where.refuse(f"the level ids {', '.join(twice)} are given twice.")


# The sentences


def parse_sentences(files: Iterable[tuple[str, str]]) -> Sentences:
    """Read the trace's sentences and check their blanks in every language.

    Raises:
        FrameworkError: a sentence is missing, unexpected, or has other
            blanks than it needs in some language.
    """
    where, data = single(files, "sentences")
    _known_keys(data, ("kind", "version", "sentences"), where)
    entries = mapping(data.get("sentences"), where / "sentences")
    missing = sorted(set(SENTENCE_BLANKS) - set(entries))
    if missing:
        raise (where / "sentences").refuse(f"missing: {', '.join(missing)}.")

    templates = {}
    for key, value in entries.items():
        place = where / "sentences" / key
        if key not in SENTENCE_BLANKS:
            raise place.refuse(f"not a sentence the trace uses; use {_listed()}.")
        templates[key] = _sentence(value, SENTENCE_BLANKS[key], place)
    return Sentences(
        version=text(data.get("version"), where / "version"), templates=templates
    )


def _listed() -> str:
    return ", ".join(sorted(SENTENCE_BLANKS))


def _sentence(value: Any, blanks: frozenset[str], where: Where) -> Translated:
    sentence = translated(value, where)
    for language in LANGUAGES:
        found = _blanks(sentence.get(language), where / language)
        if found != blanks:
            needed = ", ".join("{" + b + "}" for b in sorted(blanks)) or "none"
            raise (where / language).refuse(
                f"the blanks must be exactly {needed}; found "
                f"{', '.join('{' + b + '}' for b in sorted(found)) or 'none'}."
            )
    return sentence


def _blanks(template: str, where: Where) -> frozenset[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as problem:
        message = f"a brace is not closed or not doubled ({problem})."
        raise where.refuse(message) from problem
    return frozenset(name for _, name, _, _ in parsed if name is not None)
