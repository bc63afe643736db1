"""Recording an incident with three pupils in a real browser, then removing one pupil's part."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from knotwork.behaviour.models import Incident, IncidentPupil
from knotwork.core.browser_testing import (
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
)
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def third(cast):
    return make_pupil(setting=cast.school_a, legal_forename="Tom", legal_surname="Tran")


def add_pupil(page: Page, search: str, name: str, role: str) -> None:
    """Find a pupil with the picker, choose them and their part, and add them."""
    picker = page.locator("#picker")
    picker.get_by_label("Name or UPN").fill(search)
    picker.get_by_role("button", name="Find pupils").click()
    picker.get_by_label(name).check()
    picker.get_by_label("Their part in the incident").select_option(label=role)
    picker.get_by_role("button", name="Add another pupil").click()
    expect(page.locator("#pupil-rows")).to_contain_text(name)


def fill_details(page: Page) -> None:
    page.get_by_label("Where").select_option(label="Corridor")
    page.get_by_label("Date").first.fill("2026-11-23")
    page.get_by_label("Time").fill("13:20")
    page.get_by_label("What happened").select_option(label="Physical abuse of a pupil")
    page.get_by_label("Severity").select_option(label="High")
    page.get_by_label("Description").fill("Pushed into the lockers after lunch.")


def test_an_officer_records_three_pupils_then_removes_one(page, live_server, cast, third):
    sign_in(page, live_server, "officer")
    page.goto("/behaviour/incidents/")
    assert_assets_loaded(page)
    page.get_by_role("link", name="Record an incident").click()
    expect(page.get_by_role("heading", name="Record an incident")).to_be_visible()

    fill_details(page)
    add_pupil(page, "ahmed", "Ahmed, Amira", "Instigator")
    add_pupil(page, "lewis", "Lewis, Liam", "Target")
    add_pupil(page, "tran", "Tran, Tom", "Witness")
    rows = page.locator("#pupil-rows tbody tr")
    expect(rows).to_have_count(3)
    # What was typed before the pupils were added is still there.
    expect(page.get_by_label("Description")).to_have_value("Pushed into the lockers after lunch.")
    screenshot(page, "incident-new-three-pupils")
    page.locator("form").get_by_role("button", name="Save the incident").last.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Physical abuse of a pupil")
    pupils = page.locator("#incident-pupils tbody tr")
    expect(pupils).to_have_count(3)
    expect(pupils.nth(0)).to_contain_text("Ahmed, Amira")
    expect(page.get_by_label("Part of Amira Ahmed")).to_have_value("instigator")
    expect(page.get_by_label("Part of Liam Lewis")).to_have_value("target")
    expect(page.get_by_label("Part of Tom Tran")).to_have_value("witness")

    page.get_by_role("link", name="Incidents").first.click()
    listed = page.locator(".kw-incidents tbody tr")
    expect(listed).to_have_count(1)
    for name in ("Ahmed, Amira", "Lewis, Liam", "Tran, Tom"):
        expect(listed.first).to_contain_text(name)
    listed.first.get_by_role("link").first.click()

    page.get_by_role("button", name="Remove Tom Tran from the incident").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Tom Tran is no longer named in this incident."
    )
    pupils = page.locator("#incident-pupils tbody tr")
    expect(pupils).to_have_count(2)
    expect(pupils.nth(0)).to_contain_text("Ahmed, Amira")
    expect(pupils.nth(1)).to_contain_text("Lewis, Liam")
    expect(page.get_by_label("Part of Amira Ahmed")).to_have_value("instigator")
    expect(page.get_by_label("Part of Liam Lewis")).to_have_value("target")
    screenshot(page, "incident-after-removing-one")

    incident = Incident.objects.get()
    parts = dict(IncidentPupil.objects.filter(incident=incident).values_list("pupil", "role"))
    assert parts == {cast.pupil_a.pk: "instigator", cast.linked_pupil.pk: "target"}
    assert AuditEntry.objects.filter(action="delete", pupil=third).exists()
    for url in [page.url]:
        assert "tran" not in url.lower() and "ahmed" not in url.lower()


@pytest.fixture
def page_without_javascript(browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_picker_posts_the_form_back(
    page_without_javascript, live_server, cast
):
    page = page_without_javascript
    sign_in(page, live_server, "officer")
    page.goto("/behaviour/incidents/new/")
    fill_details(page)
    add_pupil(page, "ahmed", "Ahmed, Amira", "Instigator")
    expect(page.get_by_label("Description")).to_have_value("Pushed into the lockers after lunch.")
    page.locator("form").get_by_role("button", name="Save the incident").last.click()
    expect(page.locator("#incident-pupils tbody tr")).to_have_count(1)
    assert Incident.objects.get().kind == "physical_pupil"


def test_the_form_and_list_fit_a_tablet(page, live_server, cast, third):
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, "officer")
    page.goto("/behaviour/incidents/new/")
    fill_details(page)
    add_pupil(page, "ahmed", "Ahmed, Amira", "Instigator")
    add_pupil(page, "tran", "Tran, Tom", "Target")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, "incident-new-768")
    page.locator("form").get_by_role("button", name="Save the incident").last.click()
    expect(page.locator("#incident-pupils tbody tr")).to_have_count(2)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    page.goto("/behaviour/incidents/")
    expect(page.locator(".kw-incidents tbody tr")).to_have_count(1)
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    screenshot(page, "incident-list-768")
