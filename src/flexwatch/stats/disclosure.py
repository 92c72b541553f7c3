"""Disclosure control for published tables of counts. Pure: no Django, no I/O.

Counts of victims are published as frequency tables, each with all of its
margins: the sub-total over every set of its dimensions, down to the grand
total. A small count can point at a person, so a table passes one of two
treatments before it leaves the organisation that holds the records::

    from flexwatch.stats.disclosure import Table, protect

    table = Table(("sex", "sector"), {("f", "agri"): 3, ...}, name="by_sector")
    publication = protect([table], threshold=5)
    publication.tables[0].cells[("f", "agri")]   # None: suppressed
    publication.account                          # what was suppressed, by rule

Cell suppression (``protect``):

- Primary: every cell counting from 1 to threshold - 1 is suppressed.
  Margins are published, unless the caller asks for small margins to be
  suppressed as well.
- Zeros are published. Here a zero is a structural fact, not a small count:
  it says that no victim of that kind was recorded, which identifies nobody
  and is itself a finding (no child among the victims in agriculture). It is
  never suppressed, and the attacker is assumed to know it.
- Secondary: further cells are suppressed until an attacker who knows every
  published cell and margin, and that counts are not negative, cannot bound
  any primarily suppressed count within an interval narrower than the
  threshold. A margin is given up only when no set of cells can protect.

Tables published together are assumed to count one population: every margin
over the dimensions two of them share, the grand total included, must agree,
and the attacker may use every table at once. They are therefore protected
as one linear system, whose unknowns are the cells of every table.

Controlled rounding (``controlled_rounding``) rounds every cell and margin of
a table of one or two dimensions to a multiple of a base, so that the rounded
margins are still the sums of the rounded cells.
"""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, product
from numbers import Integral
from typing import Literal

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, linprog, milp

from flexwatch.stats import hypercubes

log = logging.getLogger(__name__)

Key = tuple[str, ...]
# A margin's key holds None for every dimension summed over.
MarginKey = tuple[str | None, ...]
Reason = Literal["primary", "secondary"]

DEFAULT_THRESHOLD = 5
DEFAULT_BASE = 5
# Below this many cells the linear programs are quick and suppress least.
HYPERCUBES_FROM = 500
# Other codes per dimension in the box around a cell no hypercube can hide.
NEARBY = 3
# Solver results are floating point: a deviation smaller than this is noise.
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Table:
    """A frequency table: a count for each combination of category codes.

    A combination that is not given is a cell that cannot occur: like a
    published zero, it is known to be empty.

    Attributes:
        dimensions: The name of each dimension, in key order.
        cells: Each cell's key (one code per dimension) and its count.
        name: Names the table in results and errors; unique in a publication.

    Raises:
        ValueError: A dimension is unnamed or named twice, there are no
            cells, or a key or count is malformed.
    """

    dimensions: tuple[str, ...]
    cells: Mapping[Key, int]
    name: str = "table"

    def __post_init__(self) -> None:
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        _check_dimensions(self)
        if not self.cells:
            raise ValueError(f"Table {self.name!r} has no cells.")
        checked = {
            _checked_key(self, key): _checked_count(self, key, count)
            for key, count in self.cells.items()
        }
        object.__setattr__(self, "cells", checked)


@dataclass(frozen=True)
class PublishedTable:
    """A table as published: None stands for a suppressed value.

    Attributes:
        name: The table's name.
        dimensions: The name of each dimension, in key order.
        cells: Each cell's count, or None.
        margins: Each margin's count, or None; the key holds None for every
            dimension summed over, so the grand total's key is all None.
    """

    name: str
    dimensions: tuple[str, ...]
    cells: dict[Key, int | None]
    margins: dict[MarginKey, int | None]


@dataclass(frozen=True)
class Suppression:
    """One suppressed cell or margin, and the rule that suppressed it."""

    table: str
    key: MarginKey
    reason: Reason


