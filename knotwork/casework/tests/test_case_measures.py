"""Before/after measures read from the registers, behaviour and reviews, checked against
figures worked out by hand."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from knotwork.attendance.testing import fill_register, whole_day
from knotwork.behaviour.testing import make_incident
from knotwork.casework.case_queries import attendance_rate
from knotwork.casework.case_services import case_close, case_measures_read, review_record
from knotwork.casework.tests.case_fixtures import open_case, today  # noqa: F401
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date


def incident_on(cast, day):
    make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.linked_pupil: "instigator"},
        occurred_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(13))),
    )


@pytest.fixture
def history(cast):
    """Before (21 Sep - 4 Oct, 20 sessions): two days unauthorised absence, one incident.
    During (5 - 18 Oct, 20 sessions): one day absent, no incidents."""
    marks = {**whole_day(D(2026, 9, 22), "O"), **whole_day(D(2026, 9, 23), "O")}
    marks.update(whole_day(D(2026, 10, 7), "I"))
    fill_register(cast.linked_pupil.enrolments.get(), 2026, through=D(2026, 11, 24), marks=marks)
    incident_on(cast, D(2026, 9, 30))
    incident_on(cast, D(2026, 10, 25))  # after the two weeks: not counted


def test_attendance_over_a_window_is_attending_over_possible_sessions(cast, history):
    assert attendance_rate(cast.linked_pupil, D(2026, 9, 21), D(2026, 10, 4)) == Decimal("80.0")
    assert attendance_rate(cast.linked_pupil, D(2026, 10, 5), D(2026, 10, 18)) == Decimal("90.0")
    assert attendance_rate(cast.linked_pupil, D(2026, 8, 1), D(2026, 8, 20)) is None


def test_the_before_figures_are_read_when_the_intervention_starts(cast, history):
    case = open_case(cast, measures=["attendance", "incidents", "scaling"], measure_weeks=2)
    before = {m.kind: m.before for m in case.measures.all()}
    assert before == {"attendance": Decimal("80.0"), "incidents": Decimal(1), "scaling": None}


def test_the_after_figures_are_read_once_the_window_ends(cast, history):
    case = open_case(cast, measures=["attendance", "incidents", "scaling"], measure_weeks=2)
    review_record(
        actor=cast.officer,
        case=case,
        held_on=D(2026, 10, 5),
        child_view="x",
        scale_now=3,
        scale_goal=8,
    )
    review_record(
        actor=cast.officer,
        case=case,
        held_on=D(2026, 10, 16),
        child_view="x",
        scale_now=6,
        scale_goal=8,
    )
    read = case_measures_read(case=case, today=D(2026, 11, 24))
    figures = {m.kind: (m.before, m.after, m.after_to) for m in read}
    assert figures == {
        "attendance": (Decimal("80.0"), Decimal("90.0"), D(2026, 10, 18)),
        "incidents": (Decimal(1), Decimal(0), D(2026, 10, 18)),
        "scaling": (Decimal(3), Decimal(6), D(2026, 10, 18)),
    }
    assert AuditEntry.objects.filter(what="case measures read", actor=None).count() == 1
    assert case_measures_read(case=case, today=D(2026, 11, 24)) == []


def test_a_running_window_is_not_read_until_it_ends(cast, history):
    case = open_case(cast, measures=["incidents"], opened_on=D(2026, 11, 16))
    assert case_measures_read(case=case, today=D(2026, 11, 24)) == []


def test_closing_reads_the_measures_up_to_the_day_it_closed(cast, history):
    case = open_case(cast, measures=["attendance", "incidents"])
    case_close(
        actor=cast.officer,
        case=case,
        version=1,
        closed_on=D(2026, 10, 9),
        closure_reason="other",
        exit_summary="x",
    )
    figures = {m.kind: (m.after, m.after_to) for m in case.measures.all()}
    # 5-9 Oct: 10 sessions, 2 missed on 7 Oct.
    assert figures == {
        "attendance": (Decimal("80.0"), D(2026, 10, 9)),
        "incidents": (Decimal(0), D(2026, 10, 9)),
    }
