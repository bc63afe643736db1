"""The early-sign rules, worked by hand on the 2026/27 calendar (and 2025/26 before it).

School weeks of autumn 2026: week 1 is Wed 2 - Fri 4 September, week 2 starts
Monday 7 September, ... week 8 starts Monday 19 October; half term is 26-30
October (not a school week); week 9 starts Monday 2 November.
"""

import datetime
from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.attendance.codes import CODES, PENALTY_CODES, code_for
from knotwork.attendance.models import Signal
from knotwork.attendance.signals import (
    DEFAULTS,
    FALLING,
    KINDS,
    NEWLY_PERSISTENT,
    PENALTY_THRESHOLD,
    SAME_WEEKDAY,
    SIGNALS,
    MarkHistory,
    describe,
    evaluate,
)
from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.rules import SessionMap, school_days

D = datetime.date
TERMS_2026 = [
    (D(2026, 9, 2), D(2026, 10, 23)),
    (D(2026, 11, 2), D(2026, 12, 18)),
    (D(2027, 1, 4), D(2027, 2, 12)),
    (D(2027, 2, 22), D(2027, 3, 26)),
    (D(2027, 4, 12), D(2027, 5, 28)),
    (D(2027, 6, 7), D(2027, 7, 21)),
]


def year_map(start_year: int, closures=()) -> SessionMap:
    """The test calendar's sessions (core.testing's pattern), shifted to ``start_year``."""
    shift = datetime.timedelta(weeks=52 * (start_year - 2026))
    terms = [(a + shift, b + shift) for a, b in TERMS_2026]
    holidays = bank_holidays_between(D(start_year, 9, 1), D(start_year + 1, 8, 31))
    return SessionMap(school_days(terms, holidays), closures)


def row_of(
    sessions: SessionMap,
    marks: Mapping[tuple[datetime.date, str], str] = {},
    *,
    present_through: datetime.date | None = None,
) -> np.ndarray:
    """A register row: present every session up to ``present_through`` (or none), then marks."""
    row = np.zeros(len(sessions), dtype=np.uint8)
    if present_through is not None:
        for i in range(len(sessions)):
            s = sessions.session_at(i)
            if s.date <= present_through:
                letters = "#" if i in sessions.closed else ("/" if s.half == "AM" else "\\")
                row[i] = code_for(letters, s.date).id
    for (day, half), letters in marks.items():
        row[sessions.index_of(day, half)] = code_for(letters, day).id
    return row


def days(*dates: datetime.date, code: str) -> dict[tuple[datetime.date, str], str]:
    return {(d, half): code for d in dates for half in ("AM", "PM")}


def school_days_from(first: datetime.date, count: int) -> list[datetime.date]:
    return [d for d in Y26.days if d >= first][:count]


def history(*years: tuple[SessionMap, np.ndarray], year_start=None) -> MarkHistory:
    year_start = year_start or D(2026, 9, 1)
    return MarkHistory.from_years([(s, row[None, :]) for s, row in years], year_start)


def kinds_of(found: list) -> set[str]:
    return {r.kind for r in found}


Y26 = year_map(2026)
Y25 = year_map(2025)


def week(n: int) -> datetime.date:
    """The Monday of school week ``n`` of autumn 2026 (week 1's Monday is 31 August)."""
    monday = D(2026, 8, 31) + datetime.timedelta(weeks=n - 1)
    return monday + datetime.timedelta(weeks=1) if monday >= D(2026, 10, 26) else monday


# --- the penalty notice threshold -------------------------------------------------


def worked_example() -> np.ndarray:
    """england.md §3.3: 6 G in week 1, then 1 O in each of weeks 3, 5, 7 and 9."""
    marks = days(D(2026, 9, 2), D(2026, 9, 3), D(2026, 9, 4), code="G")
    for n in (3, 5, 7, 9):
        marks[(week(n), "AM")] = "O"
    return row_of(Y26, marks, present_through=D(2027, 7, 21))


