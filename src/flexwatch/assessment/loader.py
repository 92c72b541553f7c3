"""Read and check the YAML files of ``assessment/frameworks/``.

Every file says what it is with ``kind:`` (framework, crosswalk, continuum or
sentences). A file that cannot be used is refused with a FrameworkError whose
message names the file, the entry and what would be accepted, so a mistake in
the data never turns into a wrong result.
"""

import logging
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from flexwatch.assessment.model import (
    LANGUAGES,
    POPULATIONS,
    STAGES,
    STRENGTHS,
    Catalogue,
    Dimension,
    DimensionRule,
    Framework,
    FrameworkError,
    Indicator,
    Rule,
    Test,
    Translated,
)

log = logging.getLogger(__name__)

DATA_PACKAGE = "flexwatch.assessment.frameworks"
KINDS = ("framework", "crosswalk", "continuum", "sentences")
TIERS = ("strong", "medium", "weak", "medium_or_weak", "any")


class Where:
    """A place in a data file, for error messages: the file and the entry."""

    def __init__(self, file: str, entry: str = "") -> None:
        self.file = file
        self.entry = entry

    def __truediv__(self, key: object) -> "Where":
        return Where(self.file, f"{self.entry}.{key}" if self.entry else str(key))

    def refuse(self, problem: str) -> FrameworkError:
        """The error for ``problem`` at this place."""
        entry = f", entry {self.entry!r}" if self.entry else ""
        return FrameworkError(f"{self.file}{entry}: {problem}")


# libyaml's parser when PyYAML was built with it: the data files are read at
# every start of the command line, and the pure-Python parser is slow.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[misc,valid-type]
    """Safe YAML that refuses a key given twice in one mapping.

    PyYAML keeps the last of two equal keys without a word, which would let a
    copied line silently replace an indicator or a link.
    """

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def package_files() -> list[tuple[str, str]]:
    """Every YAML file of the data folder, as (name, text), in name order."""
    folder = resources.files(DATA_PACKAGE)
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".yaml"))
    return [(n, folder.joinpath(n).read_text(encoding="utf-8")) for n in names]


def documents(
    files: Iterable[tuple[str, str]], kind: str
) -> Iterator[tuple[Where, Any]]:
    """The parsed files of one ``kind``, each with its place for errors.

    Raises:
        FrameworkError: a file is not YAML, not a mapping, or of no known kind.
    """
    for name, text in files:
        where = Where(name)
        data = mapping(_parsed(name, text), where)
        found = choice(data.get("kind"), KINDS, where / "kind")
        if found == kind:
            yield where, data


@lru_cache(maxsize=64)
def _parsed(name: str, text: str) -> Any:
    """A file's YAML, parsed once for every kind of loader that reads it.

    The result is shared: loaders read it and never change it.
    """
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a safe loader
    except yaml.YAMLError as problem:
        raise Where(name).refuse(f"not valid YAML ({problem}).") from problem


def parse_catalogue(files: Iterable[tuple[str, str]]) -> Catalogue:
    """Build the catalogue from the framework files among ``files``.

    Raises:
        FrameworkError: naming the file and entry that cannot be used.
    """
    ordered: list[tuple[int, Framework]] = []
    seen: dict[str, str] = {}
    for where, data in documents(files, "framework"):
        framework = _framework(data, where)
        ordered.append((_order(data.get("order"), where / "order"), framework))
        for indicator in framework.indicators:
            if indicator.id in seen:
                raise (where / indicator.id).refuse(
                    f"the id is already defined in {seen[indicator.id]}."
                )
            seen[indicator.id] = where.file
    frameworks = [framework for _, framework in sorted(ordered, key=lambda o: o[0])]
    if not frameworks:
        raise Where(DATA_PACKAGE).refuse("no framework file was found.")

    log.debug("Loaded %d frameworks, %d indicators", len(frameworks), len(seen))
    return Catalogue(tuple(frameworks))


def _order(value: Any, where: Where) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise where.refuse(f"expected a whole number, found {value!r}.")
    return value


