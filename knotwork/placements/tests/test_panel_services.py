"""Panel services: putting a case forward, the decision, attendance and actions."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.models import AuditEntry
from knotwork.placements import panel_services as s
from knotwork.placements.panel_models import AgendaItem, MeetingAttendance, PanelMeeting
from knotwork.placements.tests.panel_helpers import MEETING_DAY, NOW, build_panel_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(cast):
    return build_panel_world(cast)


def test_staff_put_their_pupil_forward_and_it_is_audited(cast, world):
    item = s.panel_item_put_forward(
        actor=cast.officer,
        meeting=world.meeting,
        kind="fair_access",
        summary="  Needs a place after a move into the area.  ",
        organisation=cast.school_a,
        pupil=cast.linked_pupil,
    )
    assert (item.position, item.summary, item.put_forward_by_user) == (
        2,
        "Needs a place after a move into the area.",
        cast.officer,
    )
    audit = AuditEntry.objects.get(object_id=str(item.uuid))
    assert audit.pupil == cast.linked_pupil and audit.action == "create"


def test_a_pupil_the_actor_may_not_change_cannot_be_put_forward(cast, world):
    with pytest.raises(PermissionDenied):
        s.panel_item_put_forward(
            actor=cast.officer,
            meeting=world.meeting,
            kind="hard_to_place",
            summary="x",
            organisation=cast.school_a,
            pupil=cast.pupil_b,
        )
    with pytest.raises(PermissionDenied):
        s.panel_item_put_forward(
            actor=cast.head_of_year,
            meeting=world.meeting,
            kind="other",
            summary="x",
            organisation=cast.school_a,
        )


def test_a_case_needs_its_pupil_and_the_agenda_closes_once_held(cast, world):
    with pytest.raises(ValidationError):
        s.panel_item_put_forward(
            actor=cast.officer,
            meeting=world.meeting,
            kind="managed_move",
            summary="x",
            organisation=cast.school_a,
        )
    world.meeting.status = PanelMeeting.Status.HELD
    world.meeting.save()
    with pytest.raises(ValidationError):
        s.panel_item_put_forward(
            actor=cast.officer,
            meeting=world.meeting,
            kind="other",
            summary="x",
            organisation=cast.school_a,
        )


def test_decisions_wait_for_the_meeting_and_only_officers_record_them(cast, world):
    with pytest.raises(ValidationError):
        s.panel_item_decide(actor=cast.coordinator, item=world.item, decision="agreed")
    with time_machine.travel(datetime.datetime(2026, 11, 26, 16, 0), tick=False):
        with pytest.raises(PermissionDenied):
            s.panel_item_decide(actor=cast.officer, item=world.item, decision="agreed")
        item = s.panel_item_decide(
            actor=cast.coordinator, item=world.item, decision="agreed", note="Start in January."
        )
    item.refresh_from_db()
    assert (item.decision, item.decision_note) == ("agreed", "Start in January.")
    assert item.decided_at is not None
    assert AuditEntry.objects.filter(object_id=str(item.uuid), what="decision agreed").exists()


def test_attendance_names_every_member_and_holds_the_meeting(cast, world):
    members = list(world.panel.members.all())
    with time_machine.travel(datetime.datetime(2026, 11, 26, 16, 0), tick=False):
        with pytest.raises(ValidationError):
            s.panel_attendance_record(
                actor=cast.coordinator, meeting=world.meeting, statuses={members[0].pk: "attended"}
            )
        s.panel_attendance_record(
            actor=cast.coordinator,
            meeting=world.meeting,
            statuses={m.pk: ("apologies" if i == 0 else "attended") for i, m in enumerate(members)},
        )
    world.meeting.refresh_from_db()
    assert world.meeting.status == "held"
    assert MeetingAttendance.objects.filter(meeting=world.meeting).count() == 3
    assert MeetingAttendance.objects.filter(status="apologies").count() == 1


def test_an_action_has_an_owner_and_falls_due_after_the_meeting(cast, world):
    with pytest.raises(ValidationError):
        s.panel_action_add(
            actor=cast.coordinator,
            meeting=world.meeting,
            text="Send the papers",
            owner=cast.officer,
            due_on=MEETING_DAY - datetime.timedelta(days=1),
        )
    action = s.panel_action_add(
        actor=cast.coordinator,
        meeting=world.meeting,
        text="Share the support plan with Beacon High",
        owner=cast.officer,
        due_on=MEETING_DAY + datetime.timedelta(days=7),
        item=world.item,
    )
    assert action.owner == cast.officer
    assert AuditEntry.objects.get(object_id=str(action.uuid)).pupil == cast.pupil_a
    assert AgendaItem.objects.get().actions.get() == action
