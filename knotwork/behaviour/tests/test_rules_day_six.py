"""Education from the sixth school day, against hand-worked calendars (the test pattern
for 2026/27 in ``termdates.testing``: half term 26-30 October 2026, early May bank
holiday Monday 3 May 2027)."""

import datetime
import itertools

from hypothesis import given
from hypothesis import strategies as st

from knotwork.behaviour import rules
from knotwork.behaviour.rules import ExclusionFacts, Kind, Status
from knotwork.termdates.testing import school_days_for_years

D = datetime.date
CALENDAR = school_days_for_years(2026)
_refs = itertools.count(1)


def ex(start, sessions=None, half="AM", **facts):
    return ExclusionFacts(
        ref=facts.pop("ref", next(_refs)),
        calendar=1,
        setting=1,
        permanent=sessions is None,
        start=start,
        start_half=half,
        sessions=sessions,
        **facts,
    )


def day_six(exclusions, today, calendar=CALENDAR):
    found = rules.pupil_clocks({1: calendar}, exclusions, rules.PupilFacts(), today)
    clocks = [c for c in found.all() if c.kind == Kind.DAY_SIX]
    assert len(clocks) <= 1
    return clocks[0] if clocks else None


def test_six_days_from_a_monday_need_education_from_the_next_monday():
    x = ex(D(2026, 11, 16), sessions=12)
    clock = day_six([x], today=D(2026, 11, 16))
    assert (clock.due, clock.half, clock.who, clock.ref) == (
        D(2026, 11, 23),
        "AM",
        "The school",
        x.ref,
    )
    assert clock.status == Status.UPCOMING
    assert "not arranged" in clock.line and "Monday 23 November 2026 (morning)" in clock.line
    assert rules.last_day(CALENDAR, x) == D(2026, 11, 23)


def test_a_suspension_from_a_friday_afternoon_counts_half_days():
    # Fri 13 PM (1), Mon-Thu 16-19 (9), Fri 20 AM (10): the sixth day starts Friday 20 PM.
    x = ex(D(2026, 11, 13), sessions=12, half="PM")
    clock = day_six([x], today=D(2026, 11, 13))
    assert (clock.due, clock.half) == (D(2026, 11, 20), "PM")
    assert rules.last_day(CALENDAR, x) == D(2026, 11, 23)  # the twelfth session: Monday AM


def test_the_sixth_day_falls_after_half_term():
    # Tue 20 - Fri 23 October (4 days), half term, Mon 2 November (5): Tuesday 3 November.
    x = ex(D(2026, 10, 20), sessions=12)
    assert day_six([x], today=D(2026, 10, 20)).due == D(2026, 11, 3)
    assert rules.last_day(CALENDAR, x) == D(2026, 11, 3)


def test_the_sixth_day_skips_a_bank_holiday():
    # Tue 27 - Fri 30 April 2027 (4), Monday 3 May is a bank holiday, Tue 4 May (5):
    # the sixth day is Wednesday 5 May.
    x = ex(D(2027, 4, 27), sessions=12)
    assert day_six([x], today=D(2027, 4, 27)).due == D(2027, 5, 5)


def test_an_inset_day_inside_the_suspension_does_not_count():
    calendar = school_days_for_years(2026, closures=[(D(2026, 11, 18), "day")])
    x = ex(D(2026, 11, 16), sessions=12)
    assert day_six([x], today=D(2026, 11, 16), calendar=calendar).due == D(2026, 11, 24)


def test_five_days_need_no_provision_but_five_and_a_half_do():
    assert day_six([ex(D(2026, 11, 16), sessions=10)], today=D(2026, 11, 16)) is None
    clock = day_six([ex(D(2026, 11, 16), sessions=11)], today=D(2026, 11, 16))
    assert (clock.due, clock.half) == (D(2026, 11, 23), "AM")


def test_consecutive_suspensions_count_together_for_the_sixth_day():
    # Mon 9 - Wed 11 (3 days), then Thu 12 - Tue 17 (4 days): the sixth day is Monday
    # 16 November, inside the second suspension, which carries the clock.
    first = ex(D(2026, 11, 9), sessions=6)
    second = ex(D(2026, 11, 12), sessions=8)
    found = rules.pupil_clocks({1: CALENDAR}, [first, second], rules.PupilFacts(), D(2026, 11, 12))
    assert not [c for c in found.by_exclusion[first.ref] if c.kind == Kind.DAY_SIX]
    (clock,) = [c for c in found.by_exclusion[second.ref] if c.kind == Kind.DAY_SIX]
    assert (clock.due, clock.half, clock.who) == (D(2026, 11, 16), "AM", "The school")