def _framework(data: Mapping[str, Any], where: Where) -> Framework:
    framework_id = text(data.get("id"), where / "id")
    scored = flag(data.get("scored"), where / "scored")
    dimensions = mapping(data.get("dimensions"), where / "dimensions")
    rules = mapping(data.get("rules"), where / "rules")

    parsed = tuple(
        _dimension(framework_id, key, value, where / "dimensions" / key)
        for key, value in dimensions.items()
    )
    if not parsed:
        raise (where / "dimensions").refuse("a framework needs at least one dimension.")
    dimension_rule = _dimension_rule(rules, where / "rules", scored)
    _check_strengths(parsed, dimension_rule, where / "dimensions")
    return Framework(
        id=framework_id,
        source=text(data.get("source"), where / "source"),
        version=text(data.get("version"), where / "version"),
        verdict_field=text(data.get("verdict_field"), where / "verdict_field"),
        scored=scored,
        titles=translated(data.get("title"), where / "title"),
        dimensions=parsed,
        dimension_rule=dimension_rule,
        rules=_rules(rules, where / "rules", scored, parsed),
        child_strengths_provisional=bool(data.get("child_strengths_provisional")),
    )


def _check_strengths(
    dimensions: tuple[Dimension, ...], rule: DimensionRule | None, where: Where
) -> None:
    """A rule that counts strong, medium or weak needs both weights everywhere."""
    tiers = {tier for a in (rule.alternatives if rule else ()) for tier, _ in a}
    if not tiers - {"any"}:
        return
    for dimension in dimensions:
        for i in dimension.indicators:
            if i.strength is None or i.child_strength is None:
                raise (where / dimension.id / "indicators" / i.id).refuse(
                    "the dimension rule counts by strength, so give strength and "
                    "child_strength (strong, medium or weak)."
                )


def _dimension(framework_id: str, key: str, data: Any, where: Where) -> Dimension:
    data = mapping(data, where)
    if "." in key:
        raise where.refuse("a dimension id has no dot (indicator ids do).")
    stage = data.get("stage")
    if stage is not None:
        choice(stage, STAGES, where / "stage")
    indicators = mapping(data.get("indicators"), where / "indicators")

    parsed = tuple(
        _indicator(framework_id, key, i, value, where / "indicators" / i)
        for i, value in indicators.items()
    )
    if not parsed:
        raise (where / "indicators").refuse("a dimension needs indicators.")
    return Dimension(
        id=key,
        framework_id=framework_id,
        stage=stage,
        names=translated(data.get("name"), where / "name"),
        indicators=parsed,
    )


def _indicator(
    framework_id: str, dimension_id: str, key: str, data: Any, where: Where
) -> Indicator:
    data = mapping(data, where)
    if not key.startswith(f"{dimension_id}.") or key.count(".") != 1:
        raise where.refuse(
            f"an indicator id is its dimension's id, a dot and a name, "
            f"such as {dimension_id}.something."
        )
    strength = data.get("strength")
    child_strength = data.get("child_strength")
    for name, value in (("strength", strength), ("child_strength", child_strength)):
        if value is not None:
            choice(value, STRENGTHS, where / name)
    return Indicator(
        id=key,
        framework_id=framework_id,
        dimension_id=dimension_id,
        strength=strength,
        child_strength=child_strength,
        labels=translated(data.get("label"), where / "label"),
    )


def _dimension_rule(
    rules: Mapping[str, Any], where: Where, scored: bool
) -> DimensionRule | None:
    if not scored:
        return None
    data = mapping(rules.get("dimension"), where / "dimension")
    listed = data.get("alternatives")
    if not isinstance(listed, list) or not listed:
        raise (where / "dimension" / "alternatives").refuse(
            "give a list of alternatives, such as [{strong: 2}, {medium: 3}]."
        )
    alternatives = tuple(
        _alternative(item, where / "dimension" / "alternatives" / n)
        for n, item in enumerate(listed)
    )
    return DimensionRule(
        id=text(data.get("id"), where / "dimension" / "id"),
        alternatives=alternatives,
        text=translated(data.get("text"), where / "dimension" / "text"),
    )


