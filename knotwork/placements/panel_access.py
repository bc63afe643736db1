"""Who sees which panel, and whose names on its agenda.

- Coordinators and local authority officers whose organisation is in the panel's
  partnership see every panel of it, its meetings and agendas; those who may change
  records run its meetings (attendance, decisions, actions).
- Members (users of an organisation with a seat on the panel, board members aside) see
  its meetings, and the pupils on a meeting's agenda by name only for that meeting: from
  the day its papers go (``Panel.papers_days`` before) to the end of the meeting day.
- Outside that window, and for everyone else, an item shows its pupil's name only if the
  user sees the pupil by the ordinary rule (``pupils.access.visible_among``).
- Staff who may change a pupil's record put the pupil forward to a meeting of a panel
  their setting sits on (or any panel, for the partnership's officers).

This module does not widen ``pupils.access``: a member sees the names on the agenda, not
the pupils' records.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.directory.models import PartnershipMember
from knotwork.placements.panel_models import Panel, PanelMeeting, seat_held
from knotwork.placements.panel_rules import in_papers_window
from knotwork.pupils.access import PARTNERSHIP_ROLES, visible_among


@dataclass(frozen=True)
class PanelRights:
    sees: bool = False
    officer: bool = False  # a coordinator or LA officer of the partnership
    runs: bool = False  # records attendance, decisions and actions
    member: bool = False  # their organisation has a seat on the panel
    puts_forward: bool = False


def _memberships(user: User | AnonymousUser) -> list[Membership]:
    if not user.is_authenticated or not user.is_active:
        return []
    return list(Membership.objects.filter(user=user))


def _officer_partnerships(memberships: Iterable[Membership]) -> set[int]:
    orgs = [m.organisation_id for m in memberships if m.role in PARTNERSHIP_ROLES]
    if not orgs:
        return set()
    return set(
        PartnershipMember.objects.filter(organisation_id__in=orgs).values_list(
            "partnership_id", flat=True
        )
    )


def panel_rights(user: User | AnonymousUser, panel: Panel) -> PanelRights:
    memberships = _memberships(user)
    if not memberships:
        return PanelRights()
    officer_of = _officer_partnerships(memberships)
    officer = panel.partnership_id in officer_of
    editing_officer = officer and panel.partnership_id in _officer_partnerships(
        [m for m in memberships if m.can_edit]
    )
    seated = set(
        panel.members.held_on(timezone.localdate()).values_list("organisation_id", flat=True)
    )
    member = any(m.organisation_id in seated and m.role != Role.BOARD_MEMBER for m in memberships)
    puts_forward = editing_officer or any(
        m.organisation_id in seated and m.can_edit and m.role != Role.BOARD_MEMBER
        for m in memberships
    )
    return PanelRights(
        sees=officer or member,
        officer=officer,
        runs=editing_officer,
        member=member,
        puts_forward=puts_forward,
    )


def visible_panels(user: User | AnonymousUser) -> QuerySet[Panel]:
    """Panels of the partnerships the user is an officer of, and panels their
    organisation sits on."""
    memberships = _memberships(user)
    if not memberships:
        return Panel.objects.none()
    officer_of = _officer_partnerships(memberships)
    seats = [m.organisation_id for m in memberships if m.role != Role.BOARD_MEMBER]
    return (
        Panel.objects.filter(
            Q(partnership_id__in=officer_of)
            | (Q(members__organisation_id__in=seats) & seat_held(timezone.localdate(), "members__"))
        )
        .distinct()
        .select_related("partnership")
    )


def names_shown(
    user: User | AnonymousUser,
    meeting: PanelMeeting,
    rights: PanelRights,
    pupil_ids: Iterable[int],
    today: datetime.date,
) -> set[int]:
    """Which of the agenda's pupils the user sees by name today: all of them for a member
    while the meeting's papers are out, else those the ordinary rule shows."""
    ids = set(pupil_ids)
    if not rights.sees or not ids:
        return set()
    if rights.member and in_papers_window(today, meeting.held_on, meeting.panel.papers_days):
        return ids
    return visible_among(user, ids, today)
