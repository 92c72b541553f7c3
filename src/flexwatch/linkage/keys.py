"""Linkage keys: keyed hashes of a person's names and date of birth, made at
import so that records of the same person in several agencies can be matched
without anyone reading a name back. Pure: no Django, no I/O.

Every agency in a linkage project holds the same secret; the office that links
the records does not, so it can compare keys but cannot make keys of guessed
names to test them. Raw values live only in a transient ``Identity``.

The normalisation and phonetic rules are part of the keys: a change to them
makes new keys that no longer equal the old ones, so it must come with a new
``KEY_VERSION`` (which is mixed into every key).
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from anyascii import anyascii

KEY_VERSION = 1
KINDS = (
    "full_name",
    "name_token",
    "name_phonetic",
    "birth_date",
    "birth_year",
    "birth_year_month",
    "birth_month_day",
)

_TOKEN = re.compile(r"[a-z0-9]+")
# Apostrophes stand inside one name (O'Brien, Ukrainian Mar'iana, the soft
# sign that transliteration writes as '), so they join rather than split.
_APOSTROPHES = re.compile(r"['`]")


@dataclass(frozen=True)
class Identity:
    """The identifying values of one person, as read from a source row.

    Transient: made for ``linkage_keys`` and dropped; never stored, logged or
    shown (its repr shows no value). A source gives either one full-name
    column or separate given and family names; when ``full_name`` is given,
    the other two are not read.
    """

    full_name: str = field(default="", repr=False)
    given_names: str = field(default="", repr=False)
    family_name: str = field(default="", repr=False)
    birth_date: date | None = field(default=None, repr=False)

    def name_tokens(self) -> list[str]:
        """The normalised tokens of the person's whole name, in source order."""
        if self.full_name.strip():
            return normalised_tokens(self.full_name)
        return normalised_tokens(self.given_names) + normalised_tokens(self.family_name)


@dataclass(frozen=True, order=True)
class LinkageKey:
    """One keyed hash: what kind of value it was made from, and the hex digest."""

    kind: str
    digest: str


def normalised_tokens(name: str) -> list[str]:
    """The tokens of a name, folded so that spellings of the same name agree.

    Compatibility forms are unified (NFKC), case is folded and every script is
    transliterated to ASCII (ä→a, õ→o, ł→l, ß→ss, Cyrillic and Vietnamese to
    Latin letters). Apostrophes are removed; any other character that is not
    a letter or digit (spaces, hyphens, dots, commas) ends a token.

    Particles (van, de, la, bin) are kept as tokens: they are part of the name
    as written. A source that joins them ("Delacruz") and one that splits them
    ("De la Cruz") then share no name token, but still share the other names.
    Tokens of one character are dropped: an initial says too little to link
    on and is written by some sources and not by others ("Jan K. Nowak").

    Examples:
        >>> normalised_tokens("Mäkinen-Jõgi, Łukasz")
        ['makinen', 'jogi', 'lukasz']
    """
    folded = anyascii(unicodedata.normalize("NFKC", name).casefold()).lower()
    joined = _APOSTROPHES.sub("", folded)
    return [token for token in _TOKEN.findall(joined) if len(token) > 1]


# Phonetic classes. Letter groups come first, longest first, so that "szcz"
# is one sound rather than "sz" and "cz".
_GROUPS = (
    # One sound written sh, sz, zh, ch, cz, tsch, ts, dz… in English, Polish,
    # German, Ukrainian passports and Estonian or Finnish (tš → ts).
    ("S", "szcz|shch|tsch|dzh|sch|tch|sz|sh|zh|cz|ch|ts|tz|dz"),
    ("F", "ph"),
    ("KS", "x"),
    ("S", "c(?=[eiy])"),
    ("K", "c"),
    # h marks aspiration after a stop (Nepali bh, dh, th) and ends Vietnamese
    # syllables (Thanh, Minh): silent there. Elsewhere it stands where other
    # transliterations write g (Ukrainian Olha, Hryhorii; Russian Olga).
    ("", "(?<=[bdgkpt])h|h$"),
    ("G", "h"),
)
_LETTERS = str.maketrans(
    {
        "a": "A",
        **dict.fromkeys("ou", "O"),
        **dict.fromkeys("eiyj", "I"),
        **dict.fromkeys("bp", "P"),
        **dict.fromkeys("fvw", "F"),
        **dict.fromkeys("dt", "T"),
        **dict.fromkeys("kq", "K"),
        "g": "G",
        **dict.fromkeys("sz", "S"),
        **{letter: letter.upper() for letter in "lmnr"},
        **dict.fromkeys("0123456789"),
    }
)
_RULES = re.compile("|".join(f"({rule})" for _, rule in _GROUPS))
_REPEATS = re.compile(r"(.)\1+")