def test_the_worked_example_meets_the_threshold_in_week_9_across_half_term():
    h = history((Y26, worked_example()))
    check = SIGNALS[PENALTY_THRESHOLD]
    assert week(9) == D(2026, 11, 2)
    assert check(h, D(2026, 10, 23)) is None  # end of week 8: 9 sessions
    found = check(h, D(2026, 11, 2))  # Monday of week 9, after half term
    assert found is not None
    assert found.evidence == {
        "sessions": 10,
        "window_from": "2026-09-02",
        "window_to": "2026-11-02",
        "school_weeks": 9,
        "threshold_sessions": 10,
        "threshold_weeks": 10,
        "codes": ["G", "N", "O", "U"],
    }


def test_the_window_counts_school_weeks_so_half_term_does_not_use_one_up():
    # 6 G in week 2 and 4 O in week 11: weeks 2-11 are 10 school weeks (11 calendar weeks).
    marks = days(
        week(2), week(2) + datetime.timedelta(days=1), week(2) + datetime.timedelta(2), code="G"
    )
    marks.update(days(week(11), week(11) + datetime.timedelta(days=1), code="O"))
    found = SIGNALS[PENALTY_THRESHOLD](
        history((Y26, row_of(Y26, marks))), week(11) + datetime.timedelta(1)
    )
    assert found is not None
    assert (found.evidence["window_from"], found.evidence["school_weeks"]) == ("2026-09-07", 10)


def test_sessions_eleven_school_weeks_apart_are_not_in_one_window():
    marks = days(D(2026, 9, 2), D(2026, 9, 3), D(2026, 9, 4), code="G")  # week 1
    marks.update(days(week(11), week(11) + datetime.timedelta(days=1), code="O"))  # week 11
    assert (
        SIGNALS[PENALTY_THRESHOLD](
            history((Y26, row_of(Y26, marks))), week(11) + datetime.timedelta(4)
        )
        is None
    )


def test_the_window_spans_the_summer_from_one_school_year_into_the_next():
    # The last school week of 2025/26 is Monday 20 - Wednesday 22 July 2026.
    last_year = row_of(Y25, days(D(2026, 7, 20), D(2026, 7, 21), D(2026, 7, 22), code="N"))
    this_year = row_of(Y26, days(D(2026, 9, 2), D(2026, 9, 3), code="U"))
    h = history((Y25, last_year), (Y26, this_year))
    check = SIGNALS[PENALTY_THRESHOLD]
    assert check(h, D(2026, 9, 2)) is None  # 8 sessions
    found = check(h, D(2026, 9, 3))
    assert found is not None
    assert found.evidence["sessions"] == 10
    # 10 school weeks back from the week of 31 August: 7 weeks of summer 2 (8 June - 22 July),
    # the week of the spring bank holiday (25 May) and the one before it.
    assert found.evidence["window_from"] == "2026-05-18"
    assert found.evidence["window_to"] == "2026-09-03"
    # Without last year's register the same September marks are far short.
    assert check(history((Y26, this_year)), D(2026, 9, 3)) is None


def test_only_g_n_o_and_u_count():
    day = D(2026, 9, 7)
    others = [c.code for c in CODES if c.valid_on(day)]
    others = [letters for letters in others if letters not in PENALTY_CODES | {"#", "Z"}]
    sessions = [Y26.session_at(i) for i in range(Y26.index_of(day, "AM"), len(Y26))]
    marks = {(s.date, s.half): letters for s, letters in zip(sessions, others * 2, strict=False)}
    found = SIGNALS[PENALTY_THRESHOLD](history((Y26, row_of(Y26, marks))), D(2026, 10, 23))
    assert len(marks) > 50 and found is None


def test_it_stays_raised_for_10_school_weeks_after_the_last_window_that_met_it():
    # 10 N in week 1: every window ending in weeks 1-10 holds them; the last is week 10's.
    row = row_of(
        Y26,
        days(
            D(2026, 9, 2),
            D(2026, 9, 3),
            D(2026, 9, 4),
            week(2),
            week(2) + datetime.timedelta(1),
            code="N",
        ),
    )
    h = history((Y26, row))
    check = SIGNALS[PENALTY_THRESHOLD]
    # Week 15 starts 14 December; after Christmas, week 16 starts 4 January 2027, so week 19
    # is 25-29 January and week 20 starts 1 February.
    assert check(h, D(2027, 1, 29)) is not None
    assert check(h, D(2027, 2, 1)) is None  # week 20: its windows start in week 2 or later


