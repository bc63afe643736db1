"""The statistics pages' figures from the database: a small partnership counted by hand.

2026/27 (today is Tuesday 24 November 2026, before the census day, so pupils on roll
are counted today), at Ashdown (12 on roll) and Beacon (7 on roll):
- Amira (pupil_a): half a day (DB), then two days (DB, VA): two suspensions
- A1: five and a half days (PA); A2, A3: a day each (DB; VA)
- A4: permanently excluded, the governing board not met yet (PA, DB): counted
- A5: permanently excluded, reinstated by the board: not counted
- A6: a suspension the head cancelled: not counted
- Bea (pupil_b): a day (DB); B1: three days (DB)
2025/26 (pupils counted on the census day, Thursday 15 January 2026):
- A7: a day (DB); Bea: two days (VA)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knotwork.analytics.exclusions import SUPPRESSED, Counts
from knotwork.attendance.dashboard_queries import dashboard_scope
from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.statistics_queries import exclusion_statistics, headcount_day
from knotwork.behaviour.testing import make_exclusion
from knotwork.core.testing import Cast, make_pupil
from knotwork.pupils.models import Enrolment, Pupil

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 24)


@dataclass
class Partnership:
    cast: Cast
    a: list[Pupil]
    b: list[Pupil]


def build(cast: Cast) -> Partnership:
    a = [
        make_pupil(
            setting=cast.school_a,
            legal_forename=f"Ash{i}",
            sex="M",
            date_of_birth=D(2012, 5, 1),
            sen_provision="K" if i <= 3 else "N",
            fsm_eligible=i <= 5,
            ethnicity="BCRB" if i in (1, 2) else "WBRI",
        )
        for i in range(1, 11)
    ]
    b = [make_pupil(setting=cast.school_b, legal_forename=f"Bee{i}") for i in range(1, 7)]
    officer = cast.officer

    def exclude(pupil: Pupil, **values: object) -> Exclusion:
        return make_exclusion(pupil=pupil, recorded_by=officer, **values)

    exclude(cast.pupil_a, start_date=D(2026, 9, 14), start_half="PM", sessions=1)
    exclude(cast.pupil_a, start_date=D(2026, 10, 5), sessions=4, reason_2="VA")
    exclude(a[0], start_date=D(2026, 11, 2), sessions=11, reason_1="PA")
    exclude(a[1], start_date=D(2026, 11, 3), sessions=2)
    exclude(a[2], start_date=D(2026, 11, 4), sessions=2, reason_1="VA")
    exclude(a[3], kind="permanent", sessions=None, start_date=D(2026, 11, 10), reason_1="PA")
    Exclusion.objects.filter(pupil=a[3]).update(reason_2="DB")
    exclude(
        a[4],
        kind="permanent",
        sessions=None,
        start_date=D(2026, 11, 12),
        board_outcome="reinstated",
    )
    exclude(a[5], start_date=D(2026, 11, 16), cancelled_on=D(2026, 11, 17))
    exclude(cast.pupil_b, start_date=D(2026, 10, 1), sessions=2)
    exclude(b[0], start_date=D(2026, 10, 2), sessions=6)
    exclude(a[6], start_date=D(2025, 11, 3), sessions=2)
    exclude(cast.pupil_b, start_date=D(2026, 3, 2), sessions=4, reason_1="VA")
    return Partnership(cast, a, b)


@pytest.fixture
def small(cast):
    return build(cast)


def figures(cast, minimum=1, **options):
    scope = dashboard_scope(cast.coordinator)
    return exclusion_statistics(scope, start_year=2026, today=TODAY, minimum=minimum, **options)


def test_the_partnership_matches_the_hand_count(small):
    found = figures(small.cast)
    assert found.year.whole.counts == Counts(
        headcount=19,
        suspensions=7,
        sessions=28,
        short=6,
        pupils=6,
        two_or_more=1,
        five_or_more=0,
        permanent=1,
    )
    whole = found.year.whole
    assert whole.value("days") == Decimal(14)
    assert whole.value("average_length_days") == Decimal("2.00")
    assert whole.value("suspension_rate") == Decimal("36.84")  # 7 per 19 on roll
    assert whole.value("one_or_more_rate") == Decimal("31.58")
    assert whole.value("permanent_exclusion_rate") == Decimal("5.26")


def test_each_setting_and_the_years_before(small):
    found = figures(small.cast)
    rows = {row.label: row for row in found.table("setting").rows}
    assert rows["Ashdown Academy"].years[0].counts == Counts(12, 5, 20, 4, 4, 1, 0, 1)
    assert rows["Beacon High School"].years[0].counts == Counts(7, 2, 8, 2, 2, 0, 0, 0)
    last_year = found.years[1]
    assert last_year.start_year == 2025 and last_year.on_census_day
    assert last_year.headcount_day == D(2026, 1, 15)
    assert last_year.whole.counts == Counts(19, 2, 6, 2, 2, 0, 0, 0)
    assert found.years[2].whole.counts.suspensions == 0
    assert [y.label for y in found.years] == ["2026/27", "2025/26", "2024/25"]


def test_the_breakdowns_follow_the_pupils_records(small):
    found = figures(small.cast)
    gender = {row.label: row.years[0].counts for row in found.table("gender").rows}
    assert gender["Male"].suspensions == 3 and gender["Male"].headcount == 10
    assert gender["Male"].permanent == 1
    assert gender["Female"].suspensions == 4 and gender["Female"].headcount == 9
    age = {row.label: row.years[0].counts for row in found.table("age").rows}
    assert (age["Age 14"].suspensions, age["Age 13"].suspensions) == (3, 4)
    ethnicity = {row.label: row.years[0].counts for row in found.table("ethnicity").rows}
    assert ethnicity["Black Caribbean"].suspensions == 2
    assert ethnicity["Black or Black British"].suspensions == 2
    assert ethnicity["White British"].headcount == 8
    sen = {row.label: row.years[0].counts for row in found.table("sen").rows}
    assert sen["SEN support"].suspensions == 3
    fsm = {row.label: row.years[0].counts for row in found.table("fsm").rows}
    assert fsm["Eligible"].permanent == 1
    phase = {row.label: row.years[0].counts for row in found.table("phase").rows}
    assert list(phase) == ["Secondary", "All pupils"]


def test_reasons_are_shares_of_all_recorded(small):
    found = figures(small.cast)
    reasons = {row.code: row.years[0] for row in found.reasons}
    assert reasons["DB"].suspensions == 5 and reasons["VA"].suspensions == 2
    assert reasons["DB"].suspension_share == Decimal("62.50")  # 5 of 8 reasons
    assert reasons["PA"].permanent == 1 and reasons["PA"].permanent_share == Decimal("50.00")
    assert reasons[""].suspensions == 8


def test_a_group_of_settings_counts_only_its_own(small):
    found = figures(small.cast, chosen=[small.cast.school_b])
    assert found.year.whole.counts.suspensions == 2
    assert found.year.whole.counts.headcount == 7
    assert [r.label for r in found.table("setting").rows] == [
        "Beacon High School",
        "All settings chosen",
    ]
    assert not found.whole_scope


def test_a_subsidiary_registration_is_not_counted_again_nor_a_pupil_who_left(small):
    cast = small.cast
    Enrolment.objects.create(
        pupil=cast.pupil_a, setting=cast.school_b, start_date=D(2026, 9, 1), registration="S"
    )
    Enrolment.objects.filter(pupil=small.a[9]).update(end_date=D(2026, 10, 30))
    found = figures(cast)
    assert found.year.whole.counts.headcount == 18
    assert found.years[1].whole.counts.headcount == 19  # A10 was on roll at the census


def test_small_numbers_are_hidden_with_what_would_give_them_away(small):
    found = figures(small.cast, minimum=5)
    whole = found.year.whole
    assert whole.value("suspensions") == 7
    assert whole.value("permanent_exclusions") == SUPPRESSED
    assert whole.value("pupils_with_two_or_more") == SUPPRESSED
    assert whole.value("share_five_days_or_less") == SUPPRESSED  # one longer suspension
    rows = {row.label: row.years[0] for row in found.table("setting").rows}
    assert rows["Beacon High School"].value("suspensions") == SUPPRESSED
    assert rows["Ashdown Academy"].value("suspensions") == SUPPRESSED
    assert rows["Ashdown Academy"].value("headcount") == 12
    for table in found.tables:
        assert table.rows[-1].years[0].value("permanent_exclusions") == SUPPRESSED


def test_pupils_are_counted_on_the_census_day_once_it_has_come():
    assert headcount_day(2026, TODAY) == TODAY
    assert headcount_day(2026, D(2027, 1, 21)) == D(2027, 1, 21)
    assert headcount_day(2026, D(2027, 6, 1)) == D(2027, 1, 21)
    assert headcount_day(2027, TODAY) == D(2027, 9, 1)


def test_the_reads_do_not_grow_with_pupils(small):
    scope = dashboard_scope(small.cast.coordinator)
    with CaptureQueriesContext(connection) as few:
        exclusion_statistics(scope, start_year=2026, today=TODAY)
    for i in range(15):
        pupil = make_pupil(setting=small.cast.school_b, legal_forename=f"More{i}")
        make_exclusion(pupil=pupil, recorded_by=small.cast.officer, start_date=D(2026, 10, 7))
    with CaptureQueriesContext(connection) as many:
        found = exclusion_statistics(scope, start_year=2026, today=TODAY)
    assert len(few.captured_queries) == len(many.captured_queries) == 2
    assert found.year.whole.counts.suspensions == 22