def phonetic(token: str) -> str:
    """A code of how a normalised token sounds, shared by its usual spellings.

    Made for the names that meet in Finnish, Estonian and Polish records:
    Finnish, Estonian and Polish names, and Ukrainian, Russian, Vietnamese,
    Nepali and Filipino names in Latin letters. The English-made codes in
    jellyfish (Soundex, Metaphone, NYSIIS) were tried and split the commonest
    variants: Wojcik/Voitsik, Oleksandr/Aleksandr, Shevchenko/Szewczenko,
    Olha/Olga, Andrii/Andrij. Here, each letter or letter group becomes a
    class and repeated classes merge:

    - voicing is ignored (b=p, d=t, v=f=w, s=z), since Polish devoices
      final consonants and Estonian b, d, g are voiceless; g stays apart
      from k, because h joins g (below);
    - the sh/ch/ts family is one class (sz, cz, szcz, zh, ts, tš, soft c);
    - j, y, i and e are one class (Wójcik/Voitsik, Andrii/Andrij,
      Yevhen/Ievgen); o and u are another (Polish ó is u); a stays apart,
      because Finnish names differ by their vowels (Mäkinen, Mikkonen,
      Makkonen), but a leading o or u counts as a, since Russian forms write
      a for the Ukrainian o (Oleksandr/Aleksandr);
    - h is silent after a stop and at the end, and elsewhere counts as g
      (Olha/Olga, Hryhorii/Grigorii), which keeps Heinonen from Kinnunen;
    - doubled letters count once (Mäkinen/Mäkkinen, Jõgi/Jõggi).

    Limits: ch is read as in passports (Shevchenko, Polish Szewczenko), so
    the Polish transliteration of the Ukrainian kh sound as ch (Mychajło,
    passport Mykhailo) does not agree; nor do different forms of a name's
    vowels (Elena/Olena). The other keys still link such records.

    Args:
        token: one token from ``normalised_tokens`` (lower-case ASCII).

    Returns:
        The code, in capitals; empty for a token without letters.

    Examples:
        >>> phonetic("wojcik") == phonetic("voitsik")
        True
    """
    # The regular expressions call back into Python for each match; passing
    # a function is faster than a replacement template here.
    grouped = _RULES.sub(_group_class, token)
    code = _REPEATS.sub(_first, grouped.translate(_LETTERS))
    return "A" + code[1:] if code.startswith("O") else code


def _group_class(match: re.Match[str]) -> str:
    return _GROUPS[(match.lastindex or 1) - 1][0]


def _first(match: re.Match[str]) -> str:
    return match[1]


def linkage_keys(secret: str, identity: Identity) -> list[LinkageKey]:
    """The keys of one person under a linkage project's secret.

    Kinds: ``full_name`` (the sorted tokens, so that swapped names agree),
    ``name_token`` and ``name_phonetic`` (one per distinct token and code, so
    that a missing or misspelt name still links on the others), and from the
    date of birth ``birth_date``, ``birth_year``, ``birth_year_month`` and
    ``birth_month_day`` (so that a wrong year or day still links on a part).
    Each digest is the HMAC-SHA256, keyed with the secret, of the key
    version, the kind and the value; no raw value is in the output. Keys
    come sorted by kind and digest, which says nothing of the order of the
    names.

    Args:
        secret: the linkage project's secret, shared by its members.
        identity: the person's names and date of birth.

    Returns:
        The keys, none for an identity with neither names nor a date.

    Raises:
        ValueError: the secret is empty.
    """
    if not secret:
        raise ValueError("Linkage keys need the project's secret; it is empty.")

    values = _name_values(identity.name_tokens())
    if identity.birth_date is not None:
        values |= _date_values(identity.birth_date)

    key = secret.encode()
    made = {LinkageKey(kind, _digest(key, kind, value)) for kind, value in values}
    return sorted(made, key=lambda one: (KINDS.index(one.kind), one.digest))


def _name_values(tokens: list[str]) -> set[tuple[str, str]]:
    if not tokens:
        return set()
    values = {("full_name", " ".join(sorted(tokens)))}
    values |= {("name_token", token) for token in tokens}
    values |= {("name_phonetic", code) for token in tokens if (code := phonetic(token))}
    return values


def _date_values(born: date) -> set[tuple[str, str]]:
    return {
        ("birth_date", born.isoformat()),
        ("birth_year", f"{born.year:04d}"),
        ("birth_year_month", f"{born.year:04d}-{born.month:02d}"),
        ("birth_month_day", f"{born.month:02d}-{born.day:02d}"),
    }


def _digest(key: bytes, kind: str, value: str) -> str:
    # The kind and version separate the kinds: the year 1989 and a name token
    # "1989" never give the same digest.
    message = f"flexwatch-linkage-v{KEY_VERSION}\x1f{kind}\x1f{value}".encode()
    return hmac.digest(key, message, "sha256").hex()


def fingerprint(secret: str) -> str:
    """A short code of the secret that members read to each other to compare.

    Two members hold the same secret when their fingerprints agree; the code
    tells nothing of the secret itself.

    Examples:
        >>> fingerprint("x" * 32)[4]
        '-'
    """
    mac = hmac.new(secret.encode(), b"flexwatch linkage fingerprint", hashlib.sha256)
    code = mac.hexdigest()[:16].upper()
    return "-".join(code[start : start + 4] for start in range(0, 16, 4))
