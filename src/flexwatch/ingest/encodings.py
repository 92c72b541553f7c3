"""Which text encoding a delimited file is in: declared, or found out.

Agencies export from old desktop software as well as from web systems, so a
file may be UTF-8 (with or without a byte order mark), UTF-16 from Excel's
"Unicode text", or a Windows code page: cp1250 in Poland, cp1257 in Estonia,
cp1252 in Finland and most of the West. Pure: bytes in, a decision out.
"""

import codecs
import logging
import unicodedata
from dataclasses import dataclass

from flexwatch.ingest.problems import Problem, ReadError

logger = logging.getLogger(__name__)

ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "cp1250", "cp1252", "cp1257")
# The order breaks ties: a sample that reads equally well in two code pages
# decodes to the same letters in both, and cp1252 is the most common of them.
CODE_PAGES = ("cp1252", "cp1257", "cp1250")

# The letters of Finnish and Swedish, Estonian and Polish beyond ASCII: a code
# page that turns a sample into these letters is the one it was written in.
HOME_LETTERS = frozenset("äöåÄÖÅõüšžÕÜŠŽąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


@dataclass(frozen=True)
class Encoding:
    """How to decode a file.

    Attributes:
        name: as a profile would declare it (one of ``ENCODINGS`` but auto).
        codec: the Python codec that decodes the lines after the mark.
        bom: how many bytes of byte order mark to skip at the start.
    """

    name: str
    codec: str
    bom: int = 0

    @property
    def legacy(self) -> bool:
        """A single-byte Windows code page."""
        return self.codec in CODE_PAGES


_MARKS = (
    (codecs.BOM_UTF8, Encoding("utf-8-sig", "utf-8", 3)),
    (codecs.BOM_UTF16_LE, Encoding("utf-16", "utf-16-le", 2)),
    (codecs.BOM_UTF16_BE, Encoding("utf-16", "utf-16-be", 2)),
)
# A mark that agrees with a declaration: a UTF-8 mark on a file declared
# UTF-8 is only skipped.
_AGREEING = {"utf-8-sig": ("utf-8", "utf-8-sig"), "utf-16": ("utf-16",)}


def choose(declared: str, head: bytes, sample: bytes) -> Encoding:
    """The encoding to read a file in.

    Args:
        declared: ``auto`` or one of ``ENCODINGS``.
        head: the first bytes of the file, where a byte order mark would be.
        sample: bytes from the first byte beyond ASCII on (empty when the
            whole file is ASCII).

    Raises:
        ReadError: the file starts with a byte order mark of another encoding
            than the declared one.
    """
    mark = _marked(head)
    if declared == "auto":
        chosen = mark or guess(sample)
        logger.debug("encoding detected: %s", chosen.name)
        return chosen

    if mark is not None:
        if declared not in _AGREEING[mark.name]:
            raise ReadError(_disagreeing(mark, declared))
        return Encoding(declared, mark.codec, mark.bom)
    if declared == "utf-16":
        # Excel and Windows write UTF-16 little-endian when they omit the mark.
        return Encoding("utf-16", "utf-16-le")
    return Encoding(declared, "utf-8" if declared == "utf-8-sig" else declared)


def guess(sample: bytes) -> Encoding:
    """UTF-8 when the sample is UTF-8, else the code page it reads best in."""
    if _is_utf8(sample):
        return Encoding("utf-8", "utf-8")

    scores = {page: _score(sample, page) for page in CODE_PAGES}
    logger.debug("code page scores: %s", scores)
    best = max(CODE_PAGES, key=scores.__getitem__)
    return Encoding(best, best)


def looks_like_utf8(line: bytes) -> bool:
    """Whether a line read in a code page is really UTF-8 Latin text.

    Mojibake in the making: a line pasted from a UTF-8 source into a cp1252
    file reads as "Ã¤" where "ä" was meant. Two or three bytes that happen to
    form valid UTF-8 in genuine code page text decode to letters outside the
    Latin range (Polish "ÓŁ" in cp1250 reads as a Cyrillic letter), so only
    lines that decode to Latin letters and common punctuation count.
    """
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    wide = [character for character in text if not character.isascii()]
    return bool(wide) and all(_latin(character) for character in wide)


def _marked(head: bytes) -> Encoding | None:
    for mark, encoding in _MARKS:
        if head.startswith(mark):
            return encoding
    return None


def _disagreeing(mark: Encoding, declared: str) -> Problem:
    return Problem(
        None,
        "",
        declared,
        f"The file begins with a {mark.name.upper()} byte order mark, but its "
        f"encoding is declared as {declared}.",
        accepted=", ".join(("auto", *_AGREEING[mark.name])),
    )


def _is_utf8(sample: bytes) -> bool:
    # The sample is cut at an arbitrary byte: a character cut in two at its
    # end is no evidence against UTF-8.
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _score(sample: bytes, page: str) -> int:
    try:
        text = sample.decode(page)
    except UnicodeDecodeError:
        return -len(sample) * 4  # a byte the page does not define at all

    score = 0
    for character in text:
        if character.isascii():
            continue
        score += _worth(character)
    return score


def _worth(character: str) -> int:
    if character in HOME_LETTERS:
        return 2
    if character.isalpha():
        return 1
    kind = unicodedata.category(character)[0]
    # Dashes, quotes and spaces are common in any page; stray symbols such as
    # "¹" or "³" are what Polish letters become in the wrong page.
    return 0 if kind in "PZ" else -2


def _latin(character: str) -> bool:
    point = ord(character)
    return 0xA0 <= point <= 0x17F or 0x2010 <= point <= 0x205E or point == 0x20AC
