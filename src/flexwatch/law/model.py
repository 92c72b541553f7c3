"""Provisions of law as plain, frozen data, and the error about their files.

A provision (an offence, a definition, a treaty article) has versions in
time; each version holds the legal elements it requires, as codes of one
controlled vocabulary (``provisions/elements.yaml``): acts, means and
purposes. Every fact carries the status the reference gives it: confirmed,
partial, recall (not checked) or not_given.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

LANGUAGES = ("en", "fi", "et", "pl")
# The element groups a provision's versions are compared by, in order.
GROUPS = ("act", "means", "purpose")
# The other groups of the vocabulary.
TERMS = (*GROUPS, "consent", "aggravating", "provision_type")
STATUSES = ("confirmed", "partial", "recall", "not_given")
# Jurisdictions that are not a country: treaties and EU law.
INTERNATIONAL = ("INT", "EU")
# The means code that says a provision asks for no means at all.
NO_MEANS = "none_required"


class LawDataError(ValueError):
    """A provisions or elements file that cannot be used (names file and line)."""


class UnknownProvision(KeyError):
    """A provision id that no loaded file defines."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Term:
    """One code of the vocabulary of legal elements, with its labels."""

    code: str
    group: str
    labels: Mapping[str, str]
    cites: tuple[str, ...]

    def label(self, language: str = "en") -> str:
        """The label in ``language``, or in English for any other language."""
        return self.labels.get(language, self.labels["en"])


@dataclass(frozen=True)
class Vocabulary:
    """Every code of every group, by group and code."""

    version: str
    source: str
    terms: Mapping[str, Mapping[str, Term]]

    def codes(self, group: str) -> tuple[str, ...]:
        """The codes of ``group`` in the file's order."""
        return tuple(self.terms[group])

    def label(self, group: str, code: str, language: str = "en") -> str:
        """The label of ``code`` in ``group``; the code itself if unknown."""
        term = self.terms.get(group, {}).get(code)
        return term.label(language) if term else code


@dataclass(frozen=True)
class Elements:
    """The codes a version requires, one set per group of ``GROUPS``."""

    act: frozenset[str] = frozenset()
    means: frozenset[str] = frozenset()
    purpose: frozenset[str] = frozenset()

    def of(self, group: str) -> frozenset[str]:
        """The codes of one group."""
        return frozenset(getattr(self, group))

    def union(self, others: Iterable["Elements"]) -> "Elements":
        """These codes together with every code of ``others``."""
        merged = {g: set(self.of(g)) for g in GROUPS}
        for other in others:
            for group in GROUPS:
                merged[group] |= other.of(group)
        return Elements(**{g: frozenset(c) for g, c in merged.items()})


@dataclass(frozen=True)
class Version:
    """One wording of a provision and the days it was in force.

    ``end`` is the last day in force, None while it still is.
    """

    start: date
    end: date | None
    amending_act: str | None
    change: str
    status: str
    elements: Elements

    def in_force(self, day: date) -> bool:
        """Whether ``day`` falls in this version's days."""
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, start: date, end: date | None) -> bool:
        """Whether this version was in force on any day from start to end."""
        return (end is None or self.start <= end) and (
            self.end is None or start <= self.end
        )


@dataclass(frozen=True)
class Amendment:
    """A change whose in-force date the reference does not give.

    It cannot be placed in time, so the codes it adds are shown as of
    unknown date on the days of the last version, never as certain.
    """

    amending_act: str
    change: str
    status: str
    adds: Elements


@dataclass(frozen=True)
class Fact:
    """A fact of a provision with its status and an optional note."""

    status: str
    note: str = ""


@dataclass(frozen=True)
class Consent(Fact):
    """How the provision treats the victim's consent (a ``consent`` code)."""

    rule: str = ""


@dataclass(frozen=True)
class ChildRule(Fact):
    """Whether means are required when the victim is under the age threshold."""

    age_threshold: int = 18
    means_required: bool | None = None


