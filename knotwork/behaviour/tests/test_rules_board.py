"""The governing board's deadlines, against hand-worked calendars (the 2026/27 test
pattern: autumn term 2 Sep - 18 Dec 2026 with half term 26-30 Oct; spring 4 Jan -
26 Mar 2027 with half term 15-19 Feb)."""

import datetime
import itertools
from dataclasses import replace

from knotwork.behaviour import rules
from knotwork.behaviour.rules import ExclusionFacts, Kind, Status
from knotwork.termdates.testing import school_days_for_years

D = datetime.date
CALENDAR = school_days_for_years(2026)
_refs = itertools.count(1)


def ex(start, sessions=None, **facts):
    return ExclusionFacts(
        ref=next(_refs),
        calendar=1,
        setting=facts.pop("setting", 1),
        permanent=sessions is None,
        start=start,
        sessions=sessions,
        **facts,
    )


def board(exclusions, today):
    found = rules.pupil_clocks({1: CALENDAR}, exclusions, rules.PupilFacts(), today)
    return [c for c in found.all() if c.kind in (Kind.BOARD, Kind.RECONSIDER)]


def test_a_permanent_exclusion_needs_the_board_within_15_school_days_across_half_term():
    # Governors told Monday 12 October: 13-16 (4), 19-23 (9), half term, 2-6 Nov (14),
    # Monday 9 November is the 15th school day.
    x = ex(D(2026, 10, 12), governors_told_on=D(2026, 10, 12))
    (clock,) = board([x], today=D(2026, 10, 12))
    assert (clock.due, clock.status, clock.who) == (
        D(2026, 11, 9),
        Status.UPCOMING,
        "The governing board",
    )
    assert "must meet by Monday 9 November 2026" in clock.line
    assert board([x], today=D(2026, 11, 4))[0].status == Status.DUE_SOON
    assert board([x], today=D(2026, 11, 9))[0].status == Status.DUE_SOON
    assert board([x], today=D(2026, 11, 10))[0].status == Status.OVERDUE


def test_the_board_counts_from_the_decision_when_its_notice_is_not_recorded():
    x = ex(D(2026, 10, 13), parents_told_on=D(2026, 10, 12))
    (clock,) = board([x], today=D(2026, 10, 12))
    assert clock.due == D(2026, 11, 9)


def test_a_board_meeting_meets_the_clock():
    x = ex(D(2026, 10, 12), board_met_on=D(2026, 11, 5), board_outcome="upheld")
    (clock,) = board([x], today=D(2026, 11, 20))
    assert clock.status == Status.MET
    assert clock.line == "Met on Thursday 5 November 2026: upheld."


def test_exactly_fifteen_days_in_a_term_is_not_more_than_fifteen():
    # 10 days from Mon 2 Nov (to Fri 13), 5 days from Mon 16 Nov: 15 days in the autumn term.
    first = ex(D(2026, 11, 2), sessions=20)
    second = ex(D(2026, 11, 16), sessions=10)
    assert board([first, second], today=D(2026, 11, 20)) == []


def test_exactly_fifteen_days_with_representations_gives_fifty_school_days():
    first = ex(D(2026, 11, 2), sessions=20)
    second = ex(D(2026, 11, 16), sessions=10, representations_on=D(2026, 11, 17))
    (clock,) = board([first, second], today=D(2026, 11, 20))
    # From Monday 16 Nov: 17-20 Nov (4), 23-27 (9), 30 Nov-4 Dec (14), 7-11 (19), 14-18
    # (24), Christmas, 4-8 Jan (29), 11-15 (34), 18-22 (39), 25-29 (44), 1-5 Feb (49),
    # Monday 8 February 2027 is the 50th school day.
    assert (clock.due, clock.ref, clock.status) == (D(2027, 2, 8), second.ref, Status.UPCOMING)
    assert "15 days in the autumn term 2026/27" in clock.line


def test_fifteen_and_a_half_days_need_the_board_within_fifteen_school_days():
    first = ex(D(2026, 11, 2), sessions=20)
    second = ex(D(2026, 11, 16), sessions=11, governors_told_on=D(2026, 11, 16))
    (clock,) = board([first, second], today=D(2026, 11, 20))
    # From Monday 16 Nov: 17-20 (4), 23-27 (9), 30 Nov-4 Dec (14), Monday 7 Dec (15).
    assert (clock.due, clock.ref) == (D(2026, 12, 7), second.ref)
    assert "15.5 days in the autumn term 2026/27, more than 15" in clock.line


