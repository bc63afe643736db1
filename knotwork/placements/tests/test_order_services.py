"""Orders from placing to refund: the charges and the budget's balance against figures
worked by hand, who may do what, and the audit rows."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.casework.tests.case_fixtures import open_case
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil
from knotwork.placements.budget_models import BudgetEntry, InterventionOrder, MenuItem
from knotwork.placements.budget_queries import budget_statement, setting_accounts
from knotwork.placements.budget_rules import ZERO
from knotwork.placements.order_services import (
    order_assign,
    order_cancel,
    order_committed,
    order_finish,
    order_refund,
    order_session_record,
    order_sums,
)
from knotwork.placements.tests.budget_helpers import (
    D,
    make_budget,
    make_item,
    make_officer,
    place,
    today,  # noqa: F401
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
Kind = BudgetEntry.Kind
NOV = datetime.date(2026, 11, 2)


def _kinds(order):
    return [(e.kind, e.amount) for e in order.entries.order_by("pk")]


def test_a_half_day_order_commits_125_pounds_and_its_session_charges_it(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast))
    assert (order.estimate, order.budget, order.status) == (D("125.00"), budget, "ordered")
    assert _kinds(order) == [(Kind.COMMITMENT, D("125.00"))]
    s = budget_statement(budget)
    assert (s.spent, s.committed, s.balance) == (ZERO, D("125.00"), D("9875.00"))

    order_assign(actor=officer, order=order, officer=officer)
    session = order_session_record(
        actor=officer, order=order, on=datetime.date(2026, 11, 10), length="half_day"
    )
    assert (session.charge, session.officer, session.rate) == (D("125.00"), officer, "officer")
    assert _kinds(order) == [
        (Kind.COMMITMENT, D("125.00")),
        (Kind.SPEND, D("125.00")),
        (Kind.RELEASE, D("125.00")),
    ]
    order.refresh_from_db()
    assert (order.status, order.starts_on) == ("in_progress", datetime.date(2026, 11, 10))
    s = budget_statement(budget)
    assert (s.spent, s.committed, s.balance) == (D("125.00"), ZERO, D("9875.00"))


def test_sessions_release_the_commitment_as_they_charge_and_finishing_releases_the_rest(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=5)  # 2 days + a half: 225 * 2 + 125
    assert order.estimate == D("575.00")
    order_session_record(actor=officer, order=order, on=NOV, length="day")
    order_session_record(
        actor=officer, order=order, on=datetime.date(2026, 11, 9), length="day", rate="adviser"
    )
    assert order_committed(order) == D("575.00") - D("225.00") - D("340.00")
    order_finish(actor=officer, order=order, finished_on=datetime.date(2026, 11, 20))
    order.refresh_from_db()
    assert (order.status, order.finished_on) == ("delivered", datetime.date(2026, 11, 20))
    assert order_committed(order) == ZERO
    s = budget_statement(budget)
    assert (s.spent, s.committed, s.balance) == (D("565.00"), ZERO, D("9435.00"))


def test_a_charge_beyond_the_estimate_releases_only_what_was_committed(cast):
    make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast))  # £125 committed
    order_session_record(actor=officer, order=order, on=NOV, length="day")  # £225 charged
    sums = order_sums(order)
    assert (sums[Kind.SPEND], sums[Kind.RELEASE], order_committed(order)) == (
        D("225.00"),
        D("125.00"),
        ZERO,
    )


def test_a_refund_reverses_the_charge_with_an_entry_of_its_own(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=2)
    session = order_session_record(actor=officer, order=order, on=NOV, length="day")
    order_finish(actor=officer, order=order, finished_on=NOV)
    entry = order_refund(actor=officer, order=order, amount=None, on=NOV, reason="not_delivered")
    assert (entry.kind, entry.amount, entry.note) == (Kind.REFUND, D("225.00"), "Not delivered")
    session.refresh_from_db()
    assert session.charge == D("225.00")  # the charge stands; the refund reverses it
    s = budget_statement(budget)
    assert (s.spent, s.committed, s.balance) == (ZERO, ZERO, D("10000.00"))
    with pytest.raises(ValidationError):
        order_refund(actor=officer, order=order, amount=None, on=NOV, reason="goodwill")


def test_a_part_refund_cannot_exceed_what_is_left(cast):
    make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=2)
    order_session_record(actor=officer, order=order, on=NOV, length="day")
    order_refund(actor=officer, order=order, amount=D("100.00"), on=NOV, reason="goodwill")
    with pytest.raises(ValidationError):
        order_refund(actor=officer, order=order, amount=D("125.01"), on=NOV, reason="goodwill")
    order_refund(actor=officer, order=order, amount=D("125.00"), on=NOV, reason="goodwill")
    assert order_sums(order)[Kind.REFUND] == D("225.00")


def test_a_statutory_item_writes_nothing_to_the_ledger(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    item = make_item(cast, charging=MenuItem.Charging.STATUTORY, prices={})
    order = place(cast, item, half_days=10)
    session = order_session_record(actor=officer, order=order, on=NOV, length="day")
    assert (order.estimate, session.charge, order.entries.count()) == (ZERO, ZERO, 0)
    assert budget_statement(budget).balance == D("10000.00")


def test_an_order_paid_by_the_setting_goes_to_its_own_account_not_the_pool(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), paid_from="setting", half_days=3)
    order_session_record(actor=officer, order=order, on=NOV, length="half_day")
    assert set(order.entries.values_list("account", flat=True)) == {"setting"}
    assert budget_statement(budget).balance == D("10000.00")
    [account] = setting_accounts(budget)
    assert (account.setting, account.charged, account.committed) == (
        "Ashdown Academy",
        D("125.00"),
        D("225.00"),  # 3 half days = a day and a half at 225 + 125 = 350, less 125
    )


def test_cancelling_releases_what_is_committed_and_keeps_what_was_charged(cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=4)
    order_session_record(actor=officer, order=order, on=NOV, length="half_day")
    order_cancel(actor=cast.officer, order=order, cancelled_on=datetime.date(2026, 11, 20))
    order.refresh_from_db()
    assert order.status == "cancelled"
    s = budget_statement(budget)
    assert (s.spent, s.committed) == (D("125.00"), ZERO)
    with pytest.raises(ValidationError):
        order_session_record(actor=officer, order=order, on=NOV, length="day")


def test_a_group_order_needs_who_and_how_many(cast):
    make_budget(cast)
    item = make_item(cast)
    order = place(cast, item, pupil=None, group_label="Year 8 tutor group", group_size=12)
    assert (order.pupil, order.group_size) == (None, 12)
    with pytest.raises(ValidationError):
        place(cast, item, pupil=None)


def test_an_order_for_a_pupil_with_an_open_case_is_linked_to_it(cast):
    make_budget(cast)
    case = open_case(cast, pupil=cast.pupil_a)
    assert place(cast, make_item(cast)).case == case


def test_it_writes_audit_rows_naming_the_pupil(cast):
    make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast))
    order_session_record(actor=officer, order=order, on=NOV, length="half_day")
    rows = AuditEntry.objects.filter(object_type__startswith="placements.").order_by("pk")
    assert [(r.action, r.pupil, r.what) for r in rows] == [
        ("create", cast.pupil_a, "intervention order"),
        ("create", cast.pupil_a, "intervention session"),
    ]


def test_who_may_order_and_deliver(cast):
    make_budget(cast)
    item = make_item(cast)
    with pytest.raises(PermissionDenied):
        place(cast, item, actor=cast.head_of_year)  # read only
    with pytest.raises(PermissionDenied):
        place(cast, item, actor=cast.outsider)  # another school
    with pytest.raises(PermissionDenied):
        place(cast, item, actor=cast.board_member)
    order = place(cast, item)
    with pytest.raises(PermissionDenied):
        order_session_record(actor=cast.officer, order=order, on=NOV, length="day")
    with pytest.raises(PermissionDenied):
        order_cancel(actor=cast.outsider, order=order, cancelled_on=NOV)
    # The partnership's coordinator, at the LA service, may order for any of its schools.
    assert place(cast, item, actor=cast.coordinator, setting=cast.school_b, pupil=cast.pupil_b)


def test_an_order_is_refused_without_a_budget_or_for_a_pupil_elsewhere(cast):
    item = make_item(cast)
    with pytest.raises(ValidationError):
        place(cast, item)
    make_budget(cast)
    elsewhere = make_pupil(setting=cast.school_b)
    with pytest.raises(ValidationError):
        place(cast, item, actor=cast.coordinator, pupil=elsewhere)
    assert not InterventionOrder.objects.exists()


def test_a_pay_as_you_use_order_needs_a_price_for_its_role(cast):
    make_budget(cast)
    with pytest.raises(ValidationError):
        place(cast, make_item(cast), rate="legal")


def test_a_session_cannot_be_in_the_future_or_before_the_order(cast):
    make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast))
    for day in (datetime.date(2026, 11, 25), datetime.date(2026, 11, 1)):
        with pytest.raises(ValidationError):
            order_session_record(actor=officer, order=order, on=day, length="day")
    assert not order.sessions.exists()
