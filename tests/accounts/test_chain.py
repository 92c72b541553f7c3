"""The hash chain on its own: no database."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.accounts import chain


def _build(n: int) -> list[chain.Link]:
    links, previous = [], chain.GENESIS
    for seq in range(1, n + 1):
        fields = {
            "seq": seq,
            "at": datetime(2026, 1, 1, 12, 0, seq, tzinfo=UTC),
            "actor_id": seq % 3 or None,
            "action": "sign_in",
            "detail": {"fields": ["notes"], "b": 1},
            "prev_hash": previous,
        }
        previous = chain.entry_hash(fields)
        links.append(chain.Link(fields, previous))
    return links


def _head(links: list[chain.Link]) -> tuple[int, str]:
    return links[-1].seq, links[-1].stored_hash


def test_an_intact_chain_verifies():
    links = _build(5)

    verdict = chain.verify(links, _head(links))

    assert verdict.ok and verdict.checked == 5


def test_an_empty_chain_with_a_genesis_head_verifies():
    assert chain.verify([], (0, chain.GENESIS)).ok


def test_the_serialisation_ignores_key_order():
    assert chain.canonical({"a": 1, "b": {"y": 2, "x": 1}}) == chain.canonical(
        {"b": {"x": 1, "y": 2}, "a": 1}
    )


def test_a_changed_entry_is_named():
    links = _build(5)
    tampered = dict(links[2].fields, action="sign_out")
    links[2] = chain.Link(tampered, links[2].stored_hash)

    verdict = chain.verify(links, _head(links))

    assert verdict.broken_at == 3
    assert "content" in verdict.reason


def test_a_rehashed_entry_breaks_the_next_link():
    links = _build(5)
    tampered = dict(links[1].fields, actor_id=99)
    links[1] = chain.Link(tampered, chain.entry_hash(tampered))

    verdict = chain.verify(links, _head(links))

    assert verdict.broken_at == 3
    assert "before it" in verdict.reason


def test_a_deleted_entry_is_named():
    links = _build(5)
    del links[1]

    verdict = chain.verify(links, (5, links[-1].stored_hash))

    assert verdict.broken_at == 2
    assert "#2 is missing" in verdict.reason


def test_a_truncated_tail_is_caught_by_the_head():
    links = _build(5)
    head = _head(links)

    verdict = chain.verify(links[:3], head)

    assert verdict.broken_at == 4
    assert "recorded head is #5" in verdict.reason


def test_a_head_that_does_not_match_is_caught():
    links = _build(3)

    verdict = chain.verify(links, (3, "f" * 64))

    assert not verdict.ok


@given(st.integers(min_value=1, max_value=30), st.data())
def test_any_single_change_is_caught(n, data):
    links = _build(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    fields = dict(links[index].fields, action=data.draw(st.text(min_size=1)))
    if fields == links[index].fields:
        pytest.skip("the drawn change is no change")
    links[index] = chain.Link(fields, links[index].stored_hash)

    assert chain.verify(links, _head(_build(n))).broken_at == index + 1
