"""A plan action added by one member of a case's team shows in another member's
notices, counted in the header, and is marked read when they open it, in a real browser."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in
from knotwork.notices.models import Notice
from knotwork.notices.tests.team_helpers import build_team

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_an_action_added_by_one_member_reaches_another_and_is_read_on_click(
    page, live_server, cast
):
    team = build_team(cast)
    sign_in(page, live_server, "caseworker")
    page.goto(f"/casework/cases/{team.case.uuid}/")
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What", exact=True).fill("Weekly check-in with CAMHS")
    page.get_by_label("Due by").fill("2026-12-04")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, live_server, "officer")
    assert_assets_loaded(page)
    expect(page.locator("#unread-notices")).to_have_text("1 unread")
    page.locator("#notices-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notices")
    notice = Notice.objects.get(recipient=cast.officer)
    row = page.locator(f"#notice-{notice.uuid}")
    expect(row).to_contain_text("Unread")
    expect(row).to_contain_text("A plan action was added")
    expect(row).to_contain_text("For action")
    screenshot(page, "notice-unread")
    row.get_by_role("button", name="Open the case").click()

    expect(page).to_have_url(f"{live_server.url}/casework/cases/{team.case.uuid}/")
    expect(page.locator("#plan + table")).to_contain_text("Weekly check-in with CAMHS")
    expect(page.locator("#unread-notices")).to_have_count(0)
    page.locator("#notices-link").click()
    expect(page.locator(f"#notice-{notice.uuid}")).not_to_contain_text("Unread")
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert not Notice.objects.filter(recipient=cast.caseworker).exists()
