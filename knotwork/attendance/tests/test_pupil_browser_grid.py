"""A pupil's attendance page in a real browser: the grid, its meanings by keyboard, the chart."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.browser_testing import (
    DESKTOP,
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
    tab_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MONDAY = datetime.date(2026, 11, 23)
MORNING = datetime.datetime(2026, 11, 23, 11, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_in_november():
    # The live server runs in another thread: travel must apply process-wide, and tick.
    with time_machine.travel(MORNING, tick=True):
        yield


@pytest.fixture
def marked(cast):
    marks = {**whole_day(datetime.date(2026, 11, 9), "G"), (MONDAY, "AM"): "N"}
    fill_register(cast.pupil_a.enrolments.get(), 2026, through=MONDAY, marks=marks)
    return cast


def test_the_officer_sees_the_grid_reads_a_mark_by_keyboard_and_the_chart_is_drawn(
    page, live_server, marked
):
    sign_in(page, live_server, "officer")
    page.goto(f"/pupils/{marked.pupil_a.uuid}/")
    page.get_by_role("link", name="View attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance 2026/27")
    assert_assets_loaded(page)

    grid = page.locator("table[data-register]")
    expect(grid.get_by_role("columnheader", name="Mon AM")).to_be_visible()
    this_week = grid.get_by_role("row").filter(has=page.get_by_role("rowheader", name="23 Nov"))
    monday_am = this_week.locator("td").first
    expect(monday_am).to_have_class("kw-grid__cell kw-grid__cell--unauthorised")
    meaning = monday_am.locator(".kw-grid__meaning")
    expect(meaning).to_have_text(
        "Monday 23 November, morning: N, Reason not yet established (unauthorised absence)"
    )
    assert meaning.bounding_box()["width"] <= 1  # hidden until focused

    tab_to(page, monday_am, limit=400)
    expect(monday_am).to_be_focused()
    box = meaning.bounding_box()
    assert box is not None and box["width"] > 100  # the tooltip opens on focus
    screenshot(page, "pupil-attendance-grid-focus")

    chart = page.locator("#attendance-trend")
    expect(chart).to_have_attribute("data-ready", "true")
    expect(chart.locator("svg")).to_have_count(1)
    page.get_by_text("The figures in the chart").click()
    expect(page.get_by_role("rowheader", name="23 Nov 2026")).to_be_visible()
    expect(page.get_by_role("rowheader", name="26 Oct")).to_be_visible()  # half term row
    expect(page.get_by_text("Half term: 26 October to 30 October")).to_be_visible()


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_the_page_needs_no_sideways_scrolling(page, live_server, marked, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "officer")
    page.goto(f"/attendance/pupils/{marked.pupil_a.uuid}/")
    expect(page.locator("#attendance-trend")).to_have_attribute("data-ready", "true")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"pupil-attendance-{viewport['width']}")