def _alternative(data: Any, where: Where) -> tuple[tuple[str, int], ...]:
    data = mapping(data, where)
    for tier, count in data.items():
        choice(tier, TIERS, where / tier)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise (where / tier).refuse(
                f"{count!r} is not a whole number of at least 1."
            )
    if not data:
        raise where.refuse("an alternative needs at least one minimum count.")
    return tuple(data.items())


def _rules(
    rules: Mapping[str, Any],
    where: Where,
    scored: bool,
    dimensions: tuple[Dimension, ...],
) -> tuple[Rule, ...]:
    if not scored:
        report = mapping(rules.get("report"), where / "report")
        return (_rule(report, where / "report", None, None),)

    known = {d.id for d in dimensions} | {
        i.id for d in dimensions for i in d.indicators
    }
    parsed = []
    for population in POPULATIONS:
        data = mapping(rules.get(population), where / population)
        test = parse_test(data.get("test"), where / population / "test", known)
        parsed.append(_rule(data, where / population, population, test))
    return tuple(parsed)


def _rule(
    data: Mapping[str, Any], where: Where, population: str | None, test: Test | None
) -> Rule:
    return Rule(
        id=text(data.get("id"), where / "id"),
        population=population,
        test=test,
        text=translated(data.get("text"), where / "text"),
    )


def parse_test(data: Any, where: Where, known: set[str]) -> Test:
    """A rule's test: a known id, or ``{all_of: [...]}`` / ``{any_of: [...]}``.

    Raises:
        FrameworkError: an id that is not in ``known``, or another shape.
    """
    if isinstance(data, str):
        if data not in known:
            raise where.refuse(f"{data!r} is not a dimension or indicator here.")
        return data
    data = mapping(data, where)
    if len(data) != 1 or next(iter(data)) not in ("all_of", "any_of"):
        raise where.refuse("a test is an id, or a mapping with all_of or any_of.")

    operator, parts = next(iter(data.items()))
    if not isinstance(parts, list) or not parts:
        raise (where / operator).refuse("give a list of tests.")
    tests = tuple(
        parse_test(p, where / operator / n, known) for n, p in enumerate(parts)
    )
    return (operator, tests)


# Checks shared by every kind of file.


def mapping(value: Any, where: Where) -> dict[str, Any]:
    """``value`` if it is a mapping with text keys, else refused."""
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise where.refuse(f"expected a mapping with named entries, found {value!r}.")
    return value


def text(value: Any, where: Where) -> str:
    """``value`` if it is non-blank text, else refused."""
    if not isinstance(value, str) or not value.strip():
        raise where.refuse(f"expected text, found {value!r}.")
    return value.strip()


def flag(value: Any, where: Where) -> bool:
    """``value`` if it is true or false, else refused."""
    if not isinstance(value, bool):
        raise where.refuse(f"expected true or false, found {value!r}.")
    return value


def choice(value: Any, accepted: Iterable[str], where: Where) -> str:
    """``value`` if it is one of ``accepted``, else refused."""
    options = tuple(accepted)
    if value not in options:
        raise where.refuse(
            f"{value!r} is not accepted; use one of {', '.join(options)}."
        )
    return str(value)


def translated(value: Any, where: Where) -> Translated:
    """A text in every language of the project, else refused."""
    data = mapping(value, where)
    missing = [language for language in LANGUAGES if language not in data]
    extra = sorted(set(data) - set(LANGUAGES))
    if missing or extra:
        raise where.refuse(
            f"give the text in exactly {', '.join(LANGUAGES)}"
            f" (missing: {', '.join(missing) or 'none'};"
            f" unexpected: {', '.join(extra) or 'none'})."
        )
    return Translated(**{lang: text(data[lang], where / lang) for lang in LANGUAGES})
