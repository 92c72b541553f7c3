"""Reading tables to import: CSV in its encodings, XLSX, KoboToolbox JSON."""

import datetime as dt
import hashlib
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest

from flexwatch.ingest.problems import Problem
from flexwatch.ingest.readers import Format, ReadError, Row, open_table
from tests.conftest import shared_file

CSV = Format("csv")
KOBO = "data/kobo/robotoolbox_fixture_kobo_data_group_names.json"


def _file(tmp_path: Path, data: bytes, name: str = "upload.tmp") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _read(path: Path, fmt: Format = CSV, **options) -> tuple[list[str], list[Row]]:
    with open_table(path, fmt, **options) as table:
        return table.columns, list(table.rows())


def _cells(columns, values) -> dict[str, str]:
    """Values by column; columns beyond the values are empty."""
    padded = [*values, *[""] * (len(columns) - len(values))]
    return dict(zip(columns, padded, strict=True))


def _encoding(path: Path, fmt: Format = CSV) -> str:
    with open_table(path, fmt) as table:
        return table.encoding


def _refusal(path: Path, fmt: Format = CSV, **options) -> Problem:
    with pytest.raises(ReadError) as caught:
        _read(path, fmt, **options)
    return caught.value.problem


# Encodings -------------------------------------------------------------------

POLISH = "id;nazwisko;miasto\n1;Zażółć gęślą jaźń;Łódź\n2;Świętosław;Kraków\n"
ESTONIAN = "id;nimi;linn\n1;Tõnu Šõmer;Pärnu\n2;Žanna Öövel;Võru\n"
FINNISH = "id;nimi;kunta\n1;Äijä Åström;Hämeenlinna\n2;Töölö;Jyväskylä\n"


@pytest.mark.parametrize(
    ("text", "page"), [(POLISH, "cp1250"), (ESTONIAN, "cp1257"), (FINNISH, "cp1252")]
)
def test_a_code_page_is_detected_by_its_letters_and_decoded_right(tmp_path, text, page):
    path = _file(tmp_path, text.encode(page))

    columns, rows = _read(path)

    assert _encoding(path) == page
    assert [list(row.values.values()) for row in rows] == [
        line.split(";") for line in text.splitlines()[1:]
    ]
    assert columns == text.splitlines()[0].split(";")


@pytest.mark.parametrize(
    ("encoded", "name"),
    [
        ("\ufeffa,b\nä,ö\n".encode(), "utf-8-sig"),
        ("a,b\nä,ö\n".encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + "a,b\nä,ö\n".encode("utf-16-be"), "utf-16"),
        ("a,b\nä,ö\n".encode(), "utf-8"),
    ],
)
def test_unicode_is_told_by_its_byte_order_mark_or_by_being_valid(
    tmp_path, encoded, name
):
    path = _file(tmp_path, encoded)

    columns, rows = _read(path)

    assert (_encoding(path), columns, rows[0].values) == (
        name,
        ["a", "b"],
        {"a": "ä", "b": "ö"},
    )


def test_the_sample_starts_where_the_first_letter_beyond_ascii_is(tmp_path):
    ascii_rows = "".join(f"{n},Jan,Warszawa\n" for n in range(20_000))
    text = "id,name,town\n" + ascii_rows + "20000,Paweł,Łódź\n"
    path = _file(tmp_path, text.encode("cp1250"))

    _columns, rows = _read(path)

    assert rows[-1].values == {"id": "20000", "name": "Paweł", "town": "Łódź"}


def test_polish_capitals_that_happen_to_be_utf8_bytes_are_not_taken_for_it(
    tmp_path,
):
    # "ÓŁ" in cp1250 is D3 A3, a valid UTF-8 sequence (a Cyrillic letter).
    text = "id;firma\n1;SPÓŁKA Z O.O. żółw\n2;PÓŁNOC\n"
    path = _file(tmp_path, text.encode("cp1250"))

    _columns, rows = _read(path, Format("csv", encoding="cp1250"))

    assert [row.values["firma"] for row in rows] == ["SPÓŁKA Z O.O. żółw", "PÓŁNOC"]


