"""The indicator frameworks: the YAML files in this folder and their loader.

Each framework file cites the instrument it comes from and gives every
framework, dimension and indicator label in English, Finnish, Estonian and
Polish. The files are read once, checked, and kept::

    from flexwatch.assessment import frameworks

    cat = frameworks.catalogue()
    cat.framework("ilo_ec_delphi_2009").title("fi")
    cat.indicator("cd.documents").strength        # "strong"

Beside them: the crosswalk (``crosswalk.yaml``: what one observation also
counts as in the other frameworks), the continuum of exploitation
(``continuum.yaml``) and the sentences of the trace (``sentences.yaml``),
each checked against the catalogue when first asked for::

    frameworks.crosswalk().expand({"cd.documents"})   # + fl.documents, ...
    frameworks.continuum().level("forced_labour").clause
"""

from functools import cache

from flexwatch.assessment import loader, reference
from flexwatch.assessment.model import (
    Catalogue,
    ConflictingObservation,
    Continuum,
    Crosswalk,
    Dimension,
    DimensionRule,
    Framework,
    FrameworkError,
    Indicator,
    Level,
    Rule,
    Sentences,
    Translated,
    UnknownFramework,
    UnknownIndicator,
)

__all__ = [
    "Catalogue",
    "ConflictingObservation",
    "Continuum",
    "Crosswalk",
    "Dimension",
    "DimensionRule",
    "Framework",
    "FrameworkError",
    "Indicator",
    "Level",
    "Rule",
    "Sentences",
    "Translated",
    "UnknownFramework",
    "UnknownIndicator",
    "catalogue",
    "continuum",
    "crosswalk",
    "sentences",
]


@cache
def catalogue() -> Catalogue:
    """Every framework of the package's data files, loaded and checked once.

    Raises:
        FrameworkError: a file cannot be used; the message names the file and
            the entry.
    """
    return loader.parse_catalogue(loader.package_files())


@cache
def crosswalk() -> Crosswalk:
    """The crosswalk of the package's data, checked against the catalogue once.

    Raises:
        FrameworkError: naming the file and the link that cannot be used.
    """
    return reference.parse_crosswalk(loader.package_files(), catalogue())


@cache
def continuum() -> Continuum:
    """The continuum of exploitation, its tests checked once.

    Raises:
        FrameworkError: naming the file and the level that cannot be used.
    """
    return reference.parse_continuum(loader.package_files(), catalogue())


@cache
def sentences() -> Sentences:
    """The sentences of the trace in every language, checked once.

    Raises:
        FrameworkError: naming the file and the sentence that cannot be used.
    """
    return reference.parse_sentences(loader.package_files())
