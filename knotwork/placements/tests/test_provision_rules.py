"""The week's timetable, review dates, quality assurance and reintegration, by hand and
as properties."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.placements.provision_rules import (
    QA_CHECK_DAYS,
    SESSION_NAMES,
    quality_state,
    reintegration_due,
    review_due_dates,
    timetable_check,
)

D = datetime.date
HALVES = [
    (D(2026, 9, 2), D(2026, 10, 23)),
    (D(2026, 11, 2), D(2026, 12, 18)),
    (D(2027, 1, 4), D(2027, 2, 12)),
    (D(2027, 2, 22), D(2027, 3, 26)),
    (D(2027, 4, 12), D(2027, 5, 28)),
    (D(2027, 6, 7), D(2027, 7, 21)),
]


def test_a_full_week_at_the_provider_is_full_time_and_adds_up():
    check = timetable_check("P" * 10, "ap")
    assert check.full_time and check.adds_up
    assert (check.at_provider, check.at_school, check.nowhere) == (10, 0, ())


def test_mornings_at_the_provider_and_afternoons_at_school_add_up():
    check = timetable_check("PS" * 5, "pru")
    assert not check.full_time and check.adds_up
    assert (check.at_provider, check.at_school) == (5, 5)


def test_a_part_time_week_with_gaps_is_flagged_with_the_sessions_missing():
    check = timetable_check("PPPPPPSS--", "ap")
    assert not check.adds_up
    assert check.nowhere == ("Friday AM", "Friday PM")
    assert check.problems == (
        "2 sessions a week in neither school nor provision: the week adds up to 8 of 10.",
    )


def test_day_six_provision_must_be_full_time_away_from_school():
    check = timetable_check("PPPPPPPPSS", "day6_suspension")
    assert not check.adds_up
    assert "2 sessions at school" in check.problems[0]
    assert check.problems[1] == "Education from the sixth day must be full-time."
    assert timetable_check("P" * 10, "day6_permanent").adds_up


@pytest.mark.parametrize("bad", ["P" * 9, "P" * 11, "PPPPPXPPPP"])
def test_a_timetable_that_is_not_ten_sessions_is_refused(bad):
    with pytest.raises(ValueError):
        timetable_check(bad, "ap")


def test_reviews_fall_at_the_end_of_each_half_term_to_the_planned_return():
    # Starting 9 November; back planned for 1 March: reviews at the end of autumn 2,
    # spring 1 and spring 2 (the half term the return falls in).
    assert review_due_dates(HALVES, starts_on=D(2026, 11, 9), until=D(2027, 3, 1)) == [
        D(2026, 12, 18),
        D(2027, 2, 12),
        D(2027, 3, 26),
    ]


def test_a_start_in_a_half_terms_last_fortnight_is_first_reviewed_at_the_next_end():
    assert review_due_dates(HALVES, starts_on=D(2026, 12, 7), until=D(2027, 2, 1)) == [
        D(2027, 2, 12)
    ]
    # Exactly a fortnight before the end still has its review then.
    assert review_due_dates(HALVES, starts_on=D(2026, 12, 4), until=D(2027, 1, 1))[0] == D(
        2026, 12, 18
    )


def test_with_no_planned_return_every_later_half_term_has_a_review():
    assert len(review_due_dates(HALVES, starts_on=D(2026, 9, 2), until=None)) == 6


def test_quality_checks_more_than_a_year_old_are_overdue():
    today = D(2026, 11, 24)
    fresh = quality_state(
        safeguarding_checked_on=today - datetime.timedelta(days=QA_CHECK_DAYS),
        last_reviewed_on=D(2026, 9, 1),
        registration="independent",
        today=today,
    )
    assert fresh.flags == ()
    stale = quality_state(
        safeguarding_checked_on=today - datetime.timedelta(days=QA_CHECK_DAYS + 1),
        last_reviewed_on=None,
        registration="unregistered",
        today=today,
    )
    assert stale.flags == (
        "Safeguarding check overdue",
        "Quality assurance visit overdue",
        "Unregistered",
    )


def test_a_return_planned_within_a_fortnight_or_past_is_due():
    today = D(2026, 11, 24)
    assert reintegration_due(D(2026, 12, 8), None, today)
    assert reintegration_due(D(2026, 11, 1), None, today)
    assert not reintegration_due(D(2026, 12, 9), None, today)
    assert not reintegration_due(D(2026, 11, 1), D(2026, 11, 20), today)
    assert not reintegration_due(None, None, today)


@given(st.text(alphabet="PS-", min_size=10, max_size=10), st.sampled_from(["ap", "pru"]))
def test_every_session_is_somewhere_or_named_as_nowhere(timetable, kind):
    check = timetable_check(timetable, kind)
    assert check.at_provider + check.at_school + len(check.nowhere) == 10
    assert set(check.nowhere) <= set(SESSION_NAMES)
    assert check.adds_up == ("-" not in timetable)
    assert check.full_time == (timetable == "P" * 10)


@given(
    st.text(alphabet="PS-", min_size=10, max_size=10),
    st.sampled_from(["day6_suspension", "day6_permanent"]),
)
def test_only_a_full_week_at_the_provider_passes_for_day_six(timetable, kind):
    assert timetable_check(timetable, kind).adds_up == (timetable == "P" * 10)


@given(
    st.dates(min_value=D(2026, 8, 1), max_value=D(2027, 8, 1)),
    st.one_of(st.none(), st.dates(min_value=D(2026, 8, 1), max_value=D(2027, 9, 1))),
)
def test_review_dates_are_half_term_ends_a_fortnight_or_more_after_the_start(start, until):
    dates = review_due_dates(HALVES, starts_on=start, until=until)
    ends = [last for _, last in HALVES]
    assert dates == sorted(dates)
    assert set(dates) <= set(ends)
    assert all(d >= start + datetime.timedelta(days=14) for d in dates)
    if until is None:
        assert dates == [e for e in ends if e >= start + datetime.timedelta(days=14)]
