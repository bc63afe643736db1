"""Ordering an intervention and seeing its charge in the budget, in a real browser: a school
orders a half day from the menu, the LA service records the session delivered, and the
pooled budget shows the £125 spent."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in
from knotwork.placements.budget_models import InterventionOrder
from knotwork.placements.tests.budget_helpers import make_budget, make_item, make_officer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_a_school_orders_a_half_day_and_the_charge_reaches_the_budget(page, live_server, cast):
    budget = make_budget(cast)
    make_officer(cast)
    make_item(cast)

    # The school orders for a pupil, from the pupil's record.
    sign_in(page, live_server, "officer")
    page.goto("/placements/interventions/")
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Intervention menu")
    expect(page.get_by_text("£225.00 a day, £125.00 a half day").first).to_be_visible()
    page.goto(f"/pupils/{cast.pupil_a.uuid}/")
    page.get_by_role("link", name="Order an intervention for Amira Ahmed from the menu").click()
    expect(page.get_by_text("Amira Ahmed").first).to_be_visible()
    page.get_by_label("Intervention").select_option(label="Attendance intervention")
    page.get_by_label("Half days ordered").fill("1")
    page.get_by_label("Paid from").select_option(label="The pooled budget")
    page.get_by_role("button", name="Place the order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance intervention")
    expect(page.locator("#committed")).to_have_text("£125.00")
    order = InterventionOrder.objects.get()
    assert (order.pupil, order.estimate) == (cast.pupil_a, 125)

    # A group order from the menu's own link, paid from the school's own account.
    page.goto("/placements/interventions/")
    page.get_by_role("link", name="Order Attendance intervention").click()
    page.get_by_label("Who the group is").fill("Year 8 tutor group 8R")
    page.get_by_label("How many in the group").fill("24")
    page.get_by_label("Half days ordered").fill("2")
    page.get_by_role("button", name="Place the order").click()
    expect(page.locator("#order-summary")).to_contain_text("a group of 24")

    # The LA service delivers the pupil's half day.
    page.context.clear_cookies()
    sign_in(page, live_server, "baofficer")
    page.goto(f"/placements/interventions/orders/{order.uuid}/")
    page.get_by_label("Length").select_option(label="Half day")
    page.get_by_role("button", name="Record the session").click()
    expect(page.locator("#session-table")).to_contain_text("£125.00")
    expect(page.locator("#charged")).to_have_text("£125.00")
    expect(page.locator("#committed")).to_have_text("£0.00")

    # The charge is in the pooled budget, which the board can read.
    page.context.clear_cookies()
    sign_in(page, live_server, "board_member")
    page.goto("/placements/interventions/budget/")
    expect(page).to_have_url(f"{live_server.url}/placements/interventions/budget/{budget.uuid}/")
    expect(page.locator("#spent")).to_have_text("£125.00")
    expect(page.locator("#spending")).to_contain_text("Interventions")
    expect(page.locator("#ledger")).to_contain_text("Attendance intervention")
    # 10,000 in, 125 spent; the group's day (£225) is committed on the school's account.
    expect(page.locator("#balance")).to_have_text("£9,875.00")
    expect(page.locator("#setting-accounts")).to_contain_text("£225.00")
    expect(page.locator("#budget-chart svg, #budget-chart canvas").first).to_be_visible()
    screenshot(page, "budget-after-an-order")
