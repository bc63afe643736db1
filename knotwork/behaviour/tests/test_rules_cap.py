"""The 45-day cap: days of suspension in an academic year, across schools."""

import datetime
import itertools

from hypothesis import given
from hypothesis import strategies as st

from knotwork.behaviour import rules
from knotwork.behaviour.rules import ExclusionFacts, Kind, Status
from knotwork.termdates.testing import school_days_for_years

D = datetime.date
CALENDAR = school_days_for_years(2026, 2027)
OTHER = school_days_for_years(2026, 2027, closures=[(D(2026, 11, 18), "day")])
_refs = itertools.count(1)


def ex(start, sessions, calendar=1, **facts):
    return ExclusionFacts(
        ref=next(_refs),
        calendar=calendar,
        setting=calendar,
        permanent=False,
        start=start,
        sessions=sessions,
        **facts,
    )


def test_days_count_across_schools_in_the_year():
    here = ex(D(2026, 11, 16), 10)
    previous_school = ex(D(2026, 9, 14), 7, calendar=2)
    last_year = ex(D(2026, 6, 1), 20, calendar=2)
    used = rules.sessions_used({1: CALENDAR, 2: OTHER}, [here, previous_school, last_year], 2026)
    assert used == 17
    assert rules.days_text(used) == "8.5 days"


def test_a_suspension_over_the_summer_counts_in_each_year_by_its_days():
    # Mon 19 - Wed 21 July 2027 (3 days in 2026/27), then Wed 1 - Thu 2 September (2 days).
    x = ex(D(2027, 7, 19), 10)
    assert rules.sessions_by_year(CALENDAR, x) == {2026: 6, 2027: 4}


def test_cancelled_days_not_served_do_not_count_and_permanent_exclusions_never_do():
    cancelled = ex(D(2026, 11, 16), 10, cancelled_on=D(2026, 11, 18))  # served Mon, Tue
    permanent = ExclusionFacts(ref=0, calendar=1, setting=1, permanent=True, start=D(2026, 11, 23))
    assert rules.sessions_used({1: CALENDAR}, [cancelled, permanent], 2026) == 4


def test_without_a_calendar_the_length_counts_in_the_year_it_starts():
    x = ex(D(2026, 10, 5), 6, calendar=9)
    assert rules.sessions_used({}, [x], 2026) == 6
    assert rules.sessions_used({}, [x], 2025) == 0


def test_the_cap_approaches_at_35_days_and_is_reached_at_45():
    assert rules.cap_clock(69, 2026).status == Status.UPCOMING
    approaching = rules.cap_clock(70, 2026)
    assert (approaching.status, approaching.tag_text, approaching.is_open) == (
        Status.DUE_SOON,
        "Approaching the limit",
        True,
    )
    assert approaching.line == (
        "35 days of 45 school days of suspension used in 2026/27, across schools; 10 days left."
    )
    full = rules.cap_clock(90, 2026)
    assert (full.status, full.tag_text) == (Status.OVERDUE, "At the limit")
    assert rules.cap_clock(12, 2026).kind == Kind.CAP and not rules.cap_clock(12, 2026).is_open


def test_a_suspension_that_would_pass_45_days_is_refused_with_what_is_left():
    assert rules.cap_refusal(84, 6, 2026) is None
    assert rules.cap_refusal(84, 7, 2026) == (
        "This would take the pupil to 45.5 days of suspension in 2026/27. The limit is 45 "
        "school days in an academic year, across schools; 42 days are used, so a suspension "
        "this year may be at most 3 days."
    )


@given(used=st.integers(min_value=0, max_value=90), adding=st.integers(min_value=1, max_value=90))
def test_the_refusal_holds_exactly_past_ninety_sessions(used, adding):
    assert (rules.cap_refusal(used, adding, 2026) is None) == (used + adding <= 90)


@given(sessions=st.integers(min_value=1, max_value=200))
def test_days_text_reads_half_days(sessions):
    text = rules.days_text(sessions)
    number = float(text.split()[0])
    assert number * 2 == sessions
    assert text.endswith("day" if sessions == 2 else "days")
