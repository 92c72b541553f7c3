"""The readers under arbitrary input: rows or a ReadError, never anything else."""

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.ingest.encodings import CODE_PAGES, ENCODINGS
from flexwatch.ingest.readers import Format, ReadError, Row, open_table

DELIMITERS = ["auto", ",", ";", "\t", "|"]
UNICODE = ["utf-8", "utf-8-sig", "utf-16"]

# Bytes that matter to a CSV reader, so that fuzzing meets them often.
PIECES = [
    b",", b";", b"\t", b"|", b'"', b"\n", b"\r\n", b"\r", b" ", b"a", b"1", b"\x00",
    b"\xe4", b"\x81", b"\xc3\xa4", b"\xc4\x85", b"\xef\xbb\xbf", b"\xff\xfe",
    b"\xfe\xff", b"\x00\xd8", b"\xd0\xcf\x11\xe0",
]  # fmt: skip
csv_like = st.binary(max_size=300) | st.lists(st.sampled_from(PIECES)).map(b"".join)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _outcome(path: Path, fmt: Format) -> list[Row] | ReadError:
    try:
        with open_table(path, fmt, name="input") as table:
            rows = list(table.rows())
    except ReadError as error:
        assert error.problem.file == "input"
        return error

    for row in rows:
        assert list(row.values) == table.columns
        assert all(isinstance(value, str) for value in row.values.values())
    return rows


@given(
    data=csv_like,
    encoding=st.sampled_from(ENCODINGS),
    delimiter=st.sampled_from(DELIMITERS),
    separator=st.sampled_from([None, "/", "-"]),
)
def test_any_bytes_as_csv_give_rows_or_a_read_error(
    folder, data, encoding, delimiter, separator
):
    path = folder / "any.csv"
    path.write_bytes(data)

    _outcome(path, Format("csv", encoding, delimiter, group_separator=separator))


@given(data=st.binary(max_size=300))
def test_any_bytes_as_xlsx_give_a_read_error(folder, data):
    path = folder / "any.xlsx"
    path.write_bytes(data)

    assert isinstance(_outcome(path, Format("xlsx")), ReadError)


@pytest.fixture(scope="module")
def workbook_parts() -> dict[str, bytes]:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (["id", "born", "sex"], [1, "1990-01-02", "F"], [2.5, True, None]):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _damaged(original: bytes) -> st.SearchStrategy[bytes]:
    cut = st.integers(0, len(original)).map(lambda n: original[:n])
    flipped = st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)).map(
        lambda change: (
            original[: change[0]] + bytes([change[1]]) + original[change[0] + 1 :]
        )
    )
    return st.binary(max_size=200) | cut | flipped


@given(data=st.data())
def test_a_workbook_with_a_damaged_part_gives_rows_or_a_read_error(
    folder, workbook_parts, data
):
    name = data.draw(st.sampled_from(sorted(workbook_parts)))
    parts = {**workbook_parts, name: data.draw(_damaged(workbook_parts[name]))}
    path = folder / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for part, content in parts.items():
            archive.writestr(part, content)

    _outcome(path, Format("xlsx"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(
    data=csv_like | json_values.map(lambda value: json.dumps(value).encode()),
    encoding=st.sampled_from(ENCODINGS),
)
def test_any_bytes_as_json_give_rows_or_a_read_error(folder, data, encoding):
    path = folder / "any.json"
    path.write_bytes(data)

    _outcome(path, Format("kobo_json", encoding=encoding))


@st.composite
def tables(draw, alphabet: st.SearchStrategy[str]) -> list[list[str]]:
    names = st.text(alphabet, min_size=1, max_size=8).filter(
        lambda name: name == name.strip() and name and not name.startswith("\ufeff")
    )
    header = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    cells = st.text(alphabet, max_size=10)
    width = len(header)
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=5))
    return [header, *rows]


def _alphabet(encoding: str) -> st.SearchStrategy[str]:
    if encoding in CODE_PAGES:
        letters = bytes(range(1, 256)).decode(encoding, errors="ignore")
        return st.sampled_from(sorted(letters))
    return st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


@given(data=st.data(), encoding=st.sampled_from(UNICODE + list(CODE_PAGES)))
def test_a_table_written_with_csv_reads_back_the_same(folder, data, encoding):
    table = data.draw(tables(_alphabet(encoding)))
    delimiter = data.draw(st.sampled_from(DELIMITERS[1:]))
    declared = data.draw(st.sampled_from(["auto", encoding]))
    if encoding in CODE_PAGES:
        declared = encoding  # detection may fairly choose a kindred page
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter).writerows(table)
    encoded = text.getvalue().encode(encoding)
    path = folder / "round.csv"
    path.write_bytes(encoded)

    outcome = _outcome(path, Format("csv", declared, delimiter))

    if isinstance(outcome, ReadError):
        # Text in a code page may spell bytes that are valid UTF-8 Latin text:
        # such a line is refused as mixed, and must truly be UTF-8.
        problem = outcome.problem
        assert encoding in CODE_PAGES and "looks UTF-8" in problem.problem
        line = encoded.split(b"\n")[problem.row - 1]
        assert not line.isascii() and line.decode("utf-8")
        return
    kept = [row for row in table[1:] if "".join(row).strip()]
    assert [list(row.values.values()) for row in outcome] == kept
