"""The parents' window for an independent review, when a permanently excluded pupil
comes off roll, who must be told, and the census reasons."""

import datetime
import itertools
from dataclasses import replace

from knotwork.behaviour import rules
from knotwork.behaviour.rules import ExclusionFacts, Kind, Status
from knotwork.termdates.testing import school_days_for_years

D = datetime.date
CALENDAR = school_days_for_years(2026)
_refs = itertools.count(1)
UPHELD = {
    "board_met_on": D(2026, 12, 1),
    "board_outcome": "upheld",
    "board_decision_sent_on": D(2026, 12, 2),
}


def ex(start, sessions=None, **facts):
    return ExclusionFacts(
        ref=next(_refs),
        calendar=1,
        setting=1,
        permanent=sessions is None,
        start=start,
        sessions=sessions,
        **facts,
    )


NO_SOCIAL_CARE = rules.PupilFacts()


def clocks(x, today, pupil=NO_SOCIAL_CARE):
    return rules.pupil_clocks({1: CALENDAR}, [x], pupil, today).by_exclusion[x.ref]


def kind(found, wanted):
    (clock,) = [c for c in found if c.kind == wanted]
    return clock


# --- the review window ------------------------------------------------------------------


def test_the_window_runs_15_school_days_from_the_decision_letter_across_christmas():
    # Sent Wednesday 2 December: 3-4 Dec (2), 7-11 (7), 14-18 (12), Christmas, 4-6 Jan (15).
    x = ex(D(2026, 11, 16), **UPHELD)
    assert rules.review_window_last_day(CALENDAR, x) == D(2027, 1, 6)
    window = kind(clocks(x, D(2026, 12, 10)), Kind.REVIEW_WINDOW)
    assert (window.due, window.status, window.tag_text) == (
        D(2027, 1, 6),
        Status.UPCOMING,
        "Window open",
    )
    assert kind(clocks(x, D(2027, 1, 6)), Kind.REVIEW_WINDOW).tag_text == "Closes soon"
    closed = kind(clocks(x, D(2027, 1, 7)), Kind.REVIEW_WINDOW)
    assert (closed.status, closed.tag_text) == (Status.OVERDUE, "Take off roll")
    assert rules.off_roll_day(CALENDAR, x, D(2027, 1, 6)) is None
    assert rules.off_roll_day(CALENDAR, x, D(2027, 1, 7)) == D(2027, 1, 6)


def test_an_application_meets_the_window_and_the_panels_decision_decides_off_roll():
    applied = ex(D(2026, 11, 16), review_applied_on=D(2026, 12, 10), **UPHELD)
    window = kind(clocks(applied, D(2027, 1, 20)), Kind.REVIEW_WINDOW)
    assert (window.status, window.tag_text) == (Status.MET, "Applied")
    assert rules.off_roll_day(CALENDAR, applied, D(2027, 1, 20)) is None
    upheld = replace(applied, review_outcome="upheld", review_decided_on=D(2027, 1, 20))
    assert rules.off_roll_day(CALENDAR, upheld, D(2027, 1, 21)) == D(2027, 1, 20)


def test_after_reconsideration_the_pupil_comes_off_roll_only_if_the_board_upholds_it_again():
    quashed = {
        **UPHELD,
        "review_applied_on": D(2026, 12, 10),
        "review_outcome": "quashed",
        "review_decided_on": D(2027, 1, 20),
    }
    waiting = ex(D(2026, 11, 16), **quashed)
    assert rules.off_roll_day(CALENDAR, waiting, D(2027, 1, 25)) is None
    again = replace(waiting, board_met_on=D(2027, 1, 28))
    assert rules.off_roll_day(CALENDAR, again, D(2027, 1, 29)) == D(2027, 1, 28)
    back = replace(again, board_outcome="reinstated")
    assert rules.off_roll_day(CALENDAR, back, D(2027, 1, 29)) is None


def test_the_decision_letter_is_due_the_next_school_day_after_the_board_meets():
    x = ex(D(2026, 11, 16), board_met_on=D(2026, 12, 4), board_outcome="upheld")
    letter = kind(clocks(x, D(2026, 12, 8)), Kind.DECISION_LETTER)
    assert (letter.due, letter.status) == (D(2026, 12, 7), Status.OVERDUE)


