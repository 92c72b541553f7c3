"""The indicator checklist: every framework's indicators, grouped by dimension.

A row is one indicator at one stage of the journey: the stage its dimension
concerns, or the destination for frameworks that do not say. What the page
posts back becomes the case's observations; rows left at "unknown" with no
note are not stored, since an indicator with no row is unknown anyway.
"""

from collections.abc import Mapping
from typing import Any

from flexwatch.assessment import frameworks

DEFAULT_STAGE = "destination"
STATUSES = ("unknown", "observed", "not_observed")


def _key(indicator: str, stage: str) -> str:
    return f"{indicator}@{stage}"


def rows() -> list[tuple[Any, Any, Any, str]]:
    """Every (framework, dimension, indicator, stage) of the checklist, in order."""
    found: list[tuple[Any, Any, Any, str]] = []
    for framework in frameworks.catalogue().frameworks:
        for dimension in framework.dimensions:
            stage = dimension.stage or DEFAULT_STAGE
            found.extend(
                (framework, dimension, indicator, stage)
                for indicator in dimension.indicators
            )
    return found


def groups(
    observations: list[dict[str, Any]], language: str = "en", *, only_seen: bool
) -> list[dict[str, Any]]:
    """The checklist as frameworks, dimensions and rows, with the stored statuses.

    Args:
        only_seen: leave out rows nobody recorded (for the case page, which
            shows what is known; the checklist form shows every row).
    """
    stored = {_key(o["indicator"], o["stage"]): o for o in observations}
    grouped: dict[str, dict[str, Any]] = {}
    for framework, dimension, indicator, stage in rows():
        observation = stored.get(_key(indicator.id, stage))
        if only_seen and observation is None:
            continue
        entry = grouped.setdefault(
            framework.id,
            {"id": framework.id, "title": framework.title(language), "dimensions": {}},
        )
        section = entry["dimensions"].setdefault(
            dimension.id,
            {"id": dimension.id, "name": dimension.name(language), "rows": []},
        )
        section["rows"].append(_row(indicator, stage, observation, language))
    for entry in grouped.values():
        entry["dimensions"] = list(entry["dimensions"].values())
    return list(grouped.values())


def _row(indicator: Any, stage: str, observation: Any, language: str) -> dict:
    return {
        "key": _key(indicator.id, stage),
        "indicator": indicator.id,
        "label": indicator.label(language),
        "strength": indicator.strength,
        "stage": stage,
        "status": observation["status"] if observation else "unknown",
        "evidence": observation["evidence"] if observation else "",
        "source_kind": observation["source_kind"] if observation else "",
    }


def observations_from(
    posted: Mapping[str, str], stored: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The observations a posted checklist asks for.

    Observations at stages the checklist has no row for (recorded through the
    API or an import) are kept as they are.

    Raises:
        ValueError: a posted status is not one of ``STATUSES``.
    """
    listed = {_key(i.id, stage) for _f, _d, i, stage in rows()}
    kept = [o for o in stored if _key(o["indicator"], o["stage"]) not in listed]
    ids = {_key(o["indicator"], o["stage"]): o.get("id") for o in stored}

    chosen = []
    for _framework, _dimension, indicator, stage in rows():
        key = _key(indicator.id, stage)
        status = posted.get(f"status-{key}", "unknown")
        if status not in STATUSES:
            raise ValueError(f"{status!r} is not a status; use one of {STATUSES}.")
        evidence = posted.get(f"evidence-{key}", "").strip()
        if status == "unknown" and not evidence:
            continue
        chosen.append(
            {
                "id": ids.get(key),
                "indicator": indicator.id,
                "stage": stage,
                "status": status,
                "source_kind": posted.get(f"source-{key}", ""),
                "evidence": evidence,
            }
        )
    return kept + chosen
