"""A managed move from the panel, end to end in a real browser: the school puts a pupil
forward to the meeting, the coordinator records the panel's agreement and the move, and
the move shows in the monitor."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.panel_models import AgendaItem
from knotwork.placements.tests.panel_helpers import build_panel_world

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MEETING_DAY = datetime.date(2026, 11, 26)
MORNING = datetime.datetime(2026, 11, 26, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_the_meeting_day():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_a_case_put_forward_becomes_a_managed_move_seen_in_the_monitor(page, live_server, cast):
    world = build_panel_world(cast, held_on=MEETING_DAY)
    world.item.delete()  # the agenda starts empty
    meeting_url = f"{live_server.url}/placements/panels/meetings/{world.meeting.uuid}/"

    # The school puts Amira forward.
    sign_in(page, live_server, "officer")
    page.goto(meeting_url)
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting of 26 November 2026")
    page.get_by_label("What the panel is asked about").select_option(label="Managed move proposal")
    page.get_by_label("Pupil's UPN").fill(cast.pupil_a.upn)
    page.get_by_label("What the panel is asked to decide").fill("A fresh start at Beacon High.")
    page.get_by_role("button", name="Put forward").click()
    expect(page.get_by_text("Case put forward to the meeting.")).to_be_visible()
    expect(page.locator("#agenda")).to_contain_text("Managed move proposal: Amira Ahmed")
    item = AgendaItem.objects.get()
    assert (item.pupil, item.put_forward_by_id) == (cast.pupil_a, cast.school_a.pk)

    # The coordinator records the panel's decision, then the move.
    page.context.clear_cookies()
    sign_in(page, live_server, "coordinator")
    page.goto(meeting_url)
    screenshot(page, "placements-panel-meeting")
    decision = page.get_by_role("form", name="Decision on item 1")
    decision.get_by_label("The panel's decision").select_option(label="Agreed")
    decision.get_by_label("Note of the decision").fill("Beacon High has a place in Year 9.")
    decision.get_by_role("button", name="Record the decision on item 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the managed move")
    page.get_by_label("Receiving school").select_option(label="Beacon High School")
    page.get_by_label("Support offered").fill("A mentor for the first six weeks.")
    page.get_by_label("Parents agreed on").fill("2026-11-26")
    page.get_by_label("Starts on").fill("2026-11-30")
    page.get_by_role("button", name="Start the trial").click()
    expect(page.get_by_text("Managed move recorded: the trial has started.")).to_be_visible()
    expect(page.locator("#move-status")).to_have_text("In its trial")
    move = ManagedMove.objects.get()
    assert (move.to_setting, move.trial_ends_on, move.agenda_item) == (
        cast.school_b,
        datetime.date(2027, 1, 11),
        item,
    )

    # The monitor counts it, sent by Ashdown and received by Beacon High, in its trial.
    page.goto(f"{live_server.url}/placements/moves/monitor/")
    rows = page.locator("#by-setting tbody tr")
    ashdown = rows.filter(has_text="Ashdown Academy").locator("td")
    beacon = rows.filter(has_text="Beacon High School").locator("td")
    expect(ashdown.nth(1)).to_have_text("1")  # sent
    expect(beacon.nth(2)).to_have_text("1")  # received
    expect(beacon.nth(3)).to_have_text("1")  # in trial
    expect(page.locator("#band")).to_have_text("Not yet judged")
    screenshot(page, "placements-move-monitor")
