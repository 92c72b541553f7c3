"""Microdata releases: k-anonymous, l-diverse, along the ladders, nothing leaks."""

import dataclasses

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.stats.ladders import RULES, Attribute, Context, declaration
from flexwatch.stats.microdata import MicrodataError, anonymise

RULES_WITH_ROW = dataclasses.replace(
    declaration(), safe=(*declaration().safe, Attribute("row", None))
)
QUASI = [q.name for q in declaration().quasi_identifiers]
CONTEXT = Context("FI", 2024, 2025)
POOLS = {
    "age": ["unknown", "17", "25", "27", "34", "16-20", "70", "30-39", "18-"],
    "sex": ["female", "male", "unknown"],
    "citizenship": ["FI", "UA", "EE", "HR", "stateless", "unknown"],
    "region": ["FI1B1", "FI196", "FI1B", "FI1C1", "unknown"],
    "year": ["2024", "2025"],
    "sector": ["nace_01", "nace_a", "nace_f", "unknown"],
    "form": [
        "forced_labour",
        "begging",
        "labour_exploitation",
        "begging+forced_labour",
        "unknown",
    ],
    "identification": ["formally_identified", "presumed", None],
    "source_kind": ["labour_inspection", "prosecution"],
    "continuum": ["forced_labour", None],
    "assisted": [True, False, None],
}


def _frame(rows: list[dict]) -> pl.DataFrame:
    schema = {name: pl.String for name in POOLS} | {"assisted": pl.Boolean}
    return pl.DataFrame(rows, schema=schema)


@st.composite
def frames(draw) -> pl.DataFrame:
    """Frames from tiny to a few dozen rows, often with few distinct values."""
    size = draw(st.integers(0, 45))
    # Narrow pools make degenerate frames: one value, or one form for all.
    pools = {
        name: draw(st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool)))
        for name, pool in POOLS.items()
    }
    row = st.fixed_dictionaries({n: st.sampled_from(p) for n, p in pools.items()})
    return _frame(draw(st.lists(row, min_size=size, max_size=size)))


def _release(frame, **options):
    return anonymise(frame, country="FI", first_year=2024, last_year=2025, **options)


def _released_or_refused(frame, k, l, budget, rules=None):
    try:
        return _release(frame, k=k, l=l, budget=budget, rules=rules)
    except MicrodataError as refused:
        # Only input that no release could protect is refused.
        distinct = frame["form"].fill_null("unknown").n_unique() if frame.height else 0
        assert frame.height < k or distinct < l, str(refused)
        return None


# The guarantees, for any input


@given(
    frames(),
    st.integers(2, 6),
    st.integers(1, 3),
    st.sampled_from([0.0, 0.05, 0.3]),
)
def test_every_release_is_k_anonymous_and_l_diverse(frame, k, l, budget):
    release = _released_or_refused(frame, k, l, budget)
    if release is None:
        return

    classes = release.frame.group_by(QUASI).agg(
        pl.len().alias("size"), pl.col("form").n_unique().alias("forms")
    )
    assert classes["size"].min() >= k
    assert classes["forms"].min() >= l
    assert release.smallest_class == classes["size"].min()
    assert release.least_diversity == classes["forms"].min()
    assert release.classes == classes.height
    # Records are generalised and suppressed, never dropped.
    assert release.records == frame.height
    assert 0.0 <= release.information_loss <= 1.0


@given(frames(), st.integers(2, 5), st.integers(1, 2))
def test_each_value_is_its_ladder_step_or_suppressed(frame, k, l):
    frame = frame.with_row_index("row").with_columns(pl.col("row").cast(pl.String))
    release = _released_or_refused(frame, k, l, 0.05, RULES_WITH_ROW)
    if release is None:
        return

    recorded = frame.with_columns(pl.col(QUASI).fill_null("unknown")).sort("row")
    released = release.frame.sort("row")
    for quasi in declaration().quasi_identifiers:
        (step,) = [s for s in quasi.ladder if s.level == release.levels[quasi.name]]
        expected = RULES[step.rule](recorded, quasi.name, CONTEXT, "suppressed")
        got = released[quasi.name]
        assert ((got == expected) | (got == "suppressed")).all(), quasi.name

        suppressed = int((got != expected).sum())
        counted = sum(release.suppressed_values.get(quasi.name, {}).values())
        assert suppressed == counted
    # Sensitive and safe columns leave as they came.
    for name in ("form", "identification", "source_kind", "continuum", "assisted"):
        assert released[name].fill_null("x").to_list() == (
            recorded[name].fill_null("unknown" if name == "form" else "x").to_list()
        )


