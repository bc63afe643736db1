"""Who is told for what, how their email stands, and when digests go: hand-worked
cases at the edges and properties over any team."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from knotwork.notices.models import Notice, Purpose, Rhythm
from knotwork.notices.rules import (
    Seat,
    default_purpose,
    email_state,
    means_missing,
    pending_after_change,
    rhythms_due,
    who_is_told,
)


def test_the_lead_is_told_for_action_and_the_rest_for_information():
    seats = [Seat(1, is_lead=True), Seat(2), Seat(3)]
    told = who_is_told(seats, actor_id=None, may_see={1, 2, 3})
    assert told == {1: "action", 2: "information", 3: "information"}
    assert default_purpose(True) == Purpose.ACTION


def test_the_one_who_made_the_change_is_never_told():
    seats = [Seat(1, is_lead=True), Seat(2, chosen="comment")]
    assert who_is_told(seats, actor_id=1, may_see={1, 2}) == {2: "comment"}
    assert who_is_told(seats, actor_id=2, may_see={1, 2}) == {1: "action"}


def test_nobody_is_told_about_a_pupil_they_may_not_see():
    seats = [Seat(1, is_lead=True), Seat(2), Seat(3, chosen="response")]
    assert who_is_told(seats, actor_id=None, may_see={2}) == {2: "information"}


def test_a_lead_on_the_team_as_a_member_too_is_told_once_and_a_choice_wins():
    seats = [Seat(1), Seat(1, is_lead=True)]
    assert who_is_told(seats, actor_id=None, may_see={1}) == {1: "action"}
    chosen = [Seat(1, chosen="information"), Seat(1, is_lead=True, chosen="information")]
    assert who_is_told(chosen, actor_id=None, may_see={1}) == {1: "information"}


def test_email_waits_unless_the_user_wants_none_or_has_no_address():
    assert email_state(Rhythm.IMMEDIATELY, True) == Notice.Email.PENDING
    assert email_state(Rhythm.WEEKLY, True) == Notice.Email.PENDING
    assert email_state(Rhythm.NEVER, True) == Notice.Email.NONE
    assert email_state(Rhythm.DAILY, False) == Notice.Email.NONE


def test_the_daily_digest_goes_every_day_and_the_weekly_on_mondays():
    monday = datetime.date(2026, 11, 23)
    assert rhythms_due(monday) == ("daily", "weekly")
    for offset in range(1, 7):
        assert rhythms_due(monday + datetime.timedelta(days=offset)) == ("daily",)


def test_waiting_notices_follow_a_change_of_rhythm_only_to_another_digest():
    assert pending_after_change(Rhythm.WEEKLY) == Notice.Email.PENDING
    assert pending_after_change(Rhythm.DAILY) == Notice.Email.PENDING
    assert pending_after_change(Rhythm.IMMEDIATELY) == Notice.Email.NONE
    assert pending_after_change(Rhythm.NEVER) == Notice.Email.NONE


def test_only_the_first_home_visit_of_a_day_means_missing_from_school():
    assert means_missing("home_visit", told_before=False)
    assert not means_missing("home_visit", told_before=True)
    for outcome in ("reason_given", "no_answer", "message_left"):
        assert not means_missing(outcome, told_before=False)


seats_strategy = st.lists(
    st.builds(
        Seat,
        user_id=st.integers(1, 8),
        is_lead=st.booleans(),
        chosen=st.none() | st.sampled_from(Purpose.values),
    ),
    max_size=12,
)


@given(
    seats=seats_strategy,
    actor=st.none() | st.integers(1, 8),
    may_see=st.sets(st.integers(1, 8)),
)
def test_those_told_are_on_the_team_may_see_and_did_not_make_the_change(seats, actor, may_see):
    told = who_is_told(seats, actor_id=actor, may_see=may_see)
    on_team = {s.user_id for s in seats}
    assert set(told) == (on_team & may_see) - {actor}
    assert set(told.values()) <= set(Purpose.values)


@given(seats=seats_strategy, may_see=st.sets(st.integers(1, 8)))
def test_a_member_told_without_a_choice_gets_the_default_of_their_seats(seats, may_see):
    told = who_is_told(seats, actor_id=None, may_see=may_see)
    for user_id, purpose in told.items():
        theirs = [s for s in seats if s.user_id == user_id]
        choices = [s.chosen for s in theirs if s.chosen is not None]
        expected = choices[0] if choices else default_purpose(any(s.is_lead for s in theirs))
        assert purpose == expected
