"""Moving a pupil up the attendance ladder, in a real browser on a live server."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from knotwork.attendance.models import LadderStep
from knotwork.core.browser_testing import (
    DESKTOP,
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
)
from knotwork.core.models import AuditEntry
from knotwork.pupils.models import Contact

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def mum(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a,
        name="Maria Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        address="1 High Street\nEast Marsh\nEM1 1AA",
        preferred_channel=Contact.Channel.LETTER,
    )


def rung_status(page, kind):
    return page.locator(f"#rung-{kind}-status")


def test_the_officer_moves_a_pupil_up_the_ladder(page, live_server, cast, mum):
    sign_in(page, live_server, "officer")
    page.goto(f"/attendance/ladder/pupils/{cast.pupil_a.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance ladder")
    assert_assets_loaded(page)
    expect(page.locator("#ladder-position")).to_have_text("Not on the ladder yet")
    expect(rung_status(page, "letter_1")).to_have_text("Can start")

    # Record a stage 1 letter: the date, owner and parent come filled in.
    page.get_by_role("link", name="Add: Letter, stage 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add: Letter, stage 1")
    expect(page.get_by_label("Addressed to")).to_contain_text("Maria Ahmed (Mother")
    page.get_by_role("button", name="Add the step").click()
    expect(page.get_by_role("alert")).to_contain_text("Letter, stage 1 added to the ladder.")
    expect(rung_status(page, "letter_1")).to_have_text("Planned")
    screenshot(page, "ladder-letter-planned")

    # Open it, download its letter as a PDF.
    page.locator("#ladder-rungs").get_by_role("link", name="Letter, stage 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Letter, stage 1")
    expect(page.locator("#letter-post")).to_contain_text("We are writing about Amira's attendance")
    pdf_link = page.get_by_role("link", name="Download the letter (PDF)")
    with page.expect_download() as download:
        pdf_link.click()
    saved = Path(download.value.path())
    assert download.value.suggested_filename.startswith("attendance-letter-stage-1-")
    assert saved.read_bytes().startswith(b"%PDF")
    fetched = page.request.get(pdf_link.get_attribute("href"))
    assert fetched.headers["content-type"] == "application/pdf"
    assert fetched.body().startswith(b"%PDF")
    screenshot(page, "ladder-step-letter")

    # Mark it done with its outcome.
    page.get_by_label("Outcome").fill("Posted first class")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator("#ladder-position")).to_have_text("Letter, stage 1")
    expect(rung_status(page, "letter_1")).to_have_text("Done")

    # Add the stage 2 letter: the pupil has moved up.
    page.get_by_role("link", name="Add: Letter, stage 2").click()
    page.get_by_role("button", name="Add the step").click()
    expect(rung_status(page, "letter_2")).to_have_text("Planned")
    expect(page.locator("#ladder-next")).to_contain_text("Letter, stage 2")
    expect(page.locator("#ladder-steps tbody tr")).to_have_count(2)
    screenshot(page, "ladder-moved-up")

    steps = {s.kind: s.status for s in LadderStep.objects.filter(pupil=cast.pupil_a)}
    assert steps == {"letter_1": "done", "letter_2": "planned"}
    assert (
        AuditEntry.objects.filter(
            actor=cast.officer, pupil=cast.pupil_a, action="view", what="letter pdf letter_1"
        ).count()
        == 2
    )
    for url in [page.url]:
        assert "amira" not in url.lower() and "ahmed" not in url.lower()


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_the_ladder_needs_no_sideways_scrolling(page, live_server, cast, mum, viewport):
    LadderStep.objects.create(
        pupil=cast.pupil_a,
        kind="letter_1",
        status="done",
        date=cast.pupil_a.enrolments.get().start_date,
        owner=cast.officer,
        created_by=cast.officer,
        parent=mum,
        outcome="Posted first class, no reply yet",
    )
    page.set_viewport_size(viewport)
    sign_in(page, live_server, "officer")
    page.goto(f"/attendance/ladder/pupils/{cast.pupil_a.uuid}/")
    expect(rung_status(page, "letter_1")).to_have_text("Done")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"ladder-{viewport['width']}")
