"""The dashboard in a real browser: the chart drawn, the filters, a CSV downloaded."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from knotwork.attendance.tests.dashboard_fixtures import WINDOW, build
from knotwork.core.browser_testing import (
    NO_HORIZONTAL_SCROLL,
    TABLET,
    assert_assets_loaded,
    screenshot,
    sign_in,
)
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_a_coordinator_sees_the_chart_changes_the_threshold_and_downloads_a_csv(
    page, live_server, cast
):
    build(cast)
    sign_in(page, live_server, "coordinator")
    page.goto(f"/attendance/dashboard/?{urlencode(WINDOW)}")
    expect(page.get_by_role("heading", name="Attendance dashboard")).to_be_visible()
    assert_assets_loaded(page)

    chart = page.locator("#chart-by-setting")
    expect(chart).to_have_attribute("data-ready", "true")
    expect(chart.locator("svg")).to_be_visible()
    by_setting = page.locator('table[data-table="setting"]')
    school_a = by_setting.get_by_role("row").filter(has_text="Ashdown Academy")
    expect(school_a).to_contain_text("16.7%")
    expect(school_a).to_contain_text("71.4%")  # 5 of 7 persistently absent at 10%
    screenshot(page, "attendance-dashboard")

    page.get_by_label("Persistent absence threshold (%)").fill("20")
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(re.compile(r"pa=20"))
    expect(by_setting.get_by_role("row").filter(has_text="Ashdown Academy")).to_contain_text(
        "42.9%"  # 3 of 7 at 20%
    )

    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile(r"^Download CSV\W+by setting")).click()
    download = downloading.value
    assert download.suggested_filename == "attendance-setting-2026-20260907.csv"
    with open(download.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    school_a_row = next(row for row in rows if row[:2] == ["Ashdown Academy", "2026/27"])
    assert school_a_row[4] == "7" and school_a_row[13] == "42.86"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_on_a_tablet_the_page_does_not_scroll_sideways(page, live_server, cast):
    build(cast)
    page.set_viewport_size(TABLET)
    sign_in(page, live_server, "board_member")
    page.goto(f"/attendance/dashboard/?{urlencode(WINDOW)}")
    expect(page.locator("#chart-by-setting")).to_have_attribute("data-ready", "true")
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    region = page.get_by_role("region", name="By setting")
    region.focus()
    expect(region).to_be_focused()
