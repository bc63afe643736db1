"""Managed move formulas: success at one year from the enrolments, the Annex A bands,
the trial's length and the flag for disproportionate use."""

import datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from knotwork.placements import move_rules as r

D = datetime.date
TODAY = D(2026, 11, 23)
YEAR = 365


def judged(days_ago: int, stays: list[r.Stay], status: str = "permanent") -> bool | None:
    finalised = TODAY - datetime.timedelta(days=days_ago)
    return r.move_success(
        status=status, finalised_on=finalised, stays=stays, today=TODAY, success_days=YEAR
    )


def on_roll_from(days_ago: int, end: datetime.date | None = None) -> list[r.Stay]:
    return [r.Stay(TODAY - datetime.timedelta(days=days_ago), end)]


def test_a_move_finalised_364_days_ago_is_not_yet_judged():
    assert judged(364, on_roll_from(364)) is None


def test_a_move_finalised_366_days_ago_still_on_roll_is_a_success():
    assert judged(366, on_roll_from(366)) is True


def test_a_move_finalised_366_days_ago_off_roll_since_is_not():
    assert judged(366, on_roll_from(366, end=TODAY - datetime.timedelta(days=30))) is False


def test_a_move_finalised_exactly_a_year_ago_is_judged_today():
    assert judged(365, on_roll_from(365)) is True


def test_leaving_on_the_anniversary_eve_is_not_a_success_but_on_the_day_is():
    finalised = TODAY - datetime.timedelta(days=400)
    anniversary = finalised + datetime.timedelta(days=YEAR)
    eve = [r.Stay(finalised, anniversary - datetime.timedelta(days=1))]
    day = [r.Stay(finalised, anniversary)]
    assert judged(400, eve) is False
    assert judged(400, day) is True


def test_a_gap_in_the_roll_breaks_the_year():
    finalised = TODAY - datetime.timedelta(days=400)
    stays = [
        r.Stay(finalised, finalised + datetime.timedelta(days=100)),
        r.Stay(finalised + datetime.timedelta(days=102), None),
    ]
    assert judged(400, stays) is False
    joined = [stays[0], r.Stay(finalised + datetime.timedelta(days=101), None)]
    assert judged(400, joined) is True


def test_returned_and_broken_down_moves_are_not_successful_and_trials_not_judged():
    assert judged(10, [], status="returned") is False
    assert judged(10, [], status="broke_down") is False
    assert (
        r.move_success(status="trial", finalised_on=None, stays=[], today=TODAY, success_days=YEAR)
        is None
    )


@given(
    days_ago=st.integers(min_value=0, max_value=2000),
    left_after=st.one_of(st.none(), st.integers(min_value=0, max_value=2000)),
)
def test_success_is_judged_only_from_the_anniversary_and_means_on_roll_to_it(days_ago, left_after):
    finalised = TODAY - datetime.timedelta(days=days_ago)
    end = None if left_after is None else finalised + datetime.timedelta(days=left_after)
    outcome = judged(days_ago, [r.Stay(finalised, end)])
    if days_ago < YEAR:
        assert outcome is None
    else:
        assert outcome is (left_after is None or left_after >= YEAR)


@given(st.lists(st.one_of(st.none(), st.booleans()), max_size=40))
def test_the_rate_counts_only_judged_moves(outcomes):
    rate = r.success_rate(outcomes)
    judged_ = [o for o in outcomes if o is not None]
    if not judged_:
        assert rate is None
    else:
        assert rate == Fraction(sum(judged_), len(judged_))
        assert 0 <= rate <= 1


def test_the_annex_a_bands_at_their_edges():
    assert r.band(None) is None
    assert r.band(Fraction(49, 100)) == r.BELOW_BANDS
    assert r.band(Fraction(50, 100)) == "Developing"
    assert r.band(Fraction(84, 100)) == "Developing"
    assert r.band(Fraction(85, 100)) == "Developed"
    assert r.band(Fraction(905, 1000)) == "Developed"
    assert r.band(Fraction(90, 100)) == "Developed"
    assert r.band(Fraction(91, 100)) == "Established"
    assert r.band(Fraction(95, 100)) == "Established"
    assert r.band(Fraction(96, 100)) == "Enhancing"
    assert r.band(Fraction(1)) == "Enhancing"
    assert r.band(Fraction(17, 20)) == "Developed"  # 17 of 20 is 85%


@given(st.fractions(min_value=0, max_value=1), st.fractions(min_value=0, max_value=1))
def test_a_higher_rate_never_has_a_lower_band(a, b):
    order = [r.BELOW_BANDS, "Developing", "Developed", "Established", "Enhancing"]
    low, high = sorted([a, b])
    assert order.index(r.band(low)) <= order.index(r.band(high))


def test_per_cent_rounds_half_up():
    assert r.per_cent(Fraction(2, 3)) == Decimal("66.7")
    assert r.per_cent(Fraction(1, 8)) == Decimal("12.5")
    assert r.per_cent(None) is None


def test_a_trial_lasts_at_least_six_weeks():
    start = D(2026, 9, 14)
    assert r.earliest_trial_end(start, 6) == D(2026, 10, 26)
    assert r.trial_long_enough(start, D(2026, 10, 26), 6)
    assert not r.trial_long_enough(start, D(2026, 10, 25), 6)


def test_disproportionate_use_by_hand():
    # 4 moves among 100 looked-after pupils, 6 among 9,900 others: 40 times the rate.
    assert r.risk_ratio(4, 100, 6, 9900) == Fraction(4 * 9900, 100 * 6)
    assert r.disproportionate(4, 100, 6, 9900)
    # 3 in 1,000 against 9 in 3,000: the same rate.
    assert not r.disproportionate(3, 1000, 9, 3000)
    # Half as high again is flagged; just under is not.
    assert r.disproportionate(3, 100, 2, 100)
    assert not r.disproportionate(29, 1000, 20, 1000)
    # Moves only in the group; none at all.
    assert r.disproportionate(2, 50, 0, 500)
    assert not r.disproportionate(0, 50, 5, 500)


@given(st.integers(0, 50), st.integers(1, 500), st.integers(0, 50), st.integers(1, 500))
def test_the_flag_follows_the_ratio(gm, gr, om, orl):
    flagged = r.disproportionate(gm, gr, om, orl)
    ratio = r.risk_ratio(gm, gr, om, orl)
    if gm and ratio is not None:
        assert flagged == (ratio >= r.DISPROPORTION_RATIO)
    if gm == 0:
        assert not flagged
