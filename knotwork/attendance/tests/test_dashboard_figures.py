"""The dashboard's figures against hand-computed ones for a small partnership
(see dashboard_fixtures for the marks and the sums)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine

from knotwork.attendance.dashboard_queries import (
    Dashboard,
    Figures,
    attendance_dashboard,
    dashboard_scope,
)
from knotwork.attendance.tests.dashboard_fixtures import FIRST, LAST, TODAY, add_school_c, build

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def small(cast):
    return build(cast)


@pytest.fixture
def everyone_shown(settings):
    settings.KNOTWORK_ATTENDANCE_SUPPRESS_BELOW = 1


def figures_for(user, **options) -> Dashboard:
    scope = dashboard_scope(user)
    assert scope is not None
    values = {
        "start_year": 2026,
        "period": "custom",
        "first": FIRST,
        "last": LAST,
        "today": TODAY.date(),
        "threshold": Fraction(10),
    }
    values.update(options)
    return attendance_dashboard(scope, **values)


def rows(dashboard: Dashboard, slug: str) -> dict[str, object]:
    table = dashboard.table(slug)
    assert table is not None
    return {row.label: row for row in table.rows}


def counts(figures: Figures) -> tuple[int, int, int, int, int, int, int]:
    s = figures.summary
    return (s.enrolments, s.possible, s.authorised, s.unauthorised, s.persistent, s.severe, s.late)


def test_figures_by_setting_match_the_hand_computed_ones(small, everyone_shown):
    by_setting = rows(figures_for(small.cast.coordinator), "setting")
    school_a = by_setting["Ashdown Academy"].this_year
    school_b = by_setting["Beacon High School"].this_year
    total = by_setting["All enrolments"].this_year
    # enrolments, possible, authorised, unauthorised, persistent, severe, late (L and U)
    assert counts(school_a) == (7, 120, 4, 16, 5, 1, 0)
    assert counts(school_b) == (5, 90, 0, 3, 1, 0, 3)
    assert counts(total) == (12, 210, 4, 19, 6, 1, 3)
    assert school_a.summary.absence_rate == Decimal("16.67")
    assert school_a.summary.persistent_rate == Decimal("71.43")
    assert school_a.summary.severe_rate == Decimal("14.29")
    assert school_b.summary.absence_rate == Decimal("3.33")
    assert total.summary.absence_rate == Decimal("10.95")
    assert total.summary.authorised_rate == Decimal("1.90")
    assert total.summary.unauthorised_rate == Decimal("9.05")
    assert total.summary.persistent_rate == Decimal("50.00")
    assert all(row.this_year.shown for row in by_setting.values())


def test_a_pupil_who_moved_school_mid_year_counts_once_at_each(small, everyone_shown):
    dashboard = figures_for(small.cast.coordinator)
    pupils_with_registers = 11
    assert dashboard.total is not None
    assert dashboard.total.this_year.summary.enrolments == pupils_with_registers + 1


def test_the_threshold_is_the_one_asked_for(small, everyone_shown):
    at_twenty = rows(figures_for(small.cast.coordinator, threshold=Fraction(20)), "setting")
    # 20% or more: A3 (50%), A5 (20%), the mover at A (20%); none at B.
    assert at_twenty["Ashdown Academy"].this_year.summary.persistent == 3
    assert at_twenty["Beacon High School"].this_year.summary.persistent == 0


def test_figures_by_pupil_group(small, everyone_shown):
    dashboard = figures_for(small.cast.coordinator)
    by_gender = rows(dashboard, "gender")
    assert counts(by_gender["Male"].this_year) == (1, 20, 0, 4, 1, 0, 0)
    assert by_gender["Female"].this_year.summary.enrolments == 11
    by_fsm = rows(dashboard, "fsm")
    assert by_fsm["Eligible"].this_year.summary.absence_rate == Decimal("20.00")
    by_year = rows(dashboard, "year-group")
    assert by_year["Year 8"].this_year.summary.enrolments == 1
    assert by_year["Year 9"].this_year.summary.enrolments == 11
    assert by_year["Year 7"].this_year.summary.enrolments == 0
    by_ethnicity = rows(dashboard, "ethnicity")
    assert by_ethnicity["Unclassified"].this_year.summary.enrolments == 12
    assert by_ethnicity["Information not yet obtained"].this_year.summary.enrolments == 12
    assert by_ethnicity["Information not yet obtained"].detail
    assert by_ethnicity["White"].this_year.summary.enrolments == 0
    assert rows(dashboard, "looked-after")["Looked after"].this_year.summary.enrolments == 0
    sen = rows(dashboard, "sen")
    assert sen["No special educational need"].this_year.summary.possible == 210


def test_last_year_is_the_same_window_a_year_before(small, everyone_shown):
    dashboard = figures_for(small.cast.coordinator)
    assert (dashboard.last_window.first, dashboard.last_window.last) == (
        D(2025, 9, 7),
        D(2025, 9, 18),
    )
    assert dashboard.last_year_has_data
    school_a = rows(dashboard, "setting")["Ashdown Academy"]
    assert school_a.last_year is not None
    assert counts(school_a.last_year) == (2, 36, 6, 0, 1, 0, 0)
    assert school_a.last_year.summary.absence_rate == Decimal("16.67")
    school_b = rows(dashboard, "setting")["Beacon High School"]
    assert school_b.last_year is not None and school_b.last_year.empty
    by_year = rows(dashboard, "year-group")
    assert by_year["Year 7"].last_year.summary.enrolments == 1  # linked_pupil, a year younger
    assert by_year["Year 8"].last_year.summary.enrolments == 1


def test_without_registers_last_year_there_is_nothing_to_compare(small, everyone_shown):
    dashboard = figures_for(
        small.cast.coordinator, start_year=2025, period="year", first=None, last=None
    )
    assert dashboard.year_label == "2025/26"
    assert not dashboard.last_year_has_data
    assert all(row.last_year is None for row in dashboard.tables[0].rows)


def test_small_groups_are_suppressed_and_cannot_be_worked_out_from_the_total(small):
    add_school_c(small, enrolments=2)
    by_setting = rows(figures_for(small.cast.coordinator), "setting")
    # C has 2 enrolments (under 5): hidden. With only C hidden, total - A - B = C, so the
    # smallest other school (B, 5 enrolments) is hidden too.
    assert not by_setting["Causeway School"].this_year.shown
    assert not by_setting["Beacon High School"].this_year.shown
    assert by_setting["Ashdown Academy"].this_year.shown
    assert by_setting["All enrolments"].this_year.shown
    assert by_setting["All enrolments"].this_year.summary.enrolments == 14
    # Last year: two enrolments in all, so everything is hidden, the total too.
    assert not by_setting["All enrolments"].last_year.shown
    assert not by_setting["Ashdown Academy"].last_year.shown


def test_the_smallest_number_shown_is_a_setting(small, settings):
    settings.KNOTWORK_ATTENDANCE_SUPPRESS_BELOW = 8
    by_setting = rows(figures_for(small.cast.coordinator), "setting")
    assert not by_setting["Ashdown Academy"].this_year.shown  # 7 enrolments
    assert not by_setting["Beacon High School"].this_year.shown
    assert by_setting["All enrolments"].this_year.shown


def test_a_group_of_one_gender_is_hidden_with_its_complement(small):
    by_gender = rows(figures_for(small.cast.coordinator), "gender")
    assert not by_gender["Male"].this_year.shown
    assert not by_gender["Female"].this_year.shown  # else Female = total - Male
    assert by_gender["All enrolments"].this_year.shown


def test_a_window_across_half_term_counts_only_school_days(small, everyone_shown):
    # Monday 19 October to Friday 6 November 2026: the break (26 October to 30 October)
    # is not school days; 5 + 5 days = 20 sessions each.
    dashboard = figures_for(small.cast.coordinator, first=D(2026, 10, 19), last=D(2026, 11, 6))
    school_b = rows(dashboard, "setting")["Beacon High School"].this_year
    assert (school_b.summary.enrolments, school_b.summary.possible) == (5, 100)
    school_a = rows(dashboard, "setting")["Ashdown Academy"].this_year
    assert school_a.summary.enrolments == 6  # the mover has left A
    assert school_a.summary.absent == 0


@time_machine.travel(TODAY, tick=False)
def test_year_to_date_runs_from_the_first_of_september_to_today(small, everyone_shown):
    dashboard = figures_for(small.cast.coordinator, period="year", first=None, last=None)
    assert (dashboard.window.first, dashboard.window.last) == (D(2026, 9, 1), D(2026, 11, 24))
    # Registers are filled to 23 November: 38 days in autumn 1 and 16 in autumn 2, 108
    # sessions; today has no marks yet. The mover joined B on 14 September, 8 days in.
    school_b = rows(dashboard, "setting")["Beacon High School"].this_year.summary
    assert school_b.possible == 4 * 108 + (108 - 16)


def test_a_setting_member_sees_only_their_settings_figures(small, everyone_shown):
    dashboard = figures_for(small.cast.officer)
    labels = [row.label for row in dashboard.tables[0].rows]
    assert labels == ["Ashdown Academy", "All enrolments"]
    assert dashboard.total is not None
    assert dashboard.total.this_year.summary.enrolments == 7
