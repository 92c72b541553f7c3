"""What a person does with statistics: rights checked, counted, written, audited.

A delivery to a statistical office carries every count, small ones only
flagged, so it is made only by people who may run statistics and exports
(the ``analyse`` capability) and only from what they may see. Each is
written to the audit trail.
"""

import logging
from pathlib import Path

from flexwatch import vocab
from flexwatch.accounts import audit
from flexwatch.accounts.models import User
from flexwatch.accounts.scoping import scope_for
from flexwatch.cases import export
from flexwatch.stats import deliveries, frames

log = logging.getLogger(__name__)

WRITERS = {".csv": deliveries.write_csv, ".xlsx": deliveries.write_xlsx}


class DeliveryRefused(Exception):
    """The person may not make this delivery, or it cannot be made as asked."""


def deliver(
    user: User,
    layout: str,
    output: Path,
    *,
    country: str,
    year: int,
    threshold: int = 5,
) -> deliveries.Delivery:
    """Write ``layout`` for ``country`` and ``year`` to ``output``; audited.

    The file's suffix chooses the format (``.csv`` or ``.xlsx``); the file
    appears only when it is complete.

    Raises:
        DeliveryRefused: the person may not run statistics, the layout or
            the suffix is unknown, or the threshold is out of range.
        OSError: the file cannot be written.
    """
    write = WRITERS.get(output.suffix.lower())
    if write is None:
        raise DeliveryRefused(
            f"{output.name}: name a .csv or .xlsx file; the suffix gives the format."
        )
    if country not in vocab.vocabulary("country"):
        raise DeliveryRefused(f"{country!r} is not a country code, such as FI.")
    scope = scope_for(user)
    if not export.may_export(scope):
        raise DeliveryRefused(
            f"{user.username} may not run statistics in any organisation."
        )

    # A layout of persons in proceedings counts from the legal events; an
    # unknown name is refused by the delivery itself.
    known = deliveries.layouts().get(layout)
    persons = known is not None and counted_as(known) == "persons"
    read = frames.proceedings if persons else frames.victims
    frame = read(export.export_scope(scope))
    try:
        result = deliveries.deliver(
            layout, frame, country=country, year=year, threshold=threshold
        )
    except deliveries.DeliveryError as problem:
        raise DeliveryRefused(str(problem)) from problem
    write(result, output)

    audit.record(
        "statistics_delivered",
        actor_id=user.pk,
        detail={
            "layout": layout,
            "country": country,
            "year": year,
            "threshold": threshold,
            counted_as(result.layout): result.victims,
            "file": output.name,
        },
    )
    log.info("delivery %s for %s %s written to %s", layout, country, year, output)
    return result


def counted_as(layout: deliveries.Layout) -> str:
    """What a layout's total counts: ``victims``, or ``persons`` in proceedings."""
    return "persons" if layout.table == deliveries.PERSONS else "victims"
