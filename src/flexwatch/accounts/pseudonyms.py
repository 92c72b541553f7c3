"""Keyed pseudonyms: an identifier becomes an HMAC that only the key holder
can reproduce. Pure: no Django, no I/O.

The key belongs to the organisation that owns the data, so two organisations
get different pseudonyms for the same person unless they share a linkage key.
"""

import hashlib
import hmac
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(value: str) -> str:
    """Fold case, compatibility forms and spacing so trivial variants agree."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return _SPACES.sub(" ", folded).strip()


def pseudonym(key: str, value: str, purpose: str) -> str:
    """The hex HMAC-SHA256 of ``value`` under ``key``, separated by ``purpose``.

    Args:
        key: the owner's secret, as text.
        value: the identifier (a case number, a personal code); never stored.
        purpose: what the identifier is ("source_reference", "person"), so the
            same text used for two purposes gives two unrelated pseudonyms.

    Raises:
        ValueError: the value is empty once normalised.
    """
    text = normalise(value)
    if not text:
        raise ValueError("An empty identifier cannot be pseudonymised.")
    message = f"{purpose}\x1f{text}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