@given(frames())
def test_a_release_carries_the_declared_columns_and_nothing_else(frame):
    release = _released_or_refused(frame, 2, 1, 0.05)
    if release is None:
        return

    assert tuple(release.frame.columns) == declaration().columns
    assert not set(release.frame.columns) & declaration().never_leave


@given(frames(), st.sampled_from(sorted(declaration().never_leave)))
def test_no_frame_with_a_never_leave_column_is_released(frame, column):
    frame = frame.with_columns(pl.lit("secret").alias(column))

    with pytest.raises(MicrodataError, match=f"{column} may never leave"):
        _release(frame, k=2, l=1)


# Generalisation and suppression on known input


def _victims(count: int, **values) -> pl.DataFrame:
    forms = ["forced_labour", "begging", "labour_exploitation"]
    base = {name: pool[0] for name, pool in POOLS.items()}
    rows = [{**base, "form": forms[i % 3], **values} for i in range(count)]
    return _frame(rows)


def test_data_that_is_already_safe_leaves_as_recorded():
    release = _release(_victims(10), k=5, l=2)

    assert set(release.levels.values()) == {
        q.ladder[0].level for q in declaration().quasi_identifiers
    }
    assert release.suppressed_values == {}
    assert release.information_loss == 0.0
    assert release.frame["age"].unique().to_list() == ["unknown"]


def test_ages_that_would_single_people_out_are_generalised_to_their_group():
    ages = _victims(10).with_columns(
        pl.Series("age", ["30", "31", "32", "33", "34", "35", "36", "37", "38", "39"])
    )

    release = _release(ages, k=5, l=2, budget=0.0)

    assert release.levels["age"] == "age_group"
    assert release.frame["age"].unique().to_list() == ["y30_39"]
    # Nothing else needed to move.
    assert release.levels["sex"] == "sex" and release.levels["region"] == "nuts_3"


def test_ages_that_single_out_a_few_are_suppressed_locally_not_dropped():
    # Five Ukrainians, each of an age no one else has: suppressing their ages
    # makes one class of five, cheaper than grouping everyone's age.
    ukrainians = _victims(5, citizenship="UA").with_columns(
        pl.Series("age", ["17", "25", "27", "34", "70"])
    )
    frame = pl.concat([_victims(20), ukrainians])

    release = _release(frame, k=5, l=2, budget=0.2)

    assert release.records == 25
    assert release.levels["age"] == "years"
    by_citizenship = release.frame.group_by("citizenship").agg(pl.col("age").unique())
    assert sorted(by_citizenship.rows()) == [
        ("FI", ["unknown"]),
        ("UA", ["suppressed"]),
    ]
    assert release.suppressed_values == {"age": {"small_class": 5}}
    assert release.suppressed_records == {"small_class": 5}
    assert "age 5 (its class had fewer than k records)" in release.account


def test_a_lone_outlier_cannot_hide_behind_a_suppressed_value():
    # A suppressed value is a category of its own: one record suppressed is
    # still a class of one, so the outlier's class is merged by generalising.
    frame = pl.concat([_victims(20), _victims(1, citizenship="UA")])

    release = _release(frame, k=5, l=2, budget=0.1)

    assert release.records == 21
    assert release.smallest_class >= 5
    assert "UA" not in release.frame["citizenship"].to_list()


def test_a_class_of_one_form_is_made_diverse():
    # Ten victims in agriculture, all in forced labour: the class is k-anonymous
    # but tells everyone's form. Ten more in construction, of mixed forms.
    frame = pl.concat(
        [
            _victims(10, sector="nace_01", form="forced_labour"),
            _victims(10, sector="nace_f"),
        ]
    )

    release = _release(frame, k=5, l=2, budget=0.0)

    assert release.levels["sector"] in ("section", "suppressed")
    assert release.least_diversity >= 2


