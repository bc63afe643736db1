"""A hand-built tracking grid: pupil A with a live team member from CAMHS, an ended one
from family support and a referral waiting at the youth service; pupil B (Year 10, at
School B) with a referral to CAMHS not yet answered. Built through the services, on the
days the comments name; the tests run on Tuesday 24 November 2026."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

import time_machine

from knotwork.accounts.models import Role, User
from knotwork.casework.case_models import Case, CaseMember
from knotwork.casework.case_services import case_member_add, case_member_end, case_open
from knotwork.casework.models import AgencyService, Referral
from knotwork.casework.referral_services import referral_accept, referral_send, referral_wait
from knotwork.casework.tests.referral_helpers import make_service
from knotwork.core.testing import Cast, make_agency, make_user
from knotwork.directory.models import Agency, PartnershipMember, Setting
from knotwork.pupils.models import Pupil

LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()

CAMHS = "Child and Adolescent Mental Health Service"
FAMILY = "Family Support Service"
YOUTH = "Youth Service"


@dataclass
class GridFixture:
    family: Agency
    youth: Agency
    youth_worker: User
    case: Case
    therapist: CaseMember
    family_worker: CaseMember
    waiting: Referral
    sent: Referral


def at(day: datetime.date) -> time_machine.travel:
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), LONDON), tick=False)


def join(cast: Cast, agency: Agency) -> None:
    PartnershipMember.objects.create(
        partnership=cast.partnership,
        organisation=agency,
        representative_name="A Representative",
        representative_role="Lead",
        joined_on=datetime.date(2024, 9, 1),
    )


def build_grid(cast: Cast) -> GridFixture:
    family = make_agency(
        name=FAMILY,
        agency_type=Agency.Type.VOLUNTARY,
        contact_name="Pat Okafor",
        phone="01632 960001",
    )
    youth = make_agency(name=YOUTH, agency_type=Agency.Type.YOUTH_SERVICE)
    join(cast, family)
    join(cast, youth)
    Pupil.objects.filter(pk=cast.pupil_b.pk).update(date_of_birth=datetime.date(2012, 1, 1))
    youth_worker = make_user(
        "youth_worker",
        role=Role.AGENCY_PRACTITIONER,
        organisation=youth,
        can_edit=True,
        first_name="Yusuf",
        last_name="Ali",
    )
    with at(datetime.date(2026, 10, 5)):
        case = case_open(
            actor=cast.officer,
            pupil=cast.pupil_a,
            setting=cast.school_a,
            opened_on=datetime.date(2026, 10, 5),
            lead=cast.officer,
            lawful_basis="public_task",
        )
    with at(datetime.date(2026, 10, 12)):
        therapist = case_member_add(
            actor=cast.officer,
            case=case,
            role="Therapist",
            starts_on=datetime.date(2026, 10, 12),
            user=cast.caseworker,
        )
        family_worker = case_member_add(
            actor=cast.officer,
            case=case,
            role="Family support",
            starts_on=datetime.date(2026, 10, 12),
            name="Dee Evans",
            organisation=family,
        )
    with at(datetime.date(2026, 11, 6)):
        case_member_end(
            actor=cast.officer, case=case, member=family_worker, ends_on=datetime.date(2026, 11, 6)
        )
    mentoring = make_service(youth, name="Mentoring")
    with at(datetime.date(2026, 11, 2)):
        waiting = send_referral(cast, cast.pupil_a, cast.school_a, cast.officer, mentoring)
    with at(datetime.date(2026, 11, 3)):
        waiting = referral_accept(
            actor=youth_worker, referral=waiting, expected_version=1, assigned_to=youth_worker
        )
        waiting = referral_wait(
            actor=youth_worker, referral=waiting, expected_version=waiting.version
        )
    with at(datetime.date(2026, 11, 20)):
        sent = send_referral(
            cast, cast.pupil_b, cast.school_b, cast.outsider, make_service(cast.camhs)
        )
    family_worker.refresh_from_db()
    return GridFixture(family, youth, youth_worker, case, therapist, family_worker, waiting, sent)


def send_referral(
    cast: Cast, pupil: Pupil, school: Setting, by: User, service: AgencyService
) -> Referral:
    return referral_send(
        actor=by,
        pupil=pupil,
        from_organisation=school,
        service=service,
        reason="Needs help beyond what school can give.",
        lawful_basis="public_task",
        basis_decided_by=by,
    )
