"""Read and check the files of ``law/provisions/``.

``elements.yaml`` is the vocabulary of legal elements; every other file
holds provisions. A file that breaks a rule is refused with a LawDataError
naming the file, the line and what would be accepted, so a typing mistake in
the law never becomes a wrong comparison. The checks: every code is in the
vocabulary, dates parse, a provision's versions are in order and do not
overlap, ids are unique, and every id a file refers to exists.

Pure: the functions take the files' names and texts; ``package_files``
alone reads the package's data folder.
"""

import itertools
import logging
import re
from collections.abc import Iterable, Mapping
from datetime import date
from importlib import resources
from typing import Any

from flexwatch import vocab
from flexwatch.law.model import (
    GROUPS,
    INTERNATIONAL,
    LANGUAGES,
    STATUSES,
    TERMS,
    Aggravating,
    Amendment,
    ChildRule,
    Comparisons,
    Consent,
    Crosswalk,
    Elements,
    LawBook,
    LawDataError,
    Penalty,
    Provision,
    Source,
    Term,
    Version,
    Vocabulary,
)
from flexwatch.law.reading import Lined, LinedList, read

log = logging.getLogger(__name__)

DATA_PACKAGE = "flexwatch.law.provisions"
VOCABULARY_FILE = "elements.yaml"
HEADER = ("kind", "version", "source")
ID_PATTERN = re.compile(r"^[A-Z]{2,3}-[A-Za-z0-9-]+$")
VICTIMS = ("any", "child")
SOURCE_STATUSES = ("confirmed", "partial", "recall")
REQUIRED = (
    "id",
    "country",
    "instrument",
    "provision",
    "title_en",
    "title_original",
    "type",
    "status",
    "iccs",
    "versions",
    "means_required_for_adults",
    "consent",
    "child_rule",
    "aggravating",
    "penalty",
    "sources",
)
OPTIONAL = ("undated", "note", "base", "definition", "victims")


class Place:
    """A line of a file, for error messages."""

    def __init__(self, file: str, line: int) -> None:
        self.file = file
        self.line = line

    def at(self, data: Lined | LinedList, key: str | int) -> "Place":
        """The place of ``key`` inside ``data``."""
        if isinstance(data, Lined):
            return Place(self.file, data.line_of(str(key)))
        index = int(key)
        line = data.lines[index] if 0 <= index < len(data.lines) else data.line
        return Place(self.file, line)

    def refuse(self, problem: str) -> LawDataError:
        """The error for ``problem`` at this place."""
        return LawDataError(f"{self.file}, line {self.line}: {problem}")


def package_files() -> list[tuple[str, str]]:
    """Every YAML file of the data folder, as (name, text), in name order."""
    folder = resources.files(DATA_PACKAGE)
    names = sorted(e.name for e in folder.iterdir() if e.name.endswith(".yaml"))
    return [(n, folder.joinpath(n).read_text(encoding="utf-8")) for n in names]


def load_book(files: Iterable[tuple[str, str]]) -> LawBook:
    """Build the law book from the vocabulary file and the provision files.

    Raises:
        LawDataError: naming the file and line that cannot be used.
    """
    texts = dict(files)
    if VOCABULARY_FILE not in texts:
        raise LawDataError(f"{DATA_PACKAGE}: the file {VOCABULARY_FILE} is missing.")
    vocabulary = parse_vocabulary(VOCABULARY_FILE, texts.pop(VOCABULARY_FILE))

    provisions: list[Provision] = []
    seen: dict[str, str] = {}
    for name, text in texts.items():
        for provision, place in parse_provisions(name, text, vocabulary):
            if provision.id in seen:
                raise place.refuse(
                    f"the id {provision.id} is already defined in {seen[provision.id]}."
                )
            seen[provision.id] = name
            provisions.append(provision)

    book = LawBook(vocabulary, tuple(provisions))
    _check_references(book, texts)
    log.debug("Loaded %d provisions from %d files", len(provisions), len(texts))
    return book


# The vocabulary


def parse_vocabulary(name: str, text: str) -> Vocabulary:
    """Read the vocabulary of legal elements.

    Raises:
        LawDataError: a group is missing, or a code lacks a label in one of
            the four languages, naming the file and line.
    """
    data = read(name, text)
    place = Place(name, data.line)
    _known_keys(data, (*HEADER, *TERMS), place)
    _kind(data, "elements", place)

    terms = {}
    for group in TERMS:
        entries = _mapping(data.get(group), place.at(data, group))
        if not entries:
            raise place.at(data, group).refuse(f"the group {group} has no codes.")
        terms[group] = {
            code: _term(code, group, value, place.at(entries, code))
            for code, value in entries.items()
        }
    return Vocabulary(
        version=_text(data.get("version"), place.at(data, "version")),
        source=_text(data.get("source"), place.at(data, "source")),
        terms=terms,
    )


