"""The case services: opening, the team and its links, the plan, reviews, closing,
re-opening and changing the lead; each access-checked and audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from knotwork.accounts.models import Role
from knotwork.casework.case_models import Case, CaseEvent, CaseMember, PlanAction, Review
from knotwork.casework.case_services import (
    StaleRecord,
    case_close,
    case_lead_change,
    case_member_add,
    case_member_end,
    case_reopen,
    plan_action_add,
    plan_action_update,
    review_record,
)
from knotwork.casework.tests.case_fixtures import open_case, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_user
from knotwork.pupils.access import visible_pupils
from knotwork.pupils.models import PupilLink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date


@pytest.fixture
def worker(cast):
    """A second CAMHS practitioner, with no link to anyone yet."""
    return make_user("worker", role=Role.AGENCY_PRACTITIONER, organisation=cast.camhs)


def test_opening_records_the_case_its_timeline_the_lead_on_the_team_and_an_audit_row(cast):
    case = open_case(cast)
    assert (case.status, case.lead, case.intervention_started_on) == (
        "open",
        cast.officer,
        D(2026, 10, 5),
    )
    assert case.development_needs == "Struggles to settle in lessons"
    assert [e.kind for e in case.events.all()] == ["opened"]
    assert [(m.user, m.role) for m in case.members.all()] == [(cast.officer, "Lead professional")]
    entry = AuditEntry.objects.get(action="create")
    assert (entry.pupil, entry.object_id, entry.what) == (
        cast.linked_pupil,
        str(case.uuid),
        "case opened",
    )


def test_only_those_who_may_change_the_pupil_open_a_case(cast):
    for user in (cast.head_of_year, cast.caseworker, cast.outsider, cast.board_member):
        with pytest.raises(PermissionDenied):
            open_case(cast, actor=user)
    assert not Case.objects.exists()


def test_a_case_opens_only_at_a_setting_the_pupil_is_on_roll_at(cast):
    with pytest.raises(ValidationError) as refused:
        open_case(cast, setting=cast.school_b)
    assert "setting" in refused.value.message_dict


def test_a_practitioner_on_the_team_is_linked_to_the_pupil_until_they_leave(cast, worker):
    case = open_case(cast)
    assert not visible_pupils(worker).filter(pk=cast.linked_pupil.pk).exists()
    member = case_member_add(
        actor=cast.officer, case=case, user=worker, role="Therapist", starts_on=D(2026, 11, 2)
    )
    link = member.link
    assert (link.reason, link.user, link.ends_on) == ("case", worker, None)
    assert visible_pupils(worker).filter(pk=cast.linked_pupil.pk).exists()
    case_member_end(actor=cast.officer, case=case, member=member, ends_on=D(2026, 11, 23))
    link.refresh_from_db()
    assert link.ends_on == D(2026, 11, 23)
    assert not visible_pupils(worker).filter(pk=cast.linked_pupil.pk).exists()
    assert list(AuditEntry.objects.filter(action="update").values_list("what", flat=True)) == [
        "case member ended"
    ]


def test_a_named_person_without_an_account_can_join_the_team(cast):
    case = open_case(cast)
    member = case_member_add(
        actor=cast.officer,
        case=case,
        name="Pat Grant",
        organisation_name="Youth club",
        role="Mentor",
        starts_on=D(2026, 10, 6),
    )
    assert (member.display_name, member.organisation_label, member.link) == (
        "Pat Grant",
        "Youth club",
        None,
    )


def test_a_team_member_adds_and_updates_plan_actions_but_the_read_only_may_not(cast, worker):
    case = open_case(cast)
    case_member_add(
        actor=cast.officer, case=case, user=worker, role="Therapist", starts_on=D(2026, 11, 2)
    )
    action = plan_action_add(
        actor=worker, case=case, what="Weekly session", owner=worker, due_on=D(2026, 12, 1)
    )
    updated = plan_action_update(
        actor=worker,
        action=action,
        version=1,
        what="Weekly session",
        owner=worker,
        due_on=D(2026, 12, 1),
        status=PlanAction.Status.IN_PROGRESS,
    )
    assert (updated.status, updated.version) == ("in_progress", 2)
    assert AuditEntry.objects.filter(what="plan action: status").count() == 1
    with pytest.raises(StaleRecord):
        plan_action_update(
            actor=worker,
            action=action,
            version=1,
            what="x",
            owner=worker,
            due_on=D(2026, 12, 1),
            status="done",
        )
    with pytest.raises(PermissionDenied):
        plan_action_add(
            actor=cast.head_of_year,
            case=case,
            what="x",
            owner_name="Someone",
            due_on=D(2026, 12, 1),
        )


def test_an_action_owner_must_be_on_the_team(cast, worker):
    case = open_case(cast)
    with pytest.raises(ValidationError) as refused:
        plan_action_add(
            actor=cast.officer, case=case, what="x", owner=worker, due_on=D(2026, 12, 1)
        )
    assert "owner" in refused.value.message_dict


def test_a_review_records_the_views_and_the_scaling(cast):
    case = open_case(cast)
    member = case.members.get()
    review = review_record(
        actor=cast.officer,
        case=case,
        held_on=D(2026, 11, 2),
        attendees=[member],
        child_view="Lessons are better",
        parent_view="Mornings are hard",
        scale_now=4,
        scale_goal=8,
        next_steps="Keep the morning check-in",
    )
    assert (review.scale_now, review.scale_goal, list(review.attendees.all())) == (4, 8, [member])
    assert AuditEntry.objects.filter(action="create", what="review recorded").count() == 1


@pytest.mark.parametrize("now,goal", [(0, 5), (11, 5), (5, 0), (5, 11)])
def test_a_review_scale_runs_from_1_to_10(cast, now, goal):
    case = open_case(cast)
    with pytest.raises(ValidationError):
        review_record(
            actor=cast.officer,
            case=case,
            held_on=D(2026, 11, 2),
            child_view="x",
            scale_now=now,
            scale_goal=goal,
        )
    assert not Review.objects.exists()


def test_the_database_holds_the_scale_to_1_to_10(cast):
    case = open_case(cast)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            case=case,
            held_on=D(2026, 11, 2),
            child_view="x",
            scale_now=11,
            scale_goal=5,
            recorded_by=cast.officer,
        )


def test_a_review_that_starts_an_intervention_restarts_the_clock(cast):
    case = open_case(cast, measures=["incidents"])
    review_record(
        actor=cast.officer,
        case=case,
        held_on=D(2026, 11, 16),
        child_view="x",
        scale_now=5,
        scale_goal=8,
        starts_intervention=True,
    )
    case.refresh_from_db()
    assert case.intervention_started_on == D(2026, 11, 16)
    first, second = case.measures.order_by("starts_on")
    assert (first.read_at is not None, first.after_to, second.starts_on) == (
        True,
        D(2026, 11, 15),
        D(2026, 11, 16),
    )


def test_closing_ends_every_members_link_and_keeps_the_reason(cast, worker):
    case = open_case(cast)
    member = case_member_add(
        actor=cast.officer, case=case, user=worker, role="Therapist", starts_on=D(2026, 11, 2)
    )
    closed = case_close(
        actor=cast.officer,
        case=case,
        version=case.version,
        closed_on=D(2026, 11, 23),
        closure_reason="outcomes_met",
        exit_summary="Attending well",
    )
    assert (closed.status, closed.closed_on, closed.closure_reason) == (
        "closed",
        D(2026, 11, 23),
        "outcomes_met",
    )
    assert not CaseMember.objects.filter(case=case, ends_on__isnull=True).exists()
    member.link.refresh_from_db()
    assert member.link.ends_on == D(2026, 11, 23)
    assert not PupilLink.objects.current(D(2026, 11, 24)).filter(user=worker).exists()
    assert [e.kind for e in closed.events.all()] == ["opened", "closed"]


def test_closing_needs_a_reason_a_summary_and_the_version_it_was_read_at(cast):
    case = open_case(cast)
    with pytest.raises(ValidationError) as refused:
        case_close(
            actor=cast.officer,
            case=case,
            version=1,
            closed_on=D(2026, 11, 23),
            closure_reason="",
            exit_summary=" ",
        )
    assert set(refused.value.message_dict) == {"closure_reason", "exit_summary"}
    with pytest.raises(StaleRecord):
        case_close(
            actor=cast.officer,
            case=case,
            version=7,
            closed_on=D(2026, 11, 23),
            closure_reason="other",
            exit_summary="x",
        )
    with pytest.raises(PermissionDenied):
        case_close(
            actor=cast.head_of_year,
            case=case,
            version=1,
            closed_on=D(2026, 11, 23),
            closure_reason="other",
            exit_summary="x",
        )


def test_reopening_keeps_the_history_and_the_lead_rejoins(cast):
    case = open_case(cast, measures=["incidents"])
    case = case_close(
        actor=cast.officer,
        case=case,
        version=1,
        closed_on=D(2026, 11, 20),
        closure_reason="other",
        exit_summary="x",
    )
    case = case_reopen(
        actor=cast.officer, case=case, version=case.version, reopened_on=D(2026, 11, 24)
    )
    assert (case.status, case.closed_on, case.intervention_started_on) == (
        "open",
        None,
        D(2026, 11, 24),
    )
    assert [e.kind for e in case.events.all()] == ["opened", "closed", "reopened"]
    assert case.exit_summary == "x"
    assert [(m.role, m.ends_on) for m in case.members.all()] == [
        ("Lead professional", D(2026, 11, 20)),
        ("Lead professional", None),
    ]
    assert case.measures.count() == 2


def test_changing_the_lead_puts_them_on_the_team_and_in_the_timeline(cast):
    case = open_case(cast)
    case = case_lead_change(
        actor=cast.officer, case=case, version=1, lead=cast.caseworker, changed_on=D(2026, 11, 24)
    )
    assert case.lead == cast.caseworker
    assert case.members.filter(user=cast.caseworker, link__isnull=False).exists()
    event = case.events.last()
    assert (event.kind, event.lead) == (CaseEvent.Kind.LEAD_CHANGED, cast.caseworker)


def test_a_lead_from_outside_the_partnership_is_refused(cast):
    stranger = make_user("stranger")
    with pytest.raises(ValidationError):
        open_case(cast, lead=stranger)
