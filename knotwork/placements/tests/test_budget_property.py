"""Random orders placed, delivered, ended and refunded through the services: the budget's
statement always balances, its lines sum to its totals, and its figures are what the
orders say (charges less refunds spent; the uncharged part of each open order's estimate
committed)."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knotwork.placements.budget_models import MenuItem
from knotwork.placements.budget_queries import budget_statement, setting_accounts
from knotwork.placements.budget_rules import ZERO
from knotwork.placements.order_services import (
    order_cancel,
    order_finish,
    order_refund,
    order_session_record,
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
ON = datetime.date(2026, 11, 2)

an_order = st.fixed_dictionaries(
    {
        "statutory": st.booleans(),
        "half_days": st.integers(min_value=1, max_value=8),
        "paid_from": st.sampled_from(["pooled", "setting"]),
        "sessions": st.lists(
            st.tuples(
                st.sampled_from(["day", "half_day"]), st.sampled_from(["officer", "adviser"])
            ),
            max_size=5,
        ),
        "end": st.sampled_from(["open", "finish", "cancel"]),
        "refund_percent": st.integers(min_value=0, max_value=100),
    }
)


class Rollback(Exception):
    pass


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(orders=st.lists(an_order, max_size=5), given_in=st.integers(min_value=0, max_value=10**6))
def test_the_statement_balances_over_random_orders(cast, orders, given_in):
    with pytest.raises(Rollback) as rolled_back, transaction.atomic():
        raise Rollback(_figures(cast, orders, D(given_in) / 100))
    figures, expected = rolled_back.value.args[0]
    contributed, spent, committed, balance, line_sums, own = figures
    assert contributed - spent - committed == balance
    assert line_sums == (contributed, spent, committed)
    assert (contributed, spent, committed) == (D(given_in) / 100, *expected["pooled"])
    assert own == tuple(expected["setting"])


def _figures(cast, orders, given_in):
    """Place, deliver, end and refund the orders, and read back the statement's figures
    with what they should be; the caller's transaction is rolled back after."""
    budget = make_budget(cast, contributions=given_in)
    officer = make_officer(cast)
    priced = make_item(cast)
    statutory = make_item(cast, activity="Reintegration", charging=MenuItem.Charging.STATUTORY)
    expected = {"pooled": [ZERO, ZERO], "setting": [ZERO, ZERO]}  # spent, committed
    for plan in orders:
        order = place(
            cast,
            statutory if plan["statutory"] else priced,
            half_days=plan["half_days"],
            paid_from=plan["paid_from"],
        )
        charged = ZERO
        for length, rate in plan["sessions"]:
            charged += order_session_record(
                actor=officer, order=order, on=ON, length=length, rate=rate
            ).charge
        ended = plan["end"] != "open" and (plan["end"] == "cancel" or plan["sessions"])
        if ended and plan["end"] == "finish":
            order_finish(actor=officer, order=order, finished_on=ON)
        elif ended:
            order_cancel(actor=officer, order=order, cancelled_on=ON)
        refunded = (charged * plan["refund_percent"] / 100).quantize(D("0.01"))
        if refunded > 0:
            order_refund(actor=officer, order=order, amount=refunded, on=ON, reason="goodwill")
        account = expected[plan["paid_from"]]
        account[0] += charged - refunded
        account[1] += ZERO if ended else max(ZERO, order.estimate - charged)
    s = budget_statement(budget)
    line_sums = tuple(
        sum((line.amount for line in lines), ZERO)
        for lines in (s.contributions, s.spending, s.commitments)
    )
    accounts = setting_accounts(budget)
    own = (sum((a.net for a in accounts), ZERO), sum((a.committed for a in accounts), ZERO))
    figures = (s.contributed, s.spent, s.committed, s.balance, line_sums, own)
    return figures, expected