def _term(code: str, group: str, value: Any, place: Place) -> Term:
    data = _mapping(value, place)
    _known_keys(data, ("cites", "label"), place)
    if not re.fullmatch(r"[a-z][a-z_]*", code):
        raise place.refuse(f"{code!r} is not a code: use lower case and _.")
    labels = _mapping(data.get("label"), place.at(data, "label"))
    if sorted(labels) != sorted(LANGUAGES):
        raise place.at(data, "label").refuse(
            f"give the label in exactly {', '.join(LANGUAGES)}; "
            f"found {', '.join(labels) or 'none'}."
        )
    return Term(
        code=code,
        group=group,
        labels={k: _text(v, place.at(labels, k)) for k, v in labels.items()},
        cites=tuple(_texts(data.get("cites"), place.at(data, "cites"))),
    )


# The provisions


def parse_provisions(
    name: str, text: str, vocabulary: Vocabulary
) -> list[tuple[Provision, Place]]:
    """Read one provisions file, each provision with the place it starts.

    Raises:
        LawDataError: naming the file and line of the first problem.
    """
    data = read(name, text)
    place = Place(name, data.line)
    _known_keys(data, (*HEADER, "provisions"), place)
    _kind(data, "provisions", place)
    _text(data.get("version"), place.at(data, "version"))
    _text(data.get("source"), place.at(data, "source"))

    listed = data.get("provisions")
    if not isinstance(listed, LinedList) or not listed:
        raise place.at(data, "provisions").refuse("give a list of provisions.")
    return [
        (_provision(item, place.at(listed, n), vocabulary), place.at(listed, n))
        for n, item in enumerate(listed)
    ]


def _provision(value: Any, place: Place, vocabulary: Vocabulary) -> Provision:
    data = _mapping(value, place)
    _known_keys(data, (*REQUIRED, *OPTIONAL), place)
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise place.refuse(f"the provision lacks {', '.join(missing)}.")

    def at(key: str) -> Place:
        return place.at(data, key)

    code, iccs_status = _iccs(data["iccs"], at("iccs"))
    return Provision(
        id=_id(data["id"], at("id")),
        country=_country(data["country"], at("country")),
        instrument=_text(data["instrument"], at("instrument")),
        provision=_text(data["provision"], at("provision")),
        title_en=_text(data["title_en"], at("title_en")),
        title_original=_text(data["title_original"], at("title_original")),
        type=_choice(data["type"], vocabulary.codes("provision_type"), at("type")),
        status=_choice(data["status"], SOURCE_STATUSES, at("status")),
        iccs=code,
        iccs_status=iccs_status,
        versions=_versions(data["versions"], at("versions"), vocabulary),
        undated=_undated(data.get("undated"), at("undated"), vocabulary),
        means_required_for_adults=_flag(
            data["means_required_for_adults"], at("means_required_for_adults")
        ),
        note=_optional_text(data.get("note"), at("note")),
        consent=_consent(data["consent"], at("consent"), vocabulary),
        child_rule=_child_rule(data["child_rule"], at("child_rule")),
        aggravating=_aggravating(data["aggravating"], at("aggravating"), vocabulary),
        penalty=_penalty(data["penalty"], at("penalty")),
        sources=_sources(data["sources"], at("sources")),
        base=_optional_id(data.get("base"), at("base")),
        definition=_optional_id(data.get("definition"), at("definition")),
        victims=_choice(data.get("victims", "any"), VICTIMS, at("victims")),
    )


def _id(value: Any, place: Place) -> str:
    found = _text(value, place)
    if not ID_PATTERN.match(found):
        raise place.refuse(
            f"{found!r} is not a provision id: use the jurisdiction, a hyphen, "
            "then letters, digits and hyphens (FI-RL-25-3)."
        )
    return found


def _optional_id(value: Any, place: Place) -> str | None:
    return None if value is None else _id(value, place)


def _country(value: Any, place: Place) -> str:
    found = _text(value, place)
    if found in INTERNATIONAL or found in vocab.vocabulary("country"):
        return found
    raise place.refuse(
        f"{found!r} is not a jurisdiction; use a country code of the country "
        f"vocabulary (FI, EE, PL ...) or one of {', '.join(INTERNATIONAL)}."
    )


