"""What the notices pages and emails read: a case's team as seats, a user's notices as
far as they may still see them, the unread count, and the team's purposes.

A notice shows only while its reader may see the pupil (``pupils.access``) and, for
agency practitioners, who see a case only while on its team, while they are on it."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from dataclasses import dataclass

from django.db.models import Case as CaseExpression
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.casework.case_models import Case, CaseMember
from knotwork.casework.case_queries import STAFF_ROLES, active_members
from knotwork.casework.consent_models import Section
from knotwork.notices.models import Notice, NoticePreference, Rhythm, TeamPurpose
from knotwork.notices.rules import Seat, default_purpose
from knotwork.pupils.access import visible_among


def rhythm_of(user: User) -> str:
    """The user's email rhythm: straight away unless they chose another."""
    preference = NoticePreference.objects.filter(user=user).first()
    return preference.rhythm if preference is not None else Rhythm.IMMEDIATELY


def rhythms_of(user_ids: list[int]) -> dict[int, str]:
    chosen = dict(
        NoticePreference.objects.filter(user_id__in=user_ids).values_list("user_id", "rhythm")
    )
    return {user_id: chosen.get(user_id, Rhythm.IMMEDIATELY) for user_id in user_ids}


def team_seats(case: Case, on: datetime.date) -> list[Seat]:
    """The case's team with accounts on the day, and its lead while the case is open,
    each with the purpose chosen for them, if any."""
    chosen = dict(TeamPurpose.objects.filter(case=case).values_list("user_id", "purpose"))
    seats = [
        Seat(user_id=user_id, is_lead=user_id == case.lead_id, chosen=chosen.get(user_id))
        for user_id in active_members(case, on)
        .filter(user__isnull=False)
        .values_list("user_id", flat=True)
    ]
    if case.is_open and case.lead_id is not None:
        seats.append(Seat(user_id=case.lead_id, is_lead=True, chosen=chosen.get(case.lead_id)))
    return seats


@dataclass(frozen=True)
class PurposeRow:
    """One person on the team page of purposes."""

    user: User
    role: str
    is_lead: bool
    purpose: str
    chosen: bool


def team_purposes(case: Case, on: datetime.date) -> list[PurposeRow]:
    """Everyone with an account on the case's team, once each, with what they are told for."""
    chosen = dict(TeamPurpose.objects.filter(case=case).values_list("user_id", "purpose"))
    rows: dict[int, PurposeRow] = {}
    members = active_members(case, on).filter(user__isnull=False).select_related("user")
    for member in members:
        assert member.user is not None
        is_lead = member.user_id == case.lead_id
        if member.user_id in rows and not is_lead:
            continue
        rows[member.user.pk] = PurposeRow(
            user=member.user,
            role=member.role,
            is_lead=is_lead,
            purpose=chosen.get(member.user.pk, default_purpose(is_lead)),
            chosen=member.user.pk in chosen,
        )
    if case.is_open and case.lead is not None and case.lead.pk not in rows:
        rows[case.lead.pk] = PurposeRow(
            user=case.lead,
            role="Lead professional",
            is_lead=True,
            purpose=chosen.get(case.lead.pk, default_purpose(True)),
            chosen=case.lead.pk in chosen,
        )
    return list(rows.values())


def _is_staff(user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def still_visible(notices: QuerySet[Notice], user: User, on: datetime.date) -> QuerySet[Notice]:
    """The notices whose pupil's casework the user may still see (a notice is about a
    case), and, for those who see a case only through its team, whose case they are
    still on."""
    pupil_ids = list(notices.values_list("pupil_id", flat=True).distinct())
    if not pupil_ids:
        return notices.none()
    seen = visible_among(user, pupil_ids, on, section=Section.CASEWORK)
    notices = notices.filter(pupil_id__in=sorted(seen))
    if seen and not _is_staff(user):
        on_team = CaseMember.objects.filter(case=OuterRef("case"), user=user, starts_on__lte=on)
        on_team = on_team.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        notices = notices.filter(
            Q(case__lead=user, case__status=Case.Status.OPEN) | Q(Exists(on_team))
        )
    return notices


def visible_notices(user: User, on: datetime.date | None = None) -> QuerySet[Notice]:
    """The user's notices they may still see: unread first, then newest first."""
    on = on or timezone.localdate()
    notices = still_visible(Notice.objects.filter(recipient=user), user, on)
    unread_first = CaseExpression(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        notices.annotate(read_order=unread_first)
        .order_by("read_order", "-created_at", "-pk")
        .select_related("case", "pupil", "by")
    )


def unread_count(user: User, on: datetime.date | None = None) -> int:
    """How many of the user's notices are unread, of those they may still see: one query
    when there are none."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    return still_visible(unread, user, on or timezone.localdate()).count()


def notice_for_user(user: User, notice_uuid: uuid_module.UUID | str) -> Notice:
    """One of the user's notices they may still see; 404 otherwise."""
    notice = visible_notices(user).filter(uuid=notice_uuid).first()
    if notice is None:
        raise Http404("No such notice")
    return notice


def pending_by_recipient(rhythm: str) -> dict[User, list[Notice]]:
    """Notices waiting for a digest, by recipient, for users whose rhythm is this one."""
    users = NoticePreference.objects.filter(rhythm=rhythm).values("user_id")
    waiting = (
        Notice.objects.filter(email=Notice.Email.PENDING, recipient_id__in=users)
        .select_related("recipient", "case")
        .order_by("recipient_id", "created_at", "pk")
    )
    grouped: dict[User, list[Notice]] = {}
    for notice in waiting:
        grouped.setdefault(notice.recipient, []).append(notice)
    return grouped
