"""Finding a pupil and opening the record, in a real browser on a live server."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Request, expect

from knotwork.core.browser_testing import (
    DESKTOP,
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
    tab_to,
)
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SURNAME = "Ahmed"


def is_search_post(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/pupils/")


def search_for(page: Page, text: str) -> Request:
    """Type ``text`` into the search and press the Search button; the request it sent."""
    page.get_by_label("Name or UPN").fill(text)
    with page.expect_request(is_search_post) as sent:
        page.get_by_role("button", name="Search").click()
    return sent.value


def test_an_officer_finds_a_pupil_by_surname_and_opens_the_record(page, live_server, cast):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    visited: list[str] = []

    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to knotwork")).to_be_visible()
    visited.append(page.url)
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    visited.append(page.url)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Pupils").click()
    expect(page.get_by_role("heading", name="Find a pupil")).to_be_visible()
    assert_assets_loaded(page)
    visited.append(page.url)

    sent = search_for(page, SURNAME)
    expect(page.locator("#results-count")).to_have_text("1 pupil found")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell")).to_have_text(
        ["Ahmed, Amira", cast.pupil_a.upn, "1 Jan 2013", "Ashdown Academy"]
    )
    assert f"q={SURNAME}" in (sent.post_data or "")
    visited.append(page.url)
    screenshot(page, "pupil-search-results")

    rows.first.get_by_role("link", name="Ahmed, Amira").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Ahmed")
    expect(page.locator(".govuk-caption-l")).to_contain_text(f"UPN {cast.pupil_a.upn}")
    enrolments = page.locator("table", has=page.get_by_role("columnheader", name="Registration"))
    expect(enrolments.locator("tbody tr")).to_have_count(1)
    expect(enrolments.locator("tbody tr").first).to_contain_text("Ashdown Academy")
    expect(enrolments.locator("tbody tr").first).to_contain_text("On roll")
    visited.append(page.url)
    screenshot(page, "pupil-profile")

    assert visited[-1] == f"{live_server.url}/pupils/{cast.pupil_a.uuid}/"
    assert len(visited) == 5
    for url in visited + requested:
        assert SURNAME.lower() not in url.lower(), url
        assert "amira" not in url.lower(), url
    assert AuditEntry.objects.filter(actor=cast.officer, action="search").count() == 1
    assert AuditEntry.objects.filter(actor=cast.officer, action="view", pupil=cast.pupil_a).exists()


def test_the_search_works_from_the_keyboard_alone(page, live_server, cast):
    page.goto("/account/sign-in/")
    tab_to(page, page.get_by_label("Username"))
    page.keyboard.type("officer")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    tab_to(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Pupils"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Find a pupil")).to_be_visible()

    tab_to(page, page.get_by_label("Name or UPN"))
    page.keyboard.type(SURNAME)
    page.keyboard.press("Enter")
    expect(page.locator("#results-count")).to_have_text("1 pupil found")

    tab_to(page, page.locator("#results").get_by_role("link", name="Ahmed, Amira"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Ahmed")
    assert page.url == f"{live_server.url}/pupils/{cast.pupil_a.uuid}/"


def test_htmx_replaces_the_results_without_a_page_load(page, live_server, cast):
    sign_in(page, live_server, "officer")
    page.goto("/pupils/")
    assert_assets_loaded(page)
    page.evaluate("window.knotworkMarker = 'still here'")
    results = page.locator("#results")

    sent = search_for(page, SURNAME)
    expect(page.locator("#results-count")).to_have_text("1 pupil found")
    expect(results.get_by_role("link", name="Ahmed, Amira")).to_be_visible()
    assert sent.headers.get("hx-request") == "true"

    search_for(page, "Lewis")
    expect(results.get_by_role("link", name="Lewis, Liam")).to_be_visible()
    expect(results.get_by_role("link", name="Ahmed, Amira")).to_have_count(0)

    assert page.evaluate("window.knotworkMarker") == "still here"
    assert page.url == f"{live_server.url}/pupils/"
    # The region holds the results alone, not a second copy of the page.
    expect(page.locator(".kw-header")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("#results-count")).to_have_count(1)


@pytest.fixture
def page_without_javascript(browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_search_is_posted_and_the_name_stays_out_of_the_url(
    page_without_javascript, live_server, cast
):
    page = page_without_javascript
    sign_in(page, live_server, "officer")
    page.goto("/pupils/")
    sent = search_for(page, SURNAME)
    expect(page.locator("#results-count")).to_have_text("1 pupil found")
    assert sent.is_navigation_request()
    assert "hx-request" not in sent.headers
    assert f"q={SURNAME}" in (sent.post_data or "")
    assert page.url == f"{live_server.url}/pupils/"


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_search_and_profile_need_no_sideways_scrolling(page, live_server, cast, viewport):
    page.set_viewport_size(viewport)
    width = viewport["width"]
    sign_in(page, live_server, "officer")
    page.goto("/pupils/")
    assert page.evaluate("window.innerWidth") == width
    search_for(page, SURNAME)
    expect(page.locator("#results-count")).to_have_text("1 pupil found")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"pupil-search-{width}")

    page.locator("#results").get_by_role("link", name="Ahmed, Amira").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Ahmed")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"pupil-profile-{width}")
