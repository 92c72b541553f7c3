"""The exceptions of the vocabulary package.

ValueError
├── UnknownCode        a value that is not a code of the vocabulary it was
│                      checked against (user input, an imported row)
└── VocabularyError    a data file that breaks the format (a defect of the
                       package, found when the file is loaded)
"""


class UnknownCode(ValueError):
    """A code that is not in the vocabulary it was checked against."""


class VocabularyError(ValueError):
    """A vocabulary data file is malformed; the message names file and entry."""
