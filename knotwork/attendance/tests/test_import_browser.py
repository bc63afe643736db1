"""Importing a file of marks in a real browser: upload, progress, outcome."""

import datetime
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from knotwork.attendance.codes import code_for
from knotwork.attendance.models import ImportRun, Register
from knotwork.attendance.queries import SessionMaps
from knotwork.attendance.tests.import_helpers import csv_of, week_of_marks
from knotwork.core.browser_testing import (
    DESKTOP,
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MONDAY = datetime.date(2026, 11, 2)
RUN_URL = re.compile(r".*/attendance/imports/[0-9a-f-]{36}/$")


def four_weeks(cast, bad_code=False):
    rows = []
    for pupil in (cast.pupil_a, cast.linked_pupil):
        for week in range(4):
            codes = "/\\/\\N\\/\\/\\" if week == 2 else "/\\/\\/\\/\\/\\"
            if bad_code and pupil == cast.linked_pupil and week == 3:
                codes = "/\\/\\/\\/\\/!"
            monday = MONDAY + datetime.timedelta(weeks=week)
            rows += week_of_marks(pupil.upn, cast.school_a.urn, monday, codes)
    return csv_of(rows)


def upload(page: Page, path) -> None:
    page.goto("/attendance/imports/")
    expect(page.get_by_role("heading", name="Import attendance marks")).to_be_visible()
    page.get_by_label("File of marks").set_input_files(str(path))
    page.get_by_role("button", name="Upload and import").click()
    expect(page).to_have_url(RUN_URL)


def test_an_officer_imports_a_file_and_sees_it_through_to_the_counts(
    page, live_server, cast, tmp_path
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    path = tmp_path / "autumn-marks.csv"
    path.write_bytes(four_weeks(cast))
    sign_in(page, live_server, "officer")
    upload(page, path)
    assert_assets_loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("autumn-marks.csv")

    bar = page.locator("progress#import-progress")
    expect(bar).to_have_attribute("value", "100")
    expect(page.locator("#import-percent")).to_have_text("100% done")
    counts = page.locator("#import-counts")
    expect(counts.locator("dd")).to_have_text(["80", "0", "0"])
    expect(page.get_by_role("alert")).to_contain_text("Imported")
    screenshot(page, "import-done")
    assert any(url.endswith("/progress/") for url in requested), "the page never polled"

    run = ImportRun.objects.get()
    assert (run.status, run.marks_new, run.uploaded_by) == ("done", 80, cast.officer)
    year = SessionMaps().for_setting(cast.school_a, 2026)
    start = year.sessions.index_of(MONDAY, "AM")
    marks = bytes(Register.objects.get(enrolment__pupil=cast.linked_pupil).marks)
    present = [code_for(c, MONDAY).id for c in "/\\"]
    assert list(marks[start : start + 4]) == present * 2
    assert marks[start + 24] == code_for("N", MONDAY).id
    assert set(marks[:start]) == {0}
    for url in requested:
        assert cast.pupil_a.upn not in url and "ahmed" not in url.lower()

    page.get_by_role("link", name="All your imports").click()
    row = page.locator("#import-runs tbody tr").first
    expect(row).to_contain_text("autumn-marks.csv")
    expect(row).to_contain_text("80 new, 0 amended, 0 unchanged")


def test_a_file_with_a_wrong_code_lists_the_problem_and_changes_nothing(
    page, live_server, cast, tmp_path
):
    path = tmp_path / "marks.csv"
    path.write_bytes(four_weeks(cast, bad_code=True))
    sign_in(page, live_server, "officer")
    upload(page, path)
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_role("cell")).to_have_text(
        ["marks.csv", "81", "code", "'!' is not a national register code."]
    )
    expect(page.get_by_role("link", name="Download the problems (CSV)")).to_be_visible()
    assert not Register.objects.exists()
    screenshot(page, "import-failed")


@pytest.fixture
def page_without_javascript(browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_without_javascript_the_import_starts_from_a_button(
    page_without_javascript, live_server, cast, tmp_path
):
    page = page_without_javascript
    path = tmp_path / "marks.csv"
    path.write_bytes(four_weeks(cast))
    sign_in(page, live_server, "officer")
    upload(page, path)
    expect(page.locator("#import-percent")).to_have_text("0% done")
    page.get_by_role("button", name="Start the import").click()
    expect(page).to_have_url(RUN_URL)
    expect(page.locator("#import-counts dd").first).to_have_text("80")
    assert Register.objects.count() == 2


@pytest.mark.parametrize("viewport", [TABLET, DESKTOP], ids=["768", "1280"])
def test_the_pages_need_no_sideways_scrolling(page, live_server, cast, tmp_path, viewport):
    page.set_viewport_size(viewport)
    path = tmp_path / "a-rather-long-file-name-from-the-management-information-system.csv"
    path.write_bytes(four_weeks(cast, bad_code=True))
    sign_in(page, live_server, "officer")
    upload(page, path)
    expect(page.get_by_role("heading", name="Nothing was imported")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    page.goto("/attendance/imports/")
    assert page.evaluate(NO_HORIZONTAL_SCROLL), page.evaluate(
        "document.documentElement.scrollWidth"
    )
    screenshot(page, f"import-list-{viewport['width']}")
