"""Every change to a panel: access-checked, validated, atomic and audited."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.casework.models import Referral
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation
from knotwork.placements.panel_access import panel_rights
from knotwork.placements.panel_models import (
    AgendaItem,
    MeetingAttendance,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
)
from knotwork.pupils.access import Access, pupil_access
from knotwork.pupils.models import Pupil

CREATE = AuditEntry.Action.CREATE
UPDATE = AuditEntry.Action.UPDATE


def pupil_pk(pupil: Pupil | None) -> int | None:
    return pupil.pk if pupil is not None else None


def _require_run(actor: User, panel: Panel) -> None:
    if not panel_rights(actor, panel).runs:
        raise PermissionDenied("Only the partnership's officers run its panel's meetings.")


@transaction.atomic
def panel_meeting_schedule(
    *, actor: User, panel: Panel, held_on: datetime.date, chair: User | None = None
) -> PanelMeeting:
    _require_run(actor, panel)
    if PanelMeeting.objects.filter(panel=panel, held_on=held_on).exists():
        raise ValidationError({"held_on": "The panel already meets that day."})
    meeting = PanelMeeting.objects.create(panel=panel, held_on=held_on, chair=chair)
    audit_record(actor=actor, action=CREATE, obj=meeting, what="panel meeting")
    return meeting


@transaction.atomic
def panel_item_put_forward(
    *,
    actor: User,
    meeting: PanelMeeting,
    kind: str,
    summary: str,
    organisation: Organisation,
    pupil: Pupil | None = None,
    referral: Referral | None = None,
) -> AgendaItem:
    """Put a case (or other business) on a meeting's agenda, for an organisation with a
    seat on the panel (or from a referral to the partnership's panel). A pupil's case
    needs the right to change the pupil's record."""
    rights = panel_rights(actor, meeting.panel)
    if not rights.puts_forward:
        raise PermissionDenied("You may not put cases forward to this panel.")
    if meeting.status != PanelMeeting.Status.PLANNED:
        raise ValidationError("The agenda closes when the meeting has been held.")
    if kind not in AgendaItem.Kind.values:
        raise ValidationError({"kind": "Choose what kind of case this is."})
    if kind != AgendaItem.Kind.OTHER and pupil is None:
        raise ValidationError({"pupil": "Say which pupil the case is about."})
    if pupil is not None and pupil_access(actor, pupil) < Access.EDIT:
        raise PermissionDenied("You may not put this pupil forward.")
    if not summary.strip():
        raise ValidationError({"summary": "Say what the panel is asked to decide."})
    if referral is not None and (
        referral.panel_id != meeting.panel.partnership_id or referral.pupil_id != pupil_pk(pupil)
    ):
        raise ValidationError("That referral was not made to this panel about this pupil.")
    seated = (
        meeting.panel.members.held_on(timezone.localdate())
        .filter(organisation=organisation)
        .exists()
    )
    if not seated and not rights.runs:
        raise ValidationError({"organisation": "Cases come from organisations on the panel."})
    last = meeting.items.order_by("-position").values_list("position", flat=True).first()
    item = AgendaItem(
        meeting=meeting,
        pupil=pupil,
        kind=kind,
        summary=summary.strip(),
        put_forward_by=organisation,
        put_forward_by_user=actor,
        referral=referral,
        position=(last or 0) + 1,
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action=CREATE, pupil=pupil, obj=item, what=f"agenda item {kind}")
    return item


@transaction.atomic
def panel_item_from_referral(
    *, actor: User, meeting: PanelMeeting, referral: Referral, kind: str
) -> AgendaItem:
    """Put a referral made to the partnership's panel (``casework``) on a meeting's
    agenda: the case of the referring organisation, in its words."""
    _require_run(actor, meeting.panel)
    if referral.status not in Referral.OPEN:
        raise ValidationError("That referral is no longer open.")
    if referral.agenda_items.exists():
        raise ValidationError("That referral is already on an agenda.")
    return panel_item_put_forward(
        actor=actor,
        meeting=meeting,
        kind=kind,
        summary=referral.reason,
        organisation=referral.from_organisation,
        pupil=referral.pupil,
        referral=referral,
    )


@transaction.atomic
def panel_item_decide(
    *, actor: User, item: AgendaItem, decision: str, note: str = ""
) -> AgendaItem:
    _require_run(actor, item.meeting.panel)
    if decision not in AgendaItem.Decision.values:
        raise ValidationError({"decision": "Choose the panel's decision."})
    if item.meeting.held_on > timezone.localdate():
        raise ValidationError("A decision is recorded at or after the meeting.")
    item.decision = decision
    item.decision_note = note.strip()
    item.decided_at = timezone.now()
    item.save(update_fields=["decision", "decision_note", "decided_at"])
    audit_record(
        actor=actor, action=UPDATE, pupil=item.pupil, obj=item, what=f"decision {decision}"
    )
    return item


@transaction.atomic
def panel_attendance_record(
    *, actor: User, meeting: PanelMeeting, statuses: Mapping[int, str]
) -> PanelMeeting:
    """Who came, by member id; the meeting is then held. Every member must be given."""
    _require_run(actor, meeting.panel)
    if meeting.held_on > timezone.localdate():
        raise ValidationError("Attendance is recorded on or after the meeting day.")
    members = {m.pk: m for m in meeting.panel.members.held_on(meeting.held_on)}
    if set(statuses) != set(members):
        raise ValidationError("Say for every member whether they came.")
    if any(s not in MeetingAttendance.Status.values for s in statuses.values()):
        raise ValidationError("Choose attended, sent apologies or absent.")
    MeetingAttendance.objects.filter(meeting=meeting).delete()
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(meeting=meeting, member=members[pk], status=status)
        for pk, status in statuses.items()
    )
    meeting.status = PanelMeeting.Status.HELD
    meeting.save(update_fields=["status"])
    audit_record(actor=actor, action=UPDATE, obj=meeting, what="attendance")
    return meeting


