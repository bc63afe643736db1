"""Waiting times for referrals: hand-computed figures and properties that always hold."""

import datetime
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from knotwork.analytics.waiting import (
    MEDIAN,
    P90,
    ReferralTimes,
    figures,
    percentile,
    waiting_table,
)

D = datetime.date
TODAY = D(2026, 11, 23)
FIRST, LAST = D(2026, 9, 1), D(2026, 11, 23)


def accepted(agency, service, sent, answer_after, start_after=None, target=28):
    sent_on = D(2026, 9, 1) + datetime.timedelta(days=sent)
    return ReferralTimes(
        agency=agency,
        service=service,
        sent_on=sent_on,
        outcome="accepted",
        answered_on=sent_on + datetime.timedelta(days=answer_after),
        started_on=sent_on + datetime.timedelta(days=start_after) if start_after else None,
        target_days=target,
    )


# CAMHS, 4 sent (an even count): accepted after 10, 20, 30 and 60 days; first sessions
# after 40 and 100 days. EWS: one accepted after 2 days, one declined, one never answered
# (sent 1 September, target 10 days: 83 days waiting, overdue), one sent before the window.
CAMHS = [
    accepted("CAMHS", "Assessment", 0, 10, 40),
    accepted("CAMHS", "Assessment", 5, 20),
    accepted("CAMHS", "Therapy", 10, 30, 100),
    accepted("CAMHS", "Therapy", 15, 60),
]
EWS = [
    accepted("EWS", "Attendance", 1, 2, target=10),
    ReferralTimes("EWS", "Attendance", D(2026, 9, 3), "declined", D(2026, 9, 4), target_days=10),
    ReferralTimes("EWS", "Attendance", D(2026, 9, 1), target_days=10),
    ReferralTimes("EWS", "Attendance", D(2026, 8, 20), target_days=10),
]


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert percentile([10, 20, 30, 60], MEDIAN) == 25


def test_the_90th_percentile_interpolates_between_closest_ranks():
    # h = 3 * 0.9 = 2.7: 30 + 0.7 * (60 - 30) = 51
    assert percentile([60, 10, 30, 20], P90) == 51
    assert percentile([7], P90) == 7 and percentile([], P90) is None


def test_camhs_figures_match_the_hand_computed_ones():
    f = figures(CAMHS, TODAY)
    assert (f.sent, f.accepted, f.declined, f.unanswered, f.overdue) == (4, 4, 0, 0, 0)
    assert f.taken_on == 1
    assert (f.to_acceptance_median, f.to_acceptance_p90) == (25, 51)
    # first sessions after 40 and 100 days: median 70, p90 40 + 0.9 * 60 = 94
    assert (f.to_service_median, f.to_service_p90) == (70, 94)


def test_a_referral_never_answered_counts_as_sent_and_overdue_but_in_no_wait():
    _, rows = waiting_table(EWS, first=FIRST, last=LAST, today=TODAY)
    ews = rows[0].figures
    assert (ews.sent, ews.accepted, ews.declined, ews.unanswered, ews.overdue) == (3, 1, 1, 1, 1)
    assert ews.taken_on == Fraction(1, 3)
    assert (ews.to_acceptance_median, ews.to_acceptance_p90) == (2, 2)
    assert ews.to_service_median is None


def test_the_table_has_each_agency_then_its_services_and_a_whole():
    total, rows = waiting_table(CAMHS + EWS, first=FIRST, last=LAST, today=TODAY)
    assert [(r.agency, r.service) for r in rows] == [
        ("CAMHS", ""),
        ("CAMHS", "Assessment"),
        ("CAMHS", "Therapy"),
        ("EWS", ""),
        ("EWS", "Attendance"),
    ]
    assert total.sent == 7 and total.accepted == 5 and total.taken_on == Fraction(5, 7)
    assert rows[1].figures.to_acceptance_median == 15


def test_an_open_referral_within_its_target_is_not_overdue():
    waiting = ReferralTimes(
        "EWS", "Attendance", TODAY - datetime.timedelta(days=10), target_days=10
    )
    assert figures([waiting], TODAY).overdue == 0


def test_no_referrals_give_no_shares_and_no_waits():
    f = figures([], TODAY)
    assert f.sent == 0 and f.taken_on is None and f.to_acceptance_median is None


# --- Properties ---------------------------------------------------------------------------------

referral = st.builds(
    lambda agency, service, sent, outcome, answer, start, target: ReferralTimes(
        agency=agency,
        service=service,
        sent_on=FIRST + datetime.timedelta(days=sent),
        outcome=outcome,
        answered_on=FIRST + datetime.timedelta(days=sent + answer) if outcome else None,
        started_on=(
            FIRST + datetime.timedelta(days=sent + answer + start)
            if outcome == "accepted" and start is not None
            else None
        ),
        target_days=target,
    ),
    st.sampled_from(["CAMHS", "EWS", "LA"]),
    st.sampled_from(["One", "Two"]),
    st.integers(0, 80),
    st.sampled_from(["", "accepted", "declined"]),
    st.integers(0, 200),
    st.none() | st.integers(0, 200),
    st.none() | st.integers(1, 60),
)


@given(st.lists(referral, max_size=40))
def test_shares_stay_between_nothing_and_all(referrals):
    _, rows = waiting_table(referrals, first=FIRST, last=LAST, today=TODAY)
    for row in rows:
        assert row.figures.taken_on is not None and 0 <= row.figures.taken_on <= 1


@given(st.lists(st.integers(0, 400), min_size=1, max_size=50))
def test_percentiles_lie_within_the_values_and_the_median_is_at_most_the_90th(days):
    median, p90 = percentile(days, MEDIAN), percentile(days, P90)
    assert min(days) <= median <= p90 <= max(days)


@given(st.lists(referral, max_size=40))
def test_totals_are_the_sums_of_their_parts(referrals):
    total, rows = waiting_table(referrals, first=FIRST, last=LAST, today=TODAY)
    agencies = [r for r in rows if r.is_agency]
    for name in ("sent", "accepted", "declined", "unanswered", "overdue"):
        assert getattr(total, name) == sum(getattr(r.figures, name) for r in agencies)
        for agency in agencies:
            parts = [r for r in rows if r.agency == agency.agency and not r.is_agency]
            assert getattr(agency.figures, name) == sum(getattr(p.figures, name) for p in parts)
    for f in [total, *(r.figures for r in rows)]:
        assert f.accepted + f.declined + f.unanswered <= f.sent
