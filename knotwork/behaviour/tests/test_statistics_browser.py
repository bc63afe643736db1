"""The statistics page and the watch in a real browser: the chart drawn, a group of
settings chosen, a table downloaded, a tablet's width, the watch's evidence."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from playwright.sync_api import expect

from knotwork.attendance.testing import fill_register
from knotwork.behaviour.testing import make_exclusion
from knotwork.behaviour.tests.test_statistics_figures import build
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
D = datetime.date


def busier(cast):
    """The small partnership, with six more suspensions at Beacon so both schools' rates
    can be shown."""
    found = build(cast)
    for i in range(6):
        pupil = make_pupil(setting=cast.school_b, legal_forename=f"Busy{i}")
        make_exclusion(pupil=pupil, recorded_by=cast.officer, start_date=D(2026, 10, 7))
    return found


def test_a_board_member_sees_the_chart_chooses_a_setting_and_downloads_a_table(
    page, live_server, cast
):
    busier(cast)
    sign_in(page, live_server, "board_member")
    page.goto("/behaviour/statistics/")
    expect(page.get_by_role("heading", name="Suspensions and permanent exclusions")).to_be_visible()
    assert_assets_loaded(page)
    chart = page.locator("#chart-suspension-rate")
    expect(chart).to_have_attribute("data-ready", "true")
    expect(chart.locator("svg")).to_be_visible()
    by_setting = page.locator('table[data-table="setting"]')
    expect(by_setting.get_by_role("row").filter(has_text="Beacon High School")).to_contain_text(
        "61.54"  # 8 suspensions per 13 pupils on roll
    )
    screenshot(page, "exclusion-statistics")

    page.get_by_role("checkbox", name="Beacon High School").check()
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(re.compile(r"setting="))
    expect(page.get_by_role("heading", name="2026/27: Beacon High School")).to_be_visible()
    expect(by_setting).not_to_contain_text("Ashdown Academy")

    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile(r"^Download CSV\W+by setting")).click()
    download = downloading.value
    assert download.suggested_filename == "exclusions-setting-2026.csv"
    with open(download.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    beacon = next(row for row in rows if row[:2] == ["Beacon High School", "2026/27"])
    assert beacon[3:5] == ["13", "8"]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.pupil is None


def test_on_a_tablet_the_page_does_not_scroll_sideways(page, live_server, cast):
    busier(cast)
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, "coordinator")
    page.goto("/behaviour/statistics/")
    expect(page.locator("#chart-suspension-rate")).to_have_attribute("data-ready", "true")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    region = page.get_by_role("region", name="By setting")
    region.focus()
    expect(region).to_be_focused()


def test_the_watch_shows_a_pupil_sent_home_and_links_to_them(page, live_server, cast):
    marks = {(day, "PM"): "C" for day in (D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 5))}
    fill_register(cast.linked_pupil.enrolments.get(), 2026, through=D(2026, 11, 23), marks=marks)
    sign_in(page, live_server, "officer")
    page.goto("/behaviour/statistics/")
    page.get_by_role("link", name="Watch for unofficial exclusion").click()
    expect(page.get_by_role("heading", name="Watch for unofficial exclusion")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Liam Lewis")
    expect(row).to_contain_text("Sent home?")
    expect(row).to_contain_text("C in 3 sessions on 3 school days, 2 Nov 2026 to 5 Nov 2026")
    row.get_by_role("link", name="Liam Lewis").click()
    expect(page).to_have_url(re.compile(str(cast.linked_pupil.uuid)))
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW, pupil=cast.linked_pupil, what="unofficial exclusion watch"
    ).exists()
