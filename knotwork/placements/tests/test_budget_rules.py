"""The menu's charges and the budget's statement: hand-computed fixtures for the edges
(a half-day order, a refund, a statutory item) and properties over random orders."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.placements.budget_rules import (
    COMMITMENT,
    CONTRIBUTION,
    DAY,
    HALF_DAY,
    REFUND,
    RELEASE,
    SPEND,
    ZERO,
    Entry,
    budget_year_of,
    cost_per_improved,
    measure_improved,
    money,
    order_estimate,
    pupil_improved,
    refundable,
    release_for,
    session_charge,
    share,
    signed,
    statement,
)

D = Decimal
OFFICER = {"price_per_day": D("225.00"), "price_per_half_day": D("125.00")}
ADVISER = {"price_per_day": D("340.00"), "price_per_half_day": D("190.00")}


def test_a_half_day_of_an_officer_costs_125_pounds():
    assert session_charge(statutory=False, length=HALF_DAY, **OFFICER) == D("125.00")


def test_a_day_of_an_adviser_costs_340_pounds():
    assert session_charge(statutory=False, length=DAY, **ADVISER) == D("340.00")


def test_a_statutory_item_costs_schools_nothing():
    assert session_charge(statutory=True, length=DAY, **ADVISER) == ZERO
    assert order_estimate(statutory=True, half_days=10, **ADVISER) == ZERO


def test_an_unknown_length_is_refused():
    with pytest.raises(ValueError):
        session_charge(statutory=False, length="hour", **OFFICER)


def test_an_estimate_prices_whole_days_then_an_odd_half_day():
    # 5 half days of an officer: two days at £225 and a half day at £125.
    assert order_estimate(statutory=False, half_days=5, **OFFICER) == D("575.00")
    assert order_estimate(statutory=False, half_days=1, **OFFICER) == D("125.00")
    assert order_estimate(statutory=False, half_days=0, **OFFICER) == ZERO
    with pytest.raises(ValueError):
        order_estimate(statutory=False, half_days=-1, **OFFICER)


def test_money_rounds_halves_up_to_the_penny():
    assert money(D("10.005")) == D("10.01")
    assert money(D("10.004")) == D("10.00")
    assert money(3) == D("3.00")


def test_a_charge_releases_what_is_left_of_the_commitment_and_no_more():
    assert release_for(D("125.00"), D("575.00")) == D("125.00")
    assert release_for(D("225.00"), D("100.00")) == D("100.00")
    assert release_for(D("225.00"), ZERO) == ZERO


def test_a_refund_cannot_exceed_what_was_charged():
    assert refundable(D("350.00"), D("125.00")) == D("225.00")
    assert refundable(D("125.00"), D("125.00")) == ZERO


def _order_entries(charges, refunded, estimate, category="Interventions"):
    """The entries services post for an order: the estimate committed, each charge
    spent with its release, the rest released at the end, then a refund."""
    entries = [Entry(COMMITMENT, estimate, category)]
    left = estimate
    for charge in charges:
        released = release_for(charge, left)
        left -= released
        entries.append(Entry(SPEND, charge, category))
        if released:
            entries.append(Entry(RELEASE, released, category))
    if left:
        entries.append(Entry(RELEASE, left, category))
    if refunded:
        entries.append(Entry(REFUND, refunded, category))
    return entries


def test_a_half_day_order_refunded_leaves_the_budget_as_it_was():
    # £1,000 in; a half day of officer time ordered (£125 committed), delivered (£125
    # spent, commitment released), then refunded in full.
    entries = [Entry(CONTRIBUTION, D("1000.00"), contributor="Ashdown Academy")]
    entries += _order_entries([D("125.00")], D("125.00"), D("125.00"))
    s = statement(entries)
    assert (s.contributed, s.spent, s.committed, s.balance) == (
        D("1000.00"),
        ZERO,
        ZERO,
        D("1000.00"),
    )
    assert s.spending == ()  # a category netting to nothing has no line


def test_a_statement_by_hand():
    entries = [
        Entry(CONTRIBUTION, D("5000.00"), contributor="Ashdown Academy"),
        Entry(CONTRIBUTION, D("4000.00"), contributor="Beacon High School"),
        Entry(CONTRIBUTION, D("2500.00"), source="Funding devolved by the local authority"),
        Entry(SPEND, D("3000.00"), "Alternative provision"),
        Entry(SPEND, D("350.00"), "Interventions"),
        Entry(REFUND, D("125.00"), "Interventions"),
        Entry(COMMITMENT, D("575.00"), "Interventions"),
        Entry(RELEASE, D("225.00"), "Interventions"),
        Entry(SPEND, D("800.00"), "Training"),
    ]
    s = statement(entries, ["Alternative provision", "Interventions", "Shared staff", "Training"])
    assert [(line.label, line.amount) for line in s.contributions] == [
        ("Ashdown Academy", D("5000.00")),
        ("Beacon High School", D("4000.00")),
        ("Funding devolved by the local authority", D("2500.00")),
    ]
    assert [(line.label, line.amount) for line in s.spending] == [
        ("Alternative provision", D("3000.00")),
        ("Interventions", D("225.00")),
        ("Training", D("800.00")),
    ]
    assert [(line.label, line.amount) for line in s.commitments] == [("Interventions", D("350.00"))]
    # 11,500 - 4,025 - 350
    assert (s.contributed, s.spent, s.committed, s.balance) == (
        D("11500.00"),
        D("4025.00"),
        D("350.00"),
        D("7125.00"),
    )
    assert s.available == D("7475.00")


def test_a_negative_amount_or_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        statement([Entry(SPEND, D("-1.00"), "Training")])
    with pytest.raises(ValueError):
        statement([Entry("gift", D("1.00"), "Training")])


pennies = st.integers(min_value=1, max_value=10_000_000).map(lambda p: D(p) / 100)
prices = st.tuples(pennies, pennies)
lengths = st.sampled_from([DAY, HALF_DAY])
categories = st.sampled_from(["Alternative provision", "Interventions", "Shared staff", "Training"])


@st.composite
def orders(draw):
    """A random order: statutory or not, prices, half days ordered, sessions delivered
    (perhaps more or fewer than ordered), and a refund of part of what was charged."""
    statutory = draw(st.booleans())
    per_day, per_half = draw(prices)
    half_days = draw(st.integers(min_value=1, max_value=40))
    sessions = draw(st.lists(lengths, max_size=25))
    charges = [
        session_charge(
            statutory=statutory, length=s, price_per_day=per_day, price_per_half_day=per_half
        )
        for s in sessions
    ]
    charges = [c for c in charges if c > 0]
    estimate = order_estimate(
        statutory=statutory, half_days=half_days, price_per_day=per_day, price_per_half_day=per_half
    )
    charged = sum(charges, ZERO)
    refund_share = draw(st.integers(min_value=0, max_value=100))
    refunded = money(charged * refund_share / 100)
    ended = draw(st.booleans())
    category = draw(categories)
    entries = [Entry(COMMITMENT, estimate, category)] if estimate else []
    left = estimate
    for charge in charges:
        released = release_for(charge, left)
        left -= released
        entries.append(Entry(SPEND, charge, category))
        if released:
            entries.append(Entry(RELEASE, released, category))
    if ended and left:
        entries.append(Entry(RELEASE, left, category))
    if refunded:
        entries.append(Entry(REFUND, refunded, category))
    return entries


contributions = st.lists(
    st.tuples(st.sampled_from(["Ashdown", "Beacon", "Cedar", ""]), pennies), max_size=8
).map(
    lambda given: [
        Entry(CONTRIBUTION, amount, contributor=name, source="" if name else "Devolved")
        for name, amount in given
    ]
)


@given(contributions, st.lists(orders(), max_size=12))
def test_a_statement_always_balances(given_in, order_entries):
    entries = given_in + [e for entries in order_entries for e in entries]
    s = statement(entries)
    assert s.contributed - s.spent - s.committed == s.balance
    assert sum((line.amount for line in s.contributions), ZERO) == s.contributed
    assert sum((line.amount for line in s.spending), ZERO) == s.spent
    assert sum((line.amount for line in s.commitments), ZERO) == s.committed
    # The balance is the entries' signed sum, whatever their order.
    assert sum((signed(e.kind, e.amount) for e in entries), ZERO) == s.balance
    assert statement(list(reversed(entries))).balance == s.balance
    # Money stays exact: every figure is whole pennies.
    for figure in (s.contributed, s.spent, s.committed, s.balance):
        assert figure == figure.quantize(D("0.01"))


@given(st.lists(orders(), min_size=1, max_size=12))
def test_commitments_never_go_below_nothing_and_spending_never_below_nothing(order_entries):
    for entries in order_entries:
        s = statement(entries)
        assert s.committed >= 0
        assert s.spent >= 0


@given(pennies, st.integers(min_value=0, max_value=1000))
def test_a_charge_never_releases_more_than_it_or_what_is_committed(charge, committed_pennies):
    committed = D(committed_pennies) / 100
    released = release_for(charge, committed)
    assert ZERO <= released <= min(charge, committed)


@given(prices, st.integers(min_value=0, max_value=200))
def test_an_estimate_is_what_its_sessions_would_charge(pair, half_days):
    per_day, per_half = pair
    sessions = [DAY] * (half_days // 2) + [HALF_DAY] * (half_days % 2)
    charged = sum(
        (
            session_charge(
                statutory=False, length=s, price_per_day=per_day, price_per_half_day=per_half
            )
            for s in sessions
        ),
        ZERO,
    )
    estimate = order_estimate(
        statutory=False, half_days=half_days, price_per_day=per_day, price_per_half_day=per_half
    )
    assert estimate == charged


def test_a_measure_improves_up_for_attendance_and_down_for_incidents():
    assert measure_improved("attendance", D("82.5"), D("90.0")) is True
    assert measure_improved("incidents", D("4"), D("1")) is True
    assert measure_improved("incidents", D("1"), D("4")) is False
    assert measure_improved("scaling", D("5"), D("5")) is False
    assert measure_improved("attendance", None, D("90.0")) is None


def test_a_pupil_improved_when_most_of_their_measures_did():
    assert pupil_improved([("attendance", D(80), D(90)), ("incidents", D(3), D(5))]) is True
    assert pupil_improved([("attendance", D(90), D(80)), ("incidents", D(3), D(5))]) is False
    assert (
        pupil_improved(
            [("attendance", D(80), D(90)), ("incidents", D(3), D(5)), ("scaling", D(5), D(4))]
        )
        is False
    )
    assert pupil_improved([("attendance", None, None)]) is None
    assert pupil_improved([]) is None


def test_cost_per_improved_pupil_and_share():
    assert cost_per_improved(D("1000.00"), 3) == D("333.33")
    assert cost_per_improved(D("1000.00"), 0) is None
    assert share(1, 3) == D("33.3")
    assert share(0, 0) is None


def test_the_budget_year_starts_in_september():
    assert budget_year_of(datetime.date(2026, 9, 1)) == 2026
    assert budget_year_of(datetime.date(2027, 8, 31)) == 2026
