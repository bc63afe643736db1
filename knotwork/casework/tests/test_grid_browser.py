"""The coordinator opens the tracking grid from the home page, filters it to one school,
and downloads what it shows as CSV, in a real browser."""

import csv
import io

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.casework.tests.grid_helpers import CAMHS, NOW, YOUTH, build_grid
from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(NOW, tick=True):
        yield


def test_the_grid_is_filtered_and_downloaded(page, live_server, cast):
    build_grid(cast)
    sign_in(page, live_server, "coordinator")
    page.get_by_role("link", name="Multi-agency tracking grid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Multi-agency tracking grid")
    assert_assets_loaded(page)
    expect(page.locator("#grid-count")).to_have_text("2 pupils")

    page.get_by_label("Setting").select_option(label="Ashdown Academy")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#grid-count")).to_have_text("1 pupil")
    grid = page.locator("#tracking-grid")
    expect(grid).to_contain_text("Amira Ahmed")
    expect(grid).not_to_contain_text("Bea Brown")
    expect(grid).to_contain_text("Referral accepted 3 Nov, waiting (Mentoring)")
    screenshot(page, "tracking-grid-filtered")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    path = download.value.path()
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert download.value.suggested_filename == "tracking-grid-20261124.csv"
    assert rows[0] == ["Pupil", "Year", "Setting", CAMHS, YOUTH]
    assert [r[0] for r in rows[1:]] == ["Amira Ahmed"]
