"""A trigger point fires, the concern shows on the school's worklist, and it is
acknowledged with one click, in a real browser."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.behaviour.testing import make_exclusion
from knotwork.casework.concern_services import triggers_run
from knotwork.casework.models import Concern
from knotwork.casework.tests.concern_helpers import make_rules
from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TUESDAY = datetime.date(2026, 11, 24)
MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_a_fired_concern_is_acknowledged_with_one_click(page, live_server, cast):
    make_rules(cast.partnership)
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer)
    outcome = triggers_run(partnership=cast.partnership, on=TUESDAY)
    assert sum(outcome.raised.values()) == 1

    sign_in(page, live_server, "officer")
    page.goto("/")
    page.get_by_role("link", name="Worklist of concerns at Ashdown Academy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concerns")
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", name="1 concern")).to_be_visible()
    page.evaluate("window.knotworkMarker = 'still here'")

    concern = Concern.objects.get()
    row = page.locator(f"#concern-{concern.uuid}")
    expect(row).to_contain_text("Suspended for 2 days from 23 November 2026.")
    row.get_by_role("button", name="Acknowledge the concern about Amira Ahmed").click()

    expect(row).to_contain_text("Acknowledged")
    expect(row).to_contain_text("by Olu")
    expect(row.get_by_role("button")).to_have_count(0)
    assert page.evaluate("window.knotworkMarker") == "still here"  # swapped, not reloaded
    screenshot(page, "concern-acknowledged")
    concern.refresh_from_db()
    assert (concern.status, concern.acted_by) == ("acknowledged", cast.officer)