@dataclass(frozen=True)
class Publication:
    """The tables as published, and what was suppressed in them.

    A count shared by two tables (a cell of one that is a margin of the
    other) is suppressed in both, and listed once for each.
    """

    threshold: int
    tables: tuple[PublishedTable, ...]
    suppressed: tuple[Suppression, ...]

    @property
    def account(self) -> str:
        """What was suppressed, table by table, counted by rule."""
        lines = [
            f"Threshold {self.threshold}: counts from 1 to {self.threshold - 1} "
            "are suppressed (primary), and further values so that none of them "
            f"can be bounded within less than {self.threshold} (secondary)."
        ]
        for table in self.tables:
            lines.append(self._line(table))
        return "\n".join(lines)

    def _line(self, table: PublishedTable) -> str:
        mine = [s for s in self.suppressed if s.table == table.name]
        cells = _tally([s.reason for s in mine if None not in s.key])
        margins = _tally([s.reason for s in mine if None in s.key])
        return (
            f"{table.name}: {_counted(len(table.cells), 'cell')} ({cells}); "
            f"{_counted(len(table.margins), 'margin')} ({margins})."
        )


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _tally(reasons: list[Reason]) -> str:
    if not reasons:
        return "none suppressed"
    return (
        f"{reasons.count('primary')} suppressed as primary, "
        f"{reasons.count('secondary')} as secondary"
    )


@dataclass(frozen=True)
class RoundedTable:
    """A table whose every cell and margin is a multiple of ``base``."""

    name: str
    dimensions: tuple[str, ...]
    base: int
    cells: dict[Key, int]
    margins: dict[MarginKey, int]


def protect(
    tables: Table | Sequence[Table],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    suppress_small_margins: bool = False,
    hypercubes_from: int = HYPERCUBES_FROM,
) -> Publication:
    """Suppress cells of tables published together, and protect what was.

    Args:
        tables: One table, or several that count the same population.
        threshold: The smallest count that may be published, and the width
            of the interval every suppressed small count must keep.
        suppress_small_margins: Treat margins counting from 1 to
            threshold - 1 like small cells.
        hypercubes_from: A table published alone with at least this many
            cells hides its small cells in hypercubes first
            (``stats.hypercubes``); only the cells no cube can hide go to the
            linear programs, whose cost grows with the table's size.

    Returns:
        The published tables, with every suppression and its rule.

    Raises:
        ValueError: The threshold is below 2, two tables share a name, or
            two tables disagree on a margin they share.

    Examples:
        >>> table = Table(("sex",), {("f",): 3, ("m",): 40})
        >>> protect(table).tables[0].cells
        {('f',): None, ('m',): None}
    """
    tables = (tables,) if isinstance(tables, Table) else tuple(tables)
    _check_level("threshold", threshold)
    _check_names(tables)
    system = _system(tables)

    reasons: dict[int, Reason] = dict.fromkeys(
        _small(system, threshold, suppress_small_margins), "primary"
    )
    small = list(reasons)
    hidden = set()
    if len(tables) == 1 and len(tables[0].cells) >= hypercubes_from:
        hidden = _hide_in_hypercubes(system, reasons, threshold)
    for quantity in [q for q in small if q not in hidden]:
        if not _protected(system, reasons, quantity, threshold):
            for other in _complements(system, reasons, quantity, threshold):
                reasons[other] = "secondary"

    log.info(
        "Protected %d tables at threshold %d: %d values suppressed",
        len(tables),
        threshold,
        len(reasons),
    )
    return _publication(system, reasons, threshold)


