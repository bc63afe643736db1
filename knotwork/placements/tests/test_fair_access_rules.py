"""Fair access sessions, by hand on the test calendar and as properties.

The test calendar (``core.testing.add_academic_year``, 2026/27) has six half terms:
2 Sep-23 Oct (38 days), 2 Nov-18 Dec (35), 4 Jan-12 Feb (30), 22 Feb-26 Mar (24, less
Good Friday), 12 Apr-28 May (34, less the May bank holiday) and 7 Jun-21 Jul (33): 194
school days, 388 sessions."""

import datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from knotwork.placements.fair_access_rules import (
    BandCounts,
    FairAccessYear,
    Level,
    annex_a_level,
    band_counts,
    days_in,
    education_missed,
    fair_access_year,
    fair_shares,
    open_session_dates,
    sessions_in,
)
from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.rules import SessionMap, school_days

D = datetime.date
HALVES = [
    (D(2026, 9, 2), D(2026, 10, 23)),
    (D(2026, 11, 2), D(2026, 12, 18)),
    (D(2027, 1, 4), D(2027, 2, 12)),
    (D(2027, 2, 22), D(2027, 3, 26)),
    (D(2027, 4, 12), D(2027, 5, 28)),
    (D(2027, 6, 7), D(2027, 7, 21)),
]


def year(closures=()):
    days = school_days(HALVES, bank_holidays_between(D(2026, 9, 1), D(2027, 8, 31)))
    return open_session_dates(SessionMap(days, closures))


YEAR = year()


def placed(**kw):
    values = {
        "arrived_on": None,
        "out_of_school_from": D(2026, 11, 2),
        "started_on": D(2026, 11, 16),
        "today": D(2027, 3, 1),
        "target": 380,
    }
    values.update(kw)
    return fair_access_year(YEAR, **values)


def test_the_test_year_has_388_sessions():
    assert len(YEAR) == 388
    assert days_in(YEAR, YEAR[0], YEAR[-1]) == 194


def test_two_weeks_out_of_school_miss_ten_days_and_twenty_sessions():
    missed = education_missed(
        YEAR, out_of_school_from=D(2026, 11, 2), started_on=D(2026, 11, 16), today=D(2027, 1, 1)
    )
    assert (missed.days, missed.sessions) == (10, 20)


def test_a_pupil_not_yet_started_misses_sessions_up_to_today():
    # Monday 2 November to Friday 20 November: three weeks.
    missed = education_missed(
        YEAR, out_of_school_from=D(2026, 11, 2), started_on=None, today=D(2026, 11, 20)
    )
    assert (missed.days, missed.sessions) == (15, 30)


def test_the_half_term_holiday_is_not_missed():
    # Out on Friday 23 October, the last day of the half term; back on Monday 2 November.
    missed = education_missed(
        YEAR, out_of_school_from=D(2026, 10, 23), started_on=D(2026, 11, 2), today=D(2027, 1, 1)
    )
    assert (missed.days, missed.sessions) == (1, 2)


def test_starting_the_day_out_of_school_misses_nothing():
    missed = education_missed(
        YEAR, out_of_school_from=D(2026, 11, 2), started_on=D(2026, 11, 2), today=D(2027, 1, 1)
    )
    assert (missed.days, missed.sessions) == (0, 0)


def test_an_inset_day_and_a_closed_afternoon_are_not_missed():
    closed = year([(D(2026, 11, 2), "day"), (D(2026, 11, 4), "PM")])
    missed = education_missed(
        closed, out_of_school_from=D(2026, 11, 2), started_on=D(2026, 11, 16), today=D(2027, 1, 1)
    )
    assert (missed.days, missed.sessions) == (9, 17)


def test_a_whole_year_pupil_twenty_sessions_short_reaches_360_not_380():
    y = placed()
    assert (y.year_sessions, y.in_partnership, y.missed, y.received) == (388, 388, 20, 368)
    assert y.proportionate(380) == 380
    assert y.reached_target is False
    assert y.band == 360


