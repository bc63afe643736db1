"""Builders for privacy tests: data protection leads, break-glass uses, a second
partnership that must learn nothing of the first."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
import time_machine
from django.utils import timezone

from knotwork.accounts.models import Role, User
from knotwork.core.testing import (
    PASSWORD,
    make_local_authority,
    make_pupil,
    make_setting,
    make_user,
)
from knotwork.directory.models import Partnership, PartnershipMember, Setting
from knotwork.privacy.models import BreakGlass, DataProtectionLead
from knotwork.pupils.models import Pupil

LONDON = zoneinfo.ZoneInfo("Europe/London")
#: A Tuesday morning in the autumn term 2026.
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


@pytest.fixture
def now():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield NOW


def make_lead(partnership: Partnership, username: str = "dpo", **overrides: object) -> User:
    """A user named the partnership's data protection lead since September 2025."""
    starts_on = overrides.pop("starts_on", datetime.date(2025, 9, 1))
    ends_on = overrides.pop("ends_on", None)
    user = make_user(username, email=f"{username}@example.org", first_name="Dana", **overrides)
    DataProtectionLead.objects.create(
        partnership=partnership, user=user, starts_on=starts_on, ends_on=ends_on
    )
    return user


def make_break_glass(
    user: User,
    pupil: Pupil,
    partnership: Partnership,
    *,
    opened_at: datetime.datetime | None = None,
    hours: int = 24,
    reason: str = "Disclosure at the bus stop; need the contacts.",
) -> BreakGlass:
    opened_at = opened_at or timezone.now()
    return BreakGlass.objects.create(
        user=user,
        pupil=pupil,
        partnership=partnership,
        reason=reason,
        opened_at=opened_at,
        ends_at=opened_at + datetime.timedelta(hours=hours),
    )


@dataclass
class Elsewhere:
    """Another partnership: its school, a pupil there, a member of staff and its lead."""

    partnership: Partnership
    school: Setting
    pupil: Pupil
    staff: User
    lead: User


def make_elsewhere() -> Elsewhere:
    la = make_local_authority()
    school = make_setting(name="Coastway College")
    partnership = Partnership.objects.create(
        name="West Fen Partnership", local_authority=la, meeting_frequency="termly"
    )
    PartnershipMember.objects.create(
        partnership=partnership,
        organisation=school,
        representative_name="C Representative",
        representative_role="Head",
        joined_on=datetime.date(2024, 9, 1),
    )
    return Elsewhere(
        partnership=partnership,
        school=school,
        pupil=make_pupil(setting=school, legal_forename="Cara", legal_surname="Cole"),
        staff=make_user("westfen", role=Role.SCHOOL_STAFF, organisation=school, can_edit=True),
        lead=make_lead(partnership, "westfen_dpo"),
    )


def signed_in(client, username: str):  # type: ignore[no-untyped-def]
    assert client.login(username=username, password=PASSWORD)
    return client