# --- attendance falling -------------------------------------------------------------


def test_attendance_falling_against_the_pupil_s_own_earlier_rate():
    # On Friday 27 November the last 6 school weeks run from Monday 12 October (half term
    # skipped): 60 sessions. Earlier this year: 2 September - 9 October, 56 sessions.
    on = D(2026, 11, 27)
    marks = days(D(2026, 11, 16), D(2026, 11, 23), D(2026, 11, 24), code="I")
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    found = SIGNALS[FALLING](h, on)
    assert found is not None
    assert found.evidence["recent_from"] == "2026-10-12"
    assert found.evidence["recent_to"] == "2026-11-27"
    assert (found.evidence["recent_attended"], found.evidence["recent_possible"]) == (54, 60)
    assert found.evidence["recent_rate"] == "90.00"
    assert (found.evidence["earlier_attended"], found.evidence["earlier_possible"]) == (56, 56)
    assert found.evidence["earlier_rate"] == "100.00"


@pytest.mark.parametrize(
    ("absent", "raised"),
    [(3, False), (4, True)],  # 95.00% is not under 95; 93.33% is
)
def test_falling_needs_the_recent_rate_under_95(absent, raised):
    on = D(2026, 11, 27)
    marks = {(D(2026, 11, 16) + datetime.timedelta(days=i), "AM"): "O" for i in range(absent)}
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    assert (SIGNALS[FALLING](h, on) is not None) is raised


def sessions_marked(first: datetime.date, count: int, absent: int) -> dict:
    """``count`` sessions from ``first`` (a Monday), the first ``absent`` of them O."""
    marks = {}
    day = first
    while len(marks) < count:
        if Y26.is_school_day(day):
            for half in ("AM", "PM"):
                if len(marks) < count:
                    marks[(day, half)] = (
                        "O" if len(marks) < absent else ("/" if half == "AM" else "\\")
                    )
        day += datetime.timedelta(days=1)
    return marks


@pytest.mark.parametrize(
    ("recent_absent", "raised"),
    [(2, True), (1, False)],  # 95% -> 90% is a drop of exactly 5 points; 95% -> 95% none
)
def test_falling_needs_a_drop_of_at_least_5_points(recent_absent, raised):
    # Earlier: 20 sessions, 1 absent (95%). Recent (from 12 October): 20 sessions.
    marks = sessions_marked(D(2026, 9, 7), 20, 1)
    marks.update(sessions_marked(D(2026, 11, 16), 20, recent_absent))
    h = history((Y26, row_of(Y26, marks)))
    assert (SIGNALS[FALLING](h, D(2026, 11, 27)) is not None) is raised


def test_falling_needs_enough_earlier_sessions_this_year():
    # In late September the last 6 school weeks reach back into July: nothing earlier this year.
    on = D(2026, 9, 25)
    last = row_of(Y25, present_through=D(2026, 7, 22))
    this = row_of(Y26, days(D(2026, 9, 21), D(2026, 9, 22), code="I"), present_through=on)
    assert SIGNALS[FALLING](history((Y25, last), (Y26, this)), on) is None


# --- newly persistent ---------------------------------------------------------------


def test_newly_persistent_over_the_year_to_date():
    # 2 September - 27 November: 116 sessions; 12 absent (10.34%), all in the last 10 days.
    on = D(2026, 11, 27)
    marks = days(*school_days_from(D(2026, 11, 16), 5), code="N")
    marks.update(days(D(2026, 11, 23), code="N"))
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    found = SIGNALS[NEWLY_PERSISTENT](h, on)
    assert found is not None
    assert found.evidence == {
        "rate": "10.34",
        "absent": 12,
        "possible": 116,
        "from": "2026-09-01",
        "to": "2026-11-27",
        "compared_with": "2026-11-13",  # 10 school days earlier
        "rate_then": "0.00",
        "threshold": "10",
    }
    # The partnership's threshold decides: at 20% (the seeds' figure) it is not persistent.
    assert SIGNALS[NEWLY_PERSISTENT](h, on, replace(DEFAULTS, pa_threshold=Fraction(20))) is None


