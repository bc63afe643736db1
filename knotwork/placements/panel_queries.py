"""What the panel pages read: meetings the user may see, a meeting's agenda with whose
names show, its attendance and actions, and members' attendance over the year."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from knotwork.accounts.models import User
from knotwork.casework.models import Referral
from knotwork.placements.panel_access import PanelRights, names_shown, panel_rights, visible_panels
from knotwork.placements.panel_models import (
    AgendaItem,
    MeetingAttendance,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
)
from knotwork.placements.panel_rules import absences, too_often_absent, year_of_meetings
from knotwork.pupils.access import visible_among


def meetings_for_user(user: User | AnonymousUser) -> QuerySet[PanelMeeting]:
    """Meetings of the panels the user sees, newest first."""
    return (
        PanelMeeting.objects.filter(panel__in=visible_panels(user))
        .select_related("panel")
        .order_by("-held_on", "pk")
    )


def panels_run_by(user: User | AnonymousUser) -> list[Panel]:
    """Panels whose meetings the user runs (schedules, records)."""
    return [p for p in visible_panels(user).order_by("name") if panel_rights(user, p).runs]


def panel_for_user(user: User | AnonymousUser, panel_uuid: uuid_module.UUID | str) -> Panel:
    panel = Panel.objects.filter(uuid=panel_uuid).select_related("partnership").first()
    if panel is None or not panel_rights(user, panel).sees:
        raise Http404("No such panel")
    return panel


def action_for_user(
    user: User | AnonymousUser, action_uuid: uuid_module.UUID | str
) -> tuple[PanelAction, PanelRights]:
    action = (
        PanelAction.objects.filter(uuid=action_uuid)
        .select_related("meeting", "meeting__panel")
        .first()
    )
    if action is None:
        raise Http404("No such action")
    rights = panel_rights(user, action.meeting.panel)
    if not rights.sees:
        raise Http404("No such action")
    return action, rights


def meeting_for_user(
    user: User | AnonymousUser, meeting_uuid: uuid_module.UUID | str
) -> tuple[PanelMeeting, PanelRights]:
    """The meeting and the user's rights over its panel; 404 when they may not see it."""
    meeting = (
        PanelMeeting.objects.filter(uuid=meeting_uuid)
        .select_related("panel", "panel__partnership", "chair")
        .first()
    )
    if meeting is None:
        raise Http404("No such meeting")
    rights = panel_rights(user, meeting.panel)
    if not rights.sees:
        raise Http404("No such meeting")
    return meeting, rights


def item_for_user(
    user: User | AnonymousUser, item_uuid: uuid_module.UUID | str
) -> tuple[AgendaItem, PanelRights]:
    item = (
        AgendaItem.objects.filter(uuid=item_uuid)
        .select_related("meeting", "meeting__panel", "pupil", "put_forward_by")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    rights = panel_rights(user, item.meeting.panel)
    if not rights.sees:
        raise Http404("No such item")
    return item, rights


#: The form that records the placement an agreed item of each kind decided, and the
#: placements recorded from it.
PLACEMENT_FORMS = {
    AgendaItem.Kind.MANAGED_MOVE: ("placements:move-new", "managed_moves"),
    AgendaItem.Kind.FAIR_ACCESS: ("placements:fair-access-from-item", "fair_access_placements"),
    AgendaItem.Kind.AP_REFERRAL: ("placements:provision-from-item", "provision_placements"),
}


def placement_form_for(item: AgendaItem) -> str | None:
    """The URL name of the form recording the placement an item decided: for an agreed
    managed move, fair access placement or AP referral with none recorded from it yet
    (reads the item's placements prefetched, if they are)."""
    found = PLACEMENT_FORMS.get(AgendaItem.Kind(item.kind))
    if found is None or item.decision != AgendaItem.Decision.AGREED or item.pupil_id is None:
        return None
    url_name, recorded = found
    return None if getattr(item, recorded).exists() else url_name


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    named: bool  # the pupil's name is shown to this user

    @property
    def placement_form(self) -> str | None:
        return placement_form_for(self.item)

    @property
    def pupil_label(self) -> str:
        if self.item.pupil is None:
            return ""
        if self.named:
            return self.item.pupil.display_name
        return f"A pupil put forward by {self.item.put_forward_by.name}"


@dataclass(frozen=True)
class MemberRow:
    member: PanelMember
    status: str  # at this meeting: "" until recorded
    missed: int  # meetings missed in the year to the meeting
    flagged: bool


@dataclass(frozen=True)
class Agenda:
    rows: list[AgendaRow]
    members: list[MemberRow]
    actions: list[PanelAction]
    year: tuple[datetime.date, datetime.date]

    @property
    def named_pupils(self) -> list[AgendaRow]:
        return [r for r in self.rows if r.named and r.item.pupil is not None]


def agenda(
    user: User | AnonymousUser, meeting: PanelMeeting, rights: PanelRights, today: datetime.date
) -> Agenda:
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("pupil", "put_forward_by", "put_forward_by_user")
        .prefetch_related("managed_moves", "fair_access_placements", "provision_placements")
        .order_by("position", "pk")
    )
    named = names_shown(user, meeting, rights, [i.pupil_id for i in items if i.pupil_id], today)
    rows = [AgendaRow(i, i.pupil_id in named) for i in items]
    members = list(
        PanelMember.objects.filter(panel_id=meeting.panel_id)
        .held_on(meeting.held_on)
        .select_related("organisation")
    )
    first, last = year_of_meetings(meeting.held_on)
    year = list(
        MeetingAttendance.objects.filter(
            meeting__panel_id=meeting.panel_id,
            meeting__held_on__range=(first, last),
        ).values_list("member_id", "status", "meeting_id")
    )
    missed = absences((member, status) for member, status, _ in year)
    expected = {m.pk for m in members if m.expected}
    here = {member: status for member, status, at in year if at == meeting.pk}
    member_rows = [
        MemberRow(
            m,
            here.get(m.pk, ""),
            missed[m.pk],
            m.pk in expected and too_often_absent(missed[m.pk]),
        )
        for m in members
    ]
    actions = list(PanelAction.objects.filter(meeting=meeting).select_related("owner", "item"))
    return Agenda(rows, member_rows, actions, (first, last))


#: Referrals to the panel shown on a meeting's page, the oldest first.
REFERRALS_SHOWN = 20


def referrals_waiting(
    user: User | AnonymousUser, meeting: PanelMeeting, today: datetime.date
) -> list[Referral]:
    """Open referrals to the panel's partnership not yet on an agenda, whose pupil the user
    sees, the oldest first."""
    found = list(
        Referral.objects.filter(panel_id=meeting.panel.partnership_id, status__in=Referral.OPEN)
        .filter(agenda_items__isnull=True)
        .select_related("pupil", "from_organisation")
        .order_by("sent_at", "pk")[: REFERRALS_SHOWN * 2]
    )
    seen = visible_among(user, {r.pupil_id for r in found}, today)
    return [r for r in found if r.pupil_id in seen][:REFERRALS_SHOWN]


def attendance_counts(meeting: PanelMeeting) -> Counter[str]:
    return Counter(
        MeetingAttendance.objects.filter(meeting=meeting).values_list("status", flat=True)
    )
