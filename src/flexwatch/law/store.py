"""The law as it stands: the package's files with the added versions over them."""

import logging

from flexwatch import law
from flexwatch.law.history import layered, parse_addition
from flexwatch.law.model import LawBook
from flexwatch.law.models import AddedVersion

log = logging.getLogger(__name__)

# The layered book for the rows it was built from; rows are never changed
# or removed, so the ids and times of the rows say whether it is current.
_built: dict[tuple[tuple[int, str], ...], LawBook] = {}


def current_book() -> LawBook:
    """The provisions with every added version, in the order they were added.

    Raises:
        LawDataError: a stored version no longer fits the files, naming it.
    """
    rows = list(AddedVersion.objects.order_by("pk").values_list("pk", "added_at"))
    key = tuple((pk, at.isoformat()) for pk, at in rows)
    found = _built.get(key)
    if found is None:
        found = _layer_rows()
        _built.clear()
        _built[key] = found
        log.debug("Layered %d added versions over the provisions", len(rows))
    return found


def _layer_rows() -> LawBook:
    book = law.book()
    for row in AddedVersion.objects.order_by("pk"):
        name = f"added version {row.pk} ({row.file_name})"
        book = layered(book, [(name, parse_addition(name, row.text, book))])
    return book