def controlled_rounding(table: Table, base: int = DEFAULT_BASE) -> RoundedTable:
    """Round every cell and margin to a multiple of ``base``, keeping sums.

    Each count moves to one of the two multiples of the base around it (a
    multiple stays as it is), and so does each margin, which remains the sum
    of its rounded cells. Such a rounding always exists for a table of one or
    two dimensions; for three or more it need not, so they are refused.

    Args:
        table: A table of one or two dimensions.
        base: The base to round to.

    Returns:
        The rounded table, with its rounded margins.

    Raises:
        ValueError: The base is below 2, or the table has more than two
            dimensions.

    Examples:
        >>> rounded = controlled_rounding(Table(("sex",), {("f",): 3, ("m",): 8}))
        >>> rounded.cells, rounded.margins
        ({('f',): 5, ('m',): 10}, {(None,): 15})
    """
    _check_level("base", base)
    if len(table.dimensions) > 2:
        raise ValueError(
            f"Table {table.name!r} has {len(table.dimensions)} dimensions; "
            "controlled rounding keeps margins additive only for one or two "
            "(for more, a rounding need not exist): use protect() instead."
        )

    keys = sorted(table.cells)
    counts = np.array([table.cells[key] for key in keys])
    rounded = counts - counts % base + base * _rounded_up(table, keys, counts, base)
    cells = dict(zip(keys, rounded.tolist(), strict=True))
    margins = {
        margin: sum(cells[key] for key in members)
        for positions in _subsets(len(table.dimensions))[1:]
        for margin, members in _groups(keys, positions).items()
    }
    return RoundedTable(table.name, table.dimensions, base, cells, margins)


# Checking input


def _check_dimensions(table: Table) -> None:
    if not table.dimensions:
        raise ValueError(f"Table {table.name!r} has no dimensions; name one at least.")
    for dimension in table.dimensions:
        if not isinstance(dimension, str) or not dimension:
            raise ValueError(
                f"Table {table.name!r}: the dimension name {dimension!r} is not "
                "a non-empty string."
            )
        if table.dimensions.count(dimension) > 1:
            raise ValueError(
                f"Table {table.name!r} names the dimension {dimension!r} twice."
            )


def _checked_key(table: Table, key: object) -> Key:
    names = ", ".join(table.dimensions)
    if not isinstance(key, tuple):
        raise ValueError(
            f"Table {table.name!r}: the key {key!r} is not a tuple; give one "
            f"code per dimension ({names})."
        )
    if len(key) != len(table.dimensions):
        raise ValueError(
            f"Table {table.name!r}: the key {key!r} has {len(key)} codes, but "
            f"the table has {len(table.dimensions)} dimensions ({names})."
        )
    for code in key:
        if not isinstance(code, str):
            raise ValueError(
                f"Table {table.name!r}: the code {code!r} in the key {key!r} is "
                "not a string; codes are strings."
            )
    return key


def _checked_count(table: Table, key: Key, count: object) -> int:
    # numpy and polars give integers that are not ints; True is not a count.
    if not isinstance(count, Integral) or isinstance(count, bool) or count < 0:
        raise ValueError(
            f"Table {table.name!r}: the count of {key!r} is {count!r}; counts "
            "are whole numbers from 0 up."
        )
    return int(count)


def _check_level(what: str, value: object) -> None:
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 2:
        raise ValueError(f"The {what} is {value!r}; give a whole number from 2 up.")


def _check_names(tables: Sequence[Table]) -> None:
    if not tables:
        raise ValueError("No table was given; give one table at least.")
    names = [table.name for table in tables]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(
                f"Two tables are named {name!r}; tables published together "
                "need names of their own."
            )


# Tables as one linear system


def _subsets(size: int) -> list[tuple[int, ...]]:
    """Every set of dimension positions: all of them (the cells) first."""
    return [
        positions
        for length in range(size, -1, -1)
        for positions in combinations(range(size), length)
    ]


def _groups(
    keys: Iterable[Key], positions: tuple[int, ...]
) -> dict[MarginKey, list[Key]]:
    """The cells summed into each margin over the dimensions at ``positions``."""
    groups: dict[MarginKey, list[Key]] = {}
    for key in keys:
        margin = tuple(code if i in positions else None for i, code in enumerate(key))
        groups.setdefault(margin, []).append(key)
    return groups


@dataclass
class _Quantity:
    """A value that is published once, however many tables show it."""

    members: list[int]
    value: int
    is_cell: bool