@dataclass(frozen=True)
class Aggravating(Fact):
    """The aggravating circumstances the provision names."""

    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Penalty(Fact):
    """The range of imprisonment in months; None where there is no figure."""

    min_months: int | None = None
    max_months: int | None = None
    fine_alternative: bool | None = None


@dataclass(frozen=True)
class Source:
    """A source the reference names for the provision, and if it was checked."""

    url: str
    title: str
    status: str


@dataclass(frozen=True)
class Provision:
    """A provision with its versions in time and its facts."""

    id: str
    country: str
    instrument: str
    provision: str
    title_en: str
    title_original: str
    type: str
    status: str
    iccs: str | None
    iccs_status: str
    versions: tuple[Version, ...]
    undated: tuple[Amendment, ...]
    means_required_for_adults: bool
    note: str
    consent: Consent | None
    child_rule: ChildRule | None
    aggravating: Aggravating
    penalty: Penalty | None
    sources: tuple[Source, ...]
    base: str | None = None
    definition: str | None = None
    victims: str = "any"
    # The start of the version the undated amendments amend, once a version
    # has been added after it (flexwatch.law.history); None: the last one.
    undated_on: date | None = None

    @property
    def start(self) -> date:
        """The first day the provision was in force."""
        return self.versions[0].start

    @property
    def end(self) -> date | None:
        """The last day in force, None while it still is."""
        return self.versions[-1].end

    def version_on(self, day: date) -> Version | None:
        """The version in force on ``day``, or None."""
        return next((v for v in self.versions if v.in_force(day)), None)

    def versions_during(self, start: date, end: date | None) -> tuple[Version, ...]:
        """Every version in force on some day from ``start`` to ``end``."""
        return tuple(v for v in self.versions if v.overlaps(start, end))

    def uncertain_on(self, day: date) -> Elements:
        """Codes added by undated amendments, shown on the days of the version
        they amend: the last one of the files, even after a version is added."""
        anchor = self.undated_on or self.versions[-1].start
        version = self.version_on(day)
        if not self.undated or version is None or version.start != anchor:
            return Elements()
        return Elements().union(a.adds for a in self.undated)


@dataclass(frozen=True)
class LawBook:
    """Every loaded provision and the vocabulary its codes come from."""

    vocabulary: Vocabulary
    provisions: tuple[Provision, ...]
    _by_id: Mapping[str, Provision] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {p.id: p for p in self.provisions})

    def provision(self, provision_id: str) -> Provision:
        """The provision with this id.

        Raises:
            UnknownProvision: naming the id and the ids there are.
        """
        found = self._by_id.get(provision_id)
        if found is None:
            raise UnknownProvision(
                f"{provision_id!r} is not a provision id; use one of "
                f"{', '.join(self._by_id)}."
            )
        return found

    def countries(self) -> tuple[str, ...]:
        """The jurisdictions with provisions, in the files' order."""
        return tuple(dict.fromkeys(p.country for p in self.provisions))

    def of_country(self, country: str) -> tuple[Provision, ...]:
        """The provisions of one jurisdiction, in the files' order."""
        return tuple(p for p in self.provisions if p.country == country)


@dataclass(frozen=True)
class Comparisons:
    """The default comparison: the baseline, the instruments shown beside it,
    and each country's trafficking offence as the provisions read together."""

    baseline: str
    beside: tuple[str, ...]
    countries: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Crosswalk:
    """Which legal elements an assessment id is evidence of.

    Attributes:
        links: each assessment id and the (group, code) pairs it reaches.
        reachable: every code some id reaches; the rest must be established
            from the case file.
    """

    version: str
    source: str
    links: Mapping[str, tuple[tuple[str, str], ...]]

    @property
    def reachable(self) -> Elements:
        """Every legal element that some screening id is evidence of."""
        return self.evidence(self.links)

    def evidence(self, observed: Iterable[str]) -> Elements:
        """The legal elements that the observed assessment ids are evidence of."""
        found: dict[str, set[str]] = {group: set() for group in GROUPS}
        for assessment_id in observed:
            for group, code in self.links.get(assessment_id, ()):
                found[group].add(code)
        return Elements(**{g: frozenset(c) for g, c in found.items()})
