"""NUTS regions: a case's region must lie in its country of exploitation."""

from flexwatch.vocab.errors import UnknownCode
from flexwatch.vocab.loader import CODE_FORMS
from flexwatch.vocab.registry import vocabulary

# NUTS writes Greece as EL where ISO 3166-1 has GR.
NUTS_PREFIX = {"GR": "EL"}


def check_region(country: str, region: str) -> str:
    """Return ``region`` if it is a NUTS code inside ``country``, else raise.

    The package lists the NUTS 2024 regions of the countries it was built for
    (the ``nuts_region`` vocabulary); elsewhere any well-formed NUTS code that
    starts with the country's prefix is accepted.

    Raises:
        UnknownCode: naming the region, the country and what is accepted.

    Examples:
        >>> check_region("FI", "FI1B1")
        'FI1B1'
    """
    prefix = NUTS_PREFIX.get(country, country)
    if not CODE_FORMS["nuts"].fullmatch(region) or not region.startswith(prefix):
        raise UnknownCode(
            f"{region!r} is not a NUTS region of {country}: a NUTS code starts "
            f"with {prefix} and has up to three more letters or digits, such "
            f"as {prefix}1."
        )

    regions = vocabulary("nuts_region")
    listed = [code for code in regions.codes if code.startswith(prefix)]
    if listed and region not in regions:
        raise UnknownCode(
            f"{region!r} is not a NUTS 2024 region of {country}; "
            f"accepted: {', '.join(listed)}."
        )
    return region
