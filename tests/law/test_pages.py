"""The legislation pages: the browser by jurisdiction, instrument and day,
the comparison matrix and a provision's history, in the reader's language."""

import pytest

from flexwatch.law import actions
from flexwatch.law.models import AddedVersion

KARS = "Penal Code (Karistusseadustik)"


@pytest.fixture
def reader(ws, signed_in):
    return signed_in(ws.user("viewer"))


def test_the_browser_shows_estonia_s_enslaving_offence_the_day_before_the_reform(
    reader,
):
    page = reader.get("/law/", {"country": "EE", "day": "2012-04-14"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "Enslaving" in text and "Inimkaubandus" not in text


def test_the_browser_shows_the_trafficking_offence_on_the_day_of_the_reform(reader):
    page = reader.get("/law/", {"country": "EE", "day": "2012-04-15"})

    text = page.content.decode()
    assert "Inimkaubandus" in text and "Enslaving" not in text
    assert [e["provision"].id for e in page.context["entries"]] == [
        "EE-KarS-133",
        "EE-KarS-133-1",
        "EE-KarS-175",
    ]


def test_the_browser_filters_by_instrument(reader):
    page = reader.get(
        "/law/", {"country": "EE", "instrument": KARS, "day": "2020-01-01"}
    )

    assert {e["provision"].instrument for e in page.context["entries"]} == {KARS}


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"day": "2012-13-01"}, "Write the day as YYYY-MM-DD"),
        ({"country": "XX"}, "Select a valid choice. XX is not one of"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(reader, query, says):
    page = reader.get("/law/", query)

    assert page.status_code == 400
    assert says in page.content.decode()


def test_the_comparison_matrix_shows_each_country_against_the_directive(reader):
    page = reader.get("/law/compare/", {"day": "2025-06-01"})

    text = page.content.decode()
    assert page.status_code == 200
    assert [g["country"] for g in page.context["gaps"]] == ["FI", "EE", "PL"]
    assert 'class="cell-covers">covers<' in text
    assert 'class="cell-lacks">lacks<' in text
    assert "Gaps against the baseline, by country" in text


def test_the_comparison_refuses_a_day_that_is_not_a_date(reader):
    page = reader.get("/law/compare/", {"day": "yesterday"})

    assert page.status_code == 400
    assert "Write the day as YYYY-MM-DD" in page.content.decode()


def test_the_history_of_a_provision_lists_its_versions_newest_first(reader):
    page = reader.get("/law/FI-RL-25-3/")

    starts = [str(v["version"].start) for v in page.context["versions"]]
    assert starts == ["2025-01-01", "2015-07-01", "2004-08-01"]
    newest = page.context["versions"][0]
    assert newest["added"] == [{"group": "purpose", "labels": ["Forced marriage"]}]


def test_the_history_includes_an_added_version(ws, reader):
    text = (
        "kind: version\nprovision: EE-KarS-175\nversion:\n"
        '  from: "2030-01-01"\n  to: null\n  change: Test.\n  status: partial\n'
        "  elements: {act: [inducing_or_influencing], means: [], purpose: [begging]}\n"
        "sources:\n"
        '  - {url: "https://example.org/x", title: "Test act", status: partial}\n'
    )
    actions.add_version(ws.user("analyst"), "ee-175.yaml", text)

    page = reader.get("/law/EE-KarS-175/")

    assert AddedVersion.objects.count() == 1
    newest = page.context["versions"][0]["version"]
    assert str(newest.start) == "2030-01-01"
    assert "Test act" in page.content.decode()


def test_an_unknown_provision_is_not_found(reader):
    assert reader.get("/law/FI-RL-99/").status_code == 404


def test_the_pages_need_a_signed_in_person(client, db):
    statuses = [client.get(p).status_code for p in ("/law/", "/law/compare/")]

    assert statuses == [302, 302]


def test_the_pages_speak_the_reader_language(reader):
    page = reader.get("/law/", {"country": "FI"}, HTTP_ACCEPT_LANGUAGE="fi")

    text = page.content.decode()
    assert "Lainsäädäntö" in text and "Voimassa olevat säännökset" in text


def test_without_filters_the_browser_and_comparison_read_the_law_today(reader):
    index, matrix = reader.get("/law/"), reader.get("/law/compare/")

    assert index.status_code == matrix.status_code == 200
    assert "EE-KarS-133-old" not in {
        e["provision"].id for e in index.context["entries"]
    }
    assert "FI-RL-25-3" in {e["provision"].id for e in index.context["entries"]}
    assert matrix.context["gaps"][1]["in_force"] == ("EE-KarS-133", "EE-KarS-133-1")
