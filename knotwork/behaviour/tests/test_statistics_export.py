"""Statistics tables as CSV and XLSX: suppressed as on the page, audited with no pupil."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from knotwork.behaviour.statistics_queries import TABLE_SLUGS
from knotwork.behaviour.tests.test_statistics_figures import build
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def small(cast):
    return build(cast)


def url(table: str, file_format: str = "csv") -> str:
    return reverse("behaviour:statistics-export", args=[table, file_format])


def download(client, username, table, file_format="csv", data=None):
    client.login(username=username, password=PASSWORD)
    return client.get(url(table, file_format), data or {})


def rows_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_setting_table_as_csv_with_every_measure(client, small):
    response = download(client, "coordinator", "setting")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="exclusions-setting-2026.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    header = rows[0]
    assert header[:5] == [
        "Group",
        "Academic year",
        "Pupils counted on",
        "Pupils on roll",
        "Suspensions",
    ]
    total = dict(zip(header, rows[-2], strict=True))  # the whole, this year (then last)
    assert total["Group"] == "All settings chosen"
    assert total["Academic year"] == "2026/27"
    assert total["Pupils counted on"] == "2026-11-24"
    assert total["Suspensions"] == "7"
    assert total["Suspension rate (per 100 pupils)"] == "36.84"
    assert total["Days lost"] == "14"
    assert total["Permanent exclusions"] == "x"
    ashdown = dict(zip(header, rows[1], strict=True))
    assert (ashdown["Group"], ashdown["Suspensions"], ashdown["Pupils on roll"]) == (
        "Ashdown Academy",
        "x",
        "12",
    )


def test_the_export_is_audited_with_no_pupil(client, small):
    download(client, "board_member", "gender")
    entry = AuditEntry.objects.get()
    assert entry.action == AuditEntry.Action.EXPORT
    assert entry.pupil is None
    assert entry.object_type == "directory.partnership"
    assert entry.what == "exclusion statistics, gender (csv)"


def test_setting_staff_export_their_settings_figures(client, small):
    rows = rows_of(download(client, "head_of_year", "headline"))
    assert [r[:2] for r in rows[1:]] == [
        ["All settings chosen", "2026/27"],
        ["All settings chosen", "2025/26"],  # 2024/25: no calendar and no exclusions
    ]
    assert rows[1][4] == "5"
    assert AuditEntry.objects.get().object_type == "directory.setting"


def test_ethnicity_detail_is_named_after_its_group(client, small):
    rows = rows_of(download(client, "coordinator", "ethnicity"))
    labels = [r[0] for r in rows[1:]]
    assert "Black or Black British: Black Caribbean" in labels


def test_reasons_as_csv(client, small):
    rows = rows_of(download(client, "coordinator", "reason"))
    assert rows[0][:4] == ["Reason code", "Reason", "Academic year", "Suspension reasons"]
    db = next(r for r in rows if r[0] == "DB" and r[2] == "2026/27")
    assert db[3:5] == ["x", "x"]  # 5 of 8, but VA 2 and PA 1 are hidden, so DB is too
    assert rows[-2][:4] == ["All", "All reasons recorded", "2026/27", "8"]


@pytest.mark.parametrize("table", TABLE_SLUGS)
def test_every_table_downloads_as_xlsx(client, small, table):
    response = download(client, "coordinator", table, "xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    figures, notes = book.worksheets
    assert figures.max_row >= 2
    assert notes.title == "Notes"
    assert any("census day" in str(row[1].value) for row in notes.iter_rows())


def test_a_group_of_settings_exports_only_its_figures(client, small):
    data = {"setting": [str(small.cast.school_b.uuid)]}
    rows = rows_of(download(client, "coordinator", "setting", data=data))
    assert {r[0] for r in rows[1:]} == {"Beacon High School", "All settings chosen"}


def test_an_unknown_table_is_404(client, small):
    assert download(client, "coordinator", "pupils").status_code == 404


def test_an_outsider_asking_for_another_schools_figures_gets_404(client, small):
    data = {"setting": [str(small.cast.school_a.uuid)]}
    assert download(client, "outsider", "setting", data=data).status_code == 404
    assert not AuditEntry.objects.exists()


def test_invalid_filters_go_back_to_the_page(client, small):
    response = download(client, "coordinator", "setting", data={"year": "1999"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("behaviour:statistics"))
    assert not AuditEntry.objects.exists()


def test_an_agency_practitioner_gets_403(client, small):
    assert download(client, "caseworker", "setting").status_code == 403


def test_signed_out_goes_to_sign_in(client, small):
    response = client.get(url("setting"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, small):
    client.login(username="coordinator", password=PASSWORD)
    assert client.post(url("setting")).status_code == 405