def test_a_whole_year_pupil_eight_sessions_short_reaches_380():
    y = placed(out_of_school_from=D(2026, 11, 2), started_on=D(2026, 11, 6))
    assert (y.missed, y.received) == (8, 380)
    assert y.reached_target and y.band == 380


def test_a_part_year_pupil_is_measured_against_the_proportionate_number():
    # Arrived on 4 January, the first day of spring: 30 + 24 + 34 + 33 = 121 days, 242
    # sessions of the year's 388. Out of school from then to 15 January: 20 sessions.
    # Proportionate 380: 380 x 242 / 388 = 237.01, so 238; 360: 224.54, so 225; 350:
    # 218.30, so 219. Received 222: above 350's share, short of 360's.
    y = placed(
        arrived_on=D(2027, 1, 4), out_of_school_from=D(2027, 1, 4), started_on=D(2027, 1, 18)
    )
    assert (y.in_partnership, y.missed, y.received) == (242, 20, 222)
    assert [y.proportionate(b) for b in (380, 360, 350)] == [238, 225, 219]
    assert y.reached_target is False
    assert y.band == 350


def test_days_out_before_arriving_are_not_counted_as_missed():
    y = placed(
        arrived_on=D(2027, 1, 4), out_of_school_from=D(2026, 12, 1), started_on=D(2027, 1, 6)
    )
    assert y.missed == 4  # 4 and 5 January


def test_below_350_has_no_band():
    y = placed(out_of_school_from=D(2026, 9, 2), started_on=D(2026, 10, 1))
    assert y.missed == 42 and y.received == 346 and y.band is None


def test_a_year_with_no_calendar_counts_nothing():
    y = fair_access_year(
        (),
        arrived_on=None,
        out_of_school_from=D(2026, 11, 2),
        started_on=None,
        today=D(2026, 11, 3),
        target=380,
    )
    assert (y.year_sessions, y.received, y.proportionate(380)) == (0, 0, 0)


def counts(at_380=0, at_360=0, at_350=0, below=0):
    return BandCounts(at_380 + at_360 + at_350 + below, at_380, at_360, at_350)


def test_annex_a_levels_by_hand():
    assert annex_a_level(counts()) is None
    assert annex_a_level(counts(20)) == Level.ENHANCING
    assert annex_a_level(counts(18, 2)) == Level.DEVELOPED  # 90% at 380, the rest 360
    assert annex_a_level(counts(19, 0, 1)) == Level.ESTABLISHED  # one at 350
    assert annex_a_level(counts(15, 3, 2)) == Level.ESTABLISHED  # 75% at 380
    assert annex_a_level(counts(14, 6)) == Level.DEVELOPING  # 70% at 380
    assert annex_a_level(counts(19, 0, 0, 1)) == Level.DEVELOPING  # one below 350


def test_band_counts_put_each_pupil_in_their_highest_band():
    years = [
        placed(),
        placed(started_on=D(2026, 11, 3)),
        placed(out_of_school_from=D(2026, 9, 2), started_on=D(2026, 10, 1)),
    ]
    assert band_counts(years) == BandCounts(3, 1, 1, 0)


def test_fair_shares_by_hand():
    lines = fair_shares(
        {1: Decimal("1.0"), 2: Decimal("1.0"), 3: Decimal("2.0")}, {1: 4, 2: 0, 3: 4, 9: 5}
    )
    # 8 placements at weighted schools (the 5 at an unweighted one are not shared out).
    assert [(ln.setting_id, ln.share, ln.difference) for ln in lines] == [
        (1, Fraction(2), Fraction(2)),
        (2, Fraction(2), Fraction(-2)),
        (3, Fraction(4), Fraction(0)),
    ]


def test_fair_shares_with_no_weight_are_zero():
    assert [ln.share for ln in fair_shares({1: Decimal(0)}, {1: 3})] == [0]


# --- Properties -------------------------------------------------------------------------------

day = st.dates(min_value=D(2026, 8, 1), max_value=D(2027, 8, 31))


