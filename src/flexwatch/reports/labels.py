"""Labels of the codes a report shows, in the report's language. Pure.

Vocabulary codes take the vocabulary's own translation; the continuum's
levels and the indicators take the framework files' translations; the few
codes the statistics make up themselves (how a victim was recognised, the
steps of proceedings) are translated in the catalogues like any fixed text.
"""

from collections.abc import Callable

from flexwatch import vocab
from flexwatch.assessment import frameworks
from flexwatch.assessment.model import Translated

Gettext = Callable[[str], str]

# The vocabulary each dimension's codes come from.
VOCABULARIES = {
    "country": "country",
    "sex": "sex",
    "age_category": "age_category",
    "citizenship_group": "citizenship_group",
    "sector": "sector",
    "form": "exploitation_form",
    "source_kind": "source_kind",
}


def _made_up(gettext: Gettext) -> dict[str, dict[str, str]]:
    """Codes the statistics define, by dimension, with their labels."""
    return {
        "identification": {
            "registered": gettext("Identified or presumed victim"),
            "not_registered": gettext("Found not to be a victim"),
            "no_decision": gettext("No identification decision"),
        },
        "treatment": {
            "trafficking": gettext("Trafficking offence"),
            "lesser_labour": gettext("Lesser labour offence"),
            "other": gettext("Other offence"),
            "none": gettext("No proceedings recorded"),
        },
        "assistance": {
            "recorded": gettext("Assistance recorded"),
            "none_recorded": gettext("No assistance recorded"),
        },
        "status": {
            "observed": gettext("Observed"),
            "not_observed": gettext("Not observed"),
        },
        "step": {
            "suspected": gettext("Suspected only"),
            "prosecuted": gettext("Prosecuted, not convicted"),
            "convicted": gettext("Convicted"),
            "reported": gettext("Reported"),
            "investigated": gettext("Investigated"),
            "charged": gettext("Charged"),
            "tried": gettext("Tried"),
        },
    }


def label(dimension: str, code: str, language: str, gettext: Gettext) -> str:
    """The label of ``code`` of ``dimension`` in ``language``.

    A code no list knows is shown as it is; ``unknown`` is always translated.

    Examples:
        >>> label("sex", "female", "fi", str)
        'Nainen'
    """
    if code == "unknown" and dimension not in VOCABULARIES:
        return gettext("Unknown")
    if dimension in VOCABULARIES:
        return _vocabulary_label(VOCABULARIES[dimension], code, language, gettext)
    if dimension == "continuum":
        return _continuum_label(code, language, gettext)
    if dimension == "indicator":
        return _indicator_label(code, language)
    return _made_up(gettext).get(dimension, {}).get(code, code)


def labels(
    dimension: str, codes: list[str], language: str, gettext: Gettext
) -> dict[str, str]:
    """Each of ``codes`` and its label, as the charts' ``labels`` take them."""
    return {code: label(dimension, code, language, gettext) for code in codes}


def order(dimension: str) -> tuple[str, ...]:
    """The codes of ``dimension`` in the order their list gives, if it has one."""
    if dimension in VOCABULARIES:
        return vocab.vocabulary(VOCABULARIES[dimension]).codes
    if dimension == "continuum":
        return tuple(level.id for level in frameworks.continuum().levels)
    return tuple(_made_up(str).get(dimension, {}))


def translated(text: Translated, language: str) -> str:
    """The text of a framework file in ``language``, English otherwise."""
    return str(getattr(text, language, "") or text.en)


def _vocabulary_label(name: str, code: str, language: str, gettext: Gettext) -> str:
    found = vocab.vocabulary(name)
    if code in found:
        return found.label(code, language)
    return gettext("Unknown") if code == "unknown" else code


def _continuum_label(code: str, language: str, gettext: Gettext) -> str:
    try:
        return translated(frameworks.continuum().level(code).labels, language)
    except KeyError:
        return gettext("Unknown") if code == "unknown" else code


def _indicator_label(code: str, language: str) -> str:
    try:
        found = frameworks.catalogue().indicator(code)
    except ValueError:
        return code
    label = translated(found.labels, language)
    framework = frameworks.catalogue().framework(found.framework_id)
    namesakes = [
        i for i in framework.indicators if translated(i.labels, language) == label
    ]
    if len(namesakes) < 2:
        return label
    # The same words in two dimensions (a threat at recruitment and at
    # destination) read as one row twice unless the dimension is named.
    (dimension,) = [d for d in framework.dimensions if d.id == found.dimension_id]
    short = translated(dimension.names, language).split(" (")[0]
    return f"{label} ({short})"


def dimension_title(dimension: str, gettext: Gettext) -> str:
    """What the codes of ``dimension`` are, as a table's corner names them."""
    titles = {
        "year": gettext("Year"),
        "country": gettext("Country"),
        "sex": gettext("Sex"),
        "age_category": gettext("Age"),
        "citizenship_group": gettext("Citizenship"),
        "sector": gettext("Sector"),
        "form": gettext("Form of exploitation"),
        "source_kind": gettext("Kind of source"),
        "continuum": gettext("Level of the continuum"),
        "indicator": gettext("Indicator"),
        "identification": gettext("Identification"),
        "treatment": gettext("Treatment of the case"),
        "assistance": gettext("Assistance"),
        "step": gettext("Furthest step reached"),
        "status": gettext("Status"),
        "offence": gettext("Offence, version in force"),
    }
    return titles.get(dimension, dimension)
