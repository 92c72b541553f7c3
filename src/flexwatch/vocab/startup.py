"""Load every data file of the package at once, so a bad one stops start-up."""

import logging
import time

from flexwatch.vocab.membership import periods
from flexwatch.vocab.registry import names, vocabulary

logger = logging.getLogger(__name__)


def load_all() -> None:
    """Load and validate every vocabulary and the EU/EEA membership file.

    Run at start-up and by the tests, so a malformed file is found at once
    rather than when a form first needs it.

    Raises:
        VocabularyError: a file is malformed; the message names it and the entry.
    """
    began = time.perf_counter()

    for name in names():
        vocabulary(name)
    periods()

    logger.info(
        "Loaded %d vocabularies in %.3f s", len(names()), time.perf_counter() - began
    )
