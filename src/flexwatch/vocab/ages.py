"""Standard age groups from an age or an interval of possible ages.

Sources give an exact age or an interval (CTDC releases 9-17, 18-20 …). A
group is derived only when the whole interval fits inside it; anything else is
``not_classifiable``, so that no one is counted in a group they may not be in.
The groups and their bounds are the ``age_group`` vocabulary's data.
"""

from functools import cache

from flexwatch.vocab.registry import vocabulary

UNKNOWN = "unknown"
NOT_CLASSIFIABLE = "not_classifiable"


@cache
def _bands() -> tuple[tuple[str, int, int], ...]:
    groups = vocabulary("age_group")
    bands = []
    for code in groups.codes:
        low, high = groups.attribute(code, "min_age"), groups.attribute(code, "max_age")
        if isinstance(low, int) and isinstance(high, int):
            bands.append((code, low, high))
    return tuple(bands)


def age_group(age_min: int | None, age_max: int | None) -> str:
    """The code of the ``age_group`` an interval of possible ages fits inside.

    Args:
        age_min: the youngest the person can have been, or None.
        age_max: the oldest the person can have been, or None.

    Returns:
        A group such as ``y12_17``; ``unknown`` when neither bound is known;
        ``not_classifiable`` when the interval is open or spans two groups.

    Examples:
        >>> age_group(34, 34)
        'y30_39'
        >>> age_group(9, 17)
        'not_classifiable'
    """
    if age_min is None and age_max is None:
        return UNKNOWN
    if age_min is None or age_max is None:
        return NOT_CLASSIFIABLE

    for code, low, high in _bands():
        if low <= age_min and age_max <= high:
            return code
    return NOT_CLASSIFIABLE


def age_category(age_min: int | None, age_max: int | None) -> str:
    """``child`` (under 18), ``adult``, ``not_classifiable`` or ``unknown``.

    An open interval still classifies when its known bound decides: a person
    "at least 18" is an adult, one "at most 17" a child.

    Examples:
        >>> age_category(9, 17)
        'child'
        >>> age_category(16, 20)
        'not_classifiable'
    """
    if age_min is None and age_max is None:
        return UNKNOWN
    if age_max is not None and age_max < 18:
        return "child"
    if age_min is not None and age_min >= 18:
        return "adult"
    return NOT_CLASSIFIABLE
