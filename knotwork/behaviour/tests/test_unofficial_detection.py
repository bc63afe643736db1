"""The watch's patterns, worked by hand over an autumn term of school days.

The term: Tuesday 1 September to Friday 23 October 2026, then Monday 2 November to
Friday 18 December (no bank holidays in it), so day 0 is Tuesday 1 September and
Monday 2 November is day 39.
"""

from __future__ import annotations

import datetime

import numpy as np

from knotwork.attendance.codes import code_for
from knotwork.behaviour.unofficial import (
    PART_TIME,
    SENT_HOME,
    covered_sessions,
    part_time_runs,
    sent_home_clusters,
    watch_evidence,
)
from knotwork.termdates.rules import SessionMap, school_days

D = datetime.date
SESSIONS = SessionMap(
    school_days([(D(2026, 9, 1), D(2026, 10, 23)), (D(2026, 11, 2), D(2026, 12, 18))], set())
)
DAY = SESSIONS.days


def marks(through: int | None = None, **by_day: str) -> np.ndarray:
    """Present every session up to day ``through`` (all of them by default), with
    ``d<day>_<AM|PM>=code`` marks, or ``d<day>=code`` for both sessions."""
    row = np.zeros(len(SESSIONS), dtype=np.uint8)
    last = len(DAY) if through is None else through + 1
    row[0 : 2 * last : 2] = code_for("/", DAY[0]).id
    row[1 : 2 * last : 2] = code_for("\\", DAY[0]).id
    for key, letters in by_day.items():
        day, _, half = key[1:].partition("_")
        halves = [half] if half else ["AM", "PM"]
        for h in halves:
            row[2 * int(day) + (h == "PM")] = code_for(letters, DAY[0]).id
    return row


def c2_afternoons(days: range | list[int]) -> dict[str, str]:
    return {f"d{d}_PM": "C2" for d in days}


def test_the_term_starts_as_the_docstring_says():
    assert DAY[0] == D(2026, 9, 1) and DAY[39] == D(2026, 11, 2)


def test_a_part_time_timetable_of_exactly_six_weeks_is_within_the_policy():
    assert part_time_runs(marks(**c2_afternoons(range(0, 30))), SESSIONS) == []


def test_one_day_more_than_six_weeks_is_listed():
    (run,) = part_time_runs(marks(**c2_afternoons(range(0, 31))), SESSIONS)
    assert run.pattern == PART_TIME
    assert (run.first, run.last) == (D(2026, 9, 1), DAY[30])
    assert (run.span_days, run.marked_days, run.sessions) == (31, 31, 31)
    assert run.codes == ("C2",)
    assert not run.ongoing  # present every session since, for weeks
    assert "about 6.2 weeks; the policy allows 6" in run.summary


def test_part_time_on_three_days_a_week_is_one_timetable():
    days = [d for d in range(0, 40) if DAY[d].weekday() in (0, 2, 4)]
    (run,) = part_time_runs(marks(**c2_afternoons(days)), SESSIONS)
    assert run.marked_days == len(days)
    assert (run.first, run.last) == (DAY[days[0]], DAY[days[-1]])
    assert run.span_days == days[-1] - days[0] + 1


def test_a_timetable_still_running_at_the_last_mark_is_ongoing():
    row = marks(through=45, **c2_afternoons(range(10, 46)))
    (run,) = part_time_runs(row, SESSIONS)
    assert run.ongoing
    assert "still running" in run.summary


def test_two_short_timetables_a_fortnight_apart_are_not_one_long_one():
    days = [*range(0, 20), *range(30, 50)]
    assert part_time_runs(marks(**c2_afternoons(days)), SESSIONS) == []


def test_c_on_three_afternoons_in_a_week_is_sent_home():
    row = marks(d40_PM="C", d42_PM="C", d43_PM="C")
    (cluster,) = sent_home_clusters(row, SESSIONS)
    assert cluster.pattern == SENT_HOME
    assert (cluster.first, cluster.last) == (D(2026, 11, 3), D(2026, 11, 6))
    assert (cluster.marked_days, cluster.sessions, cluster.span_days) == (3, 3, 4)
    assert cluster.codes == ("C",)
    assert "no suspension recorded" in cluster.summary


def test_two_days_are_not_enough_nor_three_spread_over_more_than_two_weeks():
    assert sent_home_clusters(marks(d40="C", d42="B"), SESSIONS) == []
    assert sent_home_clusters(marks(d40="C", d45="C", d50="C"), SESSIONS) == []
    (cluster,) = sent_home_clusters(marks(d40="C", d45="B", d49="C"), SESSIONS)
    assert cluster.codes == ("B", "C")
    assert (cluster.marked_days, cluster.sessions) == (3, 6)


def test_close_clusters_run_together():
    row = marks(d40="C", d42="C", d44="C", d48_AM="B", d50_AM="B", d52_AM="B")
    (cluster,) = sent_home_clusters(row, SESSIONS)
    assert (cluster.first, cluster.last) == (DAY[40], DAY[52])
    assert (cluster.marked_days, cluster.sessions) == (6, 9)


def test_sessions_of_a_recorded_suspension_are_not_counted():
    row = marks(d40_PM="C", d42_PM="C", d43_PM="C")
    # A half-day suspension on the afternoon of day 42 (Thursday 5 November).
    covered = covered_sessions([(DAY[42], "PM", 1)], SESSIONS)
    assert sent_home_clusters(row, SESSIONS, covered) == []


def test_b_for_provision_during_a_suspension_is_expected():
    # Suspended for ten days from Monday 9 November (day 44); B for off-site provision.
    row = marks(d48="B", d49="B", d50="B", d51="B", d52="B")
    assert sent_home_clusters(row, SESSIONS) != []
    assert watch_evidence(row, SESSIONS, [(D(2026, 11, 9), "AM", 20)]) == []


def test_a_permanent_exclusion_covers_the_rest_of_the_year():
    row = marks(d60="C", d61="C", d62="C")
    assert watch_evidence(row, SESSIONS, [(DAY[55], "AM", None)]) == []


def test_an_exclusion_starting_on_a_weekend_covers_from_the_next_school_day():
    covered = covered_sessions([(D(2026, 11, 7), "PM", 2)], SESSIONS)  # a Saturday
    assert np.flatnonzero(covered).tolist() == [2 * 44, 2 * 44 + 1]  # Monday 9 November


def test_every_pattern_in_date_order():
    row = marks(d2="C", d3="C", d4="C", **c2_afternoons(range(5, 45)))
    found = watch_evidence(row, SESSIONS)
    assert [e.pattern for e in found] == [SENT_HOME, PART_TIME]


def test_a_register_with_no_marks_yet_shows_nothing():
    empty = np.zeros(len(SESSIONS), dtype=np.uint8)
    assert watch_evidence(empty, SESSIONS) == []