def test_a_declared_encoding_is_used_as_declared(tmp_path):
    path = _file(tmp_path, ESTONIAN.encode("cp1257"))

    _columns, rows = _read(path, Format("csv", encoding="cp1252"))

    assert rows[0].values["nimi"] == "Tõnu Ðõmer"


def test_utf8_declared_on_a_cp1250_file_is_refused_at_the_row(tmp_path):
    path = _file(tmp_path, POLISH.encode("cp1250"))

    problem = _refusal(path, Format("csv", encoding="utf-8"), name="sprawy.csv")

    assert (problem.row, problem.file) == (2, "sprawy.csv")
    assert "not UTF-8" in problem.problem and "line 2" in problem.problem


def test_a_bad_byte_after_the_sample_names_its_line_and_offset(tmp_path):
    head = "id,name\n" + "".join(f"{n},Mäkelä\n" for n in range(10_000))
    data = head.encode() + b"10000,M\xe4kel\xe4\n"
    path = _file(tmp_path, data)

    problem = _refusal(path)

    assert problem.row == 10_002
    assert f"offset {len(head.encode()) + 7}" in problem.problem
    assert problem.value == "0xE4"


@pytest.mark.parametrize("declared", ["auto", "cp1250"])
def test_a_utf8_line_in_a_code_page_file_is_refused_as_mixed(tmp_path, declared):
    data = POLISH.encode("cp1250") + "3;Wąs Żaneta;Gdańsk\n".encode()
    path = _file(tmp_path, data)

    problem = _refusal(path, Format("csv", encoding=declared))

    assert problem.row == 4
    assert "looks UTF-8 encoded while the rest of the file is read as cp1250" in (
        problem.problem
    )
    assert "Żaneta" not in str(problem) and problem.value == ""


def test_a_byte_the_code_page_lacks_is_named(tmp_path):
    path = _file(tmp_path, b"a,b\n1,x\x81y\n")

    problem = _refusal(path, Format("csv", encoding="cp1252"))

    assert problem.row == 2 and "0x81" in problem.problem


def test_a_byte_order_mark_against_the_declaration_is_refused(tmp_path):
    path = _file(tmp_path, "a,b\n1,2\n".encode("utf-16"))

    problem = _refusal(path, Format("csv", encoding="cp1252"))

    assert "UTF-16 byte order mark" in problem.problem
    assert problem.accepted == "auto, utf-16"


def test_utf16_without_a_mark_reads_when_declared(tmp_path):
    path = _file(tmp_path, "a\tb\r\n1\tŻ\r\n".encode("utf-16-le"))

    _columns, rows = _read(path, Format("csv", encoding="utf-16"))

    assert rows == [Row(2, {"a": "1", "b": "Ż"})]


def test_utf16_without_a_mark_undeclared_is_refused_with_a_hint(tmp_path):
    path = _file(tmp_path, "a,b\n1,2\n".encode("utf-16-le"))

    problem = _refusal(path)

    assert problem.row == 1 and "NUL byte" in problem.problem
    assert "utf-16" in problem.problem


def test_a_truncated_utf16_file_is_refused(tmp_path):
    path = _file(tmp_path, "a,b\n1,2\n".encode("utf-16")[:-1])

    problem = _refusal(path)

    assert "middle of a UTF-16 character" in problem.problem and problem.row == 2


def test_a_broken_utf16_character_names_its_line(tmp_path):
    data = "a,b\n1,2\n".encode("utf-16") + b"\x00\xd8,\x00\n\x00"

    problem = _refusal(_file(tmp_path, data))

    assert problem.row == 3 and "broken UTF-16 character" in problem.problem


# Records ---------------------------------------------------------------------


