"""Age groups, citizenship groups and regions derived from the vocabularies."""

import pytest

from flexwatch import vocab


@pytest.mark.parametrize(
    ("low", "high", "group", "category"),
    [
        (11, 11, "y0_11", "child"),
        (12, 12, "y12_17", "child"),
        (17, 17, "y12_17", "child"),
        (18, 18, "y18_29", "adult"),
        (30, 39, "y30_39", "adult"),
        (70, 120, "y70_plus", "adult"),
        (9, 17, "not_classifiable", "child"),  # CTDC's interval
        (16, 20, "not_classifiable", "not_classifiable"),
        (18, 20, "y18_29", "adult"),
        (18, None, "not_classifiable", "adult"),
        (None, 17, "not_classifiable", "child"),
        (None, None, "unknown", "unknown"),
    ],
)
def test_a_group_is_derived_only_when_the_interval_fits_inside_it(
    low, high, group, category
):
    assert vocab.age_group(low, high) == group
    assert vocab.age_category(low, high) == category


@pytest.mark.parametrize(
    ("citizenship", "year", "group"),
    [
        ("FI", 2024, "reporting_country"),
        ("PL", 2003, "non_eu"),
        ("PL", 2004, "other_eu"),  # joined 1 May 2004: EU for the whole year
        ("GB", 2019, "other_eu"),
        ("GB", 2020, "non_eu"),  # left at the end of 31 January 2020
        ("UA", 2024, "non_eu"),
        ("stateless", 2024, "stateless"),
        ("unknown", 2024, "unknown"),
    ],
)
def test_citizenship_is_grouped_by_eu_membership_in_the_year(citizenship, year, group):
    assert vocab.citizenship_group(citizenship, "FI", year) == group


def test_a_citizenship_group_refuses_an_unknown_code():
    with pytest.raises(vocab.UnknownCode, match="XX"):
        vocab.citizenship_group("XX", "FI", 2024)


@pytest.mark.parametrize(
    ("country", "region"),
    [("FI", "FI1B1"), ("FI", "FI1"), ("EE", "EE001"), ("PL", "PL911"), ("DE", "DE3")],
)
def test_a_region_inside_its_country_is_accepted(country, region):
    assert vocab.check_region(country, region) == region


@pytest.mark.parametrize(
    ("country", "region", "says"),
    [
        ("FI", "EE001", "starts with FI"),
        ("FI", "FI999", "accepted: FI"),
        ("FI", "FI193", "accepted: FI"),  # a NUTS 2021 code, renumbered in 2024
        ("DE", "de3", "starts with DE"),
        ("GR", "GR3", "starts with EL"),  # NUTS writes Greece as EL
    ],
)
def test_a_region_outside_its_country_is_refused_saying_why(country, region, says):
    with pytest.raises(vocab.UnknownCode, match=says):
        vocab.check_region(country, region)
