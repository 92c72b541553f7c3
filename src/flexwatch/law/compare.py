"""Provisions compared element by element on a chosen day.

Pure: takes the law book and returns plain data. Each column is one
provision or several read together (Estonia's § 133 with § 133-1); each cell
says how the column stands against the baseline (Directive 2011/36/EU art. 2
as amended, by default) for one code:

- ``covers``: both have it;
- ``lacks``: the baseline has it, the column does not;
- ``adds``: the column has it, the baseline does not;
- ``uncertain``: only an amendment whose date is not given adds it;
- ``""``: neither has it.

A code that a column lacks is a difference of wording to examine, not
proof of a gap in protection: national law may reach the same conduct
through a broader term (Finland's 'conditions violating human dignity').
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flexwatch.law.model import GROUPS, Elements, LawBook

COVERS, LACKS, ADDS, UNCERTAIN, NEITHER = "covers", "lacks", "adds", "uncertain", ""


@dataclass(frozen=True)
class Column:
    """One or more provisions read together, as in force on a day."""

    provisions: tuple[str, ...]
    in_force: tuple[str, ...]
    elements: Elements
    uncertain: Elements

    @property
    def key(self) -> str:
        """The provisions' ids joined by ``+``, as the pages' query gives them."""
        return "+".join(self.provisions)


@dataclass(frozen=True)
class Row:
    """One code of one group, and each column's cell for it."""

    group: str
    code: str
    in_baseline: bool
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Matrix:
    """The element-by-element comparison of ``columns`` against ``baseline``."""

    day: date
    baseline: Column
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Gaps:
    """A country's trafficking offence against the baseline, on a day.

    ``lacks``, ``adds`` and ``uncertain`` map each group to its codes in the
    vocabulary's order. ``child_without_means`` is True when a provision of
    the set makes a child's case complete without any means, as the baseline
    does, None when the data do not say.
    """

    country: str
    day: date
    column: Column
    baseline: Column
    lacks: Mapping[str, tuple[str, ...]]
    adds: Mapping[str, tuple[str, ...]]
    uncertain: Mapping[str, tuple[str, ...]]
    child_without_means: bool | None


def column(book: LawBook, provision_ids: Iterable[str], day: date) -> Column:
    """The provisions read together as in force on ``day``.

    Raises:
        UnknownProvision: an id that no file defines.
    """
    ids = tuple(provision_ids)
    provisions = [book.provision(i) for i in ids]
    versions = [(p, p.version_on(day)) for p in provisions]
    live = [(p, v) for p, v in versions if v is not None]
    return Column(
        provisions=ids,
        in_force=tuple(p.id for p, _ in live),
        elements=Elements().union(v.elements for _, v in live),
        uncertain=Elements().union(p.uncertain_on(day) for p, _ in live),
    )


def matrix(
    book: LawBook, columns: Iterable[Iterable[str]], day: date, baseline: str
) -> Matrix:
    """Compare each column (a list of provision ids) with the baseline on ``day``.

    Rows are every code that the baseline or a column has, group by group in
    the vocabulary's order.
    """
    against = column(book, [baseline], day)
    built = tuple(column(book, ids, day) for ids in columns)

    rows = []
    for group in GROUPS:
        present = against.elements.of(group).union(
            *(c.elements.of(group) | c.uncertain.of(group) for c in built)
        )
        for code in book.vocabulary.codes(group):
            if code in present:
                cells = tuple(cell(c, against, group, code) for c in built)
                base = code in against.elements.of(group)
                rows.append(Row(group, code, base, cells))
    return Matrix(day, against, built, tuple(rows))


def cell(found: Column, against: Column, group: str, code: str) -> str:
    """How ``found`` stands against ``against`` for one code."""
    has = code in found.elements.of(group)
    wanted = code in against.elements.of(group)
    if has:
        return COVERS if wanted else ADDS
    if code in found.uncertain.of(group):
        return UNCERTAIN
    return LACKS if wanted else NEITHER


def gaps(
    book: LawBook, country: str, offence: Iterable[str], day: date, baseline: str
) -> Gaps:
    """A country's trafficking offence (``offence``, provision ids) measured
    against the baseline on ``day``."""
    found = column(book, offence, day)
    against = column(book, [baseline], day)
    listed = {
        verdict: {
            group: tuple(
                code
                for code in book.vocabulary.codes(group)
                if cell(found, against, group, code) == verdict
            )
            for group in GROUPS
        }
        for verdict in (LACKS, ADDS, UNCERTAIN)
    }
    return Gaps(
        country=country,
        day=day,
        column=found,
        baseline=against,
        lacks=listed[LACKS],
        adds=listed[ADDS],
        uncertain=listed[UNCERTAIN],
        child_without_means=_child_without_means(book, found),
    )


def _child_without_means(book: LawBook, found: Column) -> bool | None:
    rules = [book.provision(i).child_rule for i in found.in_force]
    said = [r.means_required for r in rules if r and r.means_required is not None]
    if not said:
        return None
    return not all(said)
