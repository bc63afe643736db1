"""Attendance measures: hand-computed cases for the edges, and properties that always hold."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from knotwork.analytics.attendance import (
    at_or_above,
    code_counts,
    percentage,
    sessions_of,
    summarise,
    summarise_groups,
)
from knotwork.attendance.codes import BY_ID, CODES, Category, code_for

NEW_DAY = datetime.date(2026, 10, 1)
OLD_DAY = datetime.date(2023, 10, 1)


def row(*runs: tuple[str, int], length: int = 380, day: datetime.date = NEW_DAY) -> list[int]:
    """A register row from runs of (code, sessions), padded with no marks to ``length``."""
    marks: list[int] = []
    for letters, count in runs:
        marks += [code_for(letters, day).id] * count
    assert len(marks) <= length
    return marks + [0] * (length - len(marks))


def matrix(*rows: list[int]) -> np.ndarray:
    return np.array(rows, dtype=np.uint8)


def test_pupil_a_on_roll_all_year_is_not_persistent_at_seven_point_nine_per_cent():
    # england.md 2.5: 380 possible; 20 I, 4 M, 6 G -> 30/380 = 7.9%, authorised 6.3%.
    marks = matrix(row(("I", 20), ("M", 4), ("G", 6), ("/", 175), ("\\", 175)))
    summary = summarise(sessions_of(marks))
    assert (summary.possible, summary.authorised, summary.unauthorised) == (380, 24, 6)
    assert summary.absence_rate == Decimal("7.89")
    assert summary.authorised_rate == Decimal("6.32")
    assert summary.unauthorised_rate == Decimal("1.58")
    assert summary.attendance_rate == Decimal("92.11")
    assert summary.persistent == 0


def test_an_enrolment_starting_mid_year_with_exactly_ten_per_cent_is_persistent():
    # Pupil B: joins in February, 120 possible sessions, 12 O: exactly 10% counts.
    marks = matrix(row(("Z", 0), length=260) + row(("O", 12), ("/", 108), length=120))
    summary = summarise(sessions_of(marks))
    assert summary.possible == 120
    assert summary.absence_rate == Decimal("10.00")
    assert summary.persistent == 1 and summary.severe == 0


def test_one_session_under_the_boundary_is_not_persistent():
    marks = matrix(row(("O", 11), ("/", 109)))
    assert summarise(sessions_of(marks)).persistent == 0


def test_dual_registration_d_marks_are_not_possible_sessions():
    # Pupil C: PRU four days a week; the main school marks D: 76 possible there.
    marks = matrix(row(("D", 304), ("/", 70), ("I", 6)))
    sessions = sessions_of(marks)
    assert int(sessions.possible[0]) == 76
    assert int(sessions.absent[0]) == 6


def test_y_and_q_marks_are_neither_attendance_nor_absence():
    # Pupil D: 6 Y1 and 4 Q out of 380: possible 370.
    marks = matrix(row(("Y1", 6), ("Q", 4), ("/", 370)))
    summary = summarise(sessions_of(marks))
    assert summary.possible == 370
    assert summary.absent == 0


def test_a_part_time_timetable_c2_is_authorised_absence_in_possible_sessions():
    marks = matrix(row(("C2", 190), ("/", 190)))
    summary = summarise(sessions_of(marks))
    assert (summary.possible, summary.authorised) == (380, 190)
    assert summary.absence_rate == Decimal("50.00")
    assert summary.persistent == 1 and summary.severe == 1


@pytest.mark.parametrize(
    ("letters", "category"),
    [
        ("/", Category.PRESENT),
        ("\\", Category.PRESENT),
        ("L", Category.PRESENT),
        ("K", Category.APPROVED_ACTIVITY),
        ("V", Category.APPROVED_ACTIVITY),
        ("P", Category.APPROVED_ACTIVITY),
        ("W", Category.APPROVED_ACTIVITY),
        ("B", Category.APPROVED_ACTIVITY),
        ("C1", Category.AUTHORISED),
        ("M", Category.AUTHORISED),
        ("J1", Category.AUTHORISED),
        ("S", Category.AUTHORISED),
        ("C2", Category.AUTHORISED),
        ("C", Category.AUTHORISED),
        ("T", Category.AUTHORISED),
        ("R", Category.AUTHORISED),
        ("I", Category.AUTHORISED),
        ("E", Category.AUTHORISED),
        ("G", Category.UNAUTHORISED),
        ("N", Category.UNAUTHORISED),
        ("O", Category.UNAUTHORISED),
        ("U", Category.UNAUTHORISED),
        ("D", Category.NOT_POSSIBLE),
        ("X", Category.NOT_POSSIBLE),
        ("Y4", Category.NOT_POSSIBLE),
        ("Q", Category.NOT_POSSIBLE),
        ("Z", Category.ADMINISTRATIVE),
        ("#", Category.ADMINISTRATIVE),
    ],
)
def test_each_code_counts_in_its_category(letters, category):
    marks = matrix(row((letters, 10), length=10))
    sessions = sessions_of(marks)
    expected = {
        Category.PRESENT: sessions.present,
        Category.APPROVED_ACTIVITY: sessions.approved_activity,
        Category.AUTHORISED: sessions.authorised,
        Category.UNAUTHORISED: sessions.unauthorised,
    }
    for cat, counted in expected.items():
        assert int(counted[0]) == (10 if cat == category else 0)
    assert int(sessions.possible[0]) == (10 if category.is_possible else 0)


def test_an_interview_before_2024_was_attendance_and_since_is_authorised_absence():
    old = matrix(row(("J", 4), ("/", 36), length=40, day=OLD_DAY))
    new = matrix(row(("J1", 4), ("/", 36), length=40))
    assert summarise(sessions_of(old)).absence_rate == Decimal("0.00")
    assert summarise(sessions_of(new)).absence_rate == Decimal("10.00")


def test_old_codes_are_refused_for_new_dates_and_new_codes_for_old():
    with pytest.raises(ValueError, match="not a register code from 19 August 2024"):
        code_for("H", NEW_DAY)
    with pytest.raises(ValueError, match="before 19 August 2024"):
        code_for("J1", OLD_DAY)
    with pytest.raises(ValueError, match="not a national register code"):
        code_for("?", NEW_DAY)
    assert code_for("H", OLD_DAY).category is Category.AUTHORISED


def test_lateness_counts_l_and_u():
    marks = matrix(row(("L", 3), ("U", 2), ("/", 5), length=10))
    sessions = sessions_of(marks)
    assert int(sessions.late[0]) == 5
    assert int(sessions.present[0]) == 8 and int(sessions.unauthorised[0]) == 2


def test_a_window_that_cuts_a_term_counts_only_its_sessions():
    # 20 sessions: absences in sessions 0-3 and 16-19; the window 4..15 sees none of them.
    marks = matrix(row(("I", 4), ("/", 12), ("G", 4), length=20))
    whole = summarise(sessions_of(marks))
    window = summarise(sessions_of(marks[:, 4:16]))
    assert (whole.possible, whole.absent) == (20, 8)
    assert (window.possible, window.absent) == (12, 0)


def test_enrolments_with_no_possible_sessions_are_left_out():
    marks = matrix(row(("X", 10), length=10), row(("I", 5), ("/", 5), length=10))
    summary = summarise(sessions_of(marks))
    assert summary.enrolments == 1
    assert summary.persistent_rate == Decimal("100.00")


def test_a_school_of_a_thousand_enrolments_matches_the_worked_example():
    # england.md 2.5: 1,000 enrolments, 360,000 possible, 25,200 absent -> 7.0%;
    # 190 enrolments at 10% or more -> PA 19.0%.
    rows = (
        [row(("I", 36), ("/", 324), length=360)] * 190
        + [row(("I", 22), ("/", 338), length=360)] * 270
        + [row(("I", 23), ("/", 337), length=360)] * 540
    )
    assert 190 * 36 + 270 * 22 + 540 * 23 == 25_200
    summary = summarise(sessions_of(np.array(rows, dtype=np.uint8)))
    assert (summary.enrolments, summary.possible, summary.absent) == (1000, 360_000, 25_200)
    assert summary.absence_rate == Decimal("7.00")
    assert summary.persistent_rate == Decimal("19.00")


def test_the_seeds_twenty_per_cent_threshold_can_be_chosen():
    marks = matrix(row(("I", 15), ("/", 85), length=100))
    assert summarise(sessions_of(marks)).persistent == 1
    assert summarise(sessions_of(marks), pa_threshold=Fraction(20)).persistent == 0


def test_percentage_rounds_half_up_and_has_no_rate_without_sessions():
    assert percentage(1, 8) == Decimal("12.50")
    assert percentage(1, 3) == Decimal("33.33")
    assert percentage(2, 3) == Decimal("66.67")
    assert percentage(5, 0) is None


# Properties ---------------------------------------------------------------

CODE_IDS = [0, *sorted(BY_ID)]
marks_matrices = hnp.arrays(
    dtype=np.uint8,
    shape=st.tuples(st.integers(0, 12), st.integers(0, 60)),
    elements=st.sampled_from(CODE_IDS),
)


@settings(max_examples=150, deadline=None)
@given(marks_matrices)
def test_categories_sum_to_the_sessions_marked(marks):
    counts = code_counts(marks)
    sessions = sessions_of(marks)
    not_counted = sum(
        counts[:, c.id]
        for c in CODES
        if c.category in (Category.NOT_POSSIBLE, Category.ADMINISTRATIVE)
    )
    marked = (marks != 0).sum(axis=1)
    assert np.array_equal(sessions.possible + not_counted, marked)
    assert np.array_equal(
        sessions.present + sessions.approved_activity + sessions.absent, sessions.possible
    )


@settings(max_examples=150, deadline=None)
@given(marks_matrices)
def test_code_counts_match_counting_each_row_by_hand(marks):
    counts = code_counts(marks)
    for i, register in enumerate(marks):
        for code_id in CODE_IDS:
            assert counts[i, code_id] == int((register == code_id).sum())


@settings(max_examples=150, deadline=None)
@given(marks_matrices)
def test_rates_stay_within_nought_and_a_hundred(marks):
    summary = summarise(sessions_of(marks))
    for rate in (
        summary.absence_rate,
        summary.attendance_rate,
        summary.persistent_rate,
        summary.severe_rate,
    ):
        assert rate is None or Decimal(0) <= rate <= Decimal(100)
    assert summary.severe <= summary.persistent <= summary.enrolments


@settings(max_examples=150, deadline=None)
@given(marks_matrices, st.data())
def test_the_partnership_total_is_the_sum_of_its_parts(marks, data):
    groups = data.draw(st.integers(1, 4))
    keys = np.array(
        data.draw(st.lists(st.integers(0, groups - 1), min_size=len(marks), max_size=len(marks))),
        dtype=np.int64,
    )
    sessions = sessions_of(marks)
    whole = summarise(sessions)
    parts = summarise_groups(sessions, keys, groups)
    for name in ("enrolments", "possible", "authorised", "unauthorised", "persistent", "severe"):
        assert getattr(whole, name) == sum(getattr(p, name) for p in parts)
    for g, part in enumerate(parts):
        assert part == summarise(sessions_of(marks[keys == g]))


@given(st.integers(0, 500), st.integers(0, 500), st.fractions(0, 100, max_denominator=1000))
def test_the_threshold_test_is_exact(absent, possible, threshold):
    hit = bool(at_or_above(np.array([absent]), np.array([possible]), threshold)[0])
    assert hit == (possible > 0 and Fraction(absent * 100, possible) >= threshold)
