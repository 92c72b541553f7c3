"""The lines of a text file, decoded and checked a block at a time.

A file of any size is read with bounded memory, in blocks that end at a line
end. Each block is decoded and checked at once, which is fast; a bad byte
found in it is then placed on its line and at its byte offset, so that a
person can find it.
"""

import codecs
import io
import itertools
import re
from collections.abc import Iterator
from typing import BinaryIO

from flexwatch.ingest.encodings import ENCODINGS, Encoding, looks_like_utf8
from flexwatch.ingest.problems import Problem, ReadError

# A longer line is not a table row but a broken or binary file; the limit
# keeps memory bounded whatever the file holds.
MAX_LINE = 4 << 20
BLOCK = 1 << 18

_SURROGATE = re.compile("[\ud800-\udfff]")
# UTF-8 for the Latin letters, dashes, quotes and euro sign that
# ``looks_like_utf8`` accepts: a line without one cannot look like UTF-8.
_LATIN_UTF8 = re.compile(rb"[\xc2-\xc5][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")


class Lines:
    """The lines of a stream with their line ends, past any byte order mark.

    Iterating raises ``ReadError`` for a byte that is not text in the
    encoding, a NUL byte, a line in UTF-8 amid a code page, or a line longer
    than ``MAX_LINE``. ``ended`` tells whether the last line has been given.
    """

    def __init__(self, stream: BinaryIO, encoding: Encoding) -> None:
        stream.seek(encoding.bom)
        wide = encoding.codec.startswith("utf-16")
        blocks = _wide_blocks if wide else _byte_blocks
        self.ended = False
        # Lines are split by StringIO, so that no Python code runs per line.
        texts = self._marking_end(blocks(stream, encoding))
        self._lines = itertools.chain.from_iterable(map(_split, texts))

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def _marking_end(self, blocks: Iterator[str]) -> Iterator[str]:
        yield from blocks
        self.ended = True


def _split(text: str) -> io.StringIO:
    return io.StringIO(text, newline="\n")


def _byte_blocks(stream: BinaryIO, encoding: Encoding) -> Iterator[str]:
    number, offset, rest = 1, encoding.bom, b""
    while True:
        block = stream.read(BLOCK)
        data = rest + block
        if not block:
            if data:
                yield _decoded(data, number, offset, encoding)
            return

        cut = data.rfind(b"\n") + 1
        if not cut:
            if len(data) > MAX_LINE:
                raise ReadError(_too_long(number))
            rest = data
            continue
        piece, rest = data[:cut], data[cut:]
        yield _decoded(piece, number, offset, encoding)
        number += piece.count(b"\n")
        offset += len(piece)


def _decoded(piece: bytes, number: int, offset: int, encoding: Encoding) -> str:
    nul = piece.find(b"\0")
    if nul >= 0:
        raise ReadError(_nul(number + piece.count(b"\n", 0, nul), offset + nul))
    try:
        text = piece.decode(encoding.codec)
    except UnicodeDecodeError as error:
        line = number + piece.count(b"\n", 0, error.start)
        problem = _undecodable(piece[error.start], line, offset + error.start, encoding)
        raise ReadError(problem) from None

    if encoding.legacy and not piece.isascii():
        _refuse_utf8_lines(piece, number, encoding)
    return text


def _refuse_utf8_lines(piece: bytes, number: int, encoding: Encoding) -> None:
    checked = -1
    for found in _LATIN_UTF8.finditer(piece):
        start = piece.rfind(b"\n", 0, found.start()) + 1
        if start == checked:
            continue
        checked = start
        end = piece.find(b"\n", found.end())
        if looks_like_utf8(piece[start : len(piece) if end < 0 else end]):
            line = number + piece.count(b"\n", 0, start)
            raise ReadError(_mixed(line, encoding))


def _wide_blocks(stream: BinaryIO, encoding: Encoding) -> Iterator[str]:
    # Lone surrogates pass the decoder so that they can be found in their line
    # and named there.
    decoder = codecs.getincrementaldecoder(encoding.codec)("surrogatepass")
    number, offset, rest = 1, encoding.bom, ""
    while True:
        block = stream.read(BLOCK)
        text = rest + _decode(decoder, block, number)
        if not block:
            if text:
                yield _checked(text, number, offset, encoding)
            return

        cut = text.rfind("\n") + 1
        if not cut:
            if len(text) > MAX_LINE:
                raise ReadError(_too_long(number))
            rest = text
            continue
        piece, rest = text[:cut], text[cut:]
        yield _checked(piece, number, offset, encoding)
        number += piece.count("\n")
        offset += len(piece.encode(encoding.codec, "surrogatepass"))


def _decode(decoder: codecs.IncrementalDecoder, block: bytes, number: int) -> str:
    try:
        return decoder.decode(block, final=not block)
    except UnicodeDecodeError:
        raise ReadError(_cut_character(number)) from None


def _checked(piece: str, number: int, offset: int, encoding: Encoding) -> str:
    nul = piece.find("\0")
    if nul >= 0:
        line, at = _place(piece, nul, number, offset, encoding)
        raise ReadError(_nul(line, at))

    broken = _SURROGATE.search(piece)
    if broken is not None:
        line, at = _place(piece, broken.start(), number, offset, encoding)
        raise ReadError(
            Problem(
                line,
                "",
                "",
                f"Line {line} holds a broken UTF-16 character at byte offset {at}.",
            )
        )
    return piece


def _place(
    piece: str, index: int, number: int, offset: int, encoding: Encoding
) -> tuple[int, int]:
    head = piece[:index]
    return number + head.count("\n"), offset + len(
        head.encode(encoding.codec, "surrogatepass")
    )


def _undecodable(byte: int, number: int, offset: int, encoding: Encoding) -> Problem:
    where = f"byte 0x{byte:02X} at offset {offset} on line {number}"
    if encoding.codec == "utf-8":
        problem = (
            f"The file is read as UTF-8, but {where} is not UTF-8: the file is in "
            "another encoding or mixes encodings. Declare its encoding, or save "
            "it again in one encoding."
        )
    else:
        problem = (
            f"The file is read as {encoding.name}, but {where} is not a character "
            f"in {encoding.name}. Declare the right encoding."
        )
    return Problem(number, "", f"0x{byte:02X}", problem, accepted=", ".join(ENCODINGS))


def _mixed(number: int, encoding: Encoding) -> Problem:
    return Problem(
        number,
        "",
        "",
        f"Line {number} looks UTF-8 encoded while the rest of the file is read "
        f"as {encoding.name}: the file mixes encodings. Save it again in one "
        "encoding.",
    )


def _nul(number: int, offset: int) -> Problem:
    return Problem(
        number,
        "",
        "",
        f"Line {number} holds a NUL byte (at byte offset {offset}): this is not a "
        "text file, or it is UTF-16 without a byte order mark; then declare the "
        "encoding utf-16.",
    )


def _too_long(number: int) -> Problem:
    return Problem(
        number,
        "",
        "",
        f"Line {number} is longer than {MAX_LINE >> 20} MiB: the file is not a "
        "table of lines, or its lines do not end with a newline.",
    )


def _cut_character(number: int) -> Problem:
    return Problem(
        number,
        "",
        "",
        f"The file ends in the middle of a UTF-16 character on line {number}: it "
        "is truncated.",
    )