@given(day, day, day)
def test_sessions_add_up_over_adjoining_windows(a, b, c):
    a, b, c = sorted((a, b, c))
    one = datetime.timedelta(days=1)
    assert sessions_in(YEAR, a, b) + sessions_in(YEAR, b + one, c) == sessions_in(YEAR, a, c)


@given(day, day)
def test_a_window_has_between_one_and_two_sessions_a_day(a, b):
    a, b = sorted((a, b))
    days, sessions = days_in(YEAR, a, b), sessions_in(YEAR, a, b)
    assert days <= sessions <= 2 * days


@given(day, day, day)
def test_starting_later_never_misses_less(out, first, second):
    first, second = sorted((first, second))
    kw = {"out_of_school_from": out, "today": D(2027, 8, 31)}
    earlier = education_missed(YEAR, started_on=first, **kw).sessions
    later = education_missed(YEAR, started_on=second, **kw).sessions
    assert earlier <= later


@given(st.one_of(st.none(), day), day, st.one_of(st.none(), day), day)
def test_received_is_never_negative_nor_more_than_the_partnership_year(
    arrived, out, started, today
):
    y = fair_access_year(
        YEAR,
        arrived_on=arrived,
        out_of_school_from=out,
        started_on=started,
        today=today,
        target=380,
    )
    assert 0 <= y.missed <= y.in_partnership <= y.year_sessions == 388
    assert 0 <= y.received <= y.in_partnership


@given(
    st.integers(0, 500), st.integers(1, 500), st.integers(0, 500), st.sampled_from([350, 360, 380])
)
def test_reaching_a_band_is_receiving_its_proportionate_number(
    in_partnership, year_sessions, missed, band
):
    in_partnership = min(in_partnership, year_sessions)
    missed = min(missed, in_partnership)
    y = FairAccessYear(year_sessions, in_partnership, missed, 380)
    assert y.reaches(band) == (y.received >= y.proportionate(band))
    assert y.proportionate(band) <= band or in_partnership > year_sessions
    if in_partnership == year_sessions:
        assert y.proportionate(band) == band


@given(st.integers(1, 500), st.integers(0, 500), st.integers(0, 500))
def test_the_proportionate_number_grows_with_time_in_the_partnership(year_sessions, a, b):
    a, b = sorted((min(a, year_sessions), min(b, year_sessions)))
    shorter, longer = (
        FairAccessYear(year_sessions, a, 0, 380),
        FairAccessYear(year_sessions, b, 0, 380),
    )
    assert shorter.proportionate(380) <= longer.proportionate(380)


@given(st.integers(1, 500), st.integers(0, 500), st.integers(0, 500))
def test_the_bands_nest(year_sessions, in_partnership, missed):
    in_partnership = min(in_partnership, year_sessions)
    y = FairAccessYear(year_sessions, in_partnership, min(missed, in_partnership), 380)
    assert not y.reaches(380) or y.reaches(360)
    assert not y.reaches(360) or y.reaches(350)


LEVELS = [None, Level.DEVELOPING, Level.ESTABLISHED, Level.DEVELOPED, Level.ENHANCING]


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
def test_one_more_pupil_at_380_never_lowers_the_level(a, b, c, d):
    before = annex_a_level(counts(a, b, c, d))
    after = annex_a_level(counts(a + 1, b, c, d))
    assert before is None or LEVELS.index(after) >= LEVELS.index(before)


weights = st.dictionaries(st.integers(1, 20), st.decimals(0, 10, places=2), min_size=1, max_size=8)


@given(weights, st.dictionaries(st.integers(1, 25), st.integers(0, 30)))
def test_fair_shares_share_out_exactly_the_placements_at_weighted_schools(w, taken):
    lines = fair_shares(w, taken)
    total = sum(taken.get(s, 0) for s in w)
    if sum(w.values()) > 0:
        assert sum(ln.share for ln in lines) == total
    assert sum(ln.difference for ln in lines) == (0 if sum(w.values()) > 0 else total)
