"""Importing a file from the Imports page: upload, follow the job, read the result."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from flexwatch.accounts.models import User
from flexwatch.cases.models import Case
from flexwatch.ingest.models import ImportProfile
from tests.browser.test_audit import JOB_URL, _PollGate, run_queued_jobs
from tests.ingest.test_pipeline import HEADER, PROFILE, ROWS

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(settings.UPLOAD_DIR)
    settings.UPLOAD_DIR.mkdir()


def _file(folder, rows) -> str:
    path = folder / "tarkastukset.csv"
    lines = [HEADER, *rows]
    path.write_text(
        "\n".join(",".join(f'"{c}"' for c in line) for line in lines), "utf-8"
    )
    return str(path)


def _follow_the_job(page: Page) -> None:
    expect(page).to_have_url(JOB_URL)
    polls = _PollGate()
    page.route(JOB_URL, polls.handle)
    polls.first(page)
    run_queued_jobs()
    polls.release()
    page.unroute(JOB_URL)


def test_an_upload_is_followed_to_its_result(
    ws, page: Page, sign_in: Callable[[Page, User], None], tmp_path, settings
):
    ImportProfile.objects.create(owner=ws.owner, name="inspections", text=PROFILE)
    sign_in(page, ws.user("analyst"))
    page.get_by_role("link", name="Imports").click()

    page.locator("#id_profile").select_option("inspections")
    page.locator("#id_file").set_input_files(_file(tmp_path, ROWS))
    page.get_by_role("button", name="Start the import").click()
    _follow_the_job(page)
    page.locator("#job-outcome").click()

    expect(page.locator("#run-status")).to_contain_text("Committed")
    expect(page.get_by_text(re.compile("No problems"))).to_be_visible()
    assert Case.objects.count() == 3
    assert list(settings.UPLOAD_DIR.iterdir()) == []


def test_a_refused_import_shows_its_problems_by_row_and_column(
    ws, page: Page, sign_in: Callable[[Page, User], None], tmp_path
):
    ImportProfile.objects.create(owner=ws.owner, name="inspections", text=PROFILE)
    bad = [*ROWS, ["TT-4", "31.02.2024", "Kalastus", "", "N", "", "UA", "", "", ""]]
    sign_in(page, ws.user("analyst"))
    page.goto(page.url.split("/accounts")[0] + "/imports/")

    page.locator("#id_profile").select_option("inspections")
    page.locator("#id_file").set_input_files(_file(tmp_path, bad))
    page.get_by_role("button", name="Start the import").click()
    _follow_the_job(page)
    page.locator("#job-outcome").click()

    expect(page.locator("#run-status")).to_contain_text("Refused")
    row = page.get_by_role("row").filter(has_text="Kalastus")
    expect(row).to_contain_text("Sector")
    expect(row).to_contain_text("nace_a")
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    assert not Case.objects.exists()
