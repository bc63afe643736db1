"""What the partnership's waiting-times page reads: every referral to its agencies' and
LA services' services as plain dates, for ``analytics.waiting``; figures only, no pupil."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.analytics.waiting import Figures, ReferralTimes, Row, waiting_table
from knotwork.attendance.dashboard_queries import suppress_below
from knotwork.attendance.dashboard_rules import hidden_rows
from knotwork.casework.models import Referral
from knotwork.directory.models import PartnershipMember
from knotwork.pupils.access import PARTNERSHIP_ROLES

Date = datetime.date
WAITING_ROLES = PARTNERSHIP_ROLES | {Role.BOARD_MEMBER}


@dataclass(frozen=True)
class WaitingTimes:
    first: Date
    last: Date
    total: Figures
    rows: list[tuple[Row, bool]]  # each row and whether its figures are shown
    minimum: int | None  # the suppression minimum, for board members


def waiting_scope(user: User) -> tuple[list[int], bool] | None:
    """The partnerships whose figures the user sees, and whether small numbers are hidden
    (for board members); None for anyone else."""
    memberships = list(
        Membership.objects.filter(user=user, role__in=sorted(WAITING_ROLES)).values_list(
            "organisation_id", "role"
        )
    )
    if not memberships:
        return None
    partnerships = sorted(
        set(
            PartnershipMember.objects.filter(
                organisation_id__in=[o for o, _ in memberships]
            ).values_list("partnership_id", flat=True)
        )
    )
    suppressed = all(role == Role.BOARD_MEMBER for _, role in memberships)
    return (partnerships, suppressed) if partnerships else None


def _times(r: Referral) -> ReferralTimes:
    outcome = ""
    if r.status == Referral.Status.DECLINED:
        outcome = "declined"
    elif r.answered_at is not None:
        outcome = "accepted"
    assert r.service is not None and r.to_organisation is not None
    return ReferralTimes(
        agency=r.to_organisation.name,
        service=r.service.name,
        sent_on=timezone.localdate(r.sent_at),
        outcome=outcome,
        answered_on=timezone.localdate(r.answered_at) if r.answered_at else None,
        started_on=r.started_on,
        closed=r.status == Referral.Status.CLOSED,
        target_days=r.service.target_days,
    )


def waiting_times(
    partnership_ids: list[int], *, first: Date, last: Date, today: Date, suppressed: bool
) -> WaitingTimes:
    members = PartnershipMember.objects.filter(partnership_id__in=partnership_ids)
    referrals = Referral.objects.filter(
        service__isnull=False,
        to_organisation_id__in=members.values("organisation_id"),
        sent_at__date__gte=first - datetime.timedelta(days=1),
        sent_at__date__lte=last + datetime.timedelta(days=1),
    ).select_related("service", "to_organisation")
    total, rows = waiting_table((_times(r) for r in referrals), first=first, last=last, today=today)
    minimum = suppress_below() if suppressed else None
    hidden: set[int] = set()
    if minimum is not None:
        parents: list[int | None] = []
        agency_index: int | None = None
        for i, row in enumerate(rows):
            agency_index = i if row.is_agency else agency_index
            parents.append(None if row.is_agency else agency_index)
        hidden = hidden_rows([r.figures.sent for r in rows], parents, minimum)
    shown = [(row, i not in hidden) for i, row in enumerate(rows)]
    return WaitingTimes(first, last, total, shown, minimum)