@dataclass(frozen=True)
class _System:
    """Every table's cells as unknowns, and every published value as a sum.

    Attributes:
        tables: The tables, in the caller's order.
        counts: The true count of each unknown (a cell of some table).
        quantities: Each distinct cell or margin; a margin over the same
            dimensions and codes in two tables is one quantity.
        values: Each quantity's true value.
        sums: One row per quantity: which unknowns it adds up.
        links: One row per value two tables share: the two ways of adding it
            up give the same total.
        cell_of: Each unknown's own quantity.
        shown: For each table, the quantity of each of its cell and margin
            keys.
    """

    tables: tuple[Table, ...]
    counts: np.ndarray
    quantities: list[_Quantity]
    values: np.ndarray
    sums: sparse.csr_array
    links: sparse.csr_array
    cell_of: np.ndarray
    shown: list[dict[MarginKey, int]]


def _system(tables: tuple[Table, ...]) -> _System:
    unknowns = [
        (t, key) for t, table in enumerate(tables) for key in sorted(table.cells)
    ]
    index = {unknown: j for j, unknown in enumerate(unknowns)}
    quantities, shown = _quantities(tables, index)
    return _System(
        tables,
        counts=np.array([tables[t].cells[key] for t, key in unknowns], dtype=float),
        quantities=quantities,
        values=np.array([q.value for q in quantities], dtype=float),
        sums=_matrix([dict.fromkeys(q.members, 1.0) for q in quantities], len(index)),
        links=_matrix(_links(tables, index), len(index)),
        cell_of=np.array([shown[t][key] for t, key in unknowns]),
        shown=shown,
    )


def _quantities(
    tables: tuple[Table, ...], index: dict[tuple[int, Key], int]
) -> tuple[list[_Quantity], list[dict[MarginKey, int]]]:
    """Each distinct value, summed in the first table that shows it."""
    quantities: list[_Quantity] = []
    seen: dict[frozenset[tuple[str, str]], int] = {}
    shown: list[dict[MarginKey, int]] = [{} for _ in tables]
    for t, table in enumerate(tables):
        for positions in _subsets(len(table.dimensions)):
            is_cell = len(positions) == len(table.dimensions)
            for margin, keys in _groups(sorted(table.cells), positions).items():
                label = frozenset(
                    (dimension, code)
                    for dimension, code in zip(table.dimensions, margin, strict=True)
                    if code is not None
                )
                if label not in seen:
                    seen[label] = len(quantities)
                    value = sum(table.cells[key] for key in keys)
                    members = [index[t, key] for key in keys]
                    quantities.append(_Quantity(members, value, is_cell))
                quantities[seen[label]].is_cell |= is_cell
                shown[t][margin] = seen[label]
    return quantities, shown


def _links(
    tables: Sequence[Table], index: dict[tuple[int, Key], int]
) -> list[dict[int, float]]:
    """Rows that tie each value two tables share; disagreement is refused."""
    rows = []
    for (s, first), (t, second) in combinations(enumerate(tables), 2):
        shared = [d for d in first.dimensions if d in second.dimensions]
        mine = _by_codes(first, shared)
        theirs = _by_codes(second, shared)
        for codes in sorted(mine.keys() | theirs.keys()):
            ours, others = mine.get(codes, []), theirs.get(codes, [])
            _check_agreement(first, second, shared, codes, ours, others)
            row = {index[s, key]: 1.0 for key in ours}
            row.update({index[t, key]: -1.0 for key in others})
            rows.append(row)
    return rows


def _by_codes(table: Table, dimensions: list[str]) -> dict[Key, list[Key]]:
    positions = [table.dimensions.index(d) for d in dimensions]
    groups: dict[Key, list[Key]] = {}
    for key in sorted(table.cells):
        groups.setdefault(tuple(key[i] for i in positions), []).append(key)
    return groups


def _check_agreement(
    first: Table,
    second: Table,
    dimensions: list[str],
    codes: Key,
    ours: list[Key],
    others: list[Key],
) -> None:
    mine = sum(first.cells[key] for key in ours)
    theirs = sum(second.cells[key] for key in others)
    if mine != theirs:
        where = ", ".join(f"{d}={c}" for d, c in zip(dimensions, codes, strict=True))
        raise ValueError(
            f"Tables {first.name!r} and {second.name!r} disagree on the margin "
            f"{where or 'grand total'}: {mine} in {first.name!r}, {theirs} in "
            f"{second.name!r}; tables published together must count the same "
            "population."
        )


