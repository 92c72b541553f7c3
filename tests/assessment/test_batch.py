"""Many cases at once: JSON Lines and CSV in, one checked JSON line per result out."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flexwatch.assessment import batch, engine, explain, frameworks

SCREEN = engine.default()
DELPHI = "ilo_ec_delphi_2009"
VICTIM = [
    "dr.nature_of_job",
    "dr.wages",
    "ex.excessive_hours",
    "ex.low_wages",
    "cd.documents",
    "cd.violence",
]


def run(lines, fmt="jsonl", **options):
    settings = batch.Settings(**({"frameworks": (DELPHI,), "trace": False} | options))
    return [json.loads(line) for line in batch.assess_lines(lines, fmt, settings)]


def jsonl(*cases):
    return [json.dumps(case) + "\n" for case in cases]


def test_a_json_line_becomes_a_result_line():
    (found,) = run(jsonl({"id": "c1", "age": 34, "observed": VICTIM}))

    assert found["id"] == "c1"
    assert found["framework"] == DELPHI
    assert found["population"] == "adult"
    assert found["dimensions"] == {
        "dr": True,
        "cr": False,
        "rv": False,
        "ex": True,
        "cd": True,
        "vd": False,
    }
    assert found["victim"] is True
    assert found["continuum"] == "forced_labour"
    assert found["continuum_gaps"] == ["labour_exploitation"]
    assert found["provisional"] is False
    assert found["ask_next"] == []
    assert found["rules"] == {
        "framework": DELPHI,
        "version": "1.0",
        "crosswalk": "1.0",
        "continuum": "1.0",
        "applied": ["delphi_victim_rule_adult"],
    }
    assert found["notice"].startswith("Decision support, not a legal finding")
    assert "trace" not in found


def test_each_framework_names_its_own_verdict_field():
    found = run(
        jsonl({"id": 7, "age": 40, "observed": ["fl.documents"]}), frameworks=("all",)
    )

    assert [f["framework"] for f in found] == [
        "ilo_ec_delphi_2009",
        "ilo_11_indicators_2012",
        "icls_2018_forced_labour",
        "palermo_protocol_2000_art3",
    ]
    assert found[1]["indicators_present"] == ["fl.documents"]
    assert found[2]["forced_labour"] is False
    assert found[3]["trafficking"] is False
    assert all(f["id"] == 7 for f in found)


def test_with_the_age_unknown_a_line_gives_both_and_what_they_agree_on():
    (found,) = run(jsonl({"id": "c", "observed": VICTIM[:4]}))

    assert found["population"] == "unknown"
    assert found["victim"] is None
    assert found["if_adult"]["victim"] is False
    assert found["if_child"]["victim"] is True
    assert found["if_child"]["provisional"] is True
    assert found["dimensions"]["dr"] is True
    assert found["rules"]["applied"] == [
        "delphi_victim_rule_adult",
        "delphi_victim_rule_child",
    ]


def test_the_trace_comes_in_the_language_asked_for():
    (found,) = run(
        jsonl({"id": "c", "age": 30, "observed": VICTIM}), trace=True, language="et"
    )

    assert found["trace"][-1]["step"] == "notice"
    assert found["trace"][-1]["text"].startswith("Otsustamise tugi")
    assert found["notice"].startswith("Otsustamise tugi")


def test_a_csv_file_has_the_same_columns_with_ids_separated_by_semicolons():
    lines = [
        "id,age,observed,not_observed,unknown\n",
        f"c1,34,{';'.join(VICTIM)},,\n",
        "c2,,cd.documents; cd.violence,vd.dependency,\n",
        '"c,3",15,"ex.low_wages",,\n',
    ]

    found = run(lines, fmt="csv")

    assert [(f["id"], f["population"]) for f in found] == [
        ("c1", "adult"),
        ("c2", "unknown"),
        ("c,3", "child"),
    ]
    assert found[0]["victim"] is True
    assert found[1]["dimensions"]["cd"] is True
    assert "vd.dependency" not in found[1]["ask_next"]


def test_bytes_and_blank_lines_are_read_too():
    lines = [b'{"id": "a", "observed": []}\n', b"\n", b'{"id": "b"}\n']

    assert [f["id"] for f in run(lines)] == ["a", "b"]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            '{"id": "c", "observed": ["cd.pasport"]}',
            "'cd.pasport' is not an indicator id",
        ),
        ('{"id": "c", "observed": ["cd.documnts"]}', "nearest: cd.documents"),
        ('{"id": "c", "observed": "cd.documents"}', "give a list of indicator ids"),
        ('{"id": "c", "observed": [3]}', "holds 3; give indicator ids as text"),
        ('{"id": "c", "observed": [["cd.documents"]]}', "give indicator ids as text"),
        (
            '{"id": "c", "observed": ["cd.documents"], "unknown": ["cd.documents"]}',
            "given as both observed and unknown",
        ),
        ('{"id": "c", "age": -3}', "age -3 is outside 0 to 120"),
        ('{"id": "c", "age": "34"}', "age '34' is not a whole number"),
        ('{"id": "c", "age": true}', "age True is not a whole number"),
        ('{"observed": []}', "id None is not usable"),
        ('{"id": "", "observed": []}', "id '' is not usable"),
        (
            '{"id": "c", "observd": []}',
            "unknown field 'observd'; the fields are id, age",
        ),
        ('{"id": "c", "observed": [}', "not valid JSON"),
        ('["c", 34]', "expected an object such as"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line_and_what_is_accepted(line, problem):
    lines = [*jsonl({"id": "good"}), line + "\n"]

    with pytest.raises(batch.BadLine) as raised:
        run(lines)

    assert raised.value.line == 2
    assert str(raised.value).startswith("<input>, line 2: ")
    assert problem in str(raised.value)


def test_an_unknown_id_with_no_near_one_lists_the_ids_of_its_framework():
    with pytest.raises(
        batch.BadLine, match=r"its ids are fl\.abuse_of_vulnerability, "
    ):
        run(['{"id": "c", "observed": ["fl.zzzzzzzzzzzzzzz"]}\n'])


def test_the_results_of_lines_before_a_bad_one_are_not_yet_final():
    # The generator yields the first result before it reads the bad line:
    # keeping the output only when it finishes is the caller's part, as the
    # command line does with its temporary file.
    settings = batch.Settings(frameworks=(DELPHI,), source="cases.jsonl")
    found = batch.assess_lines([*jsonl({"id": "a"}), "nonsense\n"], "jsonl", settings)

    assert json.loads(next(found))["id"] == "a"
    with pytest.raises(batch.BadLine, match=r"^cases\.jsonl, line 2: not valid JSON"):
        next(found)


def test_skip_bad_reports_and_skips_bad_lines():
    settings = batch.Settings(frameworks=(DELPHI,), skip_bad=True)
    bad: list[batch.BadLine] = []
    tally = batch.Tally()
    lines = jsonl({"id": "a"}, {"id": "b", "observed": ["x.y"]}, {"id": "c"})

    found = list(
        batch.assess_lines(lines, "jsonl", settings, on_bad=bad.append, tally=tally)
    )

    assert [json.loads(f)["id"] for f in found] == ["a", "c"]
    assert [b.line for b in bad] == [2]
    assert (tally.cases, tally.written, tally.skipped) == (2, 2, 1)


def test_a_bad_csv_header_stops_even_with_skip_bad():
    settings = batch.Settings(frameworks=(DELPHI,), skip_bad=True)
    lines = ["case,observed\n", "c1,cd.documents\n"]

    with pytest.raises(
        batch.BadLine, match="line 1: the header must name the column id"
    ):
        list(batch.assess_lines(lines, "csv", settings))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("c1,old,,,\n", "age 'old' is not a whole number"),
        ("c1,34,cd.documents,,,extra\n", "more values than the header has columns"),
        ("c1,34,cd.passport,,\n", "'cd.passport' is not an indicator id"),
    ],
)
def test_a_bad_csv_row_is_refused_naming_its_line(row, problem):
    lines = ["id,age,observed,not_observed,unknown\n", "c0,,,,\n", row]

    with pytest.raises(batch.BadLine) as raised:
        run(lines, fmt="csv")

    assert raised.value.line == 3
    assert problem in raised.value.problem


@pytest.mark.parametrize(
    ("name", "given", "found"),
    [
        ("cases.jsonl", None, "jsonl"),
        ("CASES.CSV", None, "csv"),
        ("cases.ndjson", None, "jsonl"),
        ("-", None, "jsonl"),
        ("cases.txt", "csv", "csv"),
    ],
)
def test_the_format_comes_from_the_option_or_the_extension(name, given, found):
    assert batch.format_of(name, given) == found


@pytest.mark.parametrize(("name", "given"), [("cases.txt", None), ("a.csv", "xml")])
def test_an_unknown_format_is_refused_naming_the_accepted_ones(name, given):
    with pytest.raises(ValueError, match="jsonl or csv"):
        batch.format_of(name, given)


def test_an_unknown_language_is_refused_naming_the_accepted_ones():
    with pytest.raises(ValueError, match="use one of en, fi, et, pl"):
        batch.check_language("de")


def test_blocks_join_lines_without_losing_any():
    lines = [f"{n}\n" for n in range(10)]

    assert list(batch.blocks(lines, size=4)) == [
        "0\n1\n2\n3\n",
        "4\n5\n6\n7\n",
        "8\n9\n",
    ]


# The writer puts a line together from pieces for speed; it must be the same
# text as encoding the record whole.

WRITERS = {
    (trace, language): batch.Writer(
        SCREEN,
        explain.Explainer(SCREEN, frameworks.sentences()),
        batch.Settings(frameworks=SCREEN.framework_ids, trace=trace, language=language),
    )
    for trace in (False, True)
    for language in ("en", "pl")
}


@given(
    st.lists(st.sampled_from(sorted(SCREEN.ids)), max_size=12, unique=True),
    st.one_of(st.none(), st.integers(min_value=0, max_value=120)),
    st.one_of(st.text(min_size=1, max_size=8), st.integers()),
    st.sampled_from(SCREEN.framework_ids),
    st.sampled_from(sorted(WRITERS)),
)
def test_a_written_line_is_the_record_encoded_whole(observed, age, case_id, name, how):
    writer = WRITERS[how]
    case = batch.Case(1, case_id, age, SCREEN.observations(observed))
    result = SCREEN.assess(case.observations, age)

    line = writer.line(case, result, name)

    assert (
        line == json.dumps(writer.record(case, result, name), ensure_ascii=False) + "\n"
    )
