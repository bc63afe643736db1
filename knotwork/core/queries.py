"""What the home page shows each user, from their memberships."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework.case_queries import LEAD_ROLES
from knotwork.casework.grid_queries import GRID_ROLES
from knotwork.casework.referral_access import PANEL_ROLES, RECEIVING_KINDS
from knotwork.casework.waiting_queries import WAITING_ROLES
from knotwork.directory.models import Partnership, Setting
from knotwork.privacy.queries import led_partnership_ids
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES
from knotwork.pupils.models import Pupil


@dataclass(frozen=True)
class HomeLink:
    label: str
    url: str


@dataclass
class HomeSection:
    membership: Membership
    settings: list[Setting] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    linked_pupils: list[Pupil] = field(default_factory=list)
    links: list[HomeLink] = field(default_factory=list)


def casework_links(membership: Membership) -> list[HomeLink]:
    """The casework pages a membership's role may use (a setting's concern worklist is
    linked from its row)."""
    role = membership.role
    links = []
    receives = membership.organisation.kind in RECEIVING_KINDS or role in PANEL_ROLES
    if receives and role != Role.BOARD_MEMBER:
        links.append(HomeLink("Referrals received", reverse("casework:referral-inbox")))
    if role in LEAD_ROLES:
        links.append(HomeLink("My caseload", reverse("casework:caseload")))
    if role in GRID_ROLES:
        links.append(HomeLink("Multi-agency tracking grid", reverse("casework:grid")))
    if role in WAITING_ROLES:
        links.append(HomeLink("Referral waiting times", reverse("casework:referral-waiting")))
    return links


def privacy_links(user: User, memberships: list[Membership], on: datetime.date) -> list[HomeLink]:
    """Data protection: the lead's report, view log and export; breaking glass for
    everyone who works with pupils (never board members)."""
    links = []
    if led_partnership_ids(user, on):
        links.append(HomeLink("Break-glass uses to review", reverse("privacy:report")))
        links.append(
            HomeLink("A pupil's view log and subject access export", reverse("privacy:pupil-find"))
        )
    if any(m.role != Role.BOARD_MEMBER for m in memberships):
        links.append(
            HomeLink("Break glass: open a record in an emergency", reverse("privacy:break-glass"))
        )
    return links


def _settings_with_roll(setting_filter: Q, on: datetime.date) -> list[Setting]:
    on_roll = Q(enrolments__start_date__lte=on) & (
        Q(enrolments__end_date__isnull=True) | Q(enrolments__end_date__gte=on)
    )
    return list(
        Setting.objects.filter(setting_filter)
        .annotate(on_roll=Count("enrolments", filter=on_roll))
        .order_by("name")
    )


def home_sections(user: User, on: datetime.date) -> list[HomeSection]:
    sections = []
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    for membership in memberships:
        section = HomeSection(membership=membership, links=casework_links(membership))
        partnerships = Partnership.objects.filter(
            memberships__organisation_id=membership.organisation_id
        ).select_related("local_authority")
        section.partnerships = list(partnerships)
        if membership.role in SETTING_ROLES:
            section.settings = _settings_with_roll(Q(pk=membership.organisation_id), on)
        elif membership.role in PARTNERSHIP_ROLES or membership.role == Role.BOARD_MEMBER:
            section.settings = _settings_with_roll(
                Q(partnership_memberships__partnership__in=partnerships), on
            )
        elif membership.role == Role.AGENCY_PRACTITIONER:
            section.linked_pupils = list(
                Pupil.objects.filter(
                    Q(links__ends_on__isnull=True) | Q(links__ends_on__gte=on),
                    links__user=user,
                    links__starts_on__lte=on,
                ).distinct()
            )
        sections.append(section)
    return sections
