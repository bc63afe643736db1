"""Recording a first-day call from the today list in a real browser, with and without htmx."""

import datetime
import zoneinfo
from collections.abc import Iterator

import pytest
import time_machine
from playwright.sync_api import Page, expect

from knotwork.attendance.models import FirstDayContact
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in
from knotwork.pupils.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MONDAY = datetime.date(2026, 11, 23)
MORNING = datetime.datetime(2026, 11, 23, 9, 14, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


@pytest.fixture
def absent(cast):
    Contact.objects.create(
        pupil=cast.pupil_a,
        name="Farida Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        phone="07700 900123",
        preferred_channel=Contact.Channel.PHONE,
    )
    fill_register(cast.pupil_a.enrolments.get(), 2026, through=MONDAY, marks=whole_day(MONDAY, "N"))
    fill_register(
        cast.linked_pupil.enrolments.get(), 2026, through=MONDAY, marks=whole_day(MONDAY, "N")
    )
    return cast


def test_the_officer_records_a_call_with_one_click_and_the_row_updates(page, live_server, absent):
    sign_in(page, live_server, "officer")
    page.goto(f"/directory/settings/{absent.school_a.uuid}/")
    page.get_by_role("link", name="Today's attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance today")
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", name="2 pupils absent with no reason yet")).to_be_visible()
    page.evaluate("window.knotworkMarker = 'still here'")

    row = page.locator(f"#absent-{absent.pupil_a.uuid}")
    expect(row).to_contain_text("Farida Ahmed")
    expect(row).to_contain_text("07700 900123")
    row.get_by_role("button", name="No answer for Amira Ahmed").click()

    expect(row).to_contain_text("Called at 09:14 by Olu — No answer")
    expect(row.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("heading", name="1 pupil absent with no reason yet")).to_be_visible()
    assert page.evaluate("window.knotworkMarker") == "still here"  # swapped, not reloaded
    other = page.locator(f"#absent-{absent.linked_pupil.uuid}")
    expect(other.get_by_role("button", name="Message left for Liam Lewis")).to_be_visible()
    screenshot(page, "today-call-recorded")

    record = FirstDayContact.objects.get()
    assert (record.pupil, record.outcome, record.made_by) == (
        absent.pupil_a,
        "no_answer",
        absent.officer,
    )

    page.reload()
    expect(page.get_by_role("heading", name="1 pupil absent with no reason yet")).to_be_visible()
    expect(page.get_by_role("heading", name="1 already contacted today")).to_be_visible()


@pytest.fixture
def page_without_javascript(browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_button_posts_and_comes_back(
    page_without_javascript, live_server, absent
):
    page = page_without_javascript
    sign_in(page, live_server, "officer")
    page.goto(f"/attendance/settings/{absent.school_a.uuid}/today/")
    row = page.locator(f"#absent-{absent.pupil_a.uuid}")
    row.get_by_role("button", name="Home visit needed for Amira Ahmed").click()
    expect(page.get_by_text("Call recorded: Home visit needed.")).to_be_visible()
    assert page.url.endswith("/today/?date=2026-11-23")
    expect(page.get_by_role("heading", name="1 pupil absent with no reason yet")).to_be_visible()
    assert FirstDayContact.objects.get().outcome == "home_visit"
