"""Controlled vocabularies: codes are stable identifiers, labels are translations.

Every vocabulary is a data file in ``data/`` naming the standard it follows;
docs/vocabularies.md describes the format::

    from flexwatch import vocab

    vocab.vocabulary("sector").label("nace_01", "fi")
    vocab.vocabulary("sex").check("female")     # UnknownCode for a bad code
    vocab.age_group(9, 17)                      # "not_classifiable"
"""

from flexwatch.vocab.ages import age_category, age_group
from flexwatch.vocab.errors import UnknownCode, VocabularyError
from flexwatch.vocab.membership import citizenship_group, eea_member, eu_member
from flexwatch.vocab.regions import check_region
from flexwatch.vocab.registry import names, vocabulary
from flexwatch.vocab.startup import load_all
from flexwatch.vocab.vocabulary import LANGUAGES, Vocabulary

__all__ = [
    "LANGUAGES",
    "UnknownCode",
    "Vocabulary",
    "VocabularyError",
    "age_category",
    "age_group",
    "check_region",
    "citizenship_group",
    "eea_member",
    "eu_member",
    "load_all",
    "names",
    "vocabulary",
]
