"""The work around one child, end to end in a real browser: a trigger point fires, the
concern becomes a referral, the agency accepts it from its inbox, the school opens a case
from the referral with a plan, reviews record scaling, and the case closes with its
before and after measures."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.behaviour.testing import make_exclusion, make_incident
from knotwork.casework.case_models import Case
from knotwork.casework.concern_services import triggers_run
from knotwork.casework.models import Concern, Referral
from knotwork.casework.tests.concern_helpers import make_rules
from knotwork.casework.tests.referral_helpers import make_lead, make_service
from knotwork.core.browser_testing import assert_assets_loaded, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TUESDAY = datetime.date(2026, 11, 24)
MORNING = datetime.datetime(2026, 11, 24, 9, 5, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_tuesday_morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def _switch_to(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def test_a_concern_becomes_a_referral_then_a_case_that_closes_with_its_measures(
    page, live_server, cast
):
    make_rules(cast.partnership)
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer)
    for day in (13, 20, 22):  # three in the four weeks before the case opens
        make_incident(
            setting=cast.school_a,
            recorded_by=cast.officer,
            pupils={cast.pupil_a: "instigator"},
            occurred_at=timezone.make_aware(datetime.datetime(2026, 10, day, 11, 0)),
        )
    service = make_service(cast.camhs, name="Getting help", target_days=28)
    make_lead(cast)
    outcome = triggers_run(partnership=cast.partnership, on=TUESDAY)
    assert sum(outcome.raised.values()) >= 1
    concern = Concern.objects.filter(pupil=cast.pupil_a, rule__kind="suspension").get()

    # The school refers from the concern on its worklist.
    sign_in(page, live_server, "officer")
    page.get_by_role("link", name="Worklist of concerns at Ashdown Academy").click()
    assert_assets_loaded(page)
    row = page.locator(f"#concern-{concern.uuid}")
    row.get_by_role("link", name="Refer Amira Ahmed from this concern").click()
    expect(page.get_by_label("Reason for the referral")).to_have_value(concern.summary)
    page.get_by_label("Refer to").select_option(label="Getting help (answers within 28 days)")
    page.get_by_label("Consent or lawful basis for sharing").select_option(label="Public task")
    page.get_by_label("Why, where there is no consent").fill("Safeguarding: low mood at school.")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("Referral sent.")).to_be_visible()
    referral = Referral.objects.get()
    assert (referral.service, referral.concern) == (service, concern)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.REFERRED

    # CAMHS accepts it from its inbox.
    _switch_to(page, live_server, "camhs_lead")
    page.goto("/casework/referrals/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals received")
    page.get_by_role("link", name="Amira Ahmed").click()
    page.get_by_label("Practitioner taking it on").select_option(label="Leah")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("#timeline")).to_contain_text("Accepted")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.ACCEPTED

    # The school opens a case from the accepted referral, with a plan.
    _switch_to(page, live_server, "officer")
    page.goto(f"/casework/referrals/{referral.uuid}/")
    page.get_by_role("link", name="Open a case from this referral").click()
    expect(page.locator("#opened-from-referral")).to_contain_text("Getting help")
    page.get_by_label("Opened on").fill("2026-11-02")
    page.get_by_label("The child's development: needs").fill("Low mood; missing mornings.")
    page.get_by_label("Incidents", exact=True).check()
    page.get_by_label("Scaling score (1-10)").check()
    page.get_by_label("Weeks the intervention runs").fill("4")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Case opened 2 November 2026")
    case = Case.objects.get()
    assert case.referral == referral

    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What", exact=True).fill("Weekly check-in with the key worker")
    page.get_by_label("Or the owner's name").fill("Mr Okafor")
    page.get_by_label("Due by").fill("2026-12-11")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan ~ table").first).to_contain_text(
        "Weekly check-in with the key worker"
    )

    # Solution-focused reviews record where things are on the scale.
    for held_on, now, view in (
        ("2026-11-09", "3", "I hate mornings."),
        ("2026-11-24", "6", "Mornings are easier when someone meets me."),
    ):
        page.get_by_role("link", name="Record a review").click()
        page.get_by_label("Held on").fill(held_on)
        page.get_by_label("The child's view").fill(view)
        page.get_by_label("Where are we now (1-10)").fill(now)
        page.get_by_label("Where do we want to be (1-10)").fill("8")
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Review on 9 November 2026: now 3, aiming for 8")).to_be_visible()
    expect(page.get_by_text("Review on 24 November 2026: now 6, aiming for 8")).to_be_visible()

    # The case closes, and its before and after figures are read.
    page.get_by_role("link", name="Close the case").click()
    page.get_by_label("Closed on").fill("2026-11-24")
    page.get_by_label("Why the case is closing").select_option(label="Outcomes met")
    page.get_by_label("Exit summary").fill("Attending mornings; CAMHS support continues.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    measures = page.locator("#measures + table")
    cells = {
        name: measures.get_by_role("row", name=name).get_by_role("cell")
        for name in ("Incidents", "Scaling score (1-10)")
    }
    expect(cells["Incidents"].nth(2)).to_have_text("3")  # before: the four weeks to 1 November
    expect(cells["Incidents"].nth(3)).to_have_text("0")  # after: 2 to 24 November
    expect(cells["Scaling score (1-10)"].nth(2)).to_have_text("3")  # the first review
    expect(cells["Scaling score (1-10)"].nth(3)).to_have_text("6")  # the latest
    expect(cells["Scaling score (1-10)"].nth(4)).to_have_text("3")
    screenshot(page, "casework-flow-closed")

    case.refresh_from_db()
    read = {m.kind: (m.before, m.after) for m in case.measures.all()}
    assert read["incidents"] == (3, 0)
    assert read["scaling"] == (3, 6)
