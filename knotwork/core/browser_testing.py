"""Fixtures and helpers for tests in a real headless Chromium (Debian's), driven by Playwright.

Tests marked ``browser`` take ``page``, which opens on pytest-django's ``live_server``
(relative addresses work: ``page.goto("/pupils/")``). The server reads the database
from another thread, so data must be committed: take ``cast`` with ``transactional_db``.
Playwright's sync API runs an event loop in the test thread, which is why
``knotwork.core.test_environment`` sets DJANGO_ALLOW_ASYNC_UNSAFE for the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from knotwork.core.testing import PASSWORD

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
TABLET: ViewportSize = {"width": 768, "height": 1024}
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if settings.KNOTWORK_SKIP_BROWSER:
        pytest.skip("browser tests skipped: KNOTWORK_SKIP_BROWSER is set")
    chromium = Path(settings.KNOTWORK_CHROMIUM)
    if not chromium.is_file():
        pytest.fail(
            f"Chromium is not at {chromium}. Install Debian's chromium (`make browser` does "
            "where it may), set KNOTWORK_CHROMIUM to another, or set KNOTWORK_SKIP_BROWSER=1.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A page in a fresh context; when the test fails, a screenshot in test-artifacts/."""
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    opened = context.new_page()
    failures_before = request.session.testsfailed
    yield opened
    if request.session.testsfailed > failures_before:
        screenshot(opened, "failed-" + re.sub(r"[^\w.-]+", "-", request.node.nodeid))
    context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, live_server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page and land on the home page."""
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")


def tab_to(page: Page, target: Locator, limit: int = 40) -> None:
    """Press Tab until ``target`` has the focus, as someone without a mouse would."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} cannot be reached with Tab ({limit} presses)")


def assert_assets_loaded(page: Page) -> None:
    """The page has knotwork's stylesheet and htmx: a missing build fails here, plainly."""
    header = page.locator(".kw-header")
    expect(header, "app.css not applied (npm run build?)").to_have_css(
        "background-color", "rgb(11, 12, 12)"
    )
    assert page.evaluate("typeof window.htmx") == "object", "htmx not loaded (npm run build?)"
