"""The real CTDC global dataset in, and out again as HTCDS 2.0.

Needs ``../shared/data/ctdc/``; skipped where it is absent.
"""

import csv
import re
from pathlib import Path

import pytest

from flexwatch import vocab
from flexwatch.cases import export, htcds
from flexwatch.cases.models import Case
from flexwatch.ingest import library, mapping, pipeline
from flexwatch.ingest.readers import open_table
from tests import factories
from tests.conftest import shared_file

CTDC = "data/ctdc/ctdc_global_dataset_k_anon_2018.csv"
SHIPPED = Path(library.__file__).parent / "profiles" / "ctdc-global.yaml"
# Each HTCDS field the round trip can check, with the case record's value
# it is exported from.
CHECKED = {
    "prs_Gender": ("sex", "sex"),
    "vic_RelationshipToTrafficker": (
        "recruiter_relationship",
        "recruiter_relationship",
    ),
    "vic_MethodsOfControl": ("means_of_control", "means_of_control"),
    "vic_TypeOfExploitation": ("exploitation_forms", "exploitation_form"),
    "vic_ForcedLabourIndustry": ("sector", "sector"),
}


@pytest.fixture
def ctdc() -> Path:
    return shared_file(CTDC)


def _run(ws, path: Path, **options):
    request = pipeline.Request(
        factories.actor(ws.user("admin")),
        ws.owner,
        library.shipped()["ctdc-global"],
        path,
        path.name,
        **options,
    )
    return pipeline.run(request)


def test_the_malformed_rows_are_reported_and_refuse_the_file(ws, ctdc):
    run = _run(ws, ctdc, dry_run=True)

    assert (run.rows_read, run.rows_empty) == (47_104, 2)
    assert {p.row for p in run.problems.all()} == {47_106, 47_107}
    years = run.problems.filter(column="yearOfRegistration")
    assert sorted(years.values_list("value", flat=True)) == ["139912", "1667367"]
    assert not Case.objects.exists()


def test_the_dataset_goes_in_and_comes_back_out_as_htcds(ws, ctdc, tmp_path):
    run = _run(ws, ctdc, skip_bad=True)
    out = tmp_path / "htcds.csv"
    export.run(ws.user("admin"), export.Request("htcds"), str(out))

    assert (run.status, run.cases_created) == ("committed", 47_102)
    assert not Case.objects.filter(is_synthetic=False).exists()
    with open(out, encoding="utf-8-sig", newline="") as exported:
        rows = list(csv.DictReader(exported))
    assert len(rows) == 47_102
    assert list(rows[0]) == htcds.field_names()
    expected = list(_expected(ctdc))
    for field, (name, vocabulary) in CHECKED.items():
        wanted = [_htcds(vocabulary, values[name]) for values in expected]
        assert [row[field] for row in rows] == wanted, field
    countries = [values["country"] for values in expected]
    exported_countries = [row["vic_LocationOfExploitation"] for row in rows]
    assert exported_countries == [c if c != "ZZ" else "" for c in countries]


def test_what_the_profile_does_not_read_is_listed_in_it(ctdc):
    profile = library.shipped()["ctdc-global"]
    with open(ctdc, encoding="utf-8", newline="") as source:
        header = next(csv.reader(source))
    comment = " ".join(
        line for line in SHIPPED.read_text("utf-8").splitlines() if line[:1] == "#"
    )
    listed = set(re.findall(r"\b[a-zA-Z]+\b", comment))

    unread = set(header) - profile.columns()

    assert unread
    for column in unread:
        assert column in listed or _prefix_listed(column, comment), column


def _prefix_listed(column: str, comment: str) -> bool:
    # "the typeOfSex* subtypes" names a family of columns at once.
    return any(column.startswith(stem) for stem in re.findall(r"(\w+)\*", comment))


def _expected(path: Path):
    """Each good row as the profile maps it: the values the store should hold."""
    profile = library.shipped()["ctdc-global"]
    with open_table(path, profile.format, name=path.name) as table:
        mapper = mapping.Mapper(profile, table.columns, mapping.Keys("k"), path.name)
        for row in table.rows():
            case = mapping.validated(mapper.draft(row), path.name)
            if case is not None:
                victim = case.persons[0]
                yield {**case.model_dump(), **victim.model_dump()}


def _htcds(vocabulary: str, value) -> str:
    codes = value if isinstance(value, list) else [value] if value else []
    known = vocab.vocabulary(vocabulary)
    values = [known.attribute(code, "htcds") for code in codes]
    return ";".join(dict.fromkeys(v for v in values if v))
