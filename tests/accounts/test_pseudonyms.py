import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.accounts.pseudonyms import pseudonym

KEY = "a" * 64


def test_trivial_variants_give_the_same_pseudonym():
    assert pseudonym(KEY, "  Case 2024/17 ", "ref") == pseudonym(
        KEY, "case  2024/17", "ref"
    )


def test_another_key_or_purpose_gives_an_unrelated_pseudonym():
    base = pseudonym(KEY, "2024/17", "ref")

    assert pseudonym("b" * 64, "2024/17", "ref") != base
    assert pseudonym(KEY, "2024/17", "person") != base


def test_an_empty_identifier_is_refused():
    with pytest.raises(ValueError, match="empty"):
        pseudonym(KEY, "   ", "ref")


@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_the_pseudonym_never_contains_the_identifier(value):
    made = pseudonym(KEY, value, "person")

    assert len(made) == 64 and set(made) <= set("0123456789abcdef")


def test_each_organisation_gets_its_own_key(db):
    from tests import factories

    first, second = factories.organisation(), factories.organisation()

    assert len(first.pseudonym_key) == 64
    assert first.pseudonym_key != second.pseudonym_key
