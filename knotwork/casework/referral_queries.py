"""What the referral pages read: an organisation's inbox with its days waiting, one
referral with its timeline, a setting's referrals sent, and where a referral may go."""

from __future__ import annotations

import csv
import datetime
import io
import uuid as uuid_module
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.casework import referral_rules
from knotwork.casework.models import AgencyService, Referral, ReferralEvent
from knotwork.casework.referral_access import (
    PANEL_ROLES,
    SENDING_ROLES,
    Desk,
    ReferralRights,
    desk_of,
    referral_rights,
)
from knotwork.directory.models import Organisation, Partnership, PartnershipMember, Setting
from knotwork.pupils.access import may_enrol_at, visible_among
from knotwork.pupils.models import Enrolment, Pupil

Date = datetime.date


def _with_joins(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related(
        "pupil", "from_organisation", "to_organisation", "service", "panel", "assigned_to"
    )


@dataclass(frozen=True)
class Row:
    """A referral as a list shows it, with its wait worked out."""

    referral: Referral
    days_waiting: int
    overdue: bool
    year: int

    @property
    def destination(self) -> str:
        r = self.referral
        if r.service is not None and r.to_organisation is not None:
            return f"{r.to_organisation.name}: {r.service.name}"
        return f"{r.panel.name} panel" if r.panel is not None else ""


def row_of(referral: Referral, today: Date) -> Row:
    sent_on = timezone.localdate(referral.sent_at)
    answered = timezone.localdate(referral.answered_at) if referral.answered_at else today
    target = referral.service.target_days if referral.service is not None else None
    return Row(
        referral=referral,
        days_waiting=referral_rules.days_waited(sent_on, answered),
        overdue=referral_rules.is_overdue(
            status=referral.status, sent_on=sent_on, today=today, target_days=target
        ),
        year=referral.pupil.year_group(today),
    )


# --- The inbox ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboxFilters:
    show: str = "open"
    urgency: str = ""
    service: AgencyService | None = None
    overdue: bool = False


def inbox_services(desk: Desk) -> list[AgencyService]:
    return list(AgencyService.objects.filter(organisation_id__in=sorted(desk.organisation_ids)))


def inbox(user: User, filters: InboxFilters, today: Date) -> list[Row]:
    """Referrals to the user's organisations and panels: open ones first (the longest
    waiting first), then the rest, newest first."""
    desk = desk_of(user)
    if desk.empty:
        return []
    referrals = Referral.objects.filter(desk.received())
    if filters.show == "open":
        referrals = referrals.filter(status__in=Referral.OPEN)
    elif filters.show in Referral.Status.values:
        referrals = referrals.filter(status=filters.show)
    if filters.urgency:
        referrals = referrals.filter(urgency=filters.urgency)
    if filters.service is not None:
        referrals = referrals.filter(service=filters.service)
    if filters.overdue:
        referrals = referrals.filter(status=Referral.Status.SENT, service__isnull=False)
    rows = [row_of(r, today) for r in _with_joins(referrals)]
    open_rows = sorted((r for r in rows if r.referral.status in Referral.OPEN), key=_oldest)
    others = sorted((r for r in rows if r.referral.status not in Referral.OPEN), key=_newest)
    found = open_rows + others
    return [r for r in found if r.overdue] if filters.overdue else found


def _oldest(row: Row) -> tuple[datetime.datetime, int]:
    return (row.referral.sent_at, row.referral.pk)


def _newest(row: Row) -> tuple[float, int]:
    return (-row.referral.sent_at.timestamp(), -row.referral.pk)


INBOX_HEADER = [
    "Sent",
    "Pupil",
    "Year",
    "From",
    "To",
    "Urgency",
    "Status",
    "Days waiting",
    "Past the target",
]


def inbox_csv(rows: Sequence[Row]) -> str:
    """The inbox as CSV, with a byte order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(INBOX_HEADER)
    for row in rows:
        r = row.referral
        writer.writerow(
            [
                f"{timezone.localtime(r.sent_at):%Y-%m-%d}",
                _safe(r.pupil.display_name),
                row.year,
                _safe(r.from_organisation.name),
                _safe(row.destination),
                r.get_urgency_display(),
                r.get_status_display(),
                row.days_waiting,
                "yes" if row.overdue else "",
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


# --- One referral -------------------------------------------------------------------------------


def referral_for_user(
    user: User, referral_uuid: uuid_module.UUID | str
) -> tuple[Referral, ReferralRights]:
    """The referral and what the user may do with it; 404 when they may not see it."""
    referral = _with_joins(Referral.objects.filter(uuid=referral_uuid)).first()
    if referral is None:
        raise Http404("No such referral")
    rights = referral_rights(user, referral)
    if not rights.sees:
        raise Http404("No such referral")
    return referral, rights


def timeline(referral: Referral) -> list[ReferralEvent]:
    return list(referral.events.select_related("by"))


# --- A setting's referrals ----------------------------------------------------------------------


def sent_by_setting(user: User, setting: Setting, today: Date) -> list[Row]:
    """Referrals the setting sent, of pupils the user sees, newest first."""
    referrals = list(_with_joins(Referral.objects.filter(from_organisation=setting)))
    seen = visible_among(user, [r.pupil_id for r in referrals], today)
    return [row_of(r, today) for r in referrals if r.pupil_id in seen]


def may_see_setting_referrals(user: User, setting: Setting) -> bool:
    """Staff of the setting and those who work across its partnership."""
    memberships = Membership.objects.filter(user=user, role__in=sorted(SENDING_ROLES))
    if memberships.filter(organisation=setting).exists():
        return True
    partnerships = PartnershipMember.objects.filter(organisation=setting).values("partnership_id")
    return memberships.filter(
        role__in=sorted(PANEL_ROLES),
        organisation__partnership_memberships__partnership_id__in=partnerships,
    ).exists()


# --- Sending ------------------------------------------------------------------------------------


def referring_organisations(user: User, pupil: Pupil, today: Date) -> list[Organisation]:
    """What the user may refer the pupil for: settings the pupil is on roll at where the
    user changes records, and the organisations they coordinate the partnership from."""
    settings = Setting.objects.filter(
        pk__in=Enrolment.objects.current(today).filter(pupil=pupil).values("setting_id")
    )
    found: list[Organisation] = [s for s in settings if may_enrol_at(user, s)]
    coordinating = Organisation.objects.filter(
        staff__user=user, staff__role__in=sorted(PANEL_ROLES), staff__can_edit=True
    )
    return found + [o for o in coordinating if o.pk not in {f.pk for f in found}]


def destinations(organisations: Sequence[Organisation]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The services of the partnerships' agencies and LA services, grouped by organisation
    (with the outcomes an agency serves), then the partnership panels."""
    partnership_ids = PartnershipMember.objects.filter(
        organisation__in=[o.pk for o in organisations]
    ).values("partnership_id")
    services = (
        AgencyService.objects.filter(
            active=True,
            organisation__partnership_memberships__partnership_id__in=partnership_ids,
        )
        .exclude(organisation__kind=Organisation.Kind.SETTING)
        .select_related("organisation", "organisation__agency")
        .prefetch_related("organisation__agency__outcomes")
        .distinct()
        .order_by("organisation__name", "name")
    )
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for service in services:
        org = service.organisation
        label = org.name
        agency = getattr(org, "agency", None)
        if agency is not None:
            outcomes = ", ".join(o.name for o in agency.outcomes.all())
            label = f"{org.name} ({outcomes})" if outcomes else org.name
        groups.setdefault(org.pk, (label, []))[1].append(
            (
                f"service:{service.uuid}",
                f"{service.name} (answers within {service.target_days} days)",
            )
        )
    panels = Partnership.objects.filter(pk__in=partnership_ids).order_by("name")
    found = list(groups.values())
    if any(o.kind == Organisation.Kind.SETTING for o in organisations):
        found.append(
            ("The partnership panel", [(f"panel:{p.uuid}", f"{p.name} panel") for p in panels])
        )
    return found


def deciders(organisations: Sequence[Organisation]) -> list[User]:
    """Who may have decided to share: staff of the referring organisations."""
    return list(
        User.objects.filter(
            memberships__organisation__in=[o.pk for o in organisations],
            memberships__role__in=sorted(SENDING_ROLES),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def referrals_for_pupil(pupil: Pupil) -> QuerySet[Referral]:
    return _with_joins(Referral.objects.filter(pupil=pupil))
