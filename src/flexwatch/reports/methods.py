"""The methods appendix, generated from the data and definitions a report used.

Pure: no Django; it reads the package's definition files through their own
loaders. It says where the figures come from (the kinds of source counted),
what they count (registered victims, offences), by which frameworks and
versions cases were screened, which date gives a victim's year, which
population release gives the rates, and what disclosure control suppressed
in each table.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.reports import labels
from flexwatch.reports.content import Report
from flexwatch.reports.labels import Gettext
from flexwatch.reports.sections import labels_of_basis
from flexwatch.stats import population
from flexwatch.stats.definitions import CATEGORIES, offences, registered


@dataclass(frozen=True)
class Source:
    """A definition or reference the report rests on, and where it comes from."""

    title: str
    text: str
    cited: str


@dataclass(frozen=True)
class Suppressed:
    """What disclosure control did to one published table."""

    title: str
    population: str
    cells: int
    primary: int
    secondary: int
    margins: int


@dataclass(frozen=True)
class Methods:
    """Everything the methods appendix states."""

    kinds: tuple[str, ...]
    definitions: tuple[Source, ...]
    date_basis: str
    population_files: tuple[str, ...]
    population_sources: tuple[str, ...]
    threshold: int
    suppressed: tuple[Suppressed, ...]


def methods(
    report: Report, denominators: population.Denominators, gettext: Gettext
) -> Methods:
    """The methods appendix of ``report``."""
    language = report.request.language
    sources = [t for t in report.tables if t.name == "cases_by_source"]
    kinds = [row.code for row in sources[0].rows] if sources else []
    rates = [rate for s in report.sections for rate in s.rates]
    used = sorted({r.population_source for r in rates if r.population_source})
    return Methods(
        kinds=tuple(labels.labels("source_kind", kinds, language, gettext).values()),
        definitions=(
            *_definitions(report, gettext),
            *_frameworks(report, gettext),
        ),
        date_basis=labels_of_basis(gettext)[report.request.date_basis],
        population_files=tuple(_file_name(f) for f in denominators.files),
        population_sources=tuple(used),
        threshold=report.request.threshold,
        suppressed=tuple(_suppressed(report)),
    )


def _definitions(report: Report, gettext: Gettext) -> list[Source]:
    language = report.request.language
    decisions = vocab.vocabulary("identification_decision")
    counted = [decisions.label(code, language) for code in decisions.codes]
    statuses = [
        c
        for c, code in zip(counted, decisions.codes, strict=True)
        if code in registered().statuses
    ]
    reading = offences()
    provisions = [
        f"{labels.label('treatment', category, language, gettext)}: "
        f"{_provisions(reading.categories, category, report.request.countries)}"
        for category in CATEGORIES
    ]
    return [
        Source(
            gettext("Registered victims"),
            gettext("Counted as registered victims: %(statuses)s.")
            % {"statuses": ", ".join(statuses)},
            registered().source,
        ),
        Source(
            gettext("Offences"),
            "; ".join(provisions) + ".",
            reading.source,
        ),
    ]


def _provisions(
    categories: Mapping[str, str], category: str, countries: Sequence[str]
) -> str:
    """The provisions of ``countries`` in ``category``; a dash for none."""
    # A provision is written with its country's code first, as "FI RL 25:3".
    chosen = [
        p for p, c in categories.items() if c == category and p.split()[0] in countries
    ]
    return ", ".join(sorted(chosen)) or "\u2013"


def _frameworks(report: Report, gettext: Gettext) -> list[Source]:
    language = report.request.language
    continuum = frameworks.continuum()
    screening = frameworks.catalogue().framework(report.request.framework)
    return [
        Source(
            gettext("Continuum of exploitation"),
            gettext("Version %(version)s; levels: %(levels)s.")
            % {
                "version": continuum.version,
                "levels": ", ".join(
                    labels.translated(level.labels, language)
                    for level in continuum.levels
                ),
            },
            continuum.source,
        ),
        Source(
            gettext("Indicators"),
            gettext("%(framework)s, version %(version)s.")
            % {"framework": screening.title(language), "version": screening.version},
            screening.source,
        ),
    ]


def _suppressed(report: Report) -> list[Suppressed]:
    titles: dict[str, list[str]] = {}
    for table in report.tables:
        titles.setdefault(table.name, []).append(table.title)
    found = []
    for name, publication in report.protected.publications.items():
        for published in publication.tables:
            mine = [s for s in publication.suppressed if s.table == published.name]
            cells = [s for s in mine if None not in s.key]
            found.append(
                Suppressed(
                    title=" / ".join(titles.get(published.name, [published.name])),
                    population=name,
                    cells=len(published.cells),
                    primary=sum(s.reason == "primary" for s in cells),
                    secondary=sum(s.reason == "secondary" for s in cells),
                    margins=len(mine) - len(cells),
                )
            )
    return found


def _file_name(path: str) -> str:
    # The shipped file's full path says nothing to a reader; its name does.
    return path.replace("\\", "/").rsplit("/", 1)[-1]


__all__: Sequence[str] = ("Methods", "methods")
