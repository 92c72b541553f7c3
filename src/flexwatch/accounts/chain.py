"""The hash chain behind the audit trail. Pure: no Django, no I/O.

Each entry's hash is the SHA-256 of a canonical JSON serialisation of its own
fields, which include the previous entry's hash. Changing, removing or
reordering any entry therefore changes every hash after it.
"""

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> bytes:
    """Serialise ``fields`` the same way on every machine and database."""
    return json.dumps(
        {key: _plain(value) for key, value in fields.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # Microseconds are kept: both databases store them exactly.
        return value.isoformat(timespec="microseconds")
    return value


def entry_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


@dataclass(frozen=True)
class Link:
    """One stored entry: the chained fields and the hash stored with them."""

    fields: Mapping[str, Any]
    stored_hash: str

    @property
    def seq(self) -> int:
        return int(self.fields["seq"])


@dataclass(frozen=True)
class Verdict:
    """The outcome of a verification: entries read, and the first broken link."""

    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(
    links: Iterable[Link],
    head: tuple[int, str],
    progress: Callable[[int], None] | None = None,
) -> Verdict:
    """Walk the chain in sequence order and name the first link that fails.

    Args:
        links: the stored entries, in ascending sequence order.
        head: the (sequence number, hash) recorded apart from the entries.
        progress: called with the number of entries checked so far, now and then.

    Returns:
        A verdict; ``broken_at`` is the sequence number where the chain breaks.
    """
    expected_seq, previous = 1, GENESIS
    for link in links:
        problem = _check(link, expected_seq, previous)
        if problem:
            return Verdict(expected_seq - 1, expected_seq, problem)
        expected_seq, previous = expected_seq + 1, link.stored_hash
        if progress and expected_seq % 1000 == 0:
            progress(expected_seq - 1)

    checked = expected_seq - 1
    head_seq, head_hash = head
    if head_seq > checked:
        return Verdict(
            checked,
            checked + 1,
            f"entries after #{checked} are missing: the recorded head is #{head_seq}",
        )
    if head_seq < checked or head_hash != previous:
        return Verdict(
            checked, head_seq or 1, "the recorded head does not match the last entry"
        )
    return Verdict(checked)


def _check(link: Link, expected_seq: int, previous: str) -> str:
    if link.seq != expected_seq:
        return f"entry #{expected_seq} is missing (next stored is #{link.seq})"
    if link.fields["prev_hash"] != previous:
        return "it does not point at the hash of the entry before it"
    if entry_hash(link.fields) != link.stored_hash:
        return "its content does not match its stored hash"
    return ""
