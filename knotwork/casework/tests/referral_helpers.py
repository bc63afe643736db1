"""Builders for the referral tests: services, an answering practitioner, a sent referral."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from knotwork.accounts.models import Role, User
from knotwork.casework.models import AgencyService, Referral
from knotwork.casework.referral_services import referral_accept, referral_send
from knotwork.core.testing import Cast, make_user
from knotwork.directory.models import Organisation

LONDON = zoneinfo.ZoneInfo("Europe/London")
#: A Monday morning in the autumn term, when the tests happen.
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()


def make_service(organisation: Organisation, **overrides: Any) -> AgencyService:
    values: dict[str, Any] = {"name": "Assessment", "target_days": 28}
    values.update(overrides)
    return AgencyService.objects.create(organisation=organisation, **values)


def make_lead(cast: Cast, username: str = "camhs_lead") -> User:
    """A CAMHS practitioner who may answer referrals (the cast's caseworker may not)."""
    return make_user(
        username,
        role=Role.AGENCY_PRACTITIONER,
        organisation=cast.camhs,
        can_edit=True,
        first_name="Leah",
    )


def send(cast: Cast, service: AgencyService | None = None, **overrides: Any) -> Referral:
    """A routine referral of pupil A from School A by the officer, to ``service`` (or the
    panel when none is given)."""
    values: dict[str, Any] = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "from_organisation": cast.school_a,
        "reason": "Low mood and missing mornings since half term.",
        "evidence": "Attendance 84% this half term; two meetings with parents.",
        "lawful_basis": "public_task",
        "basis_decided_by": cast.officer,
    }
    if service is not None:
        values["service"] = service
    else:
        values["panel"] = cast.partnership
    values.update(overrides)
    return referral_send(**values)


def accepted(cast: Cast, service: AgencyService, lead: User) -> Referral:
    referral = send(cast, service)
    return referral_accept(actor=lead, referral=referral, expected_version=1, assigned_to=lead)
