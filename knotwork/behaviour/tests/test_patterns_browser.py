"""The patterns page and a pupil's behaviour page in a real browser: charts drawn, no sideways
scrolling on a tablet or a laptop."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from knotwork.behaviour.models import Withdrawal
from knotwork.behaviour.testing import make_incident
from knotwork.core.browser_testing import (
    DESKTOP,
    NO_HORIZONTAL_SCROLL,
    TABLET,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def history(cast):
    for day, hour in ((16, 13), (17, 10), (18, 9), (23, 13)):
        make_incident(
            setting=cast.school_a,
            recorded_by=cast.officer,
            pupils={cast.pupil_a: "instigator", cast.linked_pupil: "target"},
            occurred_at=timezone.make_aware(datetime.datetime(2026, 11, day, hour, 15)),
        )
    Withdrawal.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        kind="internal",
        date=datetime.date(2026, 10, 7),
        sessions=2,
        recorded_by=cast.officer,
    )


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_the_patterns_page_draws_its_heatmap_and_fits(page, live_server, cast, history, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "officer")
    page.goto("/behaviour/incidents/patterns/")
    expect(page.get_by_role("heading", name="Incident patterns")).to_be_visible()
    expect(page.locator("#incident-count")).to_have_text("4")
    expect(page.locator("#incident-heatmap svg, #incident-heatmap canvas").first).to_be_visible()
    expect(page.locator("#table-pairs tbody tr")).to_have_count(1)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"incident-patterns-{viewport['width']}")


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_the_pupils_page_draws_months_and_fits(page, live_server, cast, history, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "officer")
    page.goto(f"/pupils/{cast.pupil_a.uuid}/")
    page.get_by_role("link", name="View behaviour").click()
    expect(page.get_by_role("heading", name="Behaviour", exact=True)).to_be_visible()
    expect(page.locator("#behaviour-months svg, #behaviour-months canvas").first).to_be_visible()
    expect(page.locator("#pupil-incidents tbody tr")).to_have_count(4)
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"pupil-behaviour-{viewport['width']}")
