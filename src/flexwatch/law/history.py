"""New versions of a provision, added after the files shipped.

An analyst writes a new version in a small file (``kind: version``) and adds
it with ``flexwatch law add``; it is kept in the database and layered over
the package's files whenever the law is read. History is only ever
extended: a new version must start after the one in force, never on or
before it, so nothing already recorded is rewritten. The one change to the
past it makes is the one a reform makes: a version in force until further
notice ends on the day before the new one starts.

Pure: no Django and no I/O; the caller reads the file and the stored rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta

from flexwatch.law.loader import Place, parse_added_version
from flexwatch.law.model import LawBook, Provision, Source, Version


@dataclass(frozen=True)
class Addition:
    """A new version of one provision and the sources it was read from."""

    provision: str
    version: Version
    sources: tuple[Source, ...]


def parse_addition(name: str, text: str, book: LawBook) -> Addition:
    """Read an added version and check that it extends its provision's history.

    Raises:
        LawDataError: a code, date or id is wrong, or the version overlaps or
            rewrites the history; naming the file and line.
    """
    provision_id, version, sources, place = parse_added_version(name, text, book)
    addition = Addition(provision_id, version, sources)
    extend(book.provision(provision_id), addition, place)
    return addition


def extend(provision: Provision, addition: Addition, place: Place) -> Provision:
    """The provision with the added version after its last one.

    Raises:
        LawDataError: the version starts on or before the last one's start
            (a rewrite), or while a closed last version was in force.
    """
    last = provision.versions[-1]
    new = addition.version
    if new.start <= last.start:
        raise place.refuse(
            f"this version of {provision.id} starts on {new.start}, but the "
            f"version in force from {last.start} is already recorded: a new "
            "version must start after it, since history is never rewritten."
        )
    if last.end is not None and new.start <= last.end:
        raise place.refuse(
            f"this version of {provision.id} starts on {new.start}, while the "
            f"version recorded until {last.end} is in force: versions may not "
            "overlap."
        )

    closed = last if last.end else replace(last, end=new.start - timedelta(days=1))
    return replace(
        provision,
        versions=(*provision.versions[:-1], closed, new),
        undated_on=provision.undated_on or last.start,
        sources=(*provision.sources, *addition.sources),
    )


def layered(book: LawBook, additions: Iterable[tuple[str, Addition]]) -> LawBook:
    """The book with each addition applied in order.

    Args:
        additions: each with a name for messages (such as the stored row).

    Raises:
        LawDataError: an addition no longer fits, naming it.
    """
    provisions = {p.id: p for p in book.provisions}
    for name, addition in additions:
        current = provisions[addition.provision]
        provisions[addition.provision] = extend(current, addition, Place(name, 1))
    return LawBook(book.vocabulary, tuple(provisions.values()))
