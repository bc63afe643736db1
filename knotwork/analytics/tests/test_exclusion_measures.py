"""Exclusion measures: a hand-computed partnership, the dates they hang on, and
properties every count and rate keeps."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from knotwork.analytics.exclusions import (
    CHARACTERISTICS,
    PERMANENT,
    SUSPENSION,
    Characteristics,
    Counts,
    Excluded,
    OnRoll,
    age_at_start,
    census_day,
    counted,
    headcount,
    reason_tally,
    tally,
    tally_by,
    year_of,
)

BOY_14 = Characteristics("secondary", "M", 14, "WBRI", "K", True)
GIRL_13 = Characteristics("secondary", "F", 13, "BCRB", "N", False)
BOY_12 = Characteristics("secondary", "M", 12, "WBRI", "E", False)
GIRL_15 = Characteristics("secondary", "F", 15, "WBRI", "N", True)
AT_SPECIAL = Characteristics("special", "M", 14, "WBRI", "K", True)


def suspension(pupil, setting, sessions, *reasons, group=BOY_14, **extra):
    return Excluded(pupil, setting, SUSPENSION, sessions, reasons or ("DB",), group, **extra)


def permanent(pupil, setting, *reasons, group=BOY_14, **extra):
    return Excluded(pupil, setting, PERMANENT, 0, reasons or ("PA",), group, **extra)


# A secondary school (S1, 40 on roll) and a special school (S2, 10 on roll).
EXCLUSIONS = [
    # P1 at S1: a lunchtime (half a day), two days and a day.
    suspension("P1", "S1", 1, "DB"),
    suspension("P1", "S1", 4, "DB", "VA"),
    suspension("P1", "S1", 2, "PA"),
    # P2 at S1: five and a half days, longer than five days.
    suspension("P2", "S1", 11, "VA", group=GIRL_13),
    # P3 at S1: exactly five days, which counts as five days or less.
    suspension("P3", "S1", 10, "DB", "DM", "TH", group=BOY_12),
    # P8 at S1: five one-day suspensions.
    *[suspension("P8", "S1", 2, "DB", group=GIRL_15) for _ in range(5)],
    # P4 at S2: a day and a half, then permanently excluded.
    suspension("P4", "S2", 3, "DB", group=AT_SPECIAL),
    permanent("P4", "S2", "PA", "DB", group=AT_SPECIAL),
    # P1 again, at S2: counts as a second enrolment with a suspension.
    suspension("P1", "S2", 2, "BU", group=AT_SPECIAL),
    # Not counted: a cancelled suspension, a cancelled and a reinstated permanent exclusion.
    suspension("P7", "S1", 6, counted=False),
    permanent("P5", "S2", counted=False, group=AT_SPECIAL),
    permanent("P6", "S1", counted=False),
]
ROLL = [
    OnRoll("S1", BOY_14, 20),
    OnRoll("S1", GIRL_13, 20),
    OnRoll("S2", AT_SPECIAL, 10),
]


def test_the_partnership_figures_match_the_hand_count():
    total = tally(EXCLUSIONS, headcount(ROLL))
    assert total == Counts(
        headcount=50,
        suspensions=12,
        sessions=43,
        short=11,
        pupils=6,
        two_or_more=2,
        five_or_more=1,
        permanent=1,
    )
    assert total.days == Decimal("21.5")
    assert total.average_length_days == Decimal("1.79")  # 21.5 / 12 = 1.791...
    assert total.share_five_days_or_less == Decimal("91.67")  # 11 of 12
    assert total.suspension_rate == Decimal("24.00")  # 12 per 50 on roll
    assert total.one_or_more_rate == Decimal("12.00")  # 6 enrolments of 50
    assert total.permanent_exclusion_rate == Decimal("2.00")


def test_each_setting_has_its_own_share():
    by_setting = tally_by(EXCLUSIONS, ROLL, "setting")
    assert by_setting["S1"] == Counts(40, 10, 38, 9, 4, 2, 1, 0)
    assert by_setting["S2"] == Counts(10, 2, 5, 2, 2, 0, 0, 1)
    assert by_setting["S2"].days == Decimal("2.5")
    assert by_setting["S2"].average_length_days == Decimal("1.25")


def test_a_pupil_suspended_at_two_settings_counts_at_each():
    rows = [suspension("P1", "S1", 2), suspension("P1", "S2", 2), suspension("P1", "S2", 2)]
    found = tally(rows, 0)
    assert (found.pupils, found.two_or_more) == (2, 1)


def test_five_suspensions_make_a_pupil_both_a_repeat_and_a_five_or_more():
    four = tally([suspension("P", "S", 1) for _ in range(4)])
    five = tally([suspension("P", "S", 1) for _ in range(5)])
    assert (four.two_or_more, four.five_or_more) == (1, 0)
    assert (five.two_or_more, five.five_or_more) == (1, 1)


def test_half_days_add_up_to_days_lost():
    found = tally([suspension("P", "S", 1), suspension("Q", "S", 1), suspension("R", "S", 3)])
    assert found.days == Decimal("2.5")
    assert found.average_length_days == Decimal("0.83")  # 2.5 / 3 = 0.833...


def test_five_days_is_short_and_five_and_a_half_is_not():
    found = tally([suspension("P", "S", 10), suspension("Q", "S", 11)])
    assert found.short == 1
    assert found.share_five_days_or_less == Decimal("50.00")


def test_groups_by_gender_add_up():
    by_gender = tally_by(EXCLUSIONS, ROLL, "gender")
    assert by_gender["M"] == Counts(30, 6, 22, 6, 4, 1, 0, 1)
    assert by_gender["F"] == Counts(20, 6, 21, 5, 2, 1, 1, 0)


def test_an_excluded_pupil_not_on_roll_at_the_census_has_no_headcount():
    left = Characteristics("secondary", "F", 12, "WBRI", "N", False)
    by_age = tally_by([suspension("P9", "S1", 2, group=left)], ROLL, "age")
    assert by_age[12] == Counts(0, 1, 2, 1, 1, 0, 0, 0)
    assert by_age[12].suspension_rate is None
    assert by_age[14].headcount == 30


def test_reasons_are_counted_once_each_up_to_three_an_exclusion():
    reasons = reason_tally(EXCLUSIONS)
    assert reasons[SUSPENSION] == {"DB": 9, "VA": 2, "PA": 1, "DM": 1, "TH": 1, "BU": 1}
    assert reasons[PERMANENT] == {"PA": 1, "DB": 1}


def test_no_one_on_roll_gives_no_rate_and_no_exclusions_no_average():
    empty = tally([], 0)
    assert empty.suspension_rate is None and empty.average_length_days is None
    assert empty.share_five_days_or_less is None
    assert tally([], 30).suspension_rate == Decimal("0.00")


def test_cancelled_exclusions_and_reinstatements_are_not_counted():
    assert counted(SUSPENSION, cancelled=False, reinstated=False)
    assert counted(PERMANENT, cancelled=False, reinstated=False)  # not yet decided
    assert not counted(PERMANENT, cancelled=False, reinstated=True)
    assert not counted(SUSPENSION, cancelled=True, reinstated=False)
    assert not counted(PERMANENT, cancelled=True, reinstated=False)


def test_the_census_day_is_the_third_thursday_of_january():
    assert census_day(2026) == datetime.date(2027, 1, 21)
    assert census_day(2025) == datetime.date(2026, 1, 15)  # 1 January 2026 is a Thursday
    assert census_day(2020) == datetime.date(2021, 1, 21)


def test_age_is_taken_on_the_31_august_before_the_year():
    assert age_at_start(datetime.date(2012, 8, 31), 2026) == 14
    assert age_at_start(datetime.date(2012, 9, 1), 2026) == 13
    assert age_at_start(datetime.date(2013, 1, 1), 2026) == 13
    assert year_of(datetime.date(2027, 8, 31)) == 2026
    assert year_of(datetime.date(2027, 9, 1)) == 2027


# --- Properties -------------------------------------------------------------------------------

groups = st.builds(
    Characteristics,
    phase=st.sampled_from(["secondary", "special", None]),
    gender=st.sampled_from(["F", "M"]),
    age=st.integers(11, 15),
    ethnicity=st.sampled_from(["WBRI", "BCRB", "AIND", "NOBT"]),
    sen=st.sampled_from(["N", "K", "E"]),
    fsm=st.booleans(),
)
pupils = st.tuples(st.integers(1, 12), st.sampled_from(["S1", "S2", "S3"]))


@st.composite
def exclusions(draw):
    """Rows where each enrolment keeps one set of characteristics, as pupils' records do."""
    seen: dict = {}
    rows = []
    for _ in range(draw(st.integers(0, 40))):
        pupil, setting = draw(pupils)
        group = seen.setdefault((pupil, setting), draw(groups))
        kind = draw(st.sampled_from([SUSPENSION, SUSPENSION, SUSPENSION, PERMANENT]))
        sessions = draw(st.integers(1, 90)) if kind == SUSPENSION else 0
        reasons = tuple(draw(st.lists(st.sampled_from(["DB", "VA", "PP"]), min_size=1, max_size=3)))
        rows.append(Excluded(pupil, setting, kind, sessions, reasons, group, draw(st.booleans())))
    return rows