def test_a_quoted_cell_left_open_at_the_end_is_refused_where_it_began(tmp_path):
    path = _file(tmp_path, b'id,story\n1,"short"\n2,"it began\nand went on\n')

    problem = _refusal(path, name="cases.csv")

    assert (problem.row, problem.file) == (3, "cases.csv")
    assert "not closed before the end of the file" in problem.problem
    assert str(problem).startswith("cases.csv, row 3: ")


def test_a_nul_byte_is_refused_at_its_line(tmp_path):
    path = _file(tmp_path, b"a,b\n1,2\n3,\x004\n")

    problem = _refusal(path)

    assert problem.row == 3 and "NUL byte (at byte offset 10)" in problem.problem


def test_a_stray_quote_is_refused_at_its_record(tmp_path):
    path = _file(tmp_path, b'a,b\n1,"two"x\n')

    problem = _refusal(path)

    assert problem.row == 2 and "quote in the wrong place" in problem.problem


def test_bare_carriage_returns_as_line_ends_are_refused(tmp_path):
    path = _file(tmp_path, b"a,b\r1,2\r3,4\r")

    problem = _refusal(path)

    assert problem.row == 1 and "bare carriage return" in problem.problem


def test_a_line_beyond_the_limit_is_refused_unread(tmp_path):
    path = _file(tmp_path, b"a,b\n1," + b"x" * (5 << 20))

    problem = _refusal(path)

    assert problem.row == 2 and "longer than 4 MiB" in problem.problem


def test_rows_are_numbered_by_the_line_where_they_begin(tmp_path):
    data = b'id,story\r\n\r\n1,"two\r\nlines"\r\n\r\n2,one\r\n'

    _columns, rows = _read(_file(tmp_path, data))

    assert rows == [
        Row(3, {"id": "1", "story": "two\r\nlines"}),
        Row(6, {"id": "2", "story": "one"}),
    ]


def test_blank_lines_and_rows_of_empty_cells_are_skipped(tmp_path):
    data = b"\n\na,b\n\n,\n , \n1,2\n"

    columns, rows = _read(_file(tmp_path, data))

    assert columns == ["a", "b"]
    assert rows == [Row(7, {"a": "1", "b": "2"})]


def test_a_row_of_the_wrong_width_is_given_with_its_problem(tmp_path):
    data = b"a,b,c,d,e,f,g\n1,2,3,4,5\n1,2,3,4,5,6,7,8\n"

    _columns, rows = _read(_file(tmp_path, data), name="x.csv")

    short, long = rows
    assert short.values == _cells("abcdefg", "12345")
    assert short.problem == Problem(
        2, "", "", "This row has 5 cells, the header has 7.", file="x.csv"
    )
    assert long.values == _cells("abcdefg", "1234567")
    assert long.problem is not None
    assert "has 8 cells, the header has 7" in long.problem.problem


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_found_in_the_header(tmp_path, delimiter):
    header = delimiter.join(["id", '"a,b;c"', "sex"])
    data = f'{header}\n1{delimiter}"x,y;z"{delimiter}F\n'.encode()

    columns, rows = _read(_file(tmp_path, data))

    assert columns == ["id", "a,b;c", "sex"]
    assert rows[0].values == {"id": "1", "a,b;c": "x,y;z", "sex": "F"}


def test_a_declared_delimiter_is_used(tmp_path):
    data = b"a;b,c\n1;2,3\n"

    columns, _rows = _read(_file(tmp_path, data), Format("csv", delimiter=","))

    assert columns == ["a;b", "c"]


# Headers ---------------------------------------------------------------------


def test_header_cells_lose_whitespace_and_a_byte_order_mark(tmp_path):
    data = "\ufeff id , name\t\n1,Anna\n".encode()

    columns, _rows = _read(_file(tmp_path, data), Format("csv", encoding="utf-8"))

    assert columns == ["id", "name"]


