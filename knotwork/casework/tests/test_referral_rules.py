"""The moves a referral may make, and when one waiting for an answer is overdue."""

import datetime

import pytest

from knotwork.casework import referral_rules as rules
from knotwork.casework.models import Referral

DAY = datetime.date(2026, 11, 2)


def test_every_state_of_the_model_has_its_moves():
    assert set(rules.MOVES) == set(Referral.Status.values)


def test_every_move_leads_to_a_state_of_the_model():
    assert {to for moves in rules.MOVES.values() for to in moves} <= set(Referral.Status.values)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        ("sent", "accepted"),
        ("sent", "declined"),
        ("sent", "closed"),
        ("accepted", "waiting"),
        ("accepted", "started"),
        ("accepted", "closed"),
        ("waiting", "started"),
        ("waiting", "closed"),
        ("started", "closed"),
    ],
)
def test_a_legal_move_is_allowed(current, to):
    assert rules.may_move(current, to)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        ("sent", "waiting"),
        ("sent", "started"),
        ("sent", "sent"),
        ("accepted", "declined"),
        ("accepted", "accepted"),
        ("waiting", "accepted"),
        ("started", "waiting"),
        ("declined", "accepted"),
        ("declined", "closed"),
        ("closed", "sent"),
        ("closed", "accepted"),
        ("nonsense", "sent"),
    ],
)
def test_any_other_move_is_refused(current, to):
    assert not rules.may_move(current, to)


def test_declined_and_closed_referrals_have_no_next_step():
    assert rules.next_steps("declined") == () and rules.next_steps("closed") == ()


def test_days_waited_counts_whole_days_and_never_goes_below_nothing():
    assert rules.days_waited(DAY, DAY) == 0
    assert rules.days_waited(DAY, DAY + datetime.timedelta(days=28)) == 28
    assert rules.days_waited(DAY, DAY - datetime.timedelta(days=1)) == 0


def test_a_referral_is_overdue_only_once_past_its_target():
    on_target = DAY + datetime.timedelta(days=28)
    assert not rules.is_overdue(status="sent", sent_on=DAY, today=on_target, target_days=28)
    assert rules.is_overdue(
        status="sent", sent_on=DAY, today=on_target + datetime.timedelta(days=1), target_days=28
    )


@pytest.mark.parametrize("status", ["accepted", "declined", "waiting", "started", "closed"])
def test_an_answered_referral_is_never_overdue(status):
    late = DAY + datetime.timedelta(days=400)
    assert not rules.is_overdue(status=status, sent_on=DAY, today=late, target_days=28)


def test_a_referral_to_the_panel_has_no_target_so_is_never_overdue():
    late = DAY + datetime.timedelta(days=400)
    assert not rules.is_overdue(status="sent", sent_on=DAY, today=late, target_days=None)
