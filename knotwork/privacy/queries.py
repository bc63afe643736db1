"""What the privacy pages read: whose data protection lead a user is, which pupils a
partnership holds, the break-glass report and the view log of a pupil."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership
from knotwork.privacy.models import BreakGlass, DataProtectionLead
from knotwork.pupils.models import Pupil


def led_partnership_ids(user: User, on: datetime.date) -> list[int]:
    """The partnerships the user is the data protection lead of on the day."""
    if not user.is_authenticated or not user.is_active:
        return []
    return list(
        DataProtectionLead.objects.current(on)
        .filter(user=user)
        .values_list("partnership_id", flat=True)
        .distinct()
    )


def partnership_pupils(partnership_ids: list[int]) -> QuerySet[Pupil]:
    """Pupils a partnership holds a record of: ever on roll at one of its settings."""
    return Pupil.objects.filter(
        enrolments__setting__partnership_memberships__partnership_id__in=partnership_ids
    ).distinct()


def pupil_for_lead(user: User, pupil_uuid: uuid_module.UUID | str, on: datetime.date) -> Pupil:
    """A pupil of a partnership the user is the data protection lead of; 404 otherwise
    (the lead of another partnership learns nothing)."""
    pupil = partnership_pupils(led_partnership_ids(user, on)).filter(uuid=pupil_uuid).first()
    if pupil is None:
        raise Http404("No such pupil")
    return pupil


def pupil_by_upn_for_lead(user: User, upn: str, on: datetime.date) -> Pupil | None:
    return partnership_pupils(led_partnership_ids(user, on)).filter(upn=upn).first()


# --- break glass ----------------------------------------------------------------------------


def break_glass_partnership(user: User, pupil: Pupil) -> Partnership | None:
    """The partnership a break-glass use would be reported to: one that both an
    organisation the user works in (other than as a board member) and a setting the
    pupil has been on roll at belong to. None when there is none: the user may not
    break glass for this pupil."""
    organisations = (
        Membership.objects.filter(user=user)
        .exclude(role=Role.BOARD_MEMBER)
        .values("organisation_id")
    )
    return (
        Partnership.objects.filter(memberships__organisation_id__in=organisations)
        .filter(memberships__organisation__setting__enrolments__pupil=pupil)
        .order_by("name", "pk")
        .first()
    )


def only_a_board_member(user: User) -> bool:
    """Board members see no individual pupil and may never break glass."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return roles == {Role.BOARD_MEMBER}


def open_break_glass_for_user(user: User, break_glass_uuid: uuid_module.UUID | str) -> BreakGlass:
    """The user's own break-glass use while its window is open; 404 otherwise."""
    found = (
        BreakGlass.objects.open_at(timezone.now())
        .filter(uuid=break_glass_uuid, user=user)
        .select_related("pupil")
        .first()
    )
    if found is None:
        raise Http404("No such record")
    return found


def break_glass_uses_reported(user: User, on: datetime.date) -> QuerySet[BreakGlass]:
    """Break-glass uses reported to the user as data protection lead: unreviewed first,
    newest first within each."""
    memberships = Prefetch(
        "user__memberships", queryset=Membership.objects.select_related("organisation")
    )
    return (
        BreakGlass.objects.filter(partnership_id__in=led_partnership_ids(user, on))
        .annotate(
            reviewed=ExpressionWrapper(Q(reviewed_at__isnull=False), output_field=BooleanField())
        )
        .select_related("user", "pupil", "partnership", "reviewed_by")
        .prefetch_related(memberships)
        .order_by("reviewed", "-opened_at", "-pk")
    )


def break_glass_for_lead(
    user: User, break_glass_uuid: uuid_module.UUID | str, on: datetime.date
) -> BreakGlass:
    """One use reported to the user as data protection lead; 404 for anyone else."""
    found = break_glass_uses_reported(user, on).filter(uuid=break_glass_uuid).first()
    if found is None:
        raise Http404("No such record")
    return found


# --- the view log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewLogFilters:
    since: datetime.date | None = None
    until: datetime.date | None = None
    action: str = ""


def view_log_entries(pupil: Pupil, filters: ViewLogFilters) -> QuerySet[AuditEntry]:
    """Every audit row about the pupil, newest first, with who acted and where they work."""
    entries = AuditEntry.objects.filter(pupil=pupil)
    tz = timezone.get_current_timezone()
    if filters.since is not None:
        start = datetime.datetime.combine(filters.since, datetime.time.min, tzinfo=tz)
        entries = entries.filter(at__gte=start)
    if filters.until is not None:
        after = filters.until + datetime.timedelta(days=1)
        entries = entries.filter(
            at__lt=datetime.datetime.combine(after, datetime.time.min, tzinfo=tz)
        )
    if filters.action:
        entries = entries.filter(action=filters.action)
    memberships = Prefetch(
        "actor__memberships", queryset=Membership.objects.select_related("organisation")
    )
    return entries.select_related("actor").prefetch_related(memberships).order_by("-at", "-id")


def organisations_of(user: User | None) -> str:
    """Where a user works, from memberships already fetched (``prefetch_related``)."""
    if user is None:
        return ""
    return ", ".join(sorted(m.organisation.name for m in user.memberships.all()))


def break_glass_candidate(user: User, upn: str) -> Pupil | None:
    """The pupil with this UPN if the user may break glass for them (or already sees
    them); None otherwise, whether or not the UPN exists."""
    pupil = Pupil.objects.filter(upn=upn).first()
    if pupil is None or break_glass_partnership(user, pupil) is None:
        return None
    return pupil


# --- for other pages of a pupil's record ----------------------------------------------------


def open_break_glass_on(user: User, pupil: Pupil) -> BreakGlass | None:
    """The user's open break-glass use for this pupil, if any: a page of the pupil's
    record shows ``privacy/_break_glass_banner.html`` with it (``use``)."""
    return (
        BreakGlass.objects.open_at(timezone.now())
        .filter(user=user, pupil=pupil)
        .order_by("-ends_at")
        .first()
    )


def leads_for_pupil(user: User, pupil: Pupil, on: datetime.date) -> bool:
    """Whether the user is the data protection lead of a partnership holding the pupil,
    so a page of the pupil's record may link to their view log and export."""
    ids = led_partnership_ids(user, on)
    return bool(ids) and partnership_pupils(ids).filter(pk=pupil.pk).exists()