def test_a_duplicated_header_names_the_column_and_both_places(tmp_path):
    path = _file(tmp_path, b"id,sex,age, sex\n1,F,30,F\n")

    problem = _refusal(path)

    assert problem.column == "sex"
    assert "positions 2 and 4" in problem.problem


def test_a_value_under_an_empty_header_cell_is_refused(tmp_path):
    path = _file(tmp_path, b"id,,age\n1,,30\n2,x,31\n")

    problem = _refusal(path)

    assert (problem.row, problem.column) == (3, "column 2")
    assert "no name in the header" in problem.problem


def test_an_empty_trailing_column_is_left_out(tmp_path):
    columns, rows = _read(_file(tmp_path, b"id,age,\n1,30,\n"))

    assert columns == ["id", "age"]
    assert rows == [Row(2, {"id": "1", "age": "30"})]


@pytest.mark.parametrize("data", [b"", b"\n\r\n  \n", "\ufeff".encode()])
def test_an_empty_file_is_refused(tmp_path, data):
    problem = _refusal(_file(tmp_path, data))

    assert problem.problem == "The table is empty: it has no header row."


def test_a_header_alone_is_a_table_without_rows(tmp_path):
    assert _read(_file(tmp_path, b"id,age\n")) == (["id", "age"], [])


# Streaming, size, digest -------------------------------------------------------


def test_a_large_file_is_streamed_with_its_position_and_digest(tmp_path):
    story = "x" * 10_000
    lines = [f"{n},{story}\n" for n in range(3_000)]
    data = ("id,story\n" + "".join(lines)).encode()
    path = _file(tmp_path, data)

    tracemalloc.start()
    try:
        with open_table(path, CSV) as table:
            assert table.sha256 == hashlib.sha256(data).hexdigest()
            rows = table.rows()
            next(rows)
            early = table.position
            count = 1 + sum(1 for _ in rows)
            last = table.position
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (count, table.size, last) == (3_000, len(data), len(data))
    assert early < len(data) / 10
    assert peak < len(data) / 3


def _kobo_file(tmp_path: Path) -> Path:
    return _file(tmp_path, json.dumps({"results": [{"a": 1}, {"a": 2}]}).encode())


@pytest.mark.parametrize(
    ("fmt", "made"),
    [
        (CSV, lambda tmp_path: _file(tmp_path, b"a\n1\n2\n")),
        (
            Format("xlsx"),
            lambda tmp_path: _workbook(tmp_path, {"S": [["a"], [1], [2]]}),
        ),
        (Format("kobo_json"), _kobo_file),
    ],
    ids=["csv", "xlsx", "kobo_json"],
)
def test_progress_reaches_the_size_of_the_file(tmp_path, fmt, made):
    path = made(tmp_path)

    with open_table(path, fmt) as table:
        values = [row.values["a"] for row in table.rows()]
        assert (table.position, table.size) == (path.stat().st_size,) * 2

    assert values == ["1", "2"]
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# Groups of KoboToolbox and ODK -------------------------------------------------


def test_group_prefixes_of_a_csv_are_joined_into_the_question(tmp_path):
    data = b"id,v1-hh_sex,v2-hh_sex\n1,Female,\n2,,Male\n3,Male,Male\n4,Female,Male\n"

    columns, rows = _read(_file(tmp_path, data), Format("csv", group_separator="-"))

    assert columns == ["id", "hh_sex"]
    assert [row.values["hh_sex"] for row in rows] == [
        "Female",
        "Male",
        "Male",
        "Female",
    ]
    assert [row.problem for row in rows[:3]] == [None, None, None]
    problem = rows[3].problem
    assert problem is not None and (problem.row, problem.column) == (5, "hh_sex")
    assert "'v1-hh_sex' and 'v2-hh_sex'" in problem.problem
    assert "Male" not in problem.problem and problem.value == ""


