"""A practitioner breaks glass with a reason and reads the record under its banner; the
data protection lead sees it on the report and marks it reviewed, in a real browser."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in
from knotwork.privacy.models import BreakGlass
from knotwork.privacy.tests.helpers import make_lead

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
REASON = "Told a youth worker she is afraid to go home; I need her school's contacts."


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_a_practitioner_breaks_glass_and_the_lead_reviews_it(page, live_server, cast):
    make_lead(cast.partnership)

    sign_in(page, live_server, "caseworker")
    page.goto("/privacy/break-glass/")
    assert_assets_loaded(page)
    expect(
        page.get_by_text("logged and reported to the partnership's data protection lead").first
    ).to_be_visible()
    page.get_by_label("The pupil's UPN").fill(cast.pupil_a.upn)
    page.get_by_label("Why must you see this record now?").fill(REASON)
    page.get_by_label("I understand that breaking glass is logged").check()
    page.get_by_role("button", name="Break glass and open the record").click()

    banner = page.locator("#break-glass-banner")
    expect(banner).to_contain_text("You opened this record by breaking glass")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Ahmed")
    assert cast.pupil_a.upn not in page.url
    screenshot(page, "break-glass-record")
    use = BreakGlass.objects.get()
    assert (use.user, use.pupil, use.reason) == (cast.caseworker, cast.pupil_a, REASON)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "dpo")
    page.goto("/privacy/reports/")
    row = page.locator(f"#use-{use.uuid}")
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text("Amira Ahmed")
    expect(row).to_contain_text("Open")
    row.get_by_role("link", name="Review").click()
    page.get_by_label("Your review").fill("Justified: the DSL was told the next morning.")
    page.get_by_role("button", name="Mark reviewed").click()

    row = page.locator(f"#use-{use.uuid}")
    expect(row).to_contain_text("Reviewed")
    expect(row).to_contain_text("Justified: the DSL was told the next morning.")
    screenshot(page, "break-glass-reviewed")
    use.refresh_from_db()
    assert use.reviewed_by is not None and use.reviewed_by.username == "dpo"
