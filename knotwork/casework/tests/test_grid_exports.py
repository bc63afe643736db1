"""The tracking grid as CSV and XLSX: the same cells as the page, the whole list rather
than a page, an audit row per pupil exported."""

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from knotwork.casework.tests.grid_helpers import CAMHS, FAMILY, NOW, YOUTH, build_grid
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

CSV = reverse("casework:grid-export", args=["csv"])
XLSX = reverse("casework:grid-export", args=["xlsx"])
AMIRA = [
    "Amira Ahmed",
    9,
    "Ashdown Academy",
    "Cass: Team member since 12 Oct: Therapist",
    "Dee Evans: Team member 12 Oct to 6 Nov: Family support",
    "Yusuf Ali: Referral accepted 3 Nov, waiting (Mentoring)",
]
BEA = [
    "Bea Brown",
    10,
    "Beacon High School",
    "Referral sent 20 Nov, awaiting an answer (Assessment)",
    None,
    None,
]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def grid(cast):
    return build_grid(cast)


def signed_in(client, username="coordinator"):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_csv_holds_the_grid(client, cast, grid, settings):
    settings.KNOTWORK_PAGE_SIZE = 5
    response = signed_in(client).get(CSV, {"show": "all"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="tracking-grid-20261124.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Pupil", "Year", "Setting", CAMHS, FAMILY, YOUTH]
    assert rows[1] == [str(v) for v in AMIRA]
    assert rows[2] == [str(v) if v is not None else "" for v in BEA]
    assert len(rows) == 3


def test_the_xlsx_holds_the_same_cells_and_the_agencies_contacts(client, cast, grid):
    response = signed_in(client).get(XLSX, {"show": "all"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Tracking grid"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["Pupil", "Year", "Setting", CAMHS, FAMILY, YOUTH]
    assert values[1:] == [AMIRA, BEA]
    assert sheet["D2"].alignment.wrap_text
    about = [list(r) for r in book["Agencies and notes"].iter_rows(values_only=True)]
    assert about[0] == ["Agency", "Contact", "Telephone"]
    assert [FAMILY, "Pat Okafor", "01632 960001"] in about
    assert ["Involvement", "Live and ended", None] in about


def test_an_export_follows_the_filters(client, cast, grid):
    response = signed_in(client).get(XLSX, {"setting": cast.school_b.uuid})
    sheet = load_workbook(io.BytesIO(response.content))["Tracking grid"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [["Pupil", "Year", "Setting", CAMHS], BEA[:4]]


def test_each_exported_pupil_gets_an_export_audit_row(client, cast, grid):
    signed_in(client).get(CSV)
    signed_in(client).get(XLSX, {"year": "10"})
    csv_rows = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, what="grid CSV")
    xlsx_rows = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, what="grid XLSX")
    assert {r.pupil_id for r in csv_rows} == {cast.pupil_a.pk, cast.pupil_b.pk}
    assert [r.pupil_id for r in xlsx_rows] == [cast.pupil_b.pk]


def test_a_practitioner_exports_only_what_they_see(client, cast, grid):
    response = signed_in(client, "youth_worker").get(CSV, {"show": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Pupil", "Year", "Setting", YOUTH],
        ["Amira Ahmed", "9", "Ashdown Academy", AMIRA[5]],
    ]


def test_a_cell_that_would_run_as_a_formula_is_quoted(client, cast, grid):
    grid.family_worker.name = "=SUM(1)"
    grid.family_worker.save()
    response = signed_in(client).get(XLSX, {"show": "ended"})
    sheet = load_workbook(io.BytesIO(response.content))["Tracking grid"]
    assert sheet["D2"].value == "'=SUM(1): Team member 12 Oct to 6 Nov: Family support"
    lines = signed_in(client).get(CSV, {"show": "ended"}).content.decode("utf-8-sig")
    assert "'=SUM(1)" in lines


def test_an_unknown_format_is_404(client, cast, grid):
    url = reverse("casework:grid-export", args=["pdf"])
    assert signed_in(client).get(url).status_code == 404


@pytest.mark.parametrize("who", ["board_member"])
def test_board_members_may_not_export(client, cast, grid, who):
    assert signed_in(client, who).get(XLSX).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
