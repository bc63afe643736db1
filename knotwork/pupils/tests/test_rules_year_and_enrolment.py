import datetime

from hypothesis import given
from hypothesis import strategies as st

from knotwork.pupils.rules import (
    Span,
    birth_dates_for_year_group,
    enrolment_conflict,
    national_curriculum_year,
)

D = datetime.date


def test_a_child_eleven_on_31_august_is_in_year_7():
    assert national_curriculum_year(D(2015, 8, 31), D(2026, 9, 3)) == 7
    assert national_curriculum_year(D(2014, 9, 1), D(2026, 9, 3)) == 7


def test_a_september_birthday_is_the_oldest_in_the_year():
    assert national_curriculum_year(D(2014, 9, 1), D(2027, 7, 20)) == 7
    assert national_curriculum_year(D(2014, 8, 31), D(2027, 7, 20)) == 8


def test_the_year_group_moves_up_on_1_september():
    dob = D(2013, 1, 1)
    assert national_curriculum_year(dob, D(2026, 8, 31)) == 8
    assert national_curriculum_year(dob, D(2026, 9, 1)) == 9


@given(st.dates(D(2000, 1, 1), D(2025, 12, 31)), st.dates(D(2015, 1, 1), D(2035, 12, 31)))
def test_birth_date_window_holds_exactly_that_year_group(dob, on):
    year = national_curriculum_year(dob, on)
    first, last = birth_dates_for_year_group(year, on)
    assert first <= dob <= last
    assert (last - first).days in (364, 365)


def span(start, end=None, reg="C", setting=1):
    return Span(start, end, reg, setting)


def test_two_single_registrations_that_overlap_conflict():
    existing = [span(D(2024, 9, 1), D(2025, 7, 20), setting=1)]
    assert enrolment_conflict(span(D(2025, 7, 1), setting=2), existing) == existing[0]


def test_an_enrolment_starting_the_day_after_the_last_ends_is_fine():
    existing = [span(D(2024, 9, 1), D(2025, 7, 20), setting=1)]
    assert enrolment_conflict(span(D(2025, 7, 21), setting=2), existing) is None


def test_an_open_enrolment_overlaps_everything_after_it():
    existing = [span(D(2024, 9, 1), None, setting=1)]
    assert enrolment_conflict(span(D(2030, 1, 1), D(2030, 2, 1), setting=2), existing) is not None


def test_main_and_subsidiary_dual_registration_may_overlap():
    existing = [span(D(2024, 9, 1), reg="M", setting=1)]
    assert enrolment_conflict(span(D(2025, 1, 6), reg="S", setting=2), existing) is None


def test_two_main_registrations_conflict():
    existing = [span(D(2024, 9, 1), reg="M", setting=1)]
    assert enrolment_conflict(span(D(2025, 1, 6), reg="M", setting=2), existing) is not None


def test_dual_registration_at_the_same_setting_conflicts():
    existing = [span(D(2024, 9, 1), reg="M", setting=1)]
    assert enrolment_conflict(span(D(2025, 1, 6), reg="S", setting=1), existing) is not None


@given(
    st.dates(D(2020, 1, 1), D(2030, 1, 1)),
    st.integers(0, 400),
    st.dates(D(2020, 1, 1), D(2030, 1, 1)),
    st.integers(0, 400),
)
def test_overlap_is_symmetric_and_matches_day_sets(a_start, a_len, b_start, b_len):
    a = span(a_start, a_start + datetime.timedelta(days=a_len), setting=1)
    b = span(b_start, b_start + datetime.timedelta(days=b_len), setting=2)
    a_days = {a_start + datetime.timedelta(days=i) for i in range(a_len + 1)}
    b_days = {b_start + datetime.timedelta(days=i) for i in range(b_len + 1)}
    assert a.overlaps(b) == b.overlaps(a) == bool(a_days & b_days)
