"""Counting school days across a calendar's years, against hand-worked calendars.

The test pattern (``termdates.testing``) for 2026/27: autumn 2 Sep-23 Oct and
2 Nov-18 Dec 2026 (half term 26-30 Oct), spring 4 Jan-12 Feb and 22 Feb-26 Mar
2027 (Good Friday 26 Mar is a bank holiday), summer 12 Apr-28 May (early May bank
holiday Monday 3 May) and 7 Jun-21 Jul 2027. 2027/28 starts Wednesday 1 Sep 2027.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from knotwork.core.testing import add_academic_year, make_calendar
from knotwork.termdates.models import Calendar, Closure
from knotwork.termdates.queries import school_days_for
from knotwork.termdates.school_days import start_year_of
from knotwork.termdates.testing import school_days_for_years

D = datetime.date
CALENDAR = school_days_for_years(2026)
TWO_YEARS = school_days_for_years(2026, 2027)


def test_fifteen_school_days_run_across_half_term():
    # Notice on Monday 12 October: 13-16 Oct (4), 19-23 Oct (9), half term,
    # 2-6 Nov (14), Monday 9 Nov is the 15th.
    assert CALENDAR.school_day_after(D(2026, 10, 12), 15) == D(2026, 11, 9)


def test_fifteen_school_days_skip_the_early_may_bank_holiday():
    # Notice on Friday 30 April 2027: Monday 3 May is a bank holiday, so 4-7 May (4),
    # 10-14 (9), 17-21 (14), and Monday 24 May is the 15th (not Friday 21 May).
    assert CALENDAR.school_day_after(D(2027, 4, 30), 15) == D(2027, 5, 24)
    assert not CALENDAR.is_school_day(D(2027, 5, 3))


def test_good_friday_is_not_a_school_day_and_the_count_runs_into_summer():
    # Notice Wednesday 24 March 2027: Thursday 25 (1), Good Friday, Easter holiday,
    # then 12 April is the 2nd school day.
    assert CALENDAR.school_day_after(D(2027, 3, 24), 2) == D(2027, 4, 12)


def test_a_notice_on_a_saturday_counts_from_monday():
    assert CALENDAR.school_day_after(D(2026, 11, 21), 1) == D(2026, 11, 23)


def test_a_count_runs_into_the_next_academic_year_when_the_calendar_holds_it():
    # Tuesday 13 July 2027: 14-16 Jul (3), 19-21 Jul (6), then 2027/28 from Wednesday
    # 1 Sep: 1-3 Sep (9), 6-10 Sep (14), Monday 13 Sep is the 15th.
    assert TWO_YEARS.school_day_after(D(2027, 7, 13), 15) == D(2027, 9, 13)
    assert CALENDAR.school_day_after(D(2027, 7, 13), 15) is None
    assert CALENDAR.school_day_after(D(2027, 7, 13), 6) == D(2027, 7, 21)


def test_an_inset_day_is_not_a_school_day_but_a_half_day_closure_is():
    shut = [(D(2026, 11, 2), "day"), (D(2026, 11, 4), "PM")]
    calendar = school_days_for_years(2026, closures=shut)
    assert not calendar.is_school_day(D(2026, 11, 2))
    assert calendar.is_school_day(D(2026, 11, 4))
    assert calendar.is_session(D(2026, 11, 4), "AM")
    assert not calendar.is_session(D(2026, 11, 4), "PM")
    # Friday 30 October is half term; the INSET Monday does not count either.
    assert calendar.school_day_after(D(2026, 10, 23), 1) == D(2026, 11, 3)


def test_sessions_run_on_from_a_friday_afternoon_to_monday_morning():
    friday_pm = CALENDAR.position(D(2026, 11, 13), "PM")
    assert friday_pm is not None
    assert CALENDAR.session(friday_pm + 1).date == D(2026, 11, 16)
    assert CALENDAR.session(friday_pm + 1).half == "AM"
    # From a Saturday the first session is Monday morning.
    monday = CALENDAR.first_session_from(D(2026, 11, 14), "AM")
    assert monday == friday_pm + 1


def test_school_days_between_counts_after_and_through():
    assert CALENDAR.school_days_between(D(2026, 11, 20), D(2026, 11, 27)) == 5
    assert CALENDAR.school_days_between(D(2026, 10, 23), D(2026, 11, 2)) == 1
    assert CALENDAR.school_days_between(D(2026, 11, 27), D(2026, 11, 20)) == 0


def test_whole_terms_join_their_halves():
    autumn = CALENDAR.term_of(D(2026, 10, 28))  # in half term, still the autumn term
    assert autumn is not None
    assert (autumn.name, autumn.first, autumn.last) == ("autumn", D(2026, 9, 2), D(2026, 12, 18))
    assert autumn.label == "Autumn term 2026/27"
    assert CALENDAR.term_of(D(2026, 12, 25)) is None


def test_outside_the_years_held_nothing_is_guessed():
    assert not CALENDAR.covers(D(2027, 9, 6))
    assert CALENDAR.first_session_from(D(2027, 8, 1)) is None
    assert CALENDAR.school_day_on_or_after(D(2027, 8, 1)) is None
    with pytest.raises(ValueError):
        CALENDAR.school_day_after(D(2026, 11, 2), 0)


school_dates = st.dates(min_value=D(2026, 9, 1), max_value=D(2027, 6, 30))


@given(day=school_dates, n=st.integers(min_value=1, max_value=60))
def test_the_nth_school_day_after_is_n_school_days_on(day, n):
    found = TWO_YEARS.school_day_after(day, n)
    assert found is not None
    assert TWO_YEARS.is_school_day(found)
    assert TWO_YEARS.school_days_between(day, found) == n
    assert found.weekday() < 5


@given(day=school_dates, n=st.integers(min_value=1, max_value=40))
def test_counting_on_one_more_day_never_goes_back(day, n):
    one = TWO_YEARS.school_day_after(day, n)
    more = TWO_YEARS.school_day_after(day, n + 1)
    assert one is not None and more is not None and more > one
    assert start_year_of(more) in (2026, 2027)


@pytest.mark.django_db
def test_the_loader_reads_every_calendar_in_three_queries():
    first = make_calendar()
    add_academic_year(first, 2027)
    second = Calendar.objects.create(name="An academy's own")
    add_academic_year(second, 2026)
    year = first.years.get(start_year=2026)
    Closure.objects.create(academic_year=year, date=D(2026, 11, 2), kind=Closure.Kind.INSET)
    with CaptureQueriesContext(connection) as captured:
        found = school_days_for([first.pk, second.pk], range(2025, 2029))
    assert len(captured.captured_queries) == 3
    assert found[first.pk].years == frozenset({2026, 2027})
    assert found[second.pk].years == frozenset({2026})
    assert not found[first.pk].is_school_day(D(2026, 11, 2))
    assert found[second.pk].is_school_day(D(2026, 11, 2))
    assert found[first.pk].school_day_after(D(2027, 7, 13), 15) == D(2027, 9, 13)
    assert school_days_for([], [2026]) == {}