def test_kobo_json_with_renamed_groups_reads_as_one_question():
    path = shared_file(KOBO)

    columns, rows = _read(path, Format("kobo_json", group_separator="/"))

    assert columns.count("hh_sex") == 1 and "v1/hh_sex" not in columns
    assert [row.values["hh_sex"] for row in rows] == ["1", "1", "2", "1", "2", "1"]
    assert [row.number for row in rows] == [1, 2, 3, 4, 5, 6]
    assert all(row.problem is None for row in rows)
    first = rows[0].values
    assert (first["_id"], first["pet_type"], first["_geolocation"]) == (
        "29076619",
        "2 4",
        "",
    )
    assert (first["_validation_status"], first["_submitted_by"]) == ("", "")


def test_kobo_json_columns_are_every_key_in_first_seen_order():
    path = shared_file(KOBO)

    columns, rows = _read(path, Format("kobo_json"))

    versions = [column for column in columns if column.endswith("/hh_sex")]
    assert versions == ["v1/hh_sex", "v2/hh_sex", "v0/hh_sex"]
    assert rows[5].values["v0/hh_sex"] == "1" and rows[5].values["v1/hh_sex"] == ""


def test_a_bare_list_of_submissions_turns_values_into_text(tmp_path):
    submissions = [
        {"a": 1.0, "b": True, "c": None, "d": [1, "x"]},
        {"e": {"k": [1, 2]}, "f": [{"q": "r"}], "a": 0.5},
    ]
    path = _file(tmp_path, json.dumps(submissions).encode())

    columns, rows = _read(path, Format("kobo_json"))

    assert columns == ["a", "b", "c", "d", "e", "f"]
    assert rows[0].values == {"a": "1", "b": "1", "c": "", "d": "1 x", "e": "", "f": ""}
    assert rows[1].values["e"] == '{"k":[1,2]}'
    assert rows[1].values["f"] == '[{"q":"r"}]'
    assert rows[1].values["a"] == "0.5"


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"id,name\n1,x\n", "not valid JSON: line 1, column 1"),
        (b'{"count": 0}', 'a "results" list'),
        (b"42", "not a list of submissions"),
        (b"[]", "holds no submissions"),
        (b'[{"a": 1}, ["b"]]', "Submission 2 is a JSON list"),
        (b'{"a": "\xe4"}', "not utf-8"),
        (b'[{"a": 1%s}]' % (b"0" * 5000), "a number in it is too long"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deep"),
    ],
)
def test_json_that_is_no_list_of_submissions_is_refused(tmp_path, data, says):
    problem = _refusal(_file(tmp_path, data), Format("kobo_json"))

    assert says in problem.problem


# XLSX ------------------------------------------------------------------------


