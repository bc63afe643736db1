"""Placing a pupil with a provider in a real browser: from the pupil's page, a part-time
timetable with a gap, the flag on the placement, and the partnership's overview."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.core.browser_testing import assert_assets_loaded, sign_in
from knotwork.core.testing import make_setting
from knotwork.directory.models import Setting
from knotwork.placements.provision_models import ProviderProfile, ProvisionPlacement
from knotwork.placements.tests.provision_helpers import join

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_a_part_time_placement_that_does_not_add_up_is_flagged(page, live_server, cast):
    ap = make_setting(name="Riverside Alternative Provision", setting_type=Setting.Type.AP)
    join(cast.partnership, ap)
    checked = datetime.date(2026, 9, 1)
    ProviderProfile.objects.create(
        setting=ap, registration="independent", ofsted="good", cost_per_day=Decimal("95.00"),
        safeguarding_checked_on=checked, last_reviewed_on=checked,
    )  # fmt: skip

    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/pupils/{cast.pupil_a.uuid}/")
    page.get_by_role("link", name="Place with a provider").click()
    assert_assets_loaded(page)
    page.get_by_label("Provider").select_option(
        label="Riverside Alternative Provision (Alternative provider)"
    )
    page.get_by_label("Starts on").fill("2026-11-23")
    for session in ("Monday PM", "Tuesday PM", "Wednesday PM"):
        page.get_by_label(session, exact=True).select_option("School")
    for session in ("Friday AM", "Friday PM"):
        page.get_by_label(session, exact=True).select_option("Neither")
    page.get_by_role("button", name="Place the pupil").click()
    expect(page.get_by_text("Placement recorded.")).to_be_visible()
    expect(page.locator("#timetable-check")).to_contain_text(
        "5 sessions at the provider, 3 at school"
    )
    expect(page.get_by_text("2 sessions a week in neither school nor provision")).to_be_visible()
    placement = ProvisionPlacement.objects.get()
    assert placement.timetable == "PSPSPSPP--"

    page.get_by_role("link", name="Alternative provision").first.click()
    table = page.locator("#not-adding-up")
    expect(table.get_by_role("link", name="Amira Ahmed")).to_be_visible()