def test_a_suspension_ending_on_a_friday_morning_runs_on_into_one_from_the_afternoon():
    # 4.5 days Mon 9 - Fri 13 AM, then 2 days from Fri 13 PM: the eleventh session is
    # Monday 16 AM.
    first = ex(D(2026, 11, 9), sessions=9)
    second = ex(D(2026, 11, 13), sessions=4, half="PM")
    clock = day_six([first, second], today=D(2026, 11, 13))
    assert (clock.due, clock.half, clock.ref) == (D(2026, 11, 16), "AM", second.ref)


def test_a_day_between_them_breaks_the_run():
    first = ex(D(2026, 11, 9), sessions=6)  # Mon-Wed
    second = ex(D(2026, 11, 13), sessions=8)  # from Friday: Thursday in school
    assert day_six([first, second], today=D(2026, 11, 13)) is None


def test_a_permanent_exclusion_after_a_suspension_is_the_local_authoritys_from_day_six():
    suspension = ex(D(2026, 11, 9), sessions=6)
    permanent = ex(D(2026, 11, 12))  # Thursday, straight after
    clock = day_six([suspension, permanent], today=D(2026, 11, 12))
    assert (clock.due, clock.who, clock.ref) == (
        D(2026, 11, 16),
        "The local authority",
        permanent.ref,
    )


def test_a_permanent_exclusion_alone_needs_provision_from_its_sixth_day():
    permanent = ex(D(2026, 11, 16))
    clock = day_six([permanent], today=D(2026, 11, 16))
    assert (clock.due, clock.half, clock.who) == (D(2026, 11, 23), "AM", "The local authority")


def test_overdue_from_the_day_itself_until_the_suspension_ends_then_missed():
    x = ex(D(2026, 11, 16), sessions=14)  # Mon 16 - Tue 24 November; day six Mon 23
    assert day_six([x], today=D(2026, 11, 19)).status == Status.DUE_SOON
    assert day_six([x], today=D(2026, 11, 23)).status == Status.OVERDUE
    assert day_six([x], today=D(2026, 11, 24)).status == Status.OVERDUE
    lapsed = day_six([x], today=D(2026, 11, 25))
    assert lapsed.status == Status.LAPSED and not lapsed.is_open


def test_arranged_provision_meets_the_clock_and_says_when_it_was_late():
    on_time = ex(
        D(2026, 11, 16),
        sessions=16,
        provision_from=D(2026, 11, 23),
        provision_by="school",
        provision_where="Ashdown learning centre",
    )
    clock = day_six([on_time], today=D(2026, 11, 24))
    assert clock.status == Status.MET and not clock.is_open
    assert (
        clock.line
        == "Arranged by the school from Monday 23 November 2026: Ashdown learning centre."
    )
    late = ex(D(2026, 11, 16), sessions=16, provision_from=D(2026, 11, 25), provision_by="school")
    assert "2 school days after it was due" in day_six([late], today=D(2026, 11, 25)).line


def test_a_cancelled_suspension_counts_only_the_days_served():
    x = ex(D(2026, 11, 16), sessions=12, cancelled_on=D(2026, 11, 20))  # served Mon-Thu
    assert day_six([x], today=D(2026, 11, 20)) is None
    assert rules.sessions_by_year(CALENDAR, x) == {2026: 8}


def test_no_clock_before_the_calendar_reaches_the_sixth_day():
    x = ex(D(2027, 7, 19), sessions=12)  # Mon 19 July: the year ends on the 21st
    clock = day_six([x], today=D(2027, 7, 19))
    assert clock.due is None and clock.status == Status.UPCOMING
    assert clock.line == rules.NOT_IN_CALENDAR
    # With 2027/28 held: Mon 19 - Wed 21 July (3 days), then Wed 1 (4), Thu 2 (5) and
    # Friday 3 September 2027, the sixth day.
    nextyear = school_days_for_years(2026, 2027)
    assert day_six([x], today=D(2027, 7, 19), calendar=nextyear).due == D(2027, 9, 3)


starts = st.sampled_from(CALENDAR.sessions[:300])


@given(start=starts, sessions=st.integers(min_value=1, max_value=60))
def test_a_suspension_has_its_length_in_sessions_and_day_six_only_past_five_days(start, sessions):
    x = ex(start.date, sessions=sessions, half=start.half)
    span = rules.span_of(CALENDAR, x)
    assert span.stop - span.first == sessions
    assert sum(rules.sessions_by_year(CALENDAR, x).values()) == sessions
    assert rules.last_day(CALENDAR, x) >= start.date
    clock = day_six([x], today=start.date)
    assert (clock is not None) == (sessions > rules.DAY_SIX_AFTER_SESSIONS)
    if clock is not None:
        assert clock.due > start.date
        assert CALENDAR.position(clock.due, clock.half) == span.first + 10