def _iccs(value: Any, place: Place) -> tuple[str | None, str]:
    data = _mapping(value, place)
    _known_keys(data, ("code", "status"), place)
    status = _choice(data.get("status"), STATUSES, place.at(data, "status"))
    code = data.get("code")
    if (code is None) != (status == "not_given"):
        raise place.refuse("give a code with a status, or code: null with not_given.")
    return (None if code is None else _text(code, place.at(data, "code"))), status


def _versions(value: Any, place: Place, vocabulary: Vocabulary) -> tuple[Version, ...]:
    if not isinstance(value, LinedList) or not value:
        raise place.refuse("give a list of versions, oldest first.")
    versions = [
        _version(item, place.at(value, n), vocabulary) for n, item in enumerate(value)
    ]
    for n, (before, after) in enumerate(itertools.pairwise(versions)):
        if before.end is None or after.start <= before.end:
            raise place.at(value, n + 1).refuse(
                f"this version starts on {after.start} but the one before is "
                f"in force until {before.end or 'today'}: versions may not "
                "overlap and go oldest first."
            )
    return tuple(versions)


def _version(value: Any, place: Place, vocabulary: Vocabulary) -> Version:
    data = _mapping(value, place)
    fields = ("from", "to", "amending_act", "change", "status", "elements")
    _known_keys(data, fields, place)
    start = _day(data.get("from"), place.at(data, "from"))
    end = None if data.get("to") is None else _day(data["to"], place.at(data, "to"))
    if end is not None and end < start:
        raise place.at(data, "to").refuse(
            f"the version ends on {end}, before it starts on {start}."
        )
    return Version(
        start=start,
        end=end,
        amending_act=_optional_text(data.get("amending_act"), place) or None,
        change=_text(data.get("change"), place.at(data, "change")),
        status=_choice(data.get("status"), SOURCE_STATUSES, place.at(data, "status")),
        elements=_elements(
            data.get("elements"), place.at(data, "elements"), vocabulary
        ),
    )


def _undated(value: Any, place: Place, vocabulary: Vocabulary) -> tuple[Amendment, ...]:
    if value is None:
        return ()
    if not isinstance(value, LinedList):
        raise place.refuse("give a list of amendments whose date is not given.")
    found = []
    for n, item in enumerate(value):
        at = place.at(value, n)
        data = _mapping(item, at)
        _known_keys(data, ("amending_act", "change", "status", "adds"), at)
        adds = data.get("adds")
        found.append(
            Amendment(
                amending_act=_text(data.get("amending_act"), at),
                change=_text(data.get("change"), at.at(data, "change")),
                status=_choice(data.get("status"), SOURCE_STATUSES, at),
                adds=Elements()
                if adds is None
                else _elements(adds, at.at(data, "adds"), vocabulary, partial=True),
            )
        )
    return tuple(found)


def _elements(
    value: Any, place: Place, vocabulary: Vocabulary, partial: bool = False
) -> Elements:
    data = _mapping(value, place)
    _known_keys(data, GROUPS, place)
    if not partial and sorted(data) != sorted(GROUPS):
        raise place.refuse(
            f"give every group: {', '.join(GROUPS)} (an empty list for none)."
        )
    groups = {}
    for group, codes in data.items():
        at = place.at(data, group)
        listed = _texts(codes, at)
        for n, code in enumerate(listed):
            _choice(code, vocabulary.codes(group), at.at(codes, n), group)
        if len(set(listed)) != len(listed):
            raise at.refuse(f"a {group} code is listed twice.")
        groups[group] = frozenset(listed)
    return Elements(**groups)


def _consent(value: Any, place: Place, vocabulary: Vocabulary) -> Consent | None:
    if value is None:
        return None
    data = _mapping(value, place)
    _known_keys(data, ("rule", "status", "note"), place)
    return Consent(
        rule=_choice(
            data.get("rule"), vocabulary.codes("consent"), place.at(data, "rule")
        ),
        status=_choice(data.get("status"), STATUSES, place.at(data, "status")),
        note=_optional_text(data.get("note"), place.at(data, "note")),
    )


