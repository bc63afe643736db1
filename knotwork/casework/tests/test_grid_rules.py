"""The tracking grid's lines: hand-worked cases for each state, and properties over any
dates."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from knotwork.casework.grid_rules import (
    member_is_live,
    member_line,
    referral_is_live,
    referral_line,
    short_date,
)

TODAY = datetime.date(2026, 11, 24)
days = st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31))


def test_a_date_this_year_drops_the_year_and_another_keeps_it():
    assert short_date(datetime.date(2026, 11, 3), TODAY) == "3 Nov"
    assert short_date(datetime.date(2025, 12, 15), TODAY) == "15 Dec 2025"


def test_a_member_on_their_last_day_is_still_live():
    assert member_is_live(TODAY, TODAY)
    assert member_is_live(None, TODAY)
    assert not member_is_live(TODAY - datetime.timedelta(days=1), TODAY)


def test_member_lines():
    start = datetime.date(2026, 10, 12)
    assert member_line(role="Therapist", starts_on=start, ends_on=None, today=TODAY) == (
        "Team member since 12 Oct: Therapist"
    )
    ended = member_line(
        role="Family support", starts_on=start, ends_on=datetime.date(2026, 11, 6), today=TODAY
    )
    assert ended == "Team member 12 Oct to 6 Nov: Family support"
    later = member_line(role="", starts_on=datetime.date(2026, 12, 1), ends_on=None, today=TODAY)
    assert later == "Team member from 1 Dec"


def _line(status, **dates):
    values = {
        "service": "Assessment",
        "sent_on": datetime.date(2026, 11, 2),
        "answered_on": None,
        "started_on": None,
        "closed_on": None,
        "today": TODAY,
    }
    values.update(dates)
    return referral_line(status=status, **values)


def test_referral_lines_by_state():
    answered = datetime.date(2026, 11, 3)
    assert _line("sent") == "Referral sent 2 Nov, awaiting an answer (Assessment)"
    assert _line("accepted", answered_on=answered) == "Referral accepted 3 Nov (Assessment)"
    assert _line("waiting", answered_on=answered) == (
        "Referral accepted 3 Nov, waiting (Assessment)"
    )
    assert _line("started", answered_on=answered, started_on=datetime.date(2026, 11, 17)) == (
        "Service started 17 Nov (Assessment)"
    )
    assert _line("declined", answered_on=answered) == "Referral declined 3 Nov (Assessment)"
    assert _line("closed", closed_on=datetime.date(2026, 11, 20)) == (
        "Referral closed 20 Nov (Assessment)"
    )
    assert _line("sent", service="") == "Referral sent 2 Nov, awaiting an answer"


def test_open_and_started_referrals_are_live_and_the_rest_are_not():
    assert [referral_is_live(s) for s in ("sent", "accepted", "waiting", "started")] == [True] * 4
    assert [referral_is_live(s) for s in ("declined", "closed")] == [False, False]


@given(starts_on=days, length=st.one_of(st.none(), st.integers(0, 400)), today=days)
def test_a_member_line_says_since_or_from_exactly_when_live(starts_on, length, today):
    ends_on = None if length is None else starts_on + datetime.timedelta(days=length)
    line = member_line(role="Role", starts_on=starts_on, ends_on=ends_on, today=today)
    live = member_is_live(ends_on, today)
    assert (" since " in line or " from " in line) == live
    assert (" to " in line) == (not live)
    assert line.startswith("Team member ") and line.endswith(": Role")
    assert short_date(starts_on, today) in line


@given(day=days, today=days)
def test_a_short_date_names_the_day_and_the_year_only_when_it_differs(day, today):
    text = short_date(day, today)
    assert text.split()[0] == str(day.day)
    assert (str(day.year) in text) == (day.year != today.year)
