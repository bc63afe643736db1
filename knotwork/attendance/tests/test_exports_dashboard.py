"""Every dashboard table as CSV and XLSX: the same figures, suppressed the same way, audited."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from knotwork.attendance.dashboard_queries import TABLE_SLUGS
from knotwork.attendance.exports import HEADER
from knotwork.attendance.tests.dashboard_fixtures import TODAY, WINDOW, add_school_c, build
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def small(cast):
    return build(cast)


@pytest.fixture
def everyone_shown(settings):
    settings.KNOTWORK_ATTENDANCE_SUPPRESS_BELOW = 1


def url(table: str = "setting", file_format: str = "csv") -> str:
    return reverse("attendance:dashboard-export", args=[table, file_format])


def download(client, username="coordinator", table="setting", file_format="csv", data=None):
    client.login(username=username, password=PASSWORD)
    return client.get(url(table, file_format), WINDOW if data is None else data)


def parsed(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def by_group_and_year(rows: list[list[str]]) -> dict[tuple[str, str], dict[str, str]]:
    header, *body = rows
    return {(row[0], row[1]): dict(zip(header, row, strict=True)) for row in body}


def test_signed_out_goes_to_sign_in(client, small):
    response = client.get(url(), WINDOW)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, small):
    client.login(username="coordinator", password=PASSWORD)
    assert client.post(url()).status_code == 405


def test_the_csv_holds_the_tables_figures(client, small, everyone_shown):
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="attendance-setting-2026-20260907.csv"'
    )
    rows = parsed(response)
    assert rows[0] == HEADER
    figures = by_group_and_year(rows)
    school_a = figures[("Ashdown Academy", "2026/27")]
    assert school_a["From"] == "2026-09-07" and school_a["To"] == "2026-09-18"
    assert [school_a[k] for k in HEADER[4:]] == [
        "7", "120", "20", "4", "16", "16.67", "3.33", "13.33", "5", "71.43", "1", "14.29"
    ]  # fmt: skip
    last_year = figures[("Ashdown Academy", "2025/26")]
    assert (last_year["From"], last_year["Enrolments"], last_year["Overall absence rate (%)"]) == (
        "2025-09-07",
        "2",
        "16.67",
    )
    total = figures[("All enrolments", "2026/27")]
    assert (total["Enrolments"], total["Possible sessions"], total["Absence sessions"]) == (
        "12",
        "210",
        "23",
    )
    assert len(rows) == 1 + 3 * 2  # two schools and the total, each this year and last


def test_the_csv_is_suppressed_as_the_page_is(client, small):
    add_school_c(small, enrolments=2)
    figures = by_group_and_year(parsed(download(client)))
    hidden = figures[("Causeway School", "2026/27")]
    assert [hidden[k] for k in HEADER[4:]] == ["x"] * (len(HEADER) - 4)
    assert figures[("Beacon High School", "2026/27")]["Enrolments"] == "x"
    assert figures[("Ashdown Academy", "2026/27")]["Enrolments"] == "7"
    assert figures[("All enrolments", "2026/27")]["Enrolments"] == "14"


def test_ethnicity_detail_rows_name_their_group(client, small, everyone_shown):
    figures = by_group_and_year(parsed(download(client, table="ethnicity")))
    assert figures[("Unclassified: Information not yet obtained", "2026/27")]["Enrolments"] == "12"
    assert figures[("White: White British", "2026/27")]["Enrolments"] == "0"


def test_the_xlsx_opens_with_the_same_figures_and_notes(client, small, everyone_shown):
    response = download(client, file_format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["By setting", "Notes"]
    sheet = book["By setting"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    school_a = next(row for row in rows if row[:2] == ("Ashdown Academy", "2026/27"))
    assert school_a[4:7] == (7, 120, 20)
    assert school_a[9] == pytest.approx(16.67)
    assert school_a[12] == 5
    notes = [row[1] for row in book["Notes"].iter_rows(values_only=True)]
    assert "07/09/2026 to 18/09/2026 (2026/27)" in notes
    assert any("fewer than 1 enrolments" in str(note) for note in notes)


def test_the_xlsx_marks_suppressed_figures_x(client, small):
    add_school_c(small, enrolments=2)
    book = load_workbook(io.BytesIO(download(client, file_format="xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    hidden = next(row for row in rows if row[:2] == ("Causeway School", "2026/27"))
    assert set(hidden[4:]) == {"x"}


@pytest.mark.parametrize("table", TABLE_SLUGS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_table_exports_and_the_export_is_audited(client, small, table, file_format):
    response = download(client, table=table, file_format=file_format)
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.EXPORT
    assert entry.actor == small.cast.coordinator
    assert entry.pupil is None
    assert entry.what == f"attendance dashboard, {table} ({file_format})"


def test_setting_staff_export_only_their_setting(client, small, everyone_shown):
    figures = by_group_and_year(parsed(download(client, username="outsider")))
    assert {group for group, _ in figures} == {"Beacon High School", "All enrolments"}


def test_an_agency_practitioner_gets_403(client, small):
    assert download(client, username="caseworker").status_code == 403
    assert not AuditEntry.objects.exists()


def test_an_unknown_table_is_404(client, small):
    assert download(client, table="pupils").status_code == 404
    client.login(username="coordinator", password=PASSWORD)
    assert client.get("/attendance/dashboard/export/setting.pdf").status_code == 404


def test_invalid_filters_go_back_to_the_page_and_export_nothing(client, small):
    data = {**WINDOW, "end": "2026-09-01"}
    response = download(client, data=data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("attendance:dashboard") + "?")
    assert "end=2026-09-01" in response.url
    assert not AuditEntry.objects.exists()
