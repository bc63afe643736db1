"""Telling the team: each change to a case (the plan, a review, a suspension, the pupil
missing from school) gives a notice to everyone on the team who may see the pupil,
except whoever made the change, each for their purpose."""

import datetime

import pytest

from knotwork.attendance.first_day import first_day_contact_record
from knotwork.behaviour.exclusion_services import permanent_exclusion_issue, suspension_issue
from knotwork.casework.case_services import (
    case_close,
    case_member_add,
    case_member_end,
    plan_action_update,
    review_record,
)
from knotwork.casework.tests.case_fixtures import today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.notices.models import Notice, TeamPurpose
from knotwork.notices.services import notice_review_booked
from knotwork.notices.tests.team_helpers import JOINED, add_action, build_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def team(cast):
    return build_team(cast)


def told(kind=None):
    notices = Notice.objects.all() if kind is None else Notice.objects.filter(kind=kind)
    return {(n.recipient.username, n.purpose) for n in notices}


def test_an_action_added_by_the_lead_tells_the_rest_of_the_team_for_information(team):
    add_action(team)
    assert told("action_added") == {("caseworker", "information"), ("head_of_year", "information")}
    notice = Notice.objects.filter(recipient=team.caseworker).get()
    assert (notice.case, notice.pupil, notice.by) == (team.case, team.case.pupil, team.lead)
    assert AuditEntry.objects.filter(
        what="notices: action_added to 2", pupil=team.case.pupil, actor=team.lead
    ).exists()


def test_an_action_added_by_a_member_tells_the_lead_for_action(team):
    add_action(team, actor=team.caseworker)
    assert told() == {("officer", "action"), ("head_of_year", "information")}


def test_a_changed_action_tells_the_team_but_saving_it_unchanged_does_not(team):
    action = add_action(team)
    Notice.objects.all().delete()
    common = {"what": action.what, "due_on": action.due_on, "owner": team.lead}
    plan_action_update(actor=team.lead, action=action, version=1, status="not_started", **common)
    assert not Notice.objects.exists()
    plan_action_update(actor=team.lead, action=action, version=2, status="done", **common)
    assert told("action_changed") == {
        ("caseworker", "information"),
        ("head_of_year", "information"),
    }


def test_a_recorded_review_tells_the_team_for_the_purposes_set(team):
    TeamPurpose.objects.create(
        case=team.case, user=team.head_of_year, purpose="response", set_by=team.lead
    )
    review_record(
        actor=team.caseworker,
        case=team.case,
        held_on=datetime.date(2026, 11, 20),
        child_view="Better mornings",
        scale_now=4,
        scale_goal=7,
    )
    assert told("review_recorded") == {("officer", "action"), ("head_of_year", "response")}


def test_a_booked_review_tells_the_team(team):
    notice_review_booked(actor=team.lead, case=team.case)
    assert told("review_booked") == {("caseworker", "information"), ("head_of_year", "information")}


def test_someone_on_the_team_who_may_not_see_the_pupil_is_not_told(cast, team):
    case_member_add(
        actor=team.lead, case=team.case, role="Beacon head", starts_on=JOINED, user=cast.outsider
    )
    add_action(team)
    assert "outsider" not in {name for name, _ in told()}
    assert len(told()) == 2


def test_someone_who_has_left_the_team_is_not_told(team):
    member = team.case.members.get(user=team.caseworker)
    case_member_end(actor=team.lead, case=team.case, member=member, ends_on=MONDAY)
    add_action(team)
    assert told() == {("head_of_year", "information")}


def _enrolment(pupil):
    return pupil.enrolments.select_related("setting").order_by("-start_date").first()


def test_a_suspension_tells_the_team_of_each_open_case(cast, team):
    suspension_issue(
        actor=team.lead,
        pupil=cast.linked_pupil,
        enrolment=_enrolment(cast.linked_pupil),
        start_date=MONDAY,
        start_half="AM",
        sessions=4,
        reasons=["PP"],
        decided_by="Ms Head, headteacher",
    )
    assert told("suspended") == {("caseworker", "information"), ("head_of_year", "information")}


def test_a_permanent_exclusion_tells_the_team_of_its_own_kind(cast, team):
    permanent_exclusion_issue(
        actor=team.lead,
        pupil=cast.linked_pupil,
        enrolment=_enrolment(cast.linked_pupil),
        start_date=MONDAY,
        start_half="AM",
        reasons=["PA"],
        decided_by="Ms Head, headteacher",
    )
    assert {n.kind for n in Notice.objects.all()} == {"excluded"}


def test_a_suspension_of_a_pupil_without_an_open_case_tells_nobody(cast, team):
    case_close(
        actor=team.lead,
        case=team.case,
        version=team.case.version,
        closed_on=datetime.date(2026, 11, 24),
        closure_reason="outcomes_met",
        exit_summary="Settled",
    )
    suspension_issue(
        actor=team.lead,
        pupil=cast.linked_pupil,
        enrolment=_enrolment(cast.linked_pupil),
        start_date=MONDAY,
        start_half="AM",
        sessions=2,
        reasons=["PP"],
        decided_by="Ms Head, headteacher",
    )
    assert not Notice.objects.exists()


def test_a_home_visit_needed_tells_the_team_the_pupil_is_missing_once_a_day(cast, team):
    common = {"actor": team.lead, "pupil": cast.linked_pupil, "setting": cast.school_a}
    first_day_contact_record(day=MONDAY, outcome="no_answer", today=MONDAY, **common)
    assert not Notice.objects.exists()
    first_day_contact_record(day=MONDAY, outcome="home_visit", today=MONDAY, **common)
    assert told("missing") == {("caseworker", "information"), ("head_of_year", "information")}
    first_day_contact_record(day=MONDAY, outcome="home_visit", today=MONDAY, **common)
    assert Notice.objects.count() == 2