def _workbook(tmp_path: Path, sheets: dict[str, list[list]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for number, row in enumerate(rows, start=1):
            for column, value in enumerate(row, start=1):
                sheet.cell(number, column, value)
    path = tmp_path / "cases.xlsx"
    workbook.save(path)
    return path


def test_a_workbook_gives_its_cells_as_text(tmp_path):
    path = _workbook(
        tmp_path,
        {
            "Cases": [
                ["id", " born ", "seen", "share", "minor", "note"],
                [12.0, dt.date(1990, 5, 1), dt.datetime(2024, 3, 2, 14, 30), 0.1 + 0.2],
                [],
                [3, dt.datetime(2001, 1, 2), None, 1e-5, True, "Łódź"],
            ]
        },
    )

    columns, rows = _read(path, Format("xlsx"))

    assert columns == ["id", "born", "seen", "share", "minor", "note"]
    assert rows == [
        Row(
            2,
            _cells(columns, ["12", "1990-05-01", "2024-03-02T14:30:00", "0.3"]),
        ),
        Row(4, _cells(columns, ["3", "2001-01-02", "", "1e-05", "1", "Łódź"])),
    ]


def test_a_sheet_is_chosen_by_name_and_an_unknown_one_is_listed(tmp_path):
    path = _workbook(tmp_path, {"Notes": [["x"]], "Cases": [["id"], [7]]})

    columns, rows = _read(path, Format("xlsx", sheet="Cases"))
    problem = _refusal(path, Format("xlsx", sheet="Victims"))

    assert (columns, rows) == (["id"], [Row(2, {"id": "7"})])
    assert problem.accepted == "Notes, Cases"
    assert "no sheet named 'Victims'" in problem.problem


def test_a_value_beyond_the_header_of_a_sheet_is_a_row_problem(tmp_path):
    path = _workbook(tmp_path, {"S": [["a", "b"], [1], [1, 2, 3]]})

    _columns, rows = _read(path, Format("xlsx"))

    assert rows[0] == Row(2, {"a": "1", "b": ""})
    assert rows[1].problem is not None
    assert "has 3 cells, the header has 2" in rows[1].problem.problem


def test_rows_past_a_wrong_declared_dimension_are_read(tmp_path):
    path = _workbook(tmp_path, {"S": [["a"], [1], [2], [3]]})
    _rewrite(path, "xl/worksheets/sheet1.xml", b'ref="A1:A4"', b'ref="A1:A2"')

    _columns, rows = _read(path, Format("xlsx"))

    assert [row.values["a"] for row in rows] == ["1", "2", "3"]


def _rewrite(path: Path, member: str, old: bytes, new: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    assert old in parts[member]
    parts[member] = parts[member].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return _file(tmp_path, buffer.getvalue(), "cases.xlsx")


@pytest.mark.parametrize(
    "members", [None, {"word/document.xml": b"<w/>"}], ids=["not-a-zip", "a-docx"]
)
def test_a_file_that_is_no_workbook_is_refused(tmp_path, members):
    path = _zip(tmp_path, members) if members else _file(tmp_path, b"id,name\n")

    problem = _refusal(path, Format("xlsx"))

    assert problem.problem == "The file is not an XLSX workbook."


def test_an_old_excel_file_gets_a_hint(tmp_path):
    path = _file(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))

    problem = _refusal(path, Format("xlsx"))

    assert "old Excel .xls file" in problem.problem


def test_a_zip_bomb_posing_as_a_workbook_is_refused_unopened(tmp_path):
    path = _zip(
        tmp_path,
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(4 << 20)},
    )

    problem = _refusal(path, Format("xlsx"))

    assert "possible zip bomb" in problem.problem
    assert "xl/worksheets/sheet1.xml is compressed more than 100 to one" in (
        problem.problem
    )


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(tmp_path):
    path = _workbook(tmp_path, {"S": [["a"], [1]]})

    problem = _refusal(path, Format("xlsx"), max_unpacked=1_000)

    assert "over the limit of 1000" in problem.problem


def test_a_damaged_workbook_is_refused(tmp_path):
    path = _zip(tmp_path, {"xl/workbook.xml": b"<not xml", "[Content_Types].xml": b""})

    problem = _refusal(path, Format("xlsx"), name="book.xlsx")

    assert problem.file == "book.xlsx"
    assert "damaged or not in the XLSX format" in problem.problem


# Formats and files -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "setting", "accepted"),
    [
        (Format("csv", encoding="latin-9"), "encoding", "auto, utf-8, utf-8-sig"),
        (Format("csv", delimiter=":"), "delimiter", "'auto', ',', ';', '\\t', '|'"),
        (Format("ods"), "kind", "csv, xlsx, kobo_json"),
    ],
)
def test_an_unknown_setting_is_refused_with_what_is_known(
    tmp_path, fmt, setting, accepted
):
    problem = _refusal(_file(tmp_path, b"a\n1\n"), fmt)

    assert problem.column == setting and problem.accepted.startswith(accepted)


def test_a_missing_file_is_a_read_error(tmp_path):
    problem = _refusal(tmp_path / "gone.csv", name="gone.csv")

    assert problem.file == "gone.csv" and "cannot be read" in problem.problem
