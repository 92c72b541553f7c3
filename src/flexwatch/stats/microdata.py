"""k-anonymous, l-diverse case microdata. Pure: no Django, no I/O.

A release holds one row per person with the columns that ``microdata.yaml``
declares (``stats.ladders``): quasi-identifiers, sensitive attributes and
safe columns. Records whose quasi-identifiers agree form an equivalence
class; a release leaves only when every class has at least k records
(Sweeney 2002) and at least l distinct values of each sensitive attribute
(distinct l-diversity, Machanavajjhala et al. 2007)::

    from flexwatch.stats.microdata import anonymise

    release = anonymise(frame, country="FI", first_year=2024, last_year=2025)
    release.frame      # the released rows, sorted, no identifier among them
    release.levels     # {"age": "age_group", "region": "nuts_2", ...}
    print(release.account)

Three steps, as the ESSnet handbook on disclosure control describes them:

1. Global generalisation: every quasi-identifier starts as recorded. While
   more than the suppression budget's share of records sits in a class that
   is too small or not diverse, one quasi-identifier goes one step up its
   ladder: the step that leads to the least loss of information.
2. Local suppression: in the classes still at risk, one quasi-identifier at
   a time is set to the suppressed category in their records, the one that
   leaves fewest records at risk. Records are never dropped.
3. If the records whose every quasi-identifier is suppressed are themselves
   too few or not diverse, records are moved into their class from classes
   that can spare them. If the budget is exceeded at any point, step 1 goes
   on: in the end every quasi-identifier is suppressed and the release is
   one class, which passes whenever the input can pass at all.

Loss of information is non-uniform entropy (Gionis and Tassa 2009): a value
``v`` released as ``g`` loses ``log2(n_g / n_v)`` bits, where ``n_v`` counts
the records recorded as ``v`` and ``n_g`` the records released as ``g`` at
that level (all of them, for suppressed). Merging rare values costs little,
merging common ones much.
"""

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from flexwatch import vocab
from flexwatch.stats.ladders import RULES, Context, Declaration, accepts, declaration
from flexwatch.stats.tables import UNKNOWN

log = logging.getLogger(__name__)

# The code of a suppressed value in the class keys; real values count from 0.
_SUPPRESSED = -1
# Why a value was suppressed locally; 0 is "not suppressed".
REASONS: Mapping[str, str] = {
    "small_class": "its class had fewer than k records",
    "not_diverse": "its class had fewer than l distinct values of a sensitive "
    "attribute",
    "filling": "the class of wholly suppressed records needed more records",
}
_REASON_CODES = {name: code for code, name in enumerate(REASONS, start=1)}


class MicrodataError(ValueError):
    """Microdata cannot be released as given; the message says why and where."""


@dataclass(frozen=True)
class Release:
    """Microdata that passed the check, and the account of what it cost.

    Attributes:
        frame: the released rows, sorted so their order tells nothing.
        k: the smallest class size asked for.
        l: the number of distinct sensitive values asked for in each class.
        budget: the share of records local suppression could touch.
        smallest_class: the size of the smallest class released (>= k).
        least_diversity: the fewest distinct values of a sensitive attribute
            in any class (>= l).
        classes: how many equivalence classes the release has.
        levels: each quasi-identifier and the level of its ladder it is
            released at.
        sensitive: the sensitive attributes checked.
        suppressed_values: per quasi-identifier, the values suppressed
            locally, by reason (``REASONS``).
        suppressed_records: per reason, the records with a value suppressed
            for it.
        information_loss: the share of the quasi-identifiers' information
            (in bits) that generalisation and suppression took away.
    """

    frame: pl.DataFrame
    k: int
    l: int
    budget: float
    smallest_class: int
    least_diversity: int
    classes: int
    levels: Mapping[str, str]
    sensitive: tuple[str, ...]
    suppressed_values: Mapping[str, Mapping[str, int]]
    suppressed_records: Mapping[str, int]
    information_loss: float

    @property
    def records(self) -> int:
        return self.frame.height

    @property
    def account(self) -> str:
        """What the release is, and what was generalised and suppressed."""
        levels = ", ".join(f"{name} as {level}" for name, level in self.levels.items())
        return "\n".join(
            [
                f"k-anonymity with k = {self.k} on the quasi-identifiers, and "
                f"distinct l-diversity with l = {self.l} on "
                f"{', '.join(self.sensitive)}.",
                f"{self.records} records in {self.classes} classes; the smallest "
                f"class has {self.smallest_class} records, the least diverse "
                f"{self.least_diversity} distinct values.",
                f"Released at: {levels}.",
                self._suppression_line(),
                f"Information lost: {self.information_loss:.1%} of what the "
                "quasi-identifiers carry (non-uniform entropy).",
            ]
        )

    def _suppression_line(self) -> str:
        limit = math.floor(self.budget * self.records)
        values = [
            f"{name} {count} ({REASONS[reason]})"
            for name, reasons in self.suppressed_values.items()
            for reason, count in reasons.items()
        ]
        if not values:
            return f"Local suppression: none (the budget allowed {limit} records)."
        records = sum(self.suppressed_records.values())
        return (
            f"Local suppression, {records} records (the budget allowed {limit}): "
            f"{'; '.join(values)}."
        )


