import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.termdates.bank_holidays import bank_holidays_between, england_bank_holidays
from knotwork.termdates.rules import SchoolSession, SessionMap, school_days

D = datetime.date


def test_england_has_the_late_may_and_august_bank_holidays():
    days = england_bank_holidays(2027)
    assert D(2027, 5, 31) in days  # spring bank holiday, last Monday of May
    assert D(2027, 8, 30) in days  # summer bank holiday, last Monday of August (England only)
    assert D(2027, 3, 17) not in days  # St Patrick's Day is Northern Ireland's


def test_sessions_skip_a_bank_holiday_inside_a_term():
    # Summer 1 2027 runs over the early May bank holiday (Monday 3 May).
    days = school_days(
        [(D(2027, 4, 26), D(2027, 5, 7))], bank_holidays_between(D(2027, 4, 1), D(2027, 5, 31))
    )
    sessions = SessionMap(days)
    assert D(2027, 5, 3) not in days
    assert len(days) == 9  # two weeks of weekdays less the bank holiday
    # Friday 30 April PM is index 9; the next session is Tuesday 4 May AM.
    assert sessions.session_at(9) == SchoolSession(D(2027, 4, 30), "PM")
    assert sessions.session_at(10) == SchoolSession(D(2027, 5, 4), "AM")
    with pytest.raises(KeyError):
        sessions.index_of(D(2027, 5, 3), "AM")


def test_sessions_run_straight_across_a_half_term_break():
    terms = [(D(2026, 10, 19), D(2026, 10, 23)), (D(2026, 11, 2), D(2026, 11, 6))]
    sessions = SessionMap(school_days(terms, frozenset()))
    assert len(sessions) == 20
    assert sessions.index_of(D(2026, 10, 23), "PM") == 9
    assert sessions.index_of(D(2026, 11, 2), "AM") == 10
    assert not sessions.is_school_day(D(2026, 10, 28))
    assert sessions.window(D(2026, 10, 24), D(2026, 11, 1)) == slice(10, 10)


def test_an_inset_day_keeps_its_index_and_is_not_open():
    days = school_days([(D(2026, 9, 1), D(2026, 9, 4))], frozenset())
    sessions = SessionMap(days, closures=[(D(2026, 9, 1), "day"), (D(2026, 9, 4), "PM")])
    assert len(sessions) == 8
    assert sessions.closed == frozenset({0, 1, 7})
    assert sessions.open_sessions() == 5
    assert sessions.index_of(D(2026, 9, 2), "AM") == 2


def test_a_weekend_is_never_a_school_day():
    days = school_days([(D(2026, 11, 20), D(2026, 11, 23))], frozenset())
    assert days == [D(2026, 11, 20), D(2026, 11, 23)]


terms_strategy = st.lists(
    st.tuples(st.dates(D(2026, 9, 1), D(2027, 7, 31)), st.integers(0, 60)).map(
        lambda t: (t[0], t[0] + datetime.timedelta(days=t[1]))
    ),
    min_size=1,
    max_size=6,
)


@given(terms_strategy)
def test_index_and_session_are_inverse(terms):
    holidays = bank_holidays_between(D(2026, 9, 1), D(2027, 10, 31))
    sessions = SessionMap(school_days(terms, holidays))
    for index in range(len(sessions)):
        session = sessions.session_at(index)
        assert sessions.index_of(session.date, session.half) == index
        assert session.date.weekday() < 5 and session.date not in holidays


@given(terms_strategy, st.dates(D(2026, 8, 1), D(2027, 8, 31)), st.integers(0, 120))
def test_a_window_holds_exactly_the_sessions_in_its_dates(terms, first, length):
    last = first + datetime.timedelta(days=length)
    sessions = SessionMap(school_days(terms, frozenset()))
    window = range(len(sessions))[sessions.window(first, last)]
    inside = [i for i in range(len(sessions)) if first <= sessions.session_at(i).date <= last]
    assert list(window) == inside
