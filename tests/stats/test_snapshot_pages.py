"""The pages of published snapshots: who sees them and what they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from flexwatch.stats import snapshots
from tests import factories


@pytest.fixture
def snapshot(ws):
    author = ws.user("caseworker")
    for _ in range(6):
        factories.case(ws.owner, author)
    return snapshots.publish_standard(
        ws.user("analyst"),
        "registered_victims",
        countries=("FI",),
        first_year=2023,
        last_year=2023,
        by=("year", "sex"),
    )


@pytest.mark.parametrize(
    "role", ["admin", "analyst", "caseworker", "viewer", "partner"]
)
def test_every_member_of_the_organisation_reads_its_snapshots(
    ws, snapshot, signed_in, role
):
    client = signed_in(ws.user(role))

    listed = client.get("/statistics/published/")
    shown = client.get(f"/statistics/published/{snapshot.pk}/")

    assert listed.status_code == 200
    assert snapshot.title in listed.content.decode()
    assert shown.status_code == 200
    page = shown.content.decode()
    assert snapshot.sha256 in page
    assert "matches the content" in page
    assert "Threshold 5" in page
    assert "<code>year</code>" in page


def test_an_outsider_gets_the_same_404_as_for_a_missing_snapshot(
    ws, snapshot, signed_in
):
    client = signed_in(ws.outsider_admin)

    assert snapshot.title not in client.get("/statistics/published/").content.decode()
    assert client.get(f"/statistics/published/{snapshot.pk}/").status_code == 404
    assert client.get(f"/statistics/published/{snapshot.pk + 99}/").status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(snapshot, client):
    response = client.get(f"/statistics/published/{snapshot.pk}/")
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_a_snapshot_shows_series_breaks_and_marks_the_year(ws, signed_in):
    author = ws.user("caseworker")
    for year in (2011, 2012, 2013):
        for _ in range(5):
            factories.case(
                ws.owner, author, country="EE", region="",
                registered_on=f"{year}-06-01", identified_on=f"{year}-05-01",
                exploitation_began=f"{year}-01-10",
                exploitation_ended=f"{year}-04-10",
            )  # fmt: skip
    published = snapshots.publish_standard(
        ws.user("analyst"), "registered_victims", countries=("EE",),
        first_year=2011, last_year=2013,
    )  # fmt: skip

    page = signed_in(ws.user("viewer")).get(f"/statistics/published/{published.pk}/")

    text = page.content.decode()
    assert "EE 2012-04-15" in text
    assert "series break" in text
    assert text.count('class="table-warning"') == 2


def test_the_list_costs_the_same_queries_for_more_snapshots(ws, snapshot, signed_in):
    client = signed_in(ws.user("viewer"))
    with CaptureQueriesContext(connection) as one:
        client.get("/statistics/published/")
    for _ in range(3):
        snapshots.publish_standard(
            ws.user("analyst"), "registered_victims", countries=("FI",),
            first_year=2023, last_year=2023,
        )  # fmt: skip

    with CaptureQueriesContext(connection) as four:
        client.get("/statistics/published/")

    assert len(four) == len(one)


def test_the_pages_are_translated(ws, snapshot, signed_in):
    client = signed_in(ws.user("viewer"))
    response = client.get("/statistics/published/", HTTP_ACCEPT_LANGUAGE="fi")
    assert "Published tables" not in response.content.decode()


def test_a_hostile_title_is_shown_as_text(ws, snapshot, signed_in):
    hostile = snapshots.publish_standard(
        ws.user("analyst"), "registered_victims", countries=("FI",),
        first_year=2023, last_year=2023, title="<script>alert(1)</script>",
    )  # fmt: skip

    page = signed_in(ws.user("viewer")).get(f"/statistics/published/{hostile.pk}/")

    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()