def anonymise(
    frame: pl.DataFrame,
    *,
    country: str,
    first_year: int,
    last_year: int,
    k: int | None = None,
    l: int | None = None,
    budget: float | None = None,
    rules: Declaration | None = None,
) -> Release:
    """Generalise and suppress ``frame`` until it is k-anonymous and l-diverse.

    Args:
        frame: one row per person with exactly the declared columns; a null
            or blank value is ``unknown``; ages and years may be numbers.
        country: the reporting country of the release.
        first_year: the first year the release covers.
        last_year: the last year the release covers.
        k: the smallest class size (default from the declaration).
        l: the distinct sensitive values each class needs (default likewise).
        budget: the share of records local suppression may touch.
        rules: the declaration; the package's ``microdata.yaml`` by default.

    Returns:
        The release and its account.

    Raises:
        MicrodataError: a column may never leave, is missing or undeclared,
            holds data of the wrong kind, a value is not of its codes, a
            parameter is out of range, or no release can meet k and l (fewer
            than k records, fewer than l distinct values of a sensitive
            attribute in all).
    """
    rules = rules or declaration()
    k, l, budget = _parameters(rules, k, l, budget)
    context = _context(country, first_year, last_year)
    frame = _checked(frame, rules)
    _check_releasable(frame, rules, k, l)

    ladders = _Ladders.build(frame, rules, context)
    levels = [0] * len(rules.quasi_identifiers)
    limit = math.floor(budget * frame.height)
    while (outcome := _suppress_locally(ladders, levels, k, l, limit)) is None:
        levels = _raised(ladders, levels, k, l)
        log.debug("Generalised to %s", levels)
    levels, outcome = _lowered(ladders, levels, outcome, (k, l, limit))

    release = _release(frame, rules, ladders, levels, outcome, (k, l, budget))
    log.info(
        "Released %d records in %d classes (k=%d, l=%d), %.1f%% information lost",
        release.records,
        release.classes,
        k,
        l,
        100 * release.information_loss,
    )
    return release


# Checking input