def test_persistent_ten_school_days_earlier_is_not_newly_persistent():
    on = D(2026, 11, 27)
    marks = days(*school_days_from(D(2026, 11, 2), 7), code="N")
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    check = SIGNALS[NEWLY_PERSISTENT]
    assert check(h, on) is None  # 14/96 on 13 November: persistent already
    # ...but when the signs were last worked out on 23 October it was not: newly persistent.
    found = check(h, on, DEFAULTS, D(2026, 10, 23))
    assert found is not None and found.evidence["compared_with"] == "2026-10-23"


def test_exactly_at_the_threshold_is_persistent():
    # 120 sessions by Tuesday 1 December; 12 absent = exactly 10%.
    on = D(2026, 12, 1)
    marks = days(*school_days_from(D(2026, 11, 23), 6), code="O")
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    found = SIGNALS[NEWLY_PERSISTENT](h, on)
    assert found is not None and (found.evidence["absent"], found.evidence["possible"]) == (12, 120)


def test_too_few_sessions_to_judge_is_not_persistent():
    on = D(2026, 9, 8)  # 10 sessions so far, 4 absent
    h = history(
        (Y26, row_of(Y26, days(D(2026, 9, 2), D(2026, 9, 3), code="N"), present_through=on))
    )
    assert SIGNALS[NEWLY_PERSISTENT](h, on) is None


# --- the same weekday ---------------------------------------------------------------


def test_absences_on_one_weekday_name_it():
    on = D(2026, 11, 27)
    marks = days(D(2026, 11, 2), D(2026, 11, 9), code="I")
    marks[(D(2026, 11, 23), "AM")] = "O"  # half a day is an absence day
    marks.update(days(D(2026, 11, 18), code="M"))  # one Wednesday
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    found = SIGNALS[SAME_WEEKDAY](h, on)
    assert found is not None
    assert found.evidence == {
        "weekday": "Monday",
        "days_on_weekday": 3,
        "absence_days": 4,
        "by_weekday": {"Monday": 3, "Tuesday": 0, "Wednesday": 1, "Thursday": 0, "Friday": 0},
        "window_from": "2026-10-12",
        "window_to": "2026-11-27",
        "school_weeks": 6,
    }
    assert describe(found) == "3 of 4 absence days were a Monday, over the last 6 school weeks."


@pytest.mark.parametrize(
    ("mondays", "others", "raised"),
    [(2, 0, False), (3, 3, True), (3, 4, False), (4, 4, True)],
)
def test_same_weekday_needs_3_days_and_half_of_them(mondays, others, raised):
    on = D(2026, 11, 27)
    monday_dates = [D(2026, 11, 2) + datetime.timedelta(weeks=i) for i in range(mondays)]
    other_dates = [D(2026, 10, 13), D(2026, 10, 21), D(2026, 11, 5), D(2026, 11, 13)][:others]
    marks = days(*monday_dates, *other_dates, code="N")
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    assert (SIGNALS[SAME_WEEKDAY](h, on) is not None) is raised


def test_absences_before_the_last_6_school_weeks_are_left_out():
    on = D(2026, 11, 27)
    marks = days(D(2026, 9, 14), D(2026, 9, 21), D(2026, 9, 28), code="N")
    h = history((Y26, row_of(Y26, marks, present_through=on)))
    assert SIGNALS[SAME_WEEKDAY](h, on) is None


# --- all together -------------------------------------------------------------------


def test_the_registry_has_one_rule_per_stored_kind():
    assert set(SIGNALS) == set(KINDS) == set(Signal.Kind.values)