def test_no_window_for_a_suspension_or_a_reinstated_pupil():
    assert not [
        c
        for c in clocks(ex(D(2026, 11, 16), sessions=4), D(2026, 11, 16))
        if c.group == rules.Group.REVIEW
    ]
    reinstated = ex(D(2026, 11, 16), board_met_on=D(2026, 12, 1), board_outcome="reinstated")
    assert not [c for c in clocks(reinstated, D(2026, 12, 2)) if c.group == rules.Group.REVIEW]
    assert rules.review_window_last_day(CALENDAR, reinstated) is None


def test_once_off_roll_the_window_is_closed():
    x = ex(D(2026, 11, 16), off_roll_on=D(2026, 12, 10), **UPHELD)
    window = kind(clocks(x, D(2026, 12, 11)), Kind.REVIEW_WINDOW)
    assert (window.status, window.tag_text) == (Status.MET, "Closed")


# --- telling people without delay ------------------------------------------------------------


def test_the_local_authority_is_told_by_the_next_school_day():
    x = ex(D(2026, 11, 20), sessions=4, recorded_on=D(2026, 11, 20))  # a Friday
    la = kind(clocks(x, D(2026, 11, 20)), Kind.TELL_LA)
    assert (la.due, la.status) == (D(2026, 11, 23), Status.DUE_SOON)
    assert kind(clocks(x, D(2026, 11, 24)), Kind.TELL_LA).status == Status.OVERDUE
    assert rules.NOTICE_WITHIN_SCHOOL_DAYS == 1


def test_a_decision_told_to_parents_before_the_start_starts_the_clock_then():
    x = ex(D(2026, 11, 23), sessions=4, parents_told_on=D(2026, 11, 19), parents_told_how="phone")
    found = clocks(x, D(2026, 11, 20))
    assert kind(found, Kind.TELL_LA).due == D(2026, 11, 20)
    parents = kind(found, Kind.TELL_PARENTS)
    assert (
        parents.status == Status.MET
        and parents.line == "Told the parents on Thursday 19 November 2026."
    )


def test_a_social_worker_and_virtual_school_head_only_for_children_who_have_them():
    x = ex(D(2026, 11, 20), sessions=4)
    plain = {c.kind for c in clocks(x, D(2026, 11, 20))}
    assert Kind.TELL_SOCIAL_WORKER not in plain and Kind.TELL_VIRTUAL_SCHOOL not in plain
    both = {
        c.kind
        for c in clocks(x, D(2026, 11, 20), rules.PupilFacts(looked_after=True, child_in_need=True))
    }
    assert {Kind.TELL_SOCIAL_WORKER, Kind.TELL_VIRTUAL_SCHOOL} <= both


def test_recorded_notices_are_met_and_a_cancelled_exclusion_has_none():
    x = ex(
        D(2026, 11, 20),
        sessions=4,
        parents_told_on=D(2026, 11, 20),
        la_told_on=D(2026, 11, 20),
        governors_told_on=D(2026, 11, 23),
    )
    assert all(
        c.status == Status.MET for c in clocks(x, D(2026, 12, 1)) if c.group == rules.Group.NOTICES
    )
    cancelled = ex(D(2026, 11, 20), sessions=4, cancelled_on=D(2026, 11, 20))
    assert not [c for c in clocks(cancelled, D(2026, 12, 1)) if c.group == rules.Group.NOTICES]


# --- reasons -------------------------------------------------------------------------------------


def test_reasons_must_be_in_the_list_for_the_date_once_each():
    assert rules.reason_problems(["PP", "DB", "MT"], D(2026, 11, 16)) == []
    assert rules.reason_problems(["PP"], D(2019, 11, 18)) == []
    assert rules.reason_problems([], D(2026, 11, 16)) == ["Choose at least one reason."]
    assert rules.reason_problems(["PP", "PP"], D(2026, 11, 16)) == ["Choose each reason once."]
    assert rules.reason_problems(["OT"], D(2026, 11, 16)) == [
        "OT is not in the census list from 2020/21."
    ]
    assert rules.reason_problems(["MT"], D(2019, 11, 18)) == [
        "MT is not in the census list before 2020/21."
    ]
    assert rules.reason_problems(["PP", "DB"], D(2019, 11, 18)) == [
        "An exclusion from 18 November 2019 may have at most 1 reason."
    ]
    assert rules.reason_problems(["XX"], D(2026, 11, 16)) == [
        "'XX' is not a census exclusion reason."
    ]
