"""Panel formulas: when a meeting's papers are out, and who has missed too many meetings."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from knotwork.placements import panel_rules as r

D = datetime.date


def test_the_papers_window_runs_from_seven_days_before_to_the_meeting_day():
    held = D(2026, 11, 26)
    assert not r.in_papers_window(D(2026, 11, 18), held, 7)
    assert r.in_papers_window(D(2026, 11, 19), held, 7)
    assert r.in_papers_window(held, held, 7)
    assert not r.in_papers_window(D(2026, 11, 27), held, 7)


@given(st.dates(), st.integers(0, 60), st.integers(-100, 100))
def test_the_window_holds_exactly_the_days_from_the_papers_to_the_meeting(held, days, offset):
    today = held + datetime.timedelta(days=offset)
    assert r.in_papers_window(today, held, days) == (-days <= offset <= 0)


def test_apologies_count_as_missed_and_more_than_one_a_year_stands_out():
    rows = [(1, "attended"), (1, "apologies"), (2, "absent"), (2, "apologies"), (3, "attended")]
    missed = r.absences(rows)
    assert missed == {1: 1, 2: 2}
    assert not r.too_often_absent(missed[1])
    assert r.too_often_absent(missed[2])
    assert not r.too_often_absent(missed[3])


def test_the_year_is_the_365_days_to_the_day():
    assert r.year_of_meetings(D(2026, 11, 26)) == (D(2025, 11, 27), D(2026, 11, 26))