@transaction.atomic
def panel_action_add(
    *,
    actor: User,
    meeting: PanelMeeting,
    text: str,
    owner: User,
    due_on: datetime.date,
    item: AgendaItem | None = None,
) -> PanelAction:
    _require_run(actor, meeting.panel)
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "That item is on another meeting's agenda."})
    if due_on < meeting.held_on:
        raise ValidationError({"due_on": "An action falls due after the meeting."})
    action = PanelAction(meeting=meeting, item=item, text=text.strip(), owner=owner, due_on=due_on)
    action.full_clean()
    action.save()
    audit_record(
        actor=actor,
        action=CREATE,
        pupil=item.pupil if item is not None else None,
        obj=action,
        what="panel action",
    )
    return action


@transaction.atomic
def panel_action_done(*, actor: User, action: PanelAction, done_on: datetime.date) -> PanelAction:
    if action.owner_id != actor.pk:
        _require_run(actor, action.meeting.panel)
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    audit_record(actor=actor, action=UPDATE, obj=action, what="panel action done")
    return action


@transaction.atomic
def panel_member_add(
    *,
    actor: User,
    panel: Panel,
    organisation: Organisation,
    role: str,
    expected: bool = True,
) -> PanelMember:
    """Give an organisation a seat on the panel, with its role and whether it is expected
    at every meeting. An organisation holds one seat at a time."""
    _require_run(actor, panel)
    if role not in PanelMember.Role.values:
        raise ValidationError({"role": "Choose the organisation's role on the panel."})
    if panel.members.filter(organisation=organisation, ended_on__isnull=True).exists():
        raise ValidationError({"organisation": "That organisation already has a seat."})
    member = PanelMember.objects.create(
        panel=panel, organisation=organisation, role=role, expected=expected
    )
    audit_record(actor=actor, action=CREATE, obj=member, what="panel member")
    return member


@transaction.atomic
def panel_member_end(
    *, actor: User, member: PanelMember, ended_on: datetime.date | None = None
) -> PanelMember:
    """End a seat: ``ended_on`` (today unless given) is the last day it is held. The seat
    keeps its row and the meetings it came to. Not after today, nor before a meeting it
    came to."""
    _require_run(actor, member.panel)
    ended_on = ended_on or timezone.localdate()
    if member.ended_on is not None:
        raise ValidationError("That seat has already ended.")
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "A seat ends today or on a day gone by."})
    last = (
        member.attendance.order_by("-meeting__held_on")
        .values_list("meeting__held_on", flat=True)
        .first()
    )
    if last is not None and ended_on < last:
        raise ValidationError(
            {"ended_on": f"The organisation's seat was held at the meeting of {last:%d/%m/%Y}."}
        )
    member.ended_on = ended_on
    member.save(update_fields=["ended_on"])
    audit_record(actor=actor, action=UPDATE, obj=member, what="panel member ended")
    return member


def panel_decision_check(
    item: AgendaItem, *, pupil: Pupil, kind: str, partnership_id: int | None = None
) -> None:
    """Refuse to record a placement as decided at an agenda item unless the panel agreed
    that item, of that kind, about that pupil (and, given one, in that partnership)."""
    if (
        item.kind != kind
        or item.decision != AgendaItem.Decision.AGREED
        or item.pupil_id != pupil.pk
        or (partnership_id is not None and item.meeting.panel.partnership_id != partnership_id)
    ):
        raise ValidationError(
            {"decided_at": "That agenda item is not an agreed decision to place this pupil."}
        )