def _matrix(rows: list[dict[int, float]], width: int) -> sparse.csr_array:
    entries = [(i, j, v) for i, row in enumerate(rows) for j, v in row.items()]
    i, j, v = zip(*entries, strict=True) if entries else ((), (), ())
    return sparse.csr_array((v, (i, j)), shape=(len(rows), width))


# Suppression


def _small(system: _System, threshold: int, margins_too: bool) -> list[int]:
    """The quantities the primary rule suppresses."""
    return [
        q
        for q, quantity in enumerate(system.quantities)
        if 1 <= quantity.value < threshold and (quantity.is_cell or margins_too)
    ]


def _published(system: _System, reasons: Mapping[int, Reason]) -> np.ndarray:
    shown = np.ones(len(system.quantities), dtype=bool)
    shown[list(reasons)] = False
    return shown


def _protected(
    system: _System, reasons: Mapping[int, Reason], quantity: int, threshold: int
) -> bool:
    """Whether the attacker's interval for ``quantity`` is wide enough."""
    value = system.quantities[quantity].value
    highest = _attack(system, reasons, quantity, maximise=True)
    # The true value lies in the interval, so reaching far enough above it
    # settles the question without the second program.
    if highest - value >= threshold - _TOLERANCE:
        return True
    lowest = _attack(system, reasons, quantity, maximise=False)
    return highest - lowest >= threshold - _TOLERANCE


def _attack(
    system: _System, reasons: Mapping[int, Reason], quantity: int, maximise: bool
) -> float:
    """The most (or least) ``quantity`` can be, given all that is published."""
    published = _published(system, reasons)
    known = published[system.cell_of] | (system.counts == 0)
    bounds = np.column_stack(
        (np.where(known, system.counts, 0.0), np.where(known, system.counts, np.inf))
    )
    equations = sparse.vstack((system.sums[published], system.links))
    totals = np.concatenate((system.values[published], np.zeros(system.links.shape[0])))
    objective = system.sums[[quantity]].toarray().ravel()

    result = linprog(
        -objective if maximise else objective,
        A_eq=equations,
        b_eq=totals,
        bounds=bounds,
        method="highs",
    )
    if result.status == 3:
        return np.inf if maximise else -np.inf
    _check_solved(result, "bound a suppressed value")
    return float(-result.fun if maximise else result.fun)


def _hide_in_hypercubes(
    system: _System, reasons: dict[int, Reason], threshold: int
) -> set[int]:
    """Hide the small cells of a lone table in hypercubes; those hidden.

    A cell no cube can hide is tried in a small box around it
    (``_nearby``). Every cell chosen is suppressed (``secondary`` unless it
    is small itself), which only widens what the attacker cannot see, so
    cubes chosen later, and the linear programs after them, stay sound.
    """
    table = system.tables[0]
    codes = [
        sorted({key[d] for key in table.cells}) for d, _ in enumerate(table.dimensions)
    ]
    position = [{code: i for i, code in enumerate(axis)} for axis in codes]
    counts = np.full([len(axis) for axis in codes], -1, dtype=np.int64)
    quantity_at = {}
    for key, count in table.cells.items():
        at = tuple(position[d][code] for d, code in enumerate(key))
        counts[at] = count
        quantity_at[at] = system.shown[0][key]
    suppressed = np.zeros(counts.shape, dtype=bool)
    for at, quantity in quantity_at.items():
        suppressed[at] = quantity in reasons

    hidden = set()
    for at, quantity in quantity_at.items():
        if reasons.get(quantity) != "primary":
            continue
        cube = hypercubes.corners(counts, suppressed, at, threshold)
        if cube is None:
            cube = _nearby(table, codes, counts, suppressed, at, threshold)
        if cube is None:
            continue
        for corner in cube:
            suppressed[corner] = True
            reasons.setdefault(quantity_at[corner], "secondary")
        hidden.add(quantity)
    log.debug("Hypercubes hid %d small cells of %r", len(hidden), table.name)
    return hidden


