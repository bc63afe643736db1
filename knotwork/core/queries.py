"""What the home page shows each user, from their memberships."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from knotwork.accounts.models import Membership, Role, User
from knotwork.directory.models import Partnership, Setting
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES
from knotwork.pupils.models import Pupil


@dataclass
class HomeSection:
    membership: Membership
    settings: list[Setting] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    linked_pupils: list[Pupil] = field(default_factory=list)


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
        section = HomeSection(membership=membership)
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