def _parameters(
    rules: Declaration, k: int | None, l: int | None, budget: float | None
) -> tuple[int, int, float]:
    k = rules.k if k is None else k
    l = rules.l if l is None else l
    budget = rules.budget if budget is None else budget
    for name, value, low in (("k", k, 2), ("l", l, 1)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise MicrodataError(
                f"{name} is {value!r}; give a whole number from {low}."
            )
    if isinstance(budget, bool) or not isinstance(budget, int | float):
        raise MicrodataError(f"The suppression budget is {budget!r}; give a share.")
    if not 0 <= budget < 1:
        raise MicrodataError(
            f"The suppression budget is {budget!r}; give a share from 0 up to "
            "(not including) 1."
        )
    return k, l, float(budget)


def _context(country: str, first_year: int, last_year: int) -> Context:
    if country not in vocab.vocabulary("country"):
        raise MicrodataError(f"{country!r} is not a country code, such as FI.")
    if not isinstance(first_year, int) or not isinstance(last_year, int):
        raise MicrodataError("The first and last years must be whole numbers.")
    if first_year > last_year:
        raise MicrodataError(
            f"The period runs from {first_year} to {last_year}: the first year "
            "comes after the last."
        )
    return Context(country, first_year, last_year)


def _checked(frame: pl.DataFrame, rules: Declaration) -> pl.DataFrame:
    """``frame`` with its declared columns, codes checked, blanks ``unknown``."""
    if not isinstance(frame, pl.DataFrame):
        raise MicrodataError(f"Expected a polars DataFrame, not {type(frame)!r}.")
    _check_columns(frame.columns, rules)

    coded = [q.name for q in rules.quasi_identifiers] + [
        a.name for a in rules.sensitive
    ]
    frame = frame.with_columns(_as_code(frame, name) for name in coded).select(
        rules.columns
    )
    for quasi in rules.quasi_identifiers:
        _check_codes(frame[quasi.name], quasi.codes, None, rules.suppressed)
    for attribute in (*rules.sensitive, *rules.safe):
        _check_plain(frame[attribute.name])
        if frame[attribute.name].dtype == pl.String:
            _check_codes(
                frame[attribute.name], attribute.codes, attribute.separator, None
            )
    return frame


def _check_columns(columns: list[str], rules: Declaration) -> None:
    if leaving := sorted(set(columns) & rules.never_leave):
        raise MicrodataError(
            f"The column {', '.join(leaving)} may never leave the organisation "
            "(an identifier, pseudonym, linkage key, free text or reference); "
            "remove it before the release."
        )
    if missing := [name for name in rules.columns if name not in columns]:
        raise MicrodataError(
            f"The column {', '.join(missing)} is missing; a release carries "
            f"{', '.join(rules.columns)}."
        )
    if extra := [name for name in columns if name not in rules.columns]:
        raise MicrodataError(
            f"The column {', '.join(extra)} is not declared in the microdata "
            f"declaration; a release carries only {', '.join(rules.columns)}."
        )


def _as_code(frame: pl.DataFrame, name: str) -> pl.Expr:
    column = frame[name]
    if column.dtype != pl.String and not (
        column.dtype.is_integer() or column.dtype == pl.Null
    ):
        raise MicrodataError(
            f"The column {name} holds {column.dtype}; it takes codes (text) or "
            "whole numbers."
        )
    text = pl.col(name).cast(pl.String)
    blank = text.is_null() | (text.str.strip_chars() == "")
    return pl.when(blank).then(pl.lit(UNKNOWN)).otherwise(text).alias(name)


def _check_plain(column: pl.Series) -> None:
    # Only text is checked against codes; a list or a struct could carry
    # anything past that check.
    if column.dtype not in (pl.String, pl.Boolean, pl.Null):
        raise MicrodataError(
            f"The column {column.name} holds {column.dtype}; it takes codes "
            "(text) or true and false."
        )


def _check_codes(
    column: pl.Series, codes: str | None, separator: str | None, refused: str | None
) -> None:
    """Refuse the first value of ``column`` its codes do not accept, by row."""
    for value in column.drop_nulls().unique(maintain_order=True):
        parts = value.split(separator) if separator else [value]
        if value != refused and all(accepts(codes, part) for part in parts):
            continue
        row = int(column.eq(value).arg_true()[0]) + 1
        why = (
            f"the suppressed category {refused!r} cannot be given as recorded"
            if value == refused
            else f"it is not of {codes}"
        )
        raise MicrodataError(
            f"Row {row}, column {column.name}: {value[:60]!r} is refused: {why}."
        )


def _check_releasable(frame: pl.DataFrame, rules: Declaration, k: int, l: int) -> None:
    if frame.height < k:
        raise MicrodataError(
            f"{frame.height} records cannot be released with k = {k}: even one "
            f"class of them all would be smaller than {k}."
        )
    for attribute in rules.sensitive:
        distinct = frame[attribute.name].n_unique()
        if distinct < l:
            raise MicrodataError(
                f"The {frame.height} records have {distinct} distinct values of "
                f"{attribute.name}; l = {l} cannot be met even in one class."
            )


# The ladders, as codes and bits


@dataclass(frozen=True)
class _Ladders:
    """Every quasi-identifier at every level of its ladder, as arrays.

    Attributes:
        values: per quasi-identifier and level, the released values.
        codes: the same as integer codes; the suppressed level is all -1.
        bits: the information each record loses at that level.
        sensitive: each sensitive attribute as integer codes.
    """

    values: list[list[pl.Series]]
    codes: list[list[np.ndarray]]
    bits: list[list[np.ndarray]]
    sensitive: list[np.ndarray]

    @classmethod
    def build(
        cls, frame: pl.DataFrame, rules: Declaration, context: Context
    ) -> "_Ladders":
        values, codes, bits = [], [], []
        for quasi in rules.quasi_identifiers:
            levels = [
                RULES[step.rule](frame, quasi.name, context, rules.suppressed)
                for step in quasi.ladder
            ]
            values.append(levels)
            codes.append([_codes_of(level) for level in levels[:-1]])
            codes[-1].append(np.full(frame.height, _SUPPRESSED))
            bits.append(_bits(levels))
        sensitive = [_codes_of(frame[a.name]) for a in rules.sensitive]
        return cls(values, codes, bits, sensitive)

    def keys(self, levels: list[int]) -> np.ndarray:
        return np.column_stack([self.codes[q][level] for q, level in enumerate(levels)])

    def loss(self, levels: list[int], keys: np.ndarray) -> np.ndarray:
        """Each record's bits lost, with suppressed keys at the ladder's top."""
        lost = [
            np.where(keys[:, q] == _SUPPRESSED, self.bits[q][-1], self.bits[q][level])
            for q, level in enumerate(levels)
        ]
        return np.sum(lost, axis=0)

    def most(self) -> np.ndarray:
        return np.sum([bits[-1] for bits in self.bits], axis=0)


def _codes_of(values: pl.Series) -> np.ndarray:
    return values.rank("dense").to_numpy().astype(np.int64) - 1


def _bits(levels: list[pl.Series]) -> list[np.ndarray]:
    """Bits lost by each record at each level: log2(n released / n recorded)."""
    recorded = np.log2(_counts(levels[0]))
    # A rule that also reads another column (citizenship by year) may split
    # a recorded value; such a step loses nothing for that record.
    lost = [
        np.maximum(np.log2(_counts(level)) - recorded, 0.0) for level in levels[:-1]
    ]
    # A suppressed value is shared by every record.
    lost.append(np.log2(len(levels[0])) - recorded)
    return lost


def _counts(values: pl.Series) -> np.ndarray:
    frame = values.to_frame("v")
    counted = frame.select(pl.len().over("v").alias("n"))["n"]
    return counted.to_numpy().astype(float)


# Classes and risk


def _at_risk(
    keys: np.ndarray, sensitive: list[np.ndarray], k: int, l: int
) -> tuple[np.ndarray, np.ndarray]:
    """The records in classes smaller than k, and in classes less than l-diverse."""
    inverse, sizes = _classes(keys)
    small = sizes[inverse] < k
    undiverse = np.zeros(len(inverse), dtype=bool)
    for codes in sensitive:
        undiverse |= _diversity(inverse, codes, len(sizes))[inverse] < l
    return small, undiverse & ~small


def _classes(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each record's class number, and each class's size.

    Columns are folded in one at a time, renumbering after each, so that the
    combined key stays a small integer (sorting integers is much faster than
    sorting rows).
    """
    inverse = np.zeros(len(keys), dtype=np.int64)
    for column in keys.T:
        _, inverse = np.unique(_paired(inverse, column), return_inverse=True)
    return inverse.ravel(), np.bincount(inverse.ravel())


def _paired(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """One integer per pair; ``second`` may hold -1."""
    return first * (int(second.max(initial=0)) + 2) + (second + 1)


def _diversity(inverse: np.ndarray, codes: np.ndarray, classes: int) -> np.ndarray:
    pairs = np.unique(_paired(inverse, codes))
    return np.bincount(pairs // (int(codes.max(initial=0)) + 2), minlength=classes)


# Step 1: global generalisation


def _raised(ladders: _Ladders, levels: list[int], k: int, l: int) -> list[int]:
    """``levels`` with the one step up a ladder that loses least information.

    A step is weighed by the loss of the release it leads to if every record
    still at risk then had all its quasi-identifiers suppressed: a step that
    protects no one costs without gaining. Ties go to the quasi-identifier
    declared first.
    """
    candidates = []
    for q, level in enumerate(levels):
        if level < len(ladders.codes[q]) - 1:
            raised = [*levels[:q], level + 1, *levels[q + 1 :]]
            candidates.append((_score(ladders, raised, k, l), q, raised))
    if not candidates:
        raise RuntimeError("Every quasi-identifier is suppressed; records are at risk.")
    return min(candidates, key=lambda candidate: candidate[:2])[2]


def _score(ladders: _Ladders, levels: list[int], k: int, l: int) -> float:
    keys = ladders.keys(levels)
    small, undiverse = _at_risk(keys, ladders.sensitive, k, l)
    loss = ladders.loss(levels, keys)
    return float(loss.sum() + (ladders.most() - loss)[small | undiverse].sum())


def _lowered(
    ladders: _Ladders,
    levels: list[int],
    outcome: tuple[np.ndarray, np.ndarray],
    asked: tuple[int, int, int],
) -> tuple[list[int], tuple[np.ndarray, np.ndarray]]:
    """Undo steps that a later step made needless.

    A greedy climb can overshoot: a step taken early may no longer be needed
    once later steps merged the classes. Each quasi-identifier in turn goes
    one step back down while the release still passes within the budget and
    loses less; the result is minimal in the sense of Samarati (2001).
    """
    lost = ladders.loss(levels, outcome[0]).sum()
    improved = True
    while improved:
        improved = False
        for q in range(len(levels)):
            if levels[q] == 0:
                continue
            lower = [*levels[:q], levels[q] - 1, *levels[q + 1 :]]
            trial = _suppress_locally(ladders, lower, *asked)
            if trial is None or ladders.loss(lower, trial[0]).sum() >= lost:
                continue
            levels, outcome = lower, trial
            lost = ladders.loss(levels, outcome[0]).sum()
            improved = True
    return levels, outcome


# Steps 2 and 3: local suppression


def _suppress_locally(
    ladders: _Ladders, levels: list[int], k: int, l: int, limit: int
) -> tuple[np.ndarray, np.ndarray] | None:
    """The class keys and each value's reason once no class is at risk.

    None when the records at risk, or the records touched, exceed ``limit``:
    the caller generalises further.
    """
    keys = ladders.keys(levels)
    reasons = np.zeros(keys.shape, dtype=np.int8)
    small, undiverse = _at_risk(keys, ladders.sensitive, k, l)
    if np.count_nonzero(small | undiverse) > limit:
        return None

    while True:
        small, undiverse = _at_risk(keys, ladders.sensitive, k, l)
        risky = small | undiverse
        if not risky.any():
            return keys, reasons
        open_ = [q for q in range(keys.shape[1]) if (keys[risky, q] >= 0).any()]
        if open_:
            q = _cheapest(ladders, levels, keys, risky, open_, (k, l))
            marked = risky & (keys[:, q] >= 0)
            reasons[marked, q] = np.where(
                small[marked],
                _REASON_CODES["small_class"],
                _REASON_CODES["not_diverse"],
            )
            keys[marked, q] = _SUPPRESSED
        elif not _fill(keys, reasons, ladders.sensitive, k, l):
            return None
        if np.count_nonzero(reasons.any(axis=1)) > limit:
            return None


def _cheapest(
    ladders: _Ladders,
    levels: list[int],
    keys: np.ndarray,
    risky: np.ndarray,
    open_: list[int],
    k_and_l: tuple[int, int],
) -> int:
    """The quasi-identifier whose suppression in the risky records leaves
    fewest records at risk; then the fewest bits lost; then the first."""
    choices = []
    for q in open_:
        trial = keys.copy()
        marked = risky & (trial[:, q] >= 0)
        trial[marked, q] = _SUPPRESSED
        small, undiverse = _at_risk(trial, ladders.sensitive, *k_and_l)
        bits = (ladders.bits[q][-1] - ladders.bits[q][levels[q]])[marked].sum()
        choices.append((np.count_nonzero(small | undiverse), float(bits), q))
    return min(choices)[2]


def _fill(
    keys: np.ndarray,
    reasons: np.ndarray,
    sensitive: list[np.ndarray],
    k: int,
    l: int,
) -> bool:
    """Move records into the class of wholly suppressed records until it passes.

    A record may move only if its class keeps k records and l distinct
    values without it; it is taken from the largest class, and when the
    class lacks diversity, only a record that brings a new value moves.
    False when no record can move.
    """
    while True:
        whole = (keys == _SUPPRESSED).all(axis=1)
        lacking = [c for c in sensitive if np.unique(c[whole]).size < l]
        if np.count_nonzero(whole) >= k and not lacking:
            return True

        inverse, sizes = _classes(keys)
        movable = ~whole & (sizes[inverse] > k)
        for codes in sensitive:
            movable &= _stays_diverse(inverse, codes, len(sizes), l)
        if lacking:
            movable &= ~np.isin(lacking[0], lacking[0][whole])
        if not movable.any():
            return False

        record = int(np.argmax(np.where(movable, sizes[inverse], -1)))
        reasons[record, keys[record] >= 0] = _REASON_CODES["filling"]
        keys[record] = _SUPPRESSED


def _stays_diverse(
    inverse: np.ndarray, codes: np.ndarray, classes: int, l: int
) -> np.ndarray:
    """Whether each record's class keeps l distinct values without it."""
    _, which, counts = np.unique(
        _paired(inverse, codes), return_inverse=True, return_counts=True
    )
    diversity = _diversity(inverse, codes, classes)
    return (counts[which.ravel()] > 1) | (diversity[inverse] > l)


# The release


def _release(
    frame: pl.DataFrame,
    rules: Declaration,
    ladders: _Ladders,
    levels: list[int],
    outcome: tuple[np.ndarray, np.ndarray],
    asked: tuple[int, int, float],
) -> Release:
    keys, reasons = outcome
    k, l, budget = asked
    small, undiverse = _at_risk(keys, ladders.sensitive, k, l)
    # Every path above ends with no class at risk: anything else is a bug.
    if small.any() or undiverse.any():
        raise RuntimeError("A class at risk was about to be released.")

    released = _released_frame(frame, rules, ladders, levels, keys)
    inverse, sizes = _classes(keys)
    diversity = min(
        int(_diversity(inverse, codes, len(sizes)).min()) for codes in ladders.sensitive
    )
    most = float(ladders.most().sum())
    loss = float(ladders.loss(levels, keys).sum()) / most if most else 0.0
    return Release(
        frame=released,
        k=k,
        l=l,
        budget=budget,
        smallest_class=int(sizes.min()),
        least_diversity=diversity,
        classes=len(sizes),
        levels={
            q.name: q.ladder[level].level
            for q, level in zip(rules.quasi_identifiers, levels, strict=True)
        },
        sensitive=tuple(a.name for a in rules.sensitive),
        suppressed_values=_tally_values(rules, reasons),
        suppressed_records={
            reason: int(np.count_nonzero((reasons == code).any(axis=1)))
            for reason, code in _REASON_CODES.items()
            if (reasons == code).any()
        },
        information_loss=loss,
    )


def _released_frame(
    frame: pl.DataFrame,
    rules: Declaration,
    ladders: _Ladders,
    levels: list[int],
    keys: np.ndarray,
) -> pl.DataFrame:
    columns = []
    for q, quasi in enumerate(rules.quasi_identifiers):
        values = ladders.values[q][levels[q]]
        hidden = pl.Series(keys[:, q] == _SUPPRESSED)
        columns.append(
            pl.select(pl.when(hidden).then(pl.lit(rules.suppressed)).otherwise(values))
            .to_series()
            .alias(quasi.name)
        )
    kept = frame.select([a.name for a in (*rules.sensitive, *rules.safe)])
    released = pl.DataFrame(columns).hstack(kept)
    # Sorted, so that the order of rows says nothing of the order of records.
    return released.sort(released.columns, nulls_last=True)


def _tally_values(rules: Declaration, reasons: np.ndarray) -> dict[str, dict[str, int]]:
    tally: dict[str, dict[str, int]] = {}
    for q, quasi in enumerate(rules.quasi_identifiers):
        counts = {
            reason: int(np.count_nonzero(reasons[:, q] == code))
            for reason, code in _REASON_CODES.items()
        }
        if any(counts.values()):
            tally[quasi.name] = {r: c for r, c in counts.items() if c}
    return tally
