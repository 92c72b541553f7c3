"""What a person does with statistics: rights checked, counted, written, audited.

A delivery to a statistical office carries every count, small ones only
flagged, so it is made only by people who may run statistics and exports
(the ``analyse`` capability) and only from what they may see. So is a
microdata release, which leaves only once it is k-anonymous and l-diverse.
Each is written to the audit trail, with counts and never values.
"""

import logging
from pathlib import Path

from flexwatch import vocab
from flexwatch.accounts import audit
from flexwatch.accounts.models import User
from flexwatch.accounts.scoping import scope_for
from flexwatch.cases import export
from flexwatch.stats import deliveries, frames, microdata, microdata_rows

log = logging.getLogger(__name__)

WRITERS = {".csv": deliveries.write_csv, ".xlsx": deliveries.write_xlsx}
MICRODATA_WRITERS = {
    ".csv": microdata_rows.write_csv,
    ".parquet": microdata_rows.write_parquet,
}


class DeliveryRefused(Exception):
    """The person may not make this delivery, or it cannot be made as asked."""


class MicrodataRefused(DeliveryRefused):
    """The person may not release microdata, or it cannot pass the check."""


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


def export_microdata(
    user: User,
    output: Path,
    *,
    country: str,
    first_year: int,
    last_year: int,
    k: int | None = None,
    l: int | None = None,
) -> microdata.Release:
    """Write k-anonymous, l-diverse victim microdata to ``output``; audited.

    One row per victim of the cases of ``country`` whose year lies in the
    period, among those the person may see where they may run statistics.
    The file's suffix chooses the format (``.csv`` or ``.parquet``); the file
    appears only when it is complete.

    Raises:
        MicrodataRefused: the person may not run statistics, the suffix,
            country or period is not accepted, or the rows cannot pass the
            check (too few records, too little diversity, a bad value).
        OSError: the file cannot be written.
    """
    write = MICRODATA_WRITERS.get(output.suffix.lower())
    if write is None:
        raise MicrodataRefused(
            f"{output.name}: name a .csv or .parquet file; the suffix gives the format."
        )
    scope = scope_for(user)
    if not export.may_export(scope):
        raise MicrodataRefused(
            f"{user.username} may not run statistics in any organisation."
        )

    shown = export.export_scope(scope)
    try:
        rows, left_out = microdata_rows.victim_rows(
            frames.victims(shown),
            frames.regions(shown),
            frames.assistance(shown),
            country=country,
            first_year=first_year,
            last_year=last_year,
        )
        release = microdata.anonymise(
            rows, country=country, first_year=first_year, last_year=last_year, k=k, l=l
        )
    except microdata.MicrodataError as problem:
        raise MicrodataRefused(str(problem)) from problem
    write(release, output)

    audit.record(
        "microdata_exported",
        actor_id=user.pk,
        detail=_counts(release, country, (first_year, last_year), left_out, output),
    )
    log.info(
        "microdata for %s %s-%s written to %s", country, first_year, last_year, output
    )
    return release


def _counts(
    release: microdata.Release,
    country: str,
    period: tuple[int, int],
    left_out: dict[str, int],
    output: Path,
) -> dict[str, object]:
    """What the audit trail keeps of a release: parameters and counts only."""
    return {
        "country": country,
        "from": period[0],
        "to": period[1],
        "k": release.k,
        "l": release.l,
        "records": release.records,
        "classes": release.classes,
        "smallest_class": release.smallest_class,
        "least_diversity": release.least_diversity,
        "levels": dict(release.levels),
        "suppressed_values": {q: dict(r) for q, r in release.suppressed_values.items()},
        "suppressed_records": dict(release.suppressed_records),
        "left_out": left_out,
        "information_loss": round(release.information_loss, 4),
        "file": output.name,
    }


def counted_as(layout: deliveries.Layout) -> str:
    """What a layout's total counts: ``victims``, or ``persons`` in proceedings."""
    return "persons" if layout.table == deliveries.PERSONS else "victims"
