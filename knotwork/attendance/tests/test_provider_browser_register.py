"""A provider takes its daily register in a real browser; the home school sees the marks."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from knotwork.accounts.models import Role
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps
from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in
from knotwork.core.testing import make_pupil, make_setting, make_user
from knotwork.directory.models import Setting
from knotwork.pupils.models import Enrolment

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MONDAY = datetime.date(2026, 11, 23)
AFTERNOON = datetime.datetime(2026, 11, 23, 13, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_afternoon():
    with time_machine.travel(AFTERNOON, tick=True):
        yield


@pytest.fixture
def provider(cast):
    ap = make_setting(name="Riverside Alternative Provision", setting_type=Setting.Type.AP)
    Enrolment.objects.filter(pupil=cast.pupil_a).update(registration="M")
    Enrolment.objects.create(
        pupil=cast.pupil_a,
        setting=ap,
        start_date=datetime.date(2026, 11, 2),
        registration=Enrolment.Registration.SUBSIDIARY,
    )
    make_pupil(setting=ap, legal_forename="Kai", legal_surname="Cole")
    make_user("tutor", role=Role.SCHOOL_STAFF, organisation=ap, can_edit=True, first_name="Priya")
    return ap


def test_a_provider_records_the_daily_register(page, live_server, cast, provider):
    sign_in(page, live_server, "tutor")
    page.goto(f"/directory/settings/{provider.uuid}/")
    page.get_by_role("link", name="Take today's register").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Register for Monday 23 November 2026"
    )
    assert_assets_loaded(page)

    page.get_by_label("AM mark for Amira Ahmed").select_option("/")
    page.get_by_label("PM mark for Amira Ahmed").select_option("N")
    page.get_by_label("AM mark for Kai Cole").select_option("L")
    page.get_by_label("PM mark for Kai Cole").select_option("\\")
    page.get_by_role("button", name="Save register").click()

    expect(
        page.get_by_text("Register saved for Monday 23 November: 4 marks entered")
    ).to_be_visible()
    expect(page.get_by_label("PM mark for Amira Ahmed")).to_have_value("N")
    screenshot(page, "provider-register-saved")

    enrolment = cast.pupil_a.enrolments.get(setting=provider)
    sessions = SessionMaps().for_setting(provider, 2026).sessions
    register = Register.objects.get(enrolment=enrolment)
    am = sessions.index_of(MONDAY, "AM")
    assert [register.code_at(am).code, register.code_at(am + 1).code] == ["/", "N"]

    # A change to a saved mark asks for a reason before it is kept.
    page.get_by_label("PM mark for Amira Ahmed").select_option("I")
    page.get_by_role("button", name="Save register").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why the mark is being changed."
    )
    expect(page.get_by_label("PM mark for Amira Ahmed")).to_have_value("I")
    page.get_by_label("Reason for changing Amira Ahmed's marks").fill("Mum rang: dentist")
    page.get_by_role("button", name="Save register").click()
    expect(page.get_by_text("1 changed.")).to_be_visible()
    register.refresh_from_db()
    assert register.code_at(am + 1).code == "I"
