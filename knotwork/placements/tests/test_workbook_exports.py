"""Each of the partnership's CSV exports has an XLSX beside it: it opens, holds the CSV's
rows (figures as numbers, days as dates, hidden figures still ``x``) and is audited as
the CSV is."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

import pytest
from django.core.cache import caches
from django.urls import reverse
from openpyxl import load_workbook

from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.placements.budget_models import BudgetEntry
from knotwork.placements.fair_access_services import fair_access_place
from knotwork.placements.tests.budget_helpers import make_budget, make_item, place
from knotwork.placements.tests.panel_helpers import make_move
from knotwork.placements.tests.provision_helpers import place as ap_place
from knotwork.placements.tests.provision_helpers import provision_world  # noqa: F401
from knotwork.placements.workbook_exports import XLSX

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture(autouse=True)
def _empty_cache():
    caches["figures"].clear()
    yield
    caches["figures"].clear()


def login(client, username="coordinator"):
    assert client.login(username=username, password=PASSWORD)
    return client


def same(value):
    """A cell as the CSV writes it, so the two can be compared."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    try:
        return str(Decimal(text).normalize())
    except InvalidOperation:
        return text


def csv_rows(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return [[same(v) for v in row] for row in rows]


def xlsx_sheets(response):
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(response.content))
    return {
        sheet.title: [[same(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def both(client, csv_name, xlsx_name, args=(), query=""):
    csv_url = reverse(f"placements:{csv_name}", args=args) + query
    xlsx_url = reverse(f"placements:{xlsx_name}", args=args) + query
    return csv_rows(client.get(csv_url)), xlsx_sheets(client.get(xlsx_url))


def test_the_move_monitor_has_its_tables_and_the_same_suppression(client, cast):
    make_move(cast)
    table, sheets = both(login(client), "move-monitor-export", "move-monitor-xlsx")
    settings_rows = sheets["Settings"]
    assert settings_rows == table[: len(settings_rows)]
    assert ["Ashdown Academy", "1", "0", "0", "0", "0", "", ""] in settings_rows
    groups = [row[1:] for row in sheets["Pupil groups"][1:]]
    in_csv = [row for row in table[len(settings_rows) :] if row and row[0] and len(row) == 5]
    assert groups == [row for row in in_csv if row[1] != "Pupils on roll"]
    assert any("x" in row for row in groups)  # three pupils on roll: hidden, as in the CSV
    assert "Notes" in sheets
    assert not any("Amira" in v for rows in sheets.values() for row in rows for v in row)


def test_the_fair_access_list_and_fair_share(client, world):
    cast = world.cast
    fair_access_place(
        actor=cast.coordinator,
        partnership=cast.partnership,
        pupil=cast.pupil_b,
        category="l",
        out_of_school_from=D(2026, 11, 2),
        placed_at=cast.school_b,
        placed_on=D(2026, 11, 9),
        started_on=D(2026, 11, 16),
    )
    login(client)
    table, sheets = both(client, "fair-access-csv", "fair-access-xlsx", query="?year=2026")
    assert sheets["Fair access"] == table and len(table) == 2
    assert table[1][0] == "Bea Brown"
    book = load_workbook(io.BytesIO(client.get(reverse("placements:fair-access-xlsx")).content))
    row = [c.value for c in book["Fair access"][2]]
    assert row[3] == datetime.datetime(2026, 11, 2) and row[8] == 20  # a date and a number
    audits = AuditEntry.objects.filter(pupil=cast.pupil_b, action=AuditEntry.Action.EXPORT)
    assert {a.what for a in audits} >= {"fair access CSV", "fair access XLSX"}
    table, sheets = both(client, "fair-access-share-csv", "fair-access-share-xlsx")
    assert sheets["Fair share"] == table
    assert AuditEntry.objects.filter(what="fair share XLSX").count() == 1


def test_the_provision_list(client, world):
    ap_place(world)
    login(client, "officer")
    table, sheets = both(client, "provision-csv", "provision-xlsx")
    assert sheets["Placements"] == table and len(table) == 2
    assert AuditEntry.objects.filter(
        what="provision XLSX", pupil=world.cast.pupil_a, action=AuditEntry.Action.EXPORT
    ).exists()


def test_the_budget_statement_and_ledger(client, cast):
    budget = make_budget(cast)
    place(cast, make_item(cast))
    BudgetEntry.objects.create(
        budget=budget,
        kind="spend",
        category="ap",
        amount=Decimal("1500.00"),
        on=D(2026, 11, 2),
        note="=SUM(A1)",
        recorded_by=cast.coordinator,
    )
    login(client, "board_member")
    table, sheets = both(
        client, "budget-statement-csv", "budget-statement-xlsx", args=[budget.uuid]
    )
    assert sheets["Statement"] == table[2:]  # the CSV's two lines of title are notes here
    assert ["Balance", "Contributions less spending and commitments", "8375"] in table
    table, sheets = both(client, "budget-ledger-csv", "budget-ledger-xlsx", args=[budget.uuid])
    assert sheets["Ledger"] == table and len(table) == 4
    assert any(v == "'=SUM(A1)" for row in table for v in row)  # not run as a formula
    assert AuditEntry.objects.filter(
        what="budget statement XLSX", object_id=str(budget.uuid)
    ).exists()
    assert AuditEntry.objects.filter(what="budget ledger XLSX", object_id=str(budget.uuid)).exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(reverse("placements:move-monitor-xlsx"))
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