def _nearby(
    table: Table,
    codes: list[list[str]],
    counts: np.ndarray,
    suppressed: np.ndarray,
    at: tuple[int, ...],
    threshold: int,
) -> list[tuple[int, ...]] | None:
    """Cells near ``at`` whose suppression lets it rise unseen, or None.

    The box is ``at``'s codes and a few of the most populous others in each
    dimension. A change confined to the box that keeps every margin of the
    box keeps every margin of the table, since no cell outside it moves; so
    ``_rise`` may be solved on the box alone, its margins held, at the cost
    of a small program instead of one over the whole table.
    """
    lines = hypercubes.partners(counts, at, NEARBY)
    if lines is None:
        return None
    axes = [sorted({home, *others}) for home, others in zip(at, lines, strict=True)]
    box = [index for index in product(*axes) if counts[index] >= 0]
    key_of = {index: tuple(codes[d][i] for d, i in enumerate(index)) for index in box}
    local = _system(
        (Table(table.dimensions, {key_of[i]: int(counts[i]) for i in box}, table.name),)
    )
    index_of = {local.shown[0][key]: index for index, key in key_of.items()}
    hidden: dict[int, Reason] = {
        q: "secondary" for q, index in index_of.items() if suppressed[index]
    }
    quantity = local.shown[0][key_of[at]]

    published = np.flatnonzero(_published(local, hidden))
    cell_costs, margin_costs = _costs(local, published)
    result = _rise(local, published, quantity, threshold, cell_costs, (margin_costs, 0))
    if result.status != 0:
        return None
    moved = np.abs(local.sums[published] @ result.x[: local.counts.size]) > _TOLERANCE
    changed = published[moved].tolist()
    # Held margins cannot move; one that does is solver noise, and unsafe.
    if any(q not in index_of for q in changed):
        return None
    return [at, *(index_of[q] for q in changed)]


def _complements(
    system: _System, reasons: Mapping[int, Reason], quantity: int, threshold: int
) -> list[int]:
    """The cheapest published values to suppress so ``quantity`` can rise unseen.

    Looks for a change to the cells that raises ``quantity`` by the threshold
    (see ``_rise``); every published value it changes is then suppressed.
    Cells are tried first with every margin kept. Only when no set of cells
    will do are margins given up: the fewest and smallest that suffice, then
    the cheapest cells that go with them.
    """
    published = np.flatnonzero(_published(system, reasons))
    cell_costs, margin_costs = _costs(system, published)

    result = _rise(
        system, published, quantity, threshold, cell_costs, (margin_costs, 0)
    )
    if result.status == 2:
        needed = _rise(system, published, quantity, threshold, margin_costs)
        _check_solved(needed, "choose the margins to suppress")
        # A little room above the optimum, which the solver reaches only
        # within its tolerance.
        budget = needed.fun * (1 + _TOLERANCE) + _TOLERANCE
        result = _rise(
            system, published, quantity, threshold, cell_costs, (margin_costs, budget)
        )
    _check_solved(result, "choose complementary suppressions")

    cells = system.counts.size
    moved = np.abs(system.sums[published] @ result.x[:cells]) > _TOLERANCE
    return published[moved].tolist()


def _rise(
    system: _System,
    published: np.ndarray,
    quantity: int,
    threshold: int,
    costs: np.ndarray,
    limit: tuple[np.ndarray, float] | None = None,
) -> OptimizeResult:
    """The cheapest change ``d`` to the cells that raises ``quantity``.

    ``d`` raises ``quantity`` by the threshold, keeps every cell at 0 or more
    and every zero at zero, and keeps the links between tables. Each
    published value ``q`` gets a slack ``s_q >= |change of q|``; the program
    minimises ``costs . s``, and keeps ``weights . s <= bound`` when a limit
    ``(weights, bound)`` is given. Once every published value that ``d``
    changes is suppressed, the true table plus ``d`` fits all that is still
    published, so the attacker's interval for ``quantity`` is at least the
    threshold wide.
    """
    cells, opened = system.counts.size, published.size
    changes = system.sums[published]
    slack = sparse.identity(opened, format="csr")
    bounded = [sparse.hstack((changes, -slack)), sparse.hstack((-changes, -slack))]
    bounds = np.zeros(2 * opened)
    if limit is not None:
        weights = sparse.csr_array(limit[0][np.newaxis, :])
        bounded.append(sparse.hstack((sparse.csr_array((1, cells)), weights)))
        bounds = np.append(bounds, limit[1])
    kept = sparse.vstack((system.links, system.sums[[quantity]]))
    return linprog(
        np.concatenate((np.zeros(cells), costs)),
        A_ub=sparse.vstack(bounded),
        b_ub=bounds,
        A_eq=sparse.hstack((kept, sparse.csr_array((kept.shape[0], opened)))),
        b_eq=np.append(np.zeros(system.links.shape[0]), float(threshold)),
        bounds=np.vstack((_change_bounds(system.counts), _slack_bounds(opened))),
        method="highs",
    )


