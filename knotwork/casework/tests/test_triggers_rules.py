"""Each trigger point fires, and does not, at its boundary on hand-built facts."""

import datetime
import itertools
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from knotwork.casework import triggers
from knotwork.casework.models import TriggerRule
from knotwork.casework.tests.concern_helpers import (
    PUPIL,
    SETTING,
    days_to,
    facts,
    marks_row,
    window,
)
from knotwork.casework.triggers import (
    IncidentFact,
    Rule,
    SignalFact,
    SuspensionFact,
    evaluate,
    incident_runs,
)

FRIDAY = datetime.date(2026, 11, 20)
ATTENDANCE = Rule(1, triggers.ATTENDANCE_BELOW, Decimal(90), 30)
INCIDENTS = Rule(2, triggers.INCIDENTS, Decimal(3), 10)
SUSPENSION = Rule(3, triggers.SUSPENSION)
REPEAT = Rule(4, triggers.REPEAT_SUSPENSION, Decimal(2))


def test_the_kinds_are_the_models_kinds():
    assert {k for k, *_ in triggers.DEFAULT_RULES} == set(TriggerRule.Kind.values)


def test_every_default_kind_is_active_and_has_an_evaluator():
    active = {k for k, _, _, on in triggers.DEFAULT_RULES if on}
    assert active == set(triggers.EVALUATORS) == set(TriggerRule.Kind.values)
    assert evaluate(Rule(9, triggers.MANAGED_MOVE), facts(FRIDAY)) == []


def test_a_managed_move_in_its_trial_fires_once_from_its_start():
    move = triggers.MoveFact(PUPIL, "m-1", datetime.date(2026, 11, 9), datetime.date(2026, 12, 21))
    later = triggers.MoveFact(PUPIL, "m-2", datetime.date(2026, 11, 23), datetime.date(2027, 1, 4))
    found = evaluate(Rule(9, triggers.MANAGED_MOVE), facts(FRIDAY, moves=(move, later)))
    assert [(f.key, f.fired_on, f.setting_id) for f in found] == [
        ("move:m-1", datetime.date(2026, 11, 9), SETTING)
    ]
    assert found[0].summary == (
        "In the trial of a managed move from 9 November 2026 to 21 December 2026."
    )


def test_attendance_under_90_percent_over_30_school_days_fires_with_its_figures():
    days = days_to(FRIDAY, 30)
    found = evaluate(ATTENDANCE, facts(FRIDAY, registers=(window(days, marks_row(days, 7)),)))
    assert len(found) == 1
    firing = found[0]
    assert firing.summary.startswith(
        "Attendance 88.3% over the 30 school days to 20 November 2026 "
        "(possible 60, missed 3.5 days)"
    )
    assert (firing.pupil_id, firing.setting_id, firing.fired_on) == (PUPIL, SETTING, FRIDAY)
    assert firing.key == "term:2026-autumn"
    assert firing.evidence["possible"] == 60 and firing.evidence["absent_sessions"] == 7


def test_exactly_90_percent_is_not_under_90_percent():
    days = days_to(FRIDAY, 30)
    assert evaluate(ATTENDANCE, facts(FRIDAY, registers=(window(days, marks_row(days, 6)),))) == []


def test_the_window_reaches_back_over_the_half_term_holiday():
    days = days_to(datetime.date(2026, 11, 6), 30)
    assert days[0] == datetime.date(2026, 9, 21)  # 25 school days before half term, 5 after
    found = evaluate(ATTENDANCE, facts(FRIDAY, registers=(window(days, marks_row(days, 10)),)))
    assert "to 6 November 2026" in found[0].summary


def test_a_pupil_with_too_few_possible_sessions_is_not_judged():
    days = days_to(FRIDAY, 30)
    row = marks_row(days, 0)
    row[:35] = 0  # joined late: 25 possible sessions, under half the window
    row[35:40] = marks_row(days, 5)[:5]
    assert evaluate(ATTENDANCE, facts(FRIDAY, registers=(window(days, row),))) == []


@given(st.integers(min_value=0, max_value=60))
def test_attendance_fires_exactly_when_the_rate_is_under_the_threshold(absent):
    days = days_to(FRIDAY, 30)
    fired = evaluate(ATTENDANCE, facts(FRIDAY, registers=(window(days, marks_row(days, absent)),)))
    assert bool(fired) == ((60 - absent) * 100 < 90 * 60)


def incident(day, n=0):
    return IncidentFact(PUPIL, f"incident-{day.isoformat()}-{n}", day)