def _child_rule(value: Any, place: Place) -> ChildRule | None:
    if value is None:
        return None
    data = _mapping(value, place)
    keys = ("age_threshold", "means_required", "status", "note")
    _known_keys(data, keys, place)
    age = data.get("age_threshold")
    if not isinstance(age, int) or isinstance(age, bool) or not 0 < age < 30:
        raise place.at(data, "age_threshold").refuse(
            f"expected an age in years, found {age!r}."
        )
    required = data.get("means_required")
    return ChildRule(
        age_threshold=age,
        means_required=None
        if required is None
        else _flag(required, place.at(data, "means_required")),
        status=_choice(data.get("status"), STATUSES, place.at(data, "status")),
        note=_optional_text(data.get("note"), place.at(data, "note")),
    )


def _aggravating(value: Any, place: Place, vocabulary: Vocabulary) -> Aggravating:
    data = _mapping(value, place)
    _known_keys(data, ("codes", "status", "note"), place)
    at = place.at(data, "codes")
    codes = _texts(data.get("codes"), at)
    for n, code in enumerate(codes):
        _choice(code, vocabulary.codes("aggravating"), at.at(data["codes"], n))
    return Aggravating(
        codes=tuple(codes),
        status=_choice(data.get("status"), STATUSES, place.at(data, "status")),
        note=_optional_text(data.get("note"), place.at(data, "note")),
    )


def _penalty(value: Any, place: Place) -> Penalty | None:
    if value is None:
        return None
    data = _mapping(value, place)
    keys = ("min_months", "max_months", "fine_alternative", "status", "note")
    _known_keys(data, keys, place)
    low = _months(data.get("min_months"), place.at(data, "min_months"))
    high = _months(data.get("max_months"), place.at(data, "max_months"))
    if low is not None and high is not None and high < low:
        raise place.at(data, "max_months").refuse(
            f"the maximum ({high} months) is below the minimum ({low} months)."
        )
    fine = data.get("fine_alternative")
    return Penalty(
        min_months=low,
        max_months=high,
        fine_alternative=None
        if fine is None
        else _flag(fine, place.at(data, "fine_alternative")),
        status=_choice(data.get("status"), STATUSES, place.at(data, "status")),
        note=_optional_text(data.get("note"), place.at(data, "note")),
    )


def _months(value: Any, place: Place) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise place.refuse(f"expected a number of months or null, found {value!r}.")
    return value


def _sources(value: Any, place: Place) -> tuple[Source, ...]:
    if not isinstance(value, LinedList) or not value:
        raise place.refuse("give at least one source with url, title and status.")
    found = []
    for n, item in enumerate(value):
        at = place.at(value, n)
        data = _mapping(item, at)
        _known_keys(data, ("url", "title", "status"), at)
        url = _text(data.get("url"), at)
        if not url.startswith(("http://", "https://")):
            raise at.refuse(f"{url!r} is not a web address (http:// or https://).")
        found.append(
            Source(
                url=url,
                title=_text(data.get("title"), at),
                status=_choice(data.get("status"), SOURCE_STATUSES, at),
            )
        )
    return tuple(found)


def _check_references(book: LawBook, texts: Mapping[str, str]) -> None:
    """Every id that a provision or a vocabulary code refers to exists."""
    known = {p.id for p in book.provisions}
    for provision in book.provisions:
        for key in ("base", "definition"):
            target = getattr(provision, key)
            if target is not None and target not in known:
                raise LawDataError(
                    f"{provision.id}: its {key} {target} is not a provision id."
                )
    for group, terms in book.vocabulary.terms.items():
        for term in terms.values():
            unknown = [c for c in term.cites if c not in known]
            if unknown:
                raise LawDataError(
                    f"{VOCABULARY_FILE}: {group} {term.code} cites "
                    f"{', '.join(unknown)}, which no provision file defines."
                )


# The default comparison


def parse_comparisons(name: str, text: str, book: LawBook) -> Comparisons:
    """Read the default comparison and check its ids against ``book``.

    Raises:
        LawDataError: a key is missing or an id is not a provision,
            naming the file and line.
    """
    data = read(name, text)
    place = Place(name, data.line)
    _known_keys(data, ("version", "source", "baseline", "beside", "countries"), place)
    known = {p.id for p in book.provisions}

    countries = _mapping(data.get("countries"), place.at(data, "countries"))
    return Comparisons(
        baseline=_choice(
            data.get("baseline"), known, place.at(data, "baseline"), "provision"
        ),
        beside=_ids(data.get("beside"), place.at(data, "beside"), known),
        countries={
            country: _ids(ids, place.at(countries, country), known)
            for country, ids in countries.items()
        },
    )


