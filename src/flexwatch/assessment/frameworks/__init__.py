"""The indicator frameworks: the YAML files in this folder and their loader.

Each framework file cites the instrument it comes from and gives every
framework, dimension and indicator label in English, Finnish, Estonian and
Polish. The files are read once, checked, and kept::

    from flexwatch.assessment import frameworks

    cat = frameworks.catalogue()
    cat.framework("ilo_ec_delphi_2009").title("fi")
    cat.indicator("cd.documents").strength        # "strong"
"""

from functools import cache

from flexwatch.assessment import loader
from flexwatch.assessment.model import (
    Catalogue,
    Dimension,
    DimensionRule,
    Framework,
    FrameworkError,
    Indicator,
    Rule,
    Translated,
    UnknownFramework,
    UnknownIndicator,
)

__all__ = [
    "Catalogue",
    "Dimension",
    "DimensionRule",
    "Framework",
    "FrameworkError",
    "Indicator",
    "Rule",
    "Translated",
    "UnknownFramework",
    "UnknownIndicator",
    "catalogue",
]


@cache
def catalogue() -> Catalogue:
    """Every framework of the package's data files, loaded and checked once.

    Raises:
        FrameworkError: a file cannot be used; the message names the file and
            the entry.
    """
    return loader.parse_catalogue(loader.package_files())
