"""The partnership's landing page in a real browser: the coordinator goes to it from the
menu, reads the panel card, gives an organisation a seat on the panel, and downloads the
fair share as a workbook."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, sign_in
from knotwork.placements.panel_models import PanelMember
from knotwork.placements.tests.panel_helpers import build_panel_world

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 23, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_the_coordinator_starts_from_the_landing_page(page, live_server, cast):
    world = build_panel_world(cast)
    sign_in(page, live_server, "coordinator")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Partnership").click()
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("The partnership's business")
    panels = page.locator("#card-panels")
    expect(panels).to_contain_text("Thursday 26 November")
    expect(panels).to_contain_text("1 item")
    expect(page.locator("body")).not_to_contain_text("Amira")

    page.get_by_role("link", name="Panel meetings").first.click()
    page.get_by_role("link", name="Its members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Members of the inclusion panel")
    page.get_by_label("Organisation").select_option(label="Beacon High School")
    page.get_by_label("Role on the panel").select_option(label="School")
    page.get_by_role("button", name="Add the member").click()
    expect(page.get_by_text("Beacon High School now has a seat on the panel.")).to_be_visible()
    assert PanelMember.objects.filter(panel=world.panel, organisation=cast.school_b).exists()

    page.goto("/placements/fair-access/share/")
    with page.expect_download() as download:
        page.get_by_role("link", name="as XLSX").click()
    assert download.value.suggested_filename.endswith(".xlsx")
