"""One controlled vocabulary: its codes, their labels and their attributes."""

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from flexwatch.vocab.errors import UnknownCode

LANGUAGES = ("en", "fi", "et", "pl")

# A refusal lists every accepted code up to this many; beyond it (countries,
# citizenships) it names the nearest few, since 250 codes help no one.
LISTED_IN_FULL = 30


@dataclass(frozen=True)
class AttributeSpec:
    """What a vocabulary file declares about one attribute of its codes.

    ``kind`` is one of ``text``, ``integer``, ``choice`` (one of ``values``),
    ``choices`` (a list of ``values``) or ``code`` (a code of the vocabulary
    named by ``of``, or of the same vocabulary when ``of`` is empty).
    """

    name: str
    kind: str
    optional: bool = False
    values: tuple[str, ...] = ()
    of: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """A controlled vocabulary, as loaded from its data file.

    Codes are stable identifiers stored in the case record; labels are their
    translations in English, Finnish, Estonian and Polish. Build one with
    ``flexwatch.vocab.vocabulary(name)``, not by hand.
    """

    name: str
    version: str
    standard: str
    codes: tuple[str, ...]
    notes: str = ""
    extends: str = ""
    htcds_field: str = ""
    attribute_specs: Mapping[str, AttributeSpec] = field(
        default_factory=dict, repr=False, compare=False
    )
    _labels: Mapping[str, Mapping[str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _attributes: Mapping[str, Mapping[str, object]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._labels

    def check(self, code: str) -> str:
        """Return ``code`` if it belongs to this vocabulary, else raise.

        Raises:
            UnknownCode: naming the code, the vocabulary and what is accepted.
        """
        if code in self:
            return code
        raise UnknownCode(
            f"{code!r} is not a code of {self.name} ({self.standard}); "
            f"accepted: {self._accepted(code)}."
        )

    def label(self, code: str, language: str = "en") -> str:
        """The label of ``code`` in ``language``; English for other languages.

        ``language`` may be a Django language code such as ``fi`` or ``pl-pl``.

        Raises:
            UnknownCode: the code is not in this vocabulary.
        """
        labels = self._labels[self.check(code)]
        return labels.get(_primary_language(language), labels["en"])

    def choices(self, language: str = "en") -> list[tuple[str, str]]:
        """``(code, label)`` pairs in display order, for forms and filters."""
        return [(code, self.label(code, language)) for code in self.codes]

    def attribute(self, code: str, key: str) -> object | None:
        """The value of attribute ``key`` for ``code``; None where it has none.

        Raises:
            UnknownCode: the code is not in this vocabulary.
            KeyError: the vocabulary declares no attribute ``key``.
        """
        if key not in self.attribute_specs:
            declared = ", ".join(self.attribute_specs) or "none"
            raise KeyError(
                f"The vocabulary {self.name} has no attribute {key!r}; "
                f"its attributes: {declared}."
            )
        return self._attributes.get(self.check(code), {}).get(key)

    def _accepted(self, code: object) -> str:
        if len(self.codes) <= LISTED_IN_FULL:
            return ", ".join(self.codes)
        nearest = difflib.get_close_matches(str(code), self.codes, n=3, cutoff=0.5)
        same_letters = [c for c in self.codes if c.casefold() == str(code).casefold()]
        examples = list(dict.fromkeys(same_letters + nearest)) or list(self.codes[:3])
        return f"one of {len(self.codes)} codes, such as {', '.join(examples)}"


def _primary_language(language: str) -> str:
    """``pl-pl`` and ``pl_PL`` give ``pl``: labels are per language, not region."""
    return language.replace("_", "-").split("-")[0].lower()
