"""What the consent and sharing pages read, and who may see and record them.

The page of a pupil's consents and sharing decisions is for staff who see the pupil's
record through their setting or partnership (``pupils.access``); a practitioner who
sees the pupil through a link gets a 404, as for a pupil they cannot see: which other
organisations a family has agreed to share with is not theirs to know. Recording and
withdrawing need edit rights over the pupil.
"""

from __future__ import annotations

import datetime
import uuid as uuid_module
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.casework.consent_models import ConsentRecord, Section, SharingDecision
from knotwork.casework.consent_rules import State, consent_state, decision_state
from knotwork.directory.models import Organisation, PartnershipMember
from knotwork.pupils.access import (
    PARTNERSHIP_ROLES,
    SETTING_ROLES,
    Access,
    pupil_access,
    pupil_sections,
)
from knotwork.pupils.models import Enrolment, Pupil, PupilLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

#: Organisations consent is given to and sharing decided for.
SHARED_WITH_KINDS = (Organisation.Kind.AGENCY, Organisation.Kind.LA_SERVICE)
STAFF_ROLES = sorted(SETTING_ROLES | PARTNERSHIP_ROLES)


def may_see_sharing(user: User | AnonymousUser, pupil: Pupil, on: datetime.date) -> bool:
    """Staff who see the pupil's whole record through their setting or partnership."""
    if not user.is_authenticated:
        return False
    staff = Membership.objects.filter(user_id=user.pk, role__in=STAFF_ROLES).exists()
    return staff and pupil_access(user, pupil, on) >= Access.READ


def sharing_pupil_for_user(
    user: User | AnonymousUser, pupil: Pupil, *, write: bool = False
) -> None:
    """404 unless the user may see the pupil's sharing; 403 when they may not change it."""
    today = timezone.localdate()
    if not may_see_sharing(user, pupil, today):
        raise Http404("No such pupil")
    if write and pupil_access(user, pupil, today) < Access.EDIT:
        raise PermissionDenied("You may see this pupil's consents but not change them.")


def consent_for_user(
    user: User | AnonymousUser, consent_uuid: uuid_module.UUID | str, *, write: bool = False
) -> ConsentRecord:
    """The consent if the user may see its pupil's sharing: 404 when not, 403 to write
    without edit rights."""
    consent = (
        ConsentRecord.objects.filter(uuid=consent_uuid)
        .select_related("pupil", "organisation")
        .first()
    )
    if consent is None:
        raise Http404("No such consent")
    sharing_pupil_for_user(user, consent.pupil, write=write)
    return consent


def organisations_for(pupil: Pupil, on: datetime.date) -> QuerySet[Organisation]:
    """Agencies and local authority services in the partnerships of the pupil's settings."""
    settings = Enrolment.objects.current(on).filter(pupil=pupil).values("setting_id")
    partnerships = PartnershipMember.objects.filter(organisation_id__in=settings).values(
        "partnership_id"
    )
    members = PartnershipMember.objects.filter(partnership_id__in=partnerships).values(
        "organisation_id"
    )
    return Organisation.objects.filter(pk__in=members, kind__in=SHARED_WITH_KINDS).order_by("name")


def deciders(pupil: Pupil, on: datetime.date) -> QuerySet[User]:
    """Who may decide to share without consent: those who may change the pupil's record
    through their setting or partnership (the DSL among them)."""
    settings = list(
        Enrolment.objects.current(on).filter(pupil=pupil).values_list("setting_id", flat=True)
    )
    partnership_orgs = PartnershipMember.objects.filter(
        partnership__memberships__organisation_id__in=settings
    ).values("organisation_id")
    memberships = Membership.objects.filter(can_edit=True).filter(
        Q(organisation_id__in=settings, role__in=sorted(SETTING_ROLES))
        | Q(organisation_id__in=partnership_orgs, role__in=sorted(PARTNERSHIP_ROLES))
    )
    return (
        User.objects.filter(pk__in=memberships.values("user_id"), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@dataclass(frozen=True)
class ConsentRow:
    consent: ConsentRecord
    state: State


@dataclass(frozen=True)
class DecisionRow:
    decision: SharingDecision
    state: State


@dataclass(frozen=True)
class LinkRow:
    """A practitioner linked to the pupil today, and what their link opens."""

    link: PupilLink
    sections: list[str]


@dataclass(frozen=True)
class SharingPage:
    consents: list[ConsentRow]
    decisions: list[DecisionRow]
    links: list[LinkRow]


def sharing_page(pupil: Pupil, today: datetime.date) -> SharingPage:
    """The pupil's consents and decisions, newest first, each with how it stands today,
    and who is linked to the pupil today with the sections their link opens."""
    consents = ConsentRecord.objects.filter(pupil=pupil).select_related(
        "organisation", "recorded_by", "withdrawal_recorded_by"
    )
    decisions = SharingDecision.objects.filter(pupil=pupil).select_related(
        "organisation", "decided_by", "recorded_by"
    )
    links = PupilLink.objects.current(today).filter(pupil=pupil).select_related("user")
    labels = dict(Section.choices)
    return SharingPage(
        consents=[
            ConsentRow(
                c,
                consent_state(
                    given_on=c.given_on,
                    expires_on=c.expires_on,
                    withdrawn_on=c.withdrawn_on,
                    on=today,
                ),
            )
            for c in consents
        ],
        decisions=[
            DecisionRow(d, decision_state(starts_on=d.starts_on, ends_on=d.ends_on, on=today))
            for d in decisions
        ],
        links=[
            LinkRow(
                link,
                [labels[s] for s in labels if s in pupil_sections(link.user, pupil, today)],
            )
            for link in links
        ],
    )