def test_evaluate_works_on_many_rows_at_once_and_matches_one_at_a_time():
    on = D(2026, 11, 2)
    rows = [worked_example(), row_of(Y26, present_through=on)]
    h = MarkHistory.from_years([(Y26, np.stack(rows))], D(2026, 9, 1))
    found = evaluate(h, on)
    assert PENALTY_THRESHOLD in kinds_of(found[0]) and found[1] == []
    one = history((Y26, rows[0]))
    assert {k for k in KINDS if SIGNALS[k](one, on) is not None} == kinds_of(found[0])


def test_marks_after_the_day_are_not_looked_at():
    row = row_of(
        Y26,
        days(
            D(2026, 12, 7),
            D(2026, 12, 8),
            D(2026, 12, 9),
            D(2026, 12, 10),
            D(2026, 12, 11),
            code="G",
        ),
    )
    assert evaluate(history((Y26, row)), D(2026, 12, 4)) == [[]]


def test_a_history_needs_years_in_order():
    with pytest.raises(ValueError):
        MarkHistory.from_years(
            [(Y26, np.zeros((1, len(Y26)), np.uint8)), (Y25, np.zeros((1, len(Y25)), np.uint8))],
            D(2026, 9, 1),
        )


# --- properties ---------------------------------------------------------------------

TERM = year_map(2026)
#: Autumn 1 and 2 of 2026: 75 school days.
AUTUMN = TERM.window(D(2026, 9, 1), D(2026, 12, 18))
ALL_IDS = [code.id for code in CODES]
UNAUTHORISED = [code_for(letters, D(2026, 9, 7)).id for letters in sorted(PENALTY_CODES)]
autumn_days = [d for d in TERM.days if d <= D(2026, 12, 18)]


def autumn_history(marks: list[int]) -> MarkHistory:
    row = np.zeros(len(TERM), dtype=np.uint8)
    row[AUTUMN.start : AUTUMN.start + len(marks)] = marks
    return history((TERM, row))


autumn_marks = st.lists(st.sampled_from(ALL_IDS), min_size=150, max_size=150)


@settings(max_examples=60, deadline=None)
@given(marks=autumn_marks, on=st.sampled_from(autumn_days), weeks=st.integers(1, 12))
def test_a_rolling_window_never_counts_more_than_10_sessions_a_school_week(marks, on, weeks):
    rules = replace(DEFAULTS, penalty_weeks=weeks, penalty_sessions=1)
    found = SIGNALS[PENALTY_THRESHOLD](autumn_history(marks), on, rules)
    if found is not None:
        assert 1 <= found.evidence["sessions"] <= 10 * found.evidence["school_weeks"]
        assert found.evidence["school_weeks"] <= weeks
        assert found.evidence["sessions"] <= 10 * 10 or weeks > 10


@settings(max_examples=60, deadline=None)
@given(
    marks=autumn_marks,
    on=st.sampled_from(autumn_days),
    index=st.integers(0, 149),
    code=st.sampled_from(UNAUTHORISED),
)
def test_adding_an_unauthorised_mark_never_clears_the_penalty_signal(marks, on, index, code):
    before = SIGNALS[PENALTY_THRESHOLD](autumn_history(marks), on)
    changed = list(marks)
    changed[index] = code
    after = SIGNALS[PENALTY_THRESHOLD](autumn_history(changed), on)
    if before is not None:
        assert after is not None
        assert after.evidence["sessions"] >= before.evidence["sessions"]


@settings(max_examples=40, deadline=None)
@given(on=st.sampled_from(list(Y25.days) + list(Y26.days)), with_last_year=st.booleans())
def test_a_pupil_present_at_every_session_raises_nothing(on, with_last_year):
    years = [(Y26, row_of(Y26, present_through=D(2027, 7, 21)))]
    if with_last_year:
        years.insert(0, (Y25, row_of(Y25, present_through=D(2026, 7, 22))))
    start = D(2026, 9, 1) if on >= D(2026, 9, 1) else D(2025, 9, 1)
    assert evaluate(history(*years, year_start=start), on) == [[]]
