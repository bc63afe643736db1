"""Recording consent from the pupil's record and withdrawing it, in a real browser."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.casework.consent_models import ConsentRecord
from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def test_consent_is_recorded_from_the_profile_and_withdrawn(page, live_server, cast):
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/pupils/{cast.pupil_a.uuid}/")
    page.get_by_role("link", name="View consent and sharing with agencies").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent and sharing")
    assert_assets_loaded(page)
    expect(page.get_by_text("No consent recorded.")).to_be_visible()

    page.get_by_role("link", name="Record consent").click()
    page.get_by_role("button", name="Save").click()  # nothing filled in
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Choose at least one part of the record to share."
    )
    page.get_by_label("Shared with").select_option(label=cast.camhs.name)
    page.get_by_label("Who gave consent").select_option("parent")
    page.get_by_label("Their name").fill("Asha Ahmed")
    page.get_by_label("Attendance").check()
    page.get_by_label("Date given").fill("2026-11-20")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner")).to_contain_text("Consent recorded.")
    table = page.locator("#consents")
    expect(table).to_contain_text("Asha Ahmed (Parent or carer)")
    expect(table).to_contain_text("Live")
    screenshot(page, "consent-recorded")

    table.get_by_role("link", name=f"Withdraw consent to {cast.camhs.name}").click()
    page.get_by_label("Date withdrawn").fill("2026-11-24")
    page.get_by_label("Note").fill("Mum phoned the office")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.locator("#consents")).to_contain_text("Withdrawn")
    expect(page.locator("#consents")).to_contain_text("Mum phoned the office")
    consent = ConsentRecord.objects.get(pupil=cast.pupil_a)
    assert (consent.given_by_name, consent.sections, consent.withdrawn_on) == (
        "Asha Ahmed",
        {"attendance"},
        datetime.date(2026, 11, 24),
    )
    assert consent.withdrawal_recorded_by == cast.officer
