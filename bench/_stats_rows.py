"""Synthetic frames in the shapes of ``flexwatch.stats.frames``, for ``stats``.

Pure: no Django, no I/O beyond the package's vocabularies. ``synthetic()``
draws ``cases`` cases with a seeded numpy generator, column by column (a
million cases take seconds, where ``flexwatch.demo.cases`` would take an
hour), and returns the five frames the statistics read: victims,
proceedings, assistance, observations and cases. Every code is drawn from
the package's own vocabularies, frameworks and offences file, so the
tables meet nothing they would refuse.

The shares are chosen so that every rule of the tables has work to do:
unknowns in every dimension, synthetic records to leave out,
victims with no decision or not identified, cases with no form or two,
suspects at every stage, a few legal events of victims, cases with no
observation. Nothing here describes a real person.
"""

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.stats.definitions import offences

COUNTRIES = ("FI", "EE", "PL")
COUNTRY_SHARES = (0.3, 0.2, 0.5)
# Citizenships besides the case's own country: a few other EU countries,
# the countries the three countries' reports name most, and the two codes
# that are not countries.
OTHER_EU = ("LV", "LT", "RO", "BG", "SE", "DE")
NON_EU = ("UA", "BY", "VN", "IN", "NP", "PH", "TH", "UZ", "MD", "GE")
FIRST_DAY = datetime.date(2008, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days


@dataclass(frozen=True)
class Frames:
    """The five frames of the statistics, as ``stats.frames`` reads them."""

    victims: pl.DataFrame
    proceedings: pl.DataFrame
    assistance: pl.DataFrame
    observations: pl.DataFrame
    cases: pl.DataFrame

    def rows(self) -> int:
        """Rows in all five frames together."""
        return sum(frame.height for frame in vars(self).values())


def synthetic(
    cases: int, seed: int = 2026, owners: tuple[int, ...] = (1, 2, 3)
) -> Frames:
    """``cases`` synthetic cases as the five frames of the statistics.

    Args:
        cases: how many cases.
        seed: the same seed gives the same frames.
        owners: the organisation of each country, in ``COUNTRIES`` order.
    """
    rng = np.random.default_rng(seed)
    case_frame = _cases(rng, cases, owners)
    forms = _forms(rng, cases)
    victims = _victims(rng, case_frame, forms)
    proceedings = _proceedings(rng, case_frame, victims)
    return Frames(
        victims=victims,
        proceedings=proceedings,
        assistance=_assistance(rng, victims),
        observations=_observations(rng, case_frame),
        cases=case_frame.select(
            "case_id",
            "owner_id",
            "country",
            "sector",
            "source_kind",
            "year",
            "continuum",
            "is_synthetic",
            pl.lit(True).alias("observations_shared"),
        ),
    )


def _pick(
    rng: np.random.Generator, codes: tuple[str, ...], size: int, none: float = 0.0
) -> pl.Series:
    """``size`` codes drawn evenly, with a share ``none`` of nulls."""
    drawn = pl.Series(codes, dtype=pl.String).gather(rng.integers(0, len(codes), size))
    return _nulled(drawn, rng.random(size) < none)


def _dates(days: np.ndarray, none: float, rng: np.random.Generator) -> pl.Series:
    dates = pl.Series(days, dtype=pl.Int32).cast(pl.Date)
    return _nulled(dates, rng.random(len(days)) < none)


def _cases(
    rng: np.random.Generator, count: int, owners: tuple[int, ...]
) -> pl.DataFrame:
    place = rng.choice(len(COUNTRIES), count, p=COUNTRY_SHARES)
    offset = (FIRST_DAY - datetime.date(1970, 1, 1)).days
    registered = offset + rng.integers(0, DAYS, count)
    identified = registered - rng.integers(0, 60, count)
    began = identified - rng.integers(30, 900, count)
    levels = tuple(level.id for level in frameworks.continuum().levels)

    frame = pl.DataFrame(
        {
            "case_id": np.arange(1, count + 1),
            "owner_id": np.array(owners)[place],
            "country": np.array(COUNTRIES)[place],
            "source_kind": _pick(rng, vocab.vocabulary("source_kind").codes, count),
            "sector": _pick(rng, vocab.vocabulary("sector").codes[:30], count, 0.05),
            "continuum": _pick(rng, levels, count),
            "is_synthetic": rng.random(count) < 0.01,
        },
        schema={
            "case_id": pl.Int64,
            "owner_id": pl.Int64,
            "country": pl.String,
            "source_kind": pl.String,
            "sector": pl.String,
            "continuum": pl.String,
            "is_synthetic": pl.Boolean,
        },
    )
    frame = frame.with_columns(
        registered_on=_dates(registered, 0.02, rng),
        identified_on=_dates(identified, 0.1, rng),
        exploitation_began=_dates(began, 0.2, rng),
    )
    year = pl.coalesce("registered_on", "identified_on", "exploitation_began")
    return frame.with_columns(year.dt.year().cast(pl.Int32).alias("year"))


def _forms(rng: np.random.Generator, count: int) -> pl.Series:
    """Each case's forms: none for some, two for a few."""
    codes = vocab.vocabulary("exploitation_form").codes
    weights = np.array([4 if "labour" in c else 1 for c in codes], dtype=float)
    first = rng.choice(len(codes), count, p=weights / weights.sum())
    second = rng.choice(len(codes), count)
    many = rng.choice(3, count, p=(0.05, 0.8, 0.15))
    names = pl.Series(codes, dtype=pl.String)
    listed = pl.concat_list(names.gather(first), names.gather(second))
    kept = listed.list.head(pl.lit(pl.Series(many))).list.unique(maintain_order=True)
    return pl.select(kept.alias("forms")).to_series()


def _each(rng: np.random.Generator, count: int, sizes, shares) -> np.ndarray:
    """How many of something each of ``count`` rows has."""
    return rng.choice(np.array(sizes), count, p=shares)


def _repeated(frame: pl.DataFrame, times: np.ndarray) -> pl.DataFrame:
    """Each row of ``frame`` as many times as ``times`` says, in order."""
    return frame[np.repeat(np.arange(frame.height), times)]


def _victims(
    rng: np.random.Generator, cases: pl.DataFrame, forms: pl.Series
) -> pl.DataFrame:
    per_case = _each(rng, cases.height, (1, 2, 3, 5), (0.55, 0.25, 0.12, 0.08))
    rows = _repeated(cases.with_columns(forms), per_case)
    size = rows.height
    rows = rows.with_columns(
        person_id=pl.int_range(1, size + 1, dtype=pl.Int64),
        sex=pl.Series(
            rng.choice(
                ["female", "male", "other", "unknown"], size, p=(0.38, 0.57, 0.01, 0.04)
            )
        ),
    )
    return rows.with_columns(
        *_ages(rng, size),
        citizenship=_citizenships(rng, rows["country"]),
        identification=_pick(
            rng, vocab.vocabulary("identification_decision").codes, size, 0.15
        ),
    )


def _ages(rng: np.random.Generator, size: int) -> list[pl.Series]:
    """Exact ages, intervals (some across 18), and ages not known."""
    low = rng.integers(9, 64, size)
    high = low + np.where(rng.random(size) < 0.7, 0, rng.integers(1, 9, size))
    unknown = rng.random(size) < 0.12
    return [
        _nulled(pl.Series("age_min", low, dtype=pl.Int32), unknown),
        _nulled(pl.Series("age_max", high, dtype=pl.Int32), unknown),
    ]


def _nulled(values: pl.Series, unknown: np.ndarray) -> pl.Series:
    return pl.select(
        pl.when(pl.Series(unknown)).then(None).otherwise(values).alias(values.name)
    ).to_series()


def _citizenships(rng: np.random.Generator, countries: pl.Series) -> pl.Series:
    """The case's own country, another EU one, a non-EU one, or neither."""
    size = countries.len()
    kind = pl.Series(rng.choice(4, size, p=(0.25, 0.1, 0.61, 0.04)))
    chosen = (
        pl.when(kind == 0)
        .then(countries)
        .when(kind == 1)
        .then(_pick(rng, OTHER_EU, size))
        .when(kind == 2)
        .then(_pick(rng, NON_EU, size))
        .otherwise(_pick(rng, ("stateless", "unknown"), size))
    )
    return pl.select(chosen.alias("citizenship")).to_series()


def _proceedings(
    rng: np.random.Generator, cases: pl.DataFrame, victims: pl.DataFrame
) -> pl.DataFrame:
    """Suspects' legal events (none for half the cases), and a few of victims."""
    per_case = _each(rng, cases.height, (0, 1, 2), (0.5, 0.3, 0.2))
    suspects = _repeated(cases, per_case)
    first = victims["person_id"].max() or 0
    suspects = suspects.with_columns(
        person_id=pl.int_range(first + 1, first + 1 + suspects.height, dtype=pl.Int64),
        role=pl.lit("suspect"),
        sex=pl.Series(rng.choice(["male", "female"], suspects.height, p=(0.8, 0.2))),
    )
    accused = victims.filter(pl.Series(rng.random(victims.height) < 0.03))
    persons = pl.concat(
        [
            suspects.select(*EVENT_CASE, "person_id", "role", "sex"),
            accused.select(
                *EVENT_CASE, "person_id", pl.lit("victim").alias("role"), "sex"
            ),
        ]
    )

    events = _repeated(persons, _each(rng, persons.height, (1, 2), (0.7, 0.3)))
    return events.with_columns(*_events(rng, events))


# The case columns a legal event carries, in the order of the frame.
EVENT_CASE = (
    "case_id",
    "owner_id",
    "country",
    "source_kind",
    "sector",
    "continuum",
    "is_synthetic",
    "year",
)


def _events(rng: np.random.Generator, events: pl.DataFrame) -> list[pl.Series]:
    size = events.height
    listed = offences().categories
    provision = pl.lit(None, dtype=pl.String)
    for country in COUNTRIES:
        own = (*(p for p in listed if p.startswith(country)), f"{country} other")
        picked = _pick(rng, own, size)
        provision = (
            pl.when(events["country"] == country).then(picked).otherwise(provision)
        )
    stage = _pick(rng, vocab.vocabulary("legal_stage").codes, size)
    tried = stage.is_in(["tried", "appealed"]).to_numpy()
    outcome = np.where(
        tried,
        rng.choice(["convicted", "acquitted", "convicted_other_offence"], size),
        "pending",
    )
    began = events["year"].fill_null(2020).to_numpy() - 1970
    return [
        pl.select(provision.alias("provision")).to_series(),
        stage.alias("stage"),
        pl.Series("outcome", outcome, dtype=pl.String),
        _dates(began * 365 + rng.integers(0, 700, size), 0.05, rng).alias(
            "occurred_on"
        ),
    ]


def _assistance(rng: np.random.Generator, victims: pl.DataFrame) -> pl.DataFrame:
    return victims.select(
        "case_id",
        "owner_id",
        "person_id",
        pl.Series("assisted", rng.random(victims.height) < 0.6),
    )


def _observations(rng: np.random.Generator, cases: pl.DataFrame) -> pl.DataFrame:
    """Up to six indicators per case, a few cases with none."""
    indicators = tuple(
        (framework.id, indicator.id)
        for framework in frameworks.catalogue().frameworks
        for indicator in framework.indicators
    )
    per_case = _each(rng, cases.height, (0, 2, 4, 6), (0.1, 0.4, 0.3, 0.2))
    rows = _repeated(cases, per_case)
    size = rows.height
    chosen = rng.integers(0, len(indicators), size)
    observed = rows.select(
        "case_id",
        "owner_id",
        "country",
        "sector",
        "source_kind",
        "year",
        "continuum",
        "is_synthetic",
        pl.Series(
            "indicator", np.array([i for _, i in indicators])[chosen], dtype=pl.String
        ),
        pl.Series(
            "stage",
            _pick(rng, vocab.vocabulary("journey_stage").codes, size),
            dtype=pl.String,
        ),
        pl.Series(
            "status",
            rng.choice(
                ["observed", "not_observed", "unknown"], size, p=(0.6, 0.3, 0.1)
            ),
        ),
    )
    # The store keeps one observation of an indicator at a stage of a case.
    return observed.unique(["case_id", "indicator", "stage"], maintain_order=True)