def test_a_class_of_one_form_within_the_budget_is_suppressed_then_filled():
    # Five victims in construction, all in forced labour, and the budget
    # covers them: their values are suppressed, not everyone's sector
    # generalised. Alone they would still tell their form, so one record of
    # another form moves in from the class that can spare it.
    frame = pl.concat(
        [_victims(20), _victims(5, sector="nace_f", form="forced_labour")]
    )

    release = _release(frame, k=5, l=2, budget=0.3)

    assert release.levels["sector"] == "division"
    assert release.suppressed_records == {"not_diverse": 5, "filling": 1}
    assert release.suppressed_values["sector"] == {"not_diverse": 5, "filling": 1}
    hidden = release.frame.filter(pl.col("sector") == "suppressed")
    assert hidden.height == 6
    assert (hidden.select(QUASI) == "suppressed").to_numpy().all()
    assert sorted(hidden["form"]) == ["begging"] + ["forced_labour"] * 5
    assert "nace_f" not in release.frame["sector"].to_list()
    assert "class of wholly suppressed records needed more" in release.account


def test_an_unknown_form_counts_as_a_distinct_value_as_documented():
    # docs/disclosure.md states this limit of distinct l-diversity.
    frame = pl.concat([_victims(5, form="forced_labour"), _victims(1, form=None)])

    release = _release(frame, k=5, l=2, budget=0.0)

    assert release.classes == 1 and release.least_diversity == 2
    assert release.information_loss == 0.0
    assert sorted(set(release.frame["form"])) == ["forced_labour", "unknown"]


def test_the_account_says_what_was_asked_reached_and_lost():
    account = _release(_victims(12), k=4, l=3).account

    assert "k = 4" in account and "l = 3 on form" in account
    assert "12 records in 1 classes; the smallest class has 12 records" in account
    assert "age as years" in account
    assert "Local suppression: none" in account
    assert "Information lost: 0.0%" in account


# Refusals


@pytest.mark.parametrize("column", sorted(declaration().never_leave))
def test_a_column_that_may_never_leave_is_refused(column):
    frame = _victims(10).with_columns(pl.lit("x").alias(column))

    with pytest.raises(MicrodataError, match=f"{column} may never leave"):
        _release(frame)


def test_a_missing_quasi_identifier_is_refused():
    with pytest.raises(MicrodataError, match="region is missing"):
        _release(_victims(10).drop("region"))


def test_an_undeclared_column_is_refused():
    frame = _victims(10).with_columns(pl.lit("3 kids").alias("household"))

    with pytest.raises(MicrodataError, match="household is not declared"):
        _release(frame)


@pytest.mark.parametrize(
    ("column", "value", "row"),
    [
        ("sex", "=cmd|' /C calc'!A0", 4),
        ("citizenship", "Atlantis", 4),
        ("region", "fi1b1", 4),
        ("age", "thirty", 4),
        ("form", "forced_labour+smuggling", 4),
        ("sex", "suppressed", 4),
        ("source_kind", "<script>", 4),
        ("continuum", "Worked 16 h a day, see note", 4),
        ("assisted", "yes, by Maria at the shelter", 4),
        ("continuum", '=HYPERLINK("http://x")', 4),
    ],
)
def test_a_bad_value_is_refused_naming_row_and_column(column, value, row):
    frame = _victims(6).with_columns(
        pl.when(pl.int_range(pl.len()) == row - 1)
        .then(pl.lit(value))
        .otherwise(pl.col(column))
        .alias(column)
    )

    with pytest.raises(MicrodataError, match=f"Row {row}, column {column}"):
        _release(frame)


def test_a_safe_column_of_lists_is_refused():
    frame = _victims(6).with_columns(
        pl.lit(["forced_labour", "see the narrative"]).alias("continuum")
    )

    with pytest.raises(MicrodataError, match=r"continuum holds List\(String\)"):
        _release(frame)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"k": 1}, "k is 1"),
        ({"l": 0}, "l is 0"),
        ({"k": True}, "k is True"),
        ({"budget": 1.0}, "suppression budget is 1.0"),
        ({"budget": -0.1}, "suppression budget is -0.1"),
    ],
)
def test_parameters_out_of_range_are_refused(options, message):
    with pytest.raises(MicrodataError, match=message):
        _release(_victims(10), **options)


def test_too_few_records_or_forms_are_refused():
    with pytest.raises(MicrodataError, match="4 records cannot be released with k = 5"):
        _release(_victims(4), k=5)
    with pytest.raises(MicrodataError, match="1 distinct values of form"):
        _release(_victims(10, form="begging"), l=2)


def test_a_bad_country_or_period_is_refused():
    with pytest.raises(MicrodataError, match="'XX' is not a country code"):
        anonymise(_victims(10), country="XX", first_year=2024, last_year=2025)
    with pytest.raises(MicrodataError, match="first year comes after the last"):
        anonymise(_victims(10), country="FI", first_year=2025, last_year=2024)
