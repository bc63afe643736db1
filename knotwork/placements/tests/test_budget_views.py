"""The budget page, its statement as CSV and PDF, entries kept by the manager and the
service, and the cost per improved outcome."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knotwork.casework.case_models import CaseMeasure
from knotwork.casework.tests.case_fixtures import open_case
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_user
from knotwork.placements.budget_exports import statement_html
from knotwork.placements.budget_models import BudgetEntry
from knotwork.placements.budget_queries import budget_statement, setting_accounts
from knotwork.placements.order_services import order_refund, order_session_record
from knotwork.placements.tests.budget_helpers import (
    D,
    make_budget,
    make_item,
    make_officer,
    place,
    signed_in,
    today,  # noqa: F401
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
NOV = datetime.date(2026, 11, 2)


def _url(budget, rest=""):
    return f"/placements/interventions/budget/{budget.uuid}/{rest}"


def _spend_some(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=4)
    order_session_record(actor=officer, order=order, on=NOV, length="day")
    BudgetEntry.objects.create(
        budget=budget,
        kind="spend",
        category="ap",
        amount=D("1500.00"),
        on=NOV,
        recorded_by=cast.coordinator,
    )
    return budget, order, officer


def test_the_budget_page_shows_the_balance_and_the_lines(client, cast):
    budget, _, _ = _spend_some(cast)
    response = signed_in(client, "board_member").get(_url(budget))
    s = response.context["statement"]
    # 10,000 in; 225 charged and 1,500 on AP; 225 of the 450 estimate still committed.
    assert (s.contributed, s.spent, s.committed, s.balance) == (
        D("10000.00"),
        D("1725.00"),
        D("225.00"),
        D("8050.00"),
    )
    page = response.content.decode()
    assert "£8,050.00" in page and "Alternative provision" in page
    assert "Amira" not in page  # the budget names no pupil
    assert response.context["chart"] is not None
    assert not response.context["can_keep"]
    audit = AuditEntry.objects.get(what="budget")
    assert (audit.action, audit.pupil, audit.object_id) == ("view", None, str(budget.uuid))


def test_the_current_budget_redirects_to_the_latest(client, cast):
    budget = make_budget(cast)
    response = signed_in(client).get("/placements/interventions/budget/")
    assert response["Location"] == _url(budget)


def test_without_a_budget_the_page_says_so(client, cast):
    response = signed_in(client).get("/placements/interventions/budget/")
    assert "no pooled budget yet" in response.content.decode()


def test_someone_outside_the_partnership_gets_404(client, cast):
    budget = make_budget(cast)
    make_user("stranger")
    assert signed_in(client, "stranger").get(_url(budget)).status_code == 404
    assert signed_in(client, "stranger").get(_url(budget, "statement.csv")).status_code == 404


def test_signed_out_goes_to_sign_in(client, cast):
    budget = make_budget(cast)
    for rest in ("", "statement.csv", "statement.pdf", "ledger.csv", "entries/new/", "outcomes/"):
        assert "sign-in" in client.get(_url(budget, rest))["Location"]


def test_the_statement_as_csv_adds_up(client, cast):
    budget, order, officer = _spend_some(cast)
    order_refund(actor=officer, order=order, amount=D("25.00"), on=NOV, reason="goodwill")
    response = signed_in(client, "head_of_year").get(_url(budget, "statement.csv"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "Contributions,Ashdown Academy,10000.00" in text
    assert "Spending,Alternative provision,1500.00" in text
    assert "Spending,Interventions,200.00" in text
    assert "Commitments,Interventions,225.00" in text
    assert "Balance,Contributions less spending and commitments,8075.00" in text
    assert AuditEntry.objects.filter(action="export", what="budget statement CSV").exists()


def test_the_statement_as_pdf_a_governing_board_can_read(client, cast):
    budget, _, _ = _spend_some(cast)
    response = signed_in(client, "board_member").get(_url(budget, "statement.pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5_000
    assert "budget-statement-2026-20261124.pdf" in response["Content-Disposition"]
    html = statement_html(
        budget, budget_statement(budget), setting_accounts(budget), datetime.date(2026, 11, 24)
    )
    assert "pooled budget 2026/27" in html and "£8,050.00" in html and "Amira" not in html


def test_the_manager_adds_a_contribution(client, cast):
    budget = make_budget(cast)
    response = signed_in(client, "coordinator").post(
        _url(budget, "entries/new/"),
        {
            "kind": "contribution",
            "amount": "2500",
            "on": "2026-11-24",
            "source": "school",
            "setting": cast.school_b.pk,
        },
    )
    assert response.status_code == 302
    entry = budget.entries.get(setting=cast.school_b)
    assert (entry.kind, entry.amount, entry.source) == ("contribution", D("2500.00"), "school")
    assert AuditEntry.objects.filter(what="budget contribution", object_id=str(entry.uuid))


def test_spending_without_a_category_is_shown_again_and_nothing_saved(client, cast):
    budget = make_budget(cast)
    response = signed_in(client, "coordinator").post(
        _url(budget, "entries/new/"), {"kind": "spend", "amount": "40", "on": "2026-11-24"}
    )
    assert response.status_code == 200 and "Choose what the money is for" in (
        response.content.decode()
    )
    assert budget.entries.count() == 1


def test_a_release_cannot_free_more_than_is_committed(client, cast):
    budget = make_budget(cast)
    signed_in(client, "coordinator")
    client.post(
        _url(budget, "entries/new/"),
        {"kind": "commitment", "amount": "600", "on": "2026-11-24", "category": "training"},
    )
    response = client.post(
        _url(budget, "entries/new/"),
        {"kind": "release", "amount": "600.01", "on": "2026-11-24", "category": "training"},
    )
    assert "more than is committed" in response.content.decode()
    assert budget.entries.filter(kind="release").count() == 0


def test_members_who_do_not_keep_the_budget_may_not_add_to_it(client, cast):
    budget = make_budget(cast)
    assert signed_in(client, "officer").get(_url(budget, "entries/new/")).status_code == 403
    assert (
        signed_in(client, "board_member")
        .post(_url(budget, "entries/new/"), {"kind": "spend", "amount": "1", "on": "2026-11-24"})
        .status_code
        == 403
    )
    assert budget.entries.count() == 1


def test_cost_per_improved_outcome(client, cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    item = make_item(cast)
    case = open_case(cast, pupil=cast.pupil_a, opened_on=datetime.date(2026, 9, 7))
    CaseMeasure.objects.create(
        case=case,
        kind="attendance",
        starts_on=datetime.date(2026, 9, 7),
        before=D("82.0"),
        after=D("91.5"),
        read_at=timezone.now(),
    )
    improved = place(cast, item, half_days=2)
    order_session_record(actor=officer, order=improved, on=NOV, length="day")
    no_case = place(cast, item, pupil=cast.linked_pupil, half_days=2)
    order_session_record(actor=officer, order=no_case, on=NOV, length="day")
    response = signed_in(client, "board_member").get(_url(budget, "outcomes/"))
    [row] = response.context["rows"]
    assert (row.orders, row.spend, row.pupils, row.measured, row.improved) == (
        2,
        D("450.00"),
        2,
        1,
        1,
    )
    assert (row.improved_share, row.cost_per_improved) == (D("100.0"), D("450.00"))
    assert "Amira" not in response.content.decode()


def test_the_ledger_pages_in_a_fixed_number_of_queries(
    client, cast, settings, django_assert_max_num_queries
):
    settings.KNOTWORK_PAGE_SIZE = 5
    budget, _, _ = _spend_some(cast)  # a contribution, AP, and an order's three entries
    for _ in range(2):
        BudgetEntry.objects.create(
            budget=budget,
            kind="spend",
            category="training",
            amount=D("10.00"),
            on=NOV,
            recorded_by=cast.coordinator,
        )
    signed_in(client, "board_member")
    with django_assert_max_num_queries(16):
        response = client.get(_url(budget))
    assert len(response.context["page"].object_list) == 5
    with CaptureQueriesContext(connection) as five:
        client.get(_url(budget))
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(_url(budget) + "?page=2").context["page"].object_list) == 2
    assert len(five) == len(two)


def test_the_ledger_as_csv_names_items_not_pupils(client, cast):
    budget, order, officer = _spend_some(cast)
    order_refund(actor=officer, order=order, amount=D("25.00"), on=NOV, reason="goodwill")
    response = signed_in(client, "board_member").get(_url(budget, "ledger.csv"))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("On,Entry,Account")
    assert any(line.endswith("Attendance intervention: Goodwill,25.00") for line in lines)
    assert "Amira" not in response.content.decode("utf-8-sig")
    assert len(lines) == 1 + budget.entries.count()
    assert AuditEntry.objects.filter(action="export", what="budget ledger CSV").exists()
