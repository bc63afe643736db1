"""The dashboard's windows: the dates a period covers, and the same window a year before."""

from __future__ import annotations

import datetime

import pytest

from knotwork.attendance.dashboard_rules import (
    current_term,
    resolve_period,
    same_window_last_year,
    window_for,
)
from knotwork.termdates.models import Term

D = datetime.date
TODAY = D(2026, 11, 24)


def half_terms(start_year: int, shift_days: int = 0) -> list[Term]:
    """Six half terms on the 2026/27 pattern, moved to ``start_year``."""
    shift = datetime.timedelta(days=shift_days) + (
        D(start_year, 9, 2) - D(2026, 9, 2) if start_year != 2026 else datetime.timedelta()
    )
    pattern = [
        ("autumn", 1, D(2026, 9, 2), D(2026, 10, 23)),
        ("autumn", 2, D(2026, 11, 2), D(2026, 12, 18)),
        ("spring", 1, D(2027, 1, 4), D(2027, 2, 12)),
        ("spring", 2, D(2027, 2, 22), D(2027, 3, 25)),
        ("summer", 1, D(2027, 4, 12), D(2027, 5, 28)),
        ("summer", 2, D(2027, 6, 7), D(2027, 7, 21)),
    ]
    return [
        Term(name=name, half=half, starts_on=first + shift, ends_on=last + shift)
        for name, half, first, last in pattern
    ]


THIS_YEAR, LAST_YEAR = half_terms(2026), half_terms(2025, shift_days=1)


def test_year_to_date_runs_from_the_first_of_september_to_today():
    window = window_for("year", start_year=2026, today=TODAY, terms=THIS_YEAR)
    assert (window.first, window.last) == (D(2026, 9, 1), TODAY)


def test_a_year_that_is_over_is_shown_whole():
    window = window_for("year", start_year=2025, today=TODAY)
    assert (window.first, window.last) == (D(2025, 9, 1), D(2026, 8, 31))


def test_a_term_runs_from_its_first_day_to_today():
    autumn = window_for("autumn", start_year=2026, today=TODAY, terms=THIS_YEAR)
    assert (autumn.first, autumn.last) == (D(2026, 9, 2), TODAY)


def test_a_term_that_has_not_begun_is_empty():
    assert window_for("spring", start_year=2026, today=TODAY, terms=THIS_YEAR).empty


def test_this_term_is_the_one_under_way_or_just_ended():
    assert current_term(THIS_YEAR, TODAY) == "autumn"
    assert current_term(THIS_YEAR, D(2027, 4, 1)) == "spring"  # the Easter holiday
    assert current_term(THIS_YEAR, D(2026, 8, 1)) is None
    assert resolve_period("term", start_year=2026, today=D(2027, 5, 3), terms=THIS_YEAR) == (
        "summer"
    )
    assert resolve_period("term", start_year=2025, today=TODAY, terms=LAST_YEAR) == "summer"
    window = window_for("term", start_year=2026, today=D(2027, 2, 1), terms=THIS_YEAR)
    assert (window.first, window.last) == (D(2027, 1, 4), D(2027, 2, 1))


def test_last_years_term_runs_to_the_same_day():
    autumn = window_for("autumn", start_year=2026, today=TODAY, terms=THIS_YEAR)
    before = same_window_last_year("autumn", autumn, last_year_terms=LAST_YEAR)
    assert (before.first, before.last) == (D(2025, 9, 3), D(2025, 11, 24))


def test_dates_of_your_own_move_back_a_year_and_29_february_to_the_28th():
    window = window_for(
        "custom", start_year=2027, today=TODAY, first=D(2028, 2, 29), last=D(2028, 3, 1)
    )
    before = same_window_last_year("custom", window)
    assert (before.first, before.last) == (D(2027, 2, 28), D(2027, 3, 1))


def test_dates_of_your_own_need_both_ends():
    with pytest.raises(ValueError, match="both dates"):
        window_for("custom", start_year=2026, today=TODAY, first=D(2026, 9, 7))
