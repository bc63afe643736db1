"""When a consent or a decision to share holds: hand-worked edges and properties."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.casework.consent_rules import (
    DECISION_MAX_DAYS,
    State,
    consent_problems,
    consent_state,
    decision_problems,
    decision_state,
    withdrawal_problems,
)

D = datetime.date
GIVEN = D(2026, 9, 7)
EXPIRES = D(2026, 12, 18)
WITHDRAWN = D(2026, 11, 2)

days = st.dates(min_value=D(2024, 1, 1), max_value=D(2029, 12, 31))


@pytest.mark.parametrize(
    ("on", "expires_on", "withdrawn_on", "state"),
    [
        (D(2026, 9, 6), None, None, State.NOT_YET),
        (GIVEN, None, None, State.LIVE),
        (D(2029, 1, 1), None, None, State.LIVE),
        (EXPIRES, EXPIRES, None, State.LIVE),  # the expiry is the last day it holds
        (D(2026, 12, 19), EXPIRES, None, State.EXPIRED),
        (D(2026, 11, 1), None, WITHDRAWN, State.LIVE),
        (WITHDRAWN, None, WITHDRAWN, State.WITHDRAWN),  # withdrawal holds from its day
        (D(2027, 1, 4), EXPIRES, WITHDRAWN, State.WITHDRAWN),  # withdrawn wins over expired
        (GIVEN, None, GIVEN, State.WITHDRAWN),  # withdrawn the day it was given
    ],
)
def test_consent_state_at_the_edges(on, expires_on, withdrawn_on, state):
    assert (
        consent_state(given_on=GIVEN, expires_on=expires_on, withdrawn_on=withdrawn_on, on=on)
        == state
    )


@given(
    given_on=days,
    expires_in=st.none() | st.integers(0, 800),
    withdrawn_in=st.none() | st.integers(0, 800),
    on=days,
)
def test_a_consent_is_live_exactly_inside_its_window(given_on, expires_in, withdrawn_in, on):
    expires_on = None if expires_in is None else given_on + datetime.timedelta(days=expires_in)
    withdrawn_on = (
        None if withdrawn_in is None else given_on + datetime.timedelta(days=withdrawn_in)
    )
    state = consent_state(
        given_on=given_on, expires_on=expires_on, withdrawn_on=withdrawn_on, on=on
    )
    last = min(
        d
        for d in (
            expires_on,
            None if withdrawn_on is None else withdrawn_on - datetime.timedelta(days=1),
            D(9999, 12, 31),
        )
        if d is not None
    )
    assert (state == State.LIVE) == (given_on <= on <= last)


@given(
    given_on=days,
    expires_in=st.none() | st.integers(0, 800),
    withdrawn_in=st.integers(0, 800),
    first=days,
    later_by=st.integers(0, 800),
)
def test_once_withdrawn_a_consent_never_comes_back(
    given_on, expires_in, withdrawn_in, first, later_by
):
    expires_on = None if expires_in is None else given_on + datetime.timedelta(days=expires_in)
    withdrawn_on = given_on + datetime.timedelta(days=withdrawn_in)
    before = consent_state(
        given_on=given_on, expires_on=expires_on, withdrawn_on=withdrawn_on, on=first
    )
    after = consent_state(
        given_on=given_on,
        expires_on=expires_on,
        withdrawn_on=withdrawn_on,
        on=first + datetime.timedelta(days=later_by),
    )
    if before == State.WITHDRAWN:
        assert after == State.WITHDRAWN


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (D(2026, 11, 22), State.NOT_YET),
        (D(2026, 11, 23), State.LIVE),
        (D(2027, 2, 12), State.LIVE),
        (D(2027, 2, 13), State.ENDED),
    ],
)
def test_decision_state_is_inclusive_at_both_ends(on, state):
    assert decision_state(starts_on=D(2026, 11, 23), ends_on=D(2027, 2, 12), on=on) == state


@given(starts_on=days, length=st.integers(0, 500), on=days)
def test_a_decision_is_live_exactly_between_its_days(starts_on, length, on):
    ends_on = starts_on + datetime.timedelta(days=length)
    live = decision_state(starts_on=starts_on, ends_on=ends_on, on=on) == State.LIVE
    assert live == (starts_on <= on <= ends_on)


def test_consent_problems_name_the_field():
    today = D(2026, 11, 24)
    assert consent_problems(given_on=today, expires_on=None, today=today) == {}
    assert set(consent_problems(given_on=D(2026, 11, 25), expires_on=None, today=today)) == {
        "given_on"
    }
    assert set(consent_problems(given_on=today, expires_on=D(2026, 11, 23), today=today)) == {
        "expires_on"
    }


def test_withdrawal_problems():
    today = D(2026, 11, 24)
    ok = {"given_on": GIVEN, "already_withdrawn": False, "today": today}
    assert withdrawal_problems(withdrawn_on=today, **ok) == {}
    assert withdrawal_problems(withdrawn_on=GIVEN, **ok) == {}
    assert "withdrawn_on" in withdrawal_problems(withdrawn_on=D(2026, 11, 25), **ok)
    assert "withdrawn_on" in withdrawal_problems(withdrawn_on=D(2026, 9, 6), **ok)
    again = {**ok, "already_withdrawn": True}
    assert "already" in withdrawal_problems(withdrawn_on=today, **again)["withdrawn_on"]


def test_a_decision_runs_a_year_at_most():
    start = D(2026, 11, 23)
    longest = start + datetime.timedelta(days=DECISION_MAX_DAYS - 1)
    assert decision_problems(starts_on=start, ends_on=longest) == {}
    assert "ends_on" in decision_problems(
        starts_on=start, ends_on=longest + datetime.timedelta(days=1)
    )
    assert "ends_on" in decision_problems(starts_on=start, ends_on=D(2026, 11, 22))
