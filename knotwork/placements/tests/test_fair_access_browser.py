"""A child new to the area in a real browser: the coordinator records them with their fair
access placement from the fair access list, finds them on their page with the placement
listed, and records their first day, which puts them on the school's roll."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, sign_in
from knotwork.placements.fair_access_models import FairAccessPlacement

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_a_child_new_to_the_area_is_recorded_placed_and_started(page, live_server, cast):
    sign_in(page, live_server, "coordinator")
    page.goto(f"{live_server.url}/placements/fair-access/")
    page.get_by_role("link", name="record a child new to the area").click()
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", name="Record a child new to the area")).to_be_visible()
    page.get_by_label("Legal forename").fill("Noor")
    page.get_by_label("Legal surname").fill("Haddad")
    page.get_by_label("Date of birth").fill("2013-05-02")
    page.get_by_label("Sex").select_option("F")
    page.get_by_label("Category of the protocol").select_option("i")
    page.get_by_label("First day without a school place").fill("2026-11-02")
    page.get_by_label("Placed at").select_option(label="Ashdown Academy")
    page.get_by_label("Placement agreed on").fill("2026-11-09")
    page.get_by_role("button", name="Record the child and the placement").click()

    expect(
        page.get_by_role("heading", name="Fair access placement at Ashdown Academy")
    ).to_be_visible()
    expect(page.locator("#missed")).to_contain_text("so far")
    page.get_by_role("link", name="Noor Haddad").click()
    expect(page.locator("#placements")).to_contain_text("Waiting for a first day")
    page.locator("#placements").get_by_role("link", name="Fair access placement").click()

    page.get_by_label("First day at the school").fill("2026-11-23")
    page.get_by_role("button", name="Record the first day").click()
    expect(page.locator("#fair-access-summary")).to_contain_text("23 November 2026")
    placement = FairAccessPlacement.objects.get()
    assert placement.pupil.enrolments.filter(setting=cast.school_a).exists()
    assert placement.pupil.upn[-1].isalpha()  # a temporary UPN
