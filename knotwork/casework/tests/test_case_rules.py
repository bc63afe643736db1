"""The casework formulas: the intervention clock, measure windows, scaling, caseloads and
the order of suggested leads."""

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from knotwork.casework.case_rules import (
    Candidate,
    Caseload,
    change,
    count_in,
    intervention_clock,
    measure_due,
    measure_windows,
    scale_at,
    suggestions,
)

days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))
D = datetime.date


def test_a_clock_runs_ten_weeks_from_the_start():
    clock = intervention_clock(D(2026, 9, 7), D(2026, 10, 19))
    assert (clock.due_on, clock.weeks_in, clock.days_left) == (D(2026, 11, 16), 6, 28)
    assert clock.state == "running"


def test_a_clock_is_due_in_its_last_fortnight_and_overdue_after():
    assert intervention_clock(D(2026, 9, 7), D(2026, 11, 2)).state == "due"
    assert intervention_clock(D(2026, 9, 7), D(2026, 11, 16)).state == "due"
    late = intervention_clock(D(2026, 9, 7), D(2026, 11, 17))
    assert (late.state, late.overdue, late.weeks_in) == ("overdue", True, 10)


@given(start=days, today=days, weeks=st.integers(1, 52))
def test_a_clock_is_overdue_exactly_when_today_is_past_its_due_day(start, today, weeks):
    clock = intervention_clock(start, today, weeks)
    assert clock.overdue == (today > clock.due_on)
    assert clock.weeks_in >= 0
    assert clock.due_on - clock.started_on == datetime.timedelta(weeks=weeks)


def test_the_windows_are_the_same_length_before_and_from_the_start():
    w = measure_windows(D(2026, 10, 5), 2)
    assert (w.before_first, w.before_last) == (D(2026, 9, 21), D(2026, 10, 4))
    assert (w.after_first, w.after_last) == (D(2026, 10, 5), D(2026, 10, 18))


def test_closure_cuts_the_after_window_short_but_never_before_the_start():
    assert measure_windows(D(2026, 10, 5), 2, D(2026, 10, 9)).after_last == D(2026, 10, 9)
    assert measure_windows(D(2026, 10, 5), 2, D(2026, 12, 1)).after_last == D(2026, 10, 18)
    assert measure_windows(D(2026, 10, 5), 2, D(2026, 10, 1)).after_last == D(2026, 10, 5)


@given(start=days, weeks=st.integers(1, 52), closed=st.one_of(st.none(), days))
def test_windows_never_overlap_and_the_before_window_is_whole(start, weeks, closed):
    w = measure_windows(start, weeks, closed)
    assert w.before_last < w.after_first <= w.after_last
    assert (w.before_last - w.before_first).days + 1 == 7 * weeks
    assert (w.after_last - w.after_first).days + 1 <= 7 * weeks


def test_a_measure_is_due_once_its_window_ends_or_the_case_closes():
    assert not measure_due(D(2026, 10, 5), 2, D(2026, 10, 18), None)
    assert measure_due(D(2026, 10, 5), 2, D(2026, 10, 19), None)
    assert measure_due(D(2026, 10, 5), 2, D(2026, 10, 6), D(2026, 10, 6))


def test_scaling_takes_the_latest_score_in_the_window():
    points = [(D(2026, 9, 1), 3), (D(2026, 10, 1), 5), (D(2026, 11, 1), 7)]
    assert scale_at(points, D(2026, 9, 1), D(2026, 10, 15)) == 5
    assert scale_at(points, D(2026, 12, 1), D(2026, 12, 31)) is None


@given(st.lists(st.tuples(days, st.integers(1, 10))), days, days)
def test_scaling_is_a_score_from_inside_the_window(points, first, last):
    score = scale_at(points, first, last)
    inside = [s for d, s in points if first <= d <= last]
    assert (score is None) == (not inside)
    assert score is None or score in inside


@given(st.lists(days), days, days)
def test_counting_in_a_window_never_exceeds_the_total(stamps, first, last):
    n = count_in(stamps, first, last)
    assert 0 <= n <= len(stamps)
    if first > last:
        assert n == 0


def test_change_needs_both_figures():
    assert change(Decimal("80.0"), Decimal("90.0")) == Decimal("10.0")
    assert change(None, Decimal("3")) is None


def test_a_caseload_is_counted_against_its_limit():
    assert (Caseload(15, 20).spare, Caseload(15, 20).percent, Caseload(15, 20).full) == (
        5,
        75,
        False,
    )
    assert (Caseload(21, 20).spare, Caseload(21, 20).over, Caseload(20, 20).full) == (0, True, True)


def _candidate(user_id, n, *, setting=False, area=False, name=None):
    return Candidate(user_id, name or f"Worker {user_id}", n, 20, setting, area)


def test_suggestions_put_room_first_then_the_school_then_the_area_then_the_lightest_load():
    full = _candidate(1, 20, setting=True)
    at_school = _candidate(2, 12, setting=True, area=True)
    in_area = _candidate(3, 3, area=True)
    elsewhere = _candidate(4, 0)
    light_in_area = _candidate(5, 1, area=True)
    ordered = suggestions([full, at_school, in_area, elsewhere, light_in_area])
    assert [c.user_id for c in ordered] == [2, 5, 3, 4, 1]
    assert full.reasons == ["20 of 20 cases (full)", "already works with the school"]
    assert in_area.reasons == ["3 of 20 cases, room for 17", "works in the same area"]


@given(st.lists(st.tuples(st.integers(0, 30), st.booleans(), st.booleans()), max_size=12))
def test_nobody_full_is_suggested_before_anybody_with_room(rows):
    people = [_candidate(i, n, setting=s, area=a) for i, (n, s, a) in enumerate(rows)]
    ordered = suggestions(people)
    fulls = [c.caseload.full for c in ordered]
    assert fulls == sorted(fulls)
    assert sorted(c.user_id for c in ordered) == list(range(len(rows)))
