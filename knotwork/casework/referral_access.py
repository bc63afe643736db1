"""Who may see and answer a referral. The one place that says so.

- The receiving side: members of the organisation the referral is sent to (an
  agency or the local authority's service), or, for the partnership panel, the
  coordinators and local authority officers of the panel's partnership. They see
  the referral in their inbox and on its page (the reason, urgency, the setting,
  the pupil's name and year) from the moment it is sent, but not the pupil's
  record: that opens to the practitioner assigned when it is accepted, through
  the link ``referral_services`` gives (``pupils.access`` decides). Those with
  ``can_edit`` answer it: accept, decline, and move it on.
- The sending side: staff who see the pupil's record through their setting or
  their partnership (not through a link of their own) see the pupil's referrals;
  those who may change the pupil's record and belong to the organisation that sent
  it, or work across the partnership, may withdraw (close) it.
- Board members see no referral: they see the partnership's waiting-time figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from knotwork.accounts.models import Membership, Role
from knotwork.directory.models import Organisation, PartnershipMember
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES, visible_among

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from knotwork.accounts.models import User
    from knotwork.casework.models import Referral

PANEL_ROLES = PARTNERSHIP_ROLES
SENDING_ROLES = SETTING_ROLES | PARTNERSHIP_ROLES
#: Organisations referrals are sent to (settings send; they do not receive).
RECEIVING_KINDS = frozenset({Organisation.Kind.AGENCY, Organisation.Kind.LA_SERVICE})


@dataclass(frozen=True)
class Desk:
    """Where a user receives referrals: organisations, and partnerships whose panel they
    answer for; with the subsets where they may answer."""

    organisation_ids: frozenset[int]
    panel_ids: frozenset[int]
    answering_organisation_ids: frozenset[int]
    answering_panel_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.organisation_ids and not self.panel_ids

    def received(self) -> Q:
        """The filter for referrals sent to this desk."""
        return Q(to_organisation_id__in=sorted(self.organisation_ids)) | Q(
            panel_id__in=sorted(self.panel_ids)
        )


NO_DESK = Desk(frozenset(), frozenset(), frozenset(), frozenset())


def desk_of(user: User | AnonymousUser) -> Desk:
    """The organisations and panels whose referrals reach this user (never a board member)."""
    if not user.is_authenticated or not user.is_active:
        return NO_DESK
    memberships = [
        m
        for m in Membership.objects.filter(user=user).select_related("organisation")
        if m.role != Role.BOARD_MEMBER
    ]
    if not memberships:
        return NO_DESK
    panel_orgs = {m.organisation_id: m.can_edit for m in memberships if m.role in PANEL_ROLES}
    receiving = [m for m in memberships if m.organisation.kind in RECEIVING_KINDS]
    panels: dict[int, bool] = {}
    for partnership_id, organisation_id in PartnershipMember.objects.filter(
        organisation_id__in=sorted(panel_orgs)
    ).values_list("partnership_id", "organisation_id"):
        panels[partnership_id] = panels.get(partnership_id, False) or panel_orgs[organisation_id]
    return Desk(
        organisation_ids=frozenset(m.organisation_id for m in receiving),
        panel_ids=frozenset(panels),
        answering_organisation_ids=frozenset(m.organisation_id for m in receiving if m.can_edit),
        answering_panel_ids=frozenset(p for p, edit in panels.items() if edit),
    )


@dataclass(frozen=True)
class ReferralRights:
    """What a user may do with one referral.

    ``sees``: its page and inbox row (reason, urgency, setting, the pupil's name and
    year); ``answers``: accept, decline, put on the waiting list, start, close;
    ``withdraws``: close it from the sending side; ``sees_record``: the pupil's own
    record opens to them (by ``pupils.access``: their setting, partnership or link)."""

    sees: bool = False
    answers: bool = False
    withdraws: bool = False
    sees_record: bool = False


NOTHING = ReferralRights()


def referral_rights(
    user: User | AnonymousUser, referral: Referral, on: datetime.date | None = None
) -> ReferralRights:
    """What ``user`` may do with ``referral`` on a day (today by default)."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    on = on or timezone.localdate()
    desk = desk_of(user)
    receiving = (
        referral.to_organisation_id in desk.organisation_ids or referral.panel_id in desk.panel_ids
    )
    answers = (
        referral.to_organisation_id in desk.answering_organisation_ids
        or referral.panel_id in desk.answering_panel_ids
    )
    memberships = [m for m in Membership.objects.filter(user=user) if m.role in SENDING_ROLES]
    sees_record = bool(visible_among(user, [referral.pupil_id], on))
    sender = bool(memberships) and sees_record
    withdraws = (
        sender
        and any(
            m.can_edit
            and (m.organisation_id == referral.from_organisation_id or m.role in PARTNERSHIP_ROLES)
            for m in memberships
        )
        and bool(visible_among(user, [referral.pupil_id], on, for_edit=True))
    )
    if not receiving and not sender:
        return NOTHING
    return ReferralRights(sees=True, answers=answers, withdraws=withdraws, sees_record=sees_record)