def test_exactly_five_days_give_no_duty_even_when_parents_ask():
    x = ex(D(2026, 11, 16), sessions=10, representations_on=D(2026, 11, 17))
    assert board([x], today=D(2026, 11, 20)) == []


def test_five_and_a_half_days_give_a_duty_only_when_parents_ask():
    quiet = ex(D(2026, 11, 16), sessions=11)
    assert board([quiet], today=D(2026, 11, 20)) == []
    asked = ex(D(2026, 11, 16), sessions=11, representations_on=D(2026, 11, 18))
    (clock,) = board([asked], today=D(2026, 11, 20))
    assert clock.due == D(2027, 2, 8)


def test_representations_on_an_earlier_short_suspension_do_not_start_the_fifty_days():
    early = ex(D(2026, 9, 7), sessions=4, representations_on=D(2026, 9, 8))
    later = ex(D(2026, 11, 16), sessions=8)  # 6 days in the term now
    assert board([early, later], today=D(2026, 11, 20)) == []


def test_suspensions_in_different_terms_do_not_add_up():
    autumn = ex(D(2026, 12, 7), sessions=20)  # 7-18 December: 10 days
    spring = ex(D(2027, 1, 4), sessions=20)  # 4-15 January: 10 days
    assert board([autumn, spring], today=D(2027, 1, 15)) == []


def test_suspensions_at_different_schools_have_their_own_boards():
    here = ex(D(2026, 11, 2), sessions=20)
    there = ex(D(2026, 11, 16), sessions=12, setting=2)
    assert board([here, there], today=D(2026, 11, 20)) == []


def test_a_meeting_before_the_term_went_over_fifteen_does_not_meet_the_new_duty():
    first = ex(D(2026, 11, 2), sessions=20, board_met_on=D(2026, 11, 12), board_outcome="upheld")
    second = ex(D(2026, 11, 16), sessions=12)
    (clock,) = board([first, second], today=D(2026, 11, 20))
    assert clock.status != Status.MET and clock.ref == second.ref
    met = ex(D(2026, 11, 16), sessions=12, board_met_on=D(2026, 11, 30), board_outcome="upheld")
    (clock,) = board([first, met], today=D(2026, 12, 1))
    assert clock.status == Status.MET


def test_after_the_panel_asks_for_reconsideration_the_board_has_ten_school_days():
    # The panel decided Friday 5 February 2027: 8-12 Feb (5), half term, 22-26 Feb (10).
    x = ex(
        D(2026, 11, 16),
        board_met_on=D(2026, 12, 1),
        board_outcome="upheld",
        board_decision_sent_on=D(2026, 12, 2),
        review_applied_on=D(2026, 12, 10),
        review_outcome="quashed",
        review_decided_on=D(2027, 2, 5),
    )
    clocks = board([x], today=D(2027, 2, 8))
    assert [c.kind for c in clocks] == [Kind.BOARD, Kind.RECONSIDER]
    assert clocks[0].status == Status.MET
    assert (clocks[1].due, clocks[1].status) == (D(2027, 2, 26), Status.UPCOMING)
    again = replace(x, board_met_on=D(2027, 2, 24))
    assert board([again], today=D(2027, 3, 1))[1].status == Status.MET


def test_the_board_may_direct_reinstatement_only_past_five_days_in_the_term():
    short = ex(D(2026, 11, 16), sessions=10)
    assert not rules.board_may_reinstate(CALENDAR, [short], short)
    longer = ex(D(2026, 11, 16), sessions=11)
    assert rules.board_may_reinstate(CALENDAR, [longer], longer)
    assert rules.board_may_reinstate(CALENDAR, [], ex(D(2026, 11, 16)))


def test_a_cancelled_permanent_exclusion_has_no_board_clock():
    x = ex(D(2026, 11, 16), cancelled_on=D(2026, 11, 17))
    assert board([x], today=D(2026, 11, 20)) == []