def test_three_incidents_in_ten_school_days_across_half_term_fire():
    run = [incident(datetime.date(2026, 10, 21)), incident(datetime.date(2026, 10, 23))]
    run.append(incident(datetime.date(2026, 11, 3)))  # 14 calendar days, 5 school days
    found = evaluate(INCIDENTS, facts(FRIDAY, incidents=tuple(run)))
    assert [f.summary for f in found] == [
        "3 incidents in 5 school days, 21 October 2026 to 3 November 2026; "
        "the rule is 3 within 10 school days."
    ]
    assert found[0].key == "incidents:incident-2026-10-21-0"
    assert found[0].fired_on == datetime.date(2026, 11, 3)


def test_three_incidents_across_eleven_school_days_do_not_fire():
    run = [incident(datetime.date(2026, 11, 2)), incident(datetime.date(2026, 11, 10))]
    run.append(incident(datetime.date(2026, 11, 16)))  # the 11th school day from the 2nd
    assert evaluate(INCIDENTS, facts(FRIDAY, incidents=tuple(run))) == []
    run[-1] = incident(datetime.date(2026, 11, 13))  # the 10th
    assert len(evaluate(INCIDENTS, facts(FRIDAY, incidents=tuple(run)))) == 1


def test_incidents_after_the_day_are_not_counted():
    run = tuple(incident(datetime.date(2026, 11, 23), n) for n in range(3))
    assert evaluate(INCIDENTS, facts(FRIDAY, incidents=run)) == []


@given(
    st.lists(st.integers(min_value=0, max_value=200), max_size=40),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=20),
)
def test_runs_of_incidents_do_not_overlap_and_each_fits_its_window(positions, n, within):
    positions.sort()
    runs = incident_runs(positions, n, within)
    for first, last in runs:
        assert last - first + 1 == n
        assert positions[last] - positions[first] < within
    assert all(a[1] < b[0] for a, b in itertools.pairwise(runs))


def suspension(start, n=1):
    return SuspensionFact(PUPIL, f"exclusion-{n}", start, 4)


def test_any_suspension_fires_once_for_each_suspension():
    found = evaluate(SUSPENSION, facts(FRIDAY, suspensions=(suspension(FRIDAY),)))
    assert [(f.summary, f.key) for f in found] == [
        ("Suspended for 2 days from 20 November 2026.", "exclusion:exclusion-1")
    ]


def test_a_second_suspension_in_the_same_term_fires_across_its_half_term():
    pair = (suspension(datetime.date(2026, 10, 5), 1), suspension(datetime.date(2026, 11, 9), 2))
    found = evaluate(REPEAT, facts(FRIDAY, suspensions=pair))
    assert [f.summary for f in found] == [
        "2nd suspension in the Autumn term 2026/27: from 9 November 2026, after 5 October 2026."
    ]
    assert found[0].key == "term:2026-autumn"


def test_two_suspensions_in_different_terms_do_not_fire():
    pair = (suspension(datetime.date(2026, 12, 14), 1), suspension(datetime.date(2027, 1, 5), 2))
    assert evaluate(REPEAT, facts(datetime.date(2027, 1, 8), suspensions=pair)) == []


def test_a_pupil_not_on_roll_raises_nothing():
    other = SuspensionFact(PUPIL + 1, "exclusion-9", FRIDAY, 2)
    assert evaluate(SUSPENSION, facts(FRIDAY, suspensions=(other,))) == []


def test_the_attendance_signs_fire_once_for_each_open_sign():
    sign = SignalFact(
        PUPIL,
        triggers.NEWLY_PERSISTENT,
        "sign-1",
        datetime.date(2026, 11, 12),
        {"rate": "12.5", "absent": 10, "possible": 80, "threshold": "10"},
    )
    found = evaluate(Rule(5, triggers.NEWLY_PERSISTENT), facts(FRIDAY, signals=(sign,)))
    assert [f.summary for f in found] == [
        "Newly persistently absent on 12 November 2026: 12.5% of sessions missed this year "
        "(10 of 80); the threshold is 10%."
    ]
    assert found[0].key == "signal:sign-1"
    assert evaluate(Rule(6, triggers.PENALTY_THRESHOLD), facts(FRIDAY, signals=(sign,))) == []


def test_a_register_window_must_have_two_columns_a_day():
    days = days_to(FRIDAY, 2)
    with pytest.raises(ValueError):
        window(days, np.zeros(3, dtype=np.uint8))