def _costs(system: _System, published: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """What a unit of change costs, for published cells and for margins.

    A value's count plus one, so that few and small values are chosen, plus
    less than a half by position so that ties go to the earlier key.
    """
    order = np.arange(system.values.size) / (2.0 * system.values.size)
    costs = (system.values + 1.0 + order)[published]
    cells = np.array([system.quantities[q].is_cell for q in published], dtype=bool)
    return np.where(cells, costs, 0.0), np.where(cells, 0.0, costs)


def _change_bounds(counts: np.ndarray) -> np.ndarray:
    # A count may fall to zero and rise without limit; a zero stays a zero.
    return np.column_stack((-counts, np.where(counts == 0, 0.0, np.inf)))


def _slack_bounds(size: int) -> np.ndarray:
    return np.column_stack((np.zeros(size), np.full(size, np.inf)))


def _check_solved(result: OptimizeResult, purpose: str) -> None:
    # Every program here has a solution by construction: failing is a bug.
    if not result.success:
        raise RuntimeError(f"The solver could not {purpose}: {result.message}")


def _publication(
    system: _System, reasons: Mapping[int, Reason], threshold: int
) -> Publication:
    tables, suppressed = [], []
    for table, shown in zip(system.tables, system.shown, strict=True):
        values = {
            key: None if q in reasons else system.quantities[q].value
            for key, q in shown.items()
        }
        cells = {key: values[key] for key in sorted(table.cells)}
        margins = {key: value for key, value in values.items() if None in key}
        tables.append(PublishedTable(table.name, table.dimensions, cells, margins))
        suppressed += [
            Suppression(table.name, key, reasons[q])
            for key, q in shown.items()
            if q in reasons
        ]
    return Publication(threshold, tuple(tables), tuple(suppressed))


# Controlled rounding


def _rounded_up(
    table: Table, keys: list[Key], counts: np.ndarray, base: int
) -> np.ndarray:
    """Which cells round up, so that every margin stays within one base.

    Each cell that is not a multiple of the base rounds up (1) or down (0).
    A margin whose cells leave remainders adding up to r must round up
    between floor(r / base) and ceil(r / base) of them. For one or two
    dimensions these bounds make a network-flow problem: its constraint
    matrix is totally unimodular and the fractional choice r / base per cell
    is feasible, so a whole-number choice exists (Cox's controlled rounding);
    the solver finds the one nearest to the true counts.
    """
    remainders = counts % base
    free = np.flatnonzero(remainders)
    up = np.zeros(counts.size, dtype=int)
    if not free.size:
        return up

    column = {keys[j]: c for c, j in enumerate(free)}
    rows, lowest, highest = [], [], []
    for positions in _subsets(len(table.dimensions))[1:]:
        for members in _groups(keys, positions).values():
            row = {column[key]: 1.0 for key in members if key in column}
            left = int(sum(remainders[free[c]] for c in row))
            rows.append(row)
            lowest.append(left // base)
            highest.append(-(-left // base))

    result = milp(
        base - 2.0 * remainders[free],
        integrality=np.ones(free.size),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(_matrix(rows, free.size), lowest, highest),
    )
    _check_solved(result, "round the table")
    up[free] = np.rint(result.x).astype(int)
    return up