rolls = st.lists(
    st.builds(OnRoll, st.sampled_from(["S1", "S2", "S3"]), groups, st.integers(0, 300)),
    max_size=12,
)


@settings(max_examples=200)
@given(exclusions(), rolls)
def test_counts_and_rates_stay_in_range(rows, roll):
    found = tally(rows, headcount(roll))
    assert found.five_or_more <= found.two_or_more <= found.pupils <= found.suspensions
    assert found.short <= found.suspensions <= found.sessions
    assert found.two_or_more * 2 <= found.suspensions
    for share in (found.share_five_days_or_less,):
        assert share is None or Decimal(0) <= share <= Decimal(100)
    if found.suspensions:
        assert Decimal("0.5") <= found.average_length_days <= Decimal(45)
    for rate in (found.suspension_rate, found.one_or_more_rate, found.permanent_exclusion_rate):
        assert (rate is None) == (found.headcount == 0)
        assert rate is None or rate >= 0
    if found.headcount:
        assert found.one_or_more_rate <= found.suspension_rate


@settings(max_examples=200)
@given(exclusions(), rolls)
def test_every_breakdown_adds_up_to_the_whole(rows, roll):
    whole = tally(rows, headcount(roll))
    for field in ("setting", *CHARACTERISTICS):
        parts = tally_by(rows, roll, field).values()
        assert sum(parts, Counts()) == whole, field


@settings(max_examples=200)
@given(exclusions())
def test_reason_counts_cover_every_reason_recorded(rows):
    reasons = reason_tally(rows)
    for kind in (SUSPENSION, PERMANENT):
        recorded = sum(len(r.reasons) for r in rows if r.counted and r.kind == kind)
        assert sum(reasons[kind].values()) == recorded
