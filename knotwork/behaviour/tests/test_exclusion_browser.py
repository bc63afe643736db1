"""Issuing a suspension of more than five days, seeing the sixth-day clock, arranging the
education and seeing the clock clear, in a real browser on a live server."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.behaviour.models import Exclusion
from knotwork.core.browser_testing import (
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
)
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 24, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_in_november():
    # The live server runs in another thread: travel must apply process-wide, and tick.
    with time_machine.travel(MORNING, tick=True):
        yield


def test_the_officer_issues_a_suspension_and_arranges_education_from_the_sixth_day(
    page, live_server, cast
):
    sign_in(page, live_server, "officer")
    page.goto(f"/behaviour/exclusions/pupils/{cast.pupil_a.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suspensions and exclusions")
    assert_assets_loaded(page)
    expect(page.locator("#days-used")).to_contain_text("0 days of 45")

    # Seven days from this morning, Tuesday 24 November: the sixth day is Tuesday 1 December.
    page.get_by_role("link", name="Issue a suspension").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Issue a suspension")
    expect(page.get_by_label("First day")).to_have_value("2026-11-24")
    page.get_by_label("Length").fill("7")
    page.get_by_label("Reason", exact=True).select_option("PA")
    page.get_by_label("Decided by").fill("Ms Head, headteacher")
    page.get_by_label("Parents told on").fill("2026-11-24")
    page.get_by_label("Told how").select_option("phone")
    page.get_by_role("button", name="Record the suspension").click()

    expect(page.get_by_role("alert")).to_contain_text("Suspension recorded.")
    x = Exclusion.objects.get()
    day_six = page.locator(f"#clock-{x.uuid}-day_six")
    expect(day_six).to_contain_text("Education from the sixth day")
    expect(day_six).to_contain_text("Tue 1 Dec 2026 (morning)")
    expect(day_six).to_contain_text("not arranged yet")
    expect(day_six.locator(".govuk-tag")).to_have_text("Not yet due")
    expect(page.locator("#days-used")).to_contain_text("7 days of 45")
    screenshot(page, "exclusions-day-six-open")

    # Arrange the education: the form is filled in from the sixth day.
    page.get_by_role("link", name="Arrange education from the sixth day").click()
    expect(page.get_by_label("From")).to_have_value("2026-12-01")
    page.get_by_label("Where").fill("Ashdown learning centre")
    page.get_by_role("button", name="Record the education").click()

    expect(page.get_by_role("alert")).to_contain_text("Education arranged.")
    expect(day_six.locator(".govuk-tag")).to_have_text("Done")
    expect(day_six).to_contain_text("Arranged by the school from Tuesday 1 December 2026")
    expect(page.locator("#open-clocks")).not_to_contain_text("Education from the sixth day")
    screenshot(page, "exclusions-day-six-met")
    x.refresh_from_db()
    assert (x.provision_by, x.provision_from) == ("school", datetime.date(2026, 12, 1))
    assert AuditEntry.objects.filter(what="exclusion provision", pupil=cast.pupil_a).count() == 1

    # On a tablet the page does not scroll sideways.
    page.set_viewport_size(TABLET)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


def test_the_compliance_page_shows_an_overdue_item_and_its_csv(page, live_server, cast):
    Exclusion.objects.create(
        pupil=cast.pupil_a,
        enrolment=cast.pupil_a.enrolments.get(),
        kind="suspension",
        start_date=datetime.date(2026, 11, 16),
        sessions=14,
        reason_1="DB",
        decided_by="Headteacher",
        recorded_by=cast.officer,
    )
    sign_in(page, live_server, "officer")
    page.goto("/behaviour/exclusions/compliance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exclusions: what is due")
    table = page.locator("#table-provision")
    expect(table.locator(".govuk-tag--red")).to_have_text("Overdue")
    expect(table).to_contain_text("Amira Ahmed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the list (CSV)").click()
    assert download.value.suggested_filename == "exclusion-compliance-2026-11-24.csv"
    page.set_viewport_size(TABLET)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    screenshot(page, "exclusions-compliance")