def _ids(value: Any, place: Place, known: set[str]) -> tuple[str, ...]:
    if not isinstance(value, LinedList):
        raise place.refuse(f"expected a list of provision ids, found {value!r}.")
    return tuple(
        _choice(item, known, place.at(value, n), "provision")
        for n, item in enumerate(value)
    )


# A version added after the files shipped


def parse_added_version(
    name: str, text: str, book: LawBook
) -> tuple[str, Version, tuple[Source, ...], Place]:
    """Read a file of ``kind: version``: a provision of ``book``, one version
    and its sources.

    Returns:
        The provision id, the version, its sources, and the place of the
        version for messages about how it fits the history.

    Raises:
        LawDataError: naming the file and line of the first problem.
    """
    data = read(name, text)
    place = Place(name, data.line)
    keys = ("kind", "provision", "version", "sources")
    _known_keys(data, keys, place)
    _kind(data, "version", place)
    missing = [key for key in keys if key not in data]
    if missing:
        raise place.refuse(f"the file lacks {', '.join(missing)}.")

    provision_id = _id(data["provision"], place.at(data, "provision"))
    if provision_id not in {p.id for p in book.provisions}:
        raise place.at(data, "provision").refuse(
            f"{provision_id!r} is not a provision id; a new provision is added "
            "to the package's files, not as a version."
        )
    at = place.at(data, "version")
    return (
        provision_id,
        _version(data["version"], at, book.vocabulary),
        _sources(data["sources"], place.at(data, "sources")),
        at,
    )


# The crosswalk from the screening to legal elements


def parse_crosswalk(
    name: str, text: str, vocabulary: Vocabulary, assessment_ids: Iterable[str]
) -> Crosswalk:
    """Read the crosswalk and check both sides of every link.

    Args:
        assessment_ids: the ids a link may start from (the assessment's
            frameworks without stages).

    Raises:
        LawDataError: an id or code is unknown, naming the file and line.
    """
    data = read(name, text)
    place = Place(name, data.line)
    _known_keys(data, ("version", "source", "links"), place)
    known = tuple(assessment_ids)
    groups = {code: g for g in GROUPS for code in vocabulary.codes(g)}

    links = {}
    entries = _mapping(data.get("links"), place.at(data, "links"))
    for source, targets in entries.items():
        at = place.at(entries, source)
        _choice(source, known, at, "assessment id")
        codes = _texts(targets, at)
        for n, code in enumerate(codes):
            _choice(code, groups, at.at(targets, n), "legal element")
        links[source] = tuple((groups[code], code) for code in codes)
    return Crosswalk(
        version=_text(data.get("version"), place.at(data, "version")),
        source=_text(data.get("source"), place.at(data, "source")),
        links=links,
    )


# Checks of single values


def _kind(data: Lined, kind: str, place: Place) -> None:
    if data.get("kind") != kind:
        raise place.at(data, "kind").refuse(
            f"expected kind: {kind}, found {data.get('kind')!r}."
        )


def _known_keys(data: Lined, accepted: Iterable[str], place: Place) -> None:
    names = tuple(accepted)
    for key in data:
        if key not in names:
            raise place.at(data, key).refuse(
                f"{key!r} is not a known entry; use {', '.join(names)}."
            )


def _mapping(value: Any, place: Place) -> Lined:
    if not isinstance(value, Lined):
        raise place.refuse(f"expected a mapping of named entries, found {value!r}.")
    return value


def _text(value: Any, place: Place) -> str:
    if not isinstance(value, str) or not value.strip():
        raise place.refuse(f"expected text, found {value!r}.")
    return " ".join(value.split())


def _optional_text(value: Any, place: Place) -> str:
    return "" if value is None else _text(value, place)


def _texts(value: Any, place: Place) -> list[str]:
    if not isinstance(value, list):
        raise place.refuse(f"expected a list, found {value!r}.")
    return [_text(item, place) for item in value]


def _flag(value: Any, place: Place) -> bool:
    if not isinstance(value, bool):
        raise place.refuse(f"expected true or false, found {value!r}.")
    return value


def _choice(value: Any, accepted: Iterable[str], place: Place, what: str = "") -> str:
    options = tuple(accepted)
    if value not in options:
        kind = f" {what} code" if what else ""
        raise place.refuse(
            f"{value!r} is not an accepted{kind} value; use one of "
            f"{', '.join(options)}."
        )
    return str(value)


def _day(value: Any, place: Place) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise place.refuse(
            f"{value!r} is not a date; write it as YYYY-MM-DD."
        ) from None
