"""A partnership with an alternative provider and a PRU, their staff, and a clock on a
Tuesday in the test calendar's autumn term (2026/27)."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine

from knotwork.accounts.models import Role
from knotwork.core.testing import make_setting, make_user
from knotwork.directory.models import PartnershipMember, Setting
from knotwork.placements.provision_models import ProviderProfile

TODAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


def join(partnership, organisation):
    PartnershipMember.objects.create(
        partnership=partnership,
        organisation=organisation,
        representative_name="A Representative",
        representative_role="Manager",
        joined_on=datetime.date(2024, 9, 1),
    )


@pytest.fixture(name="world")
def provision_world(cast):
    """Riverside AP (checked this term) and the Bridge PRU (never checked), both in the
    cast's partnership; Priya edits at Riverside, Rhys reads there."""
    ap = make_setting(name="Riverside Alternative Provision", setting_type=Setting.Type.AP)
    pru = make_setting(name="The Bridge Short Stay School", setting_type=Setting.Type.PRU)
    for s in (ap, pru):
        join(cast.partnership, s)
    riverside = ProviderProfile.objects.create(
        setting=ap,
        registration=ProviderProfile.Registration.INDEPENDENT,
        ofsted=ProviderProfile.Ofsted.GOOD,
        safeguarding_checked_on=datetime.date(2026, 9, 14),
        last_reviewed_on=datetime.date(2026, 10, 5),
        cost_per_day=Decimal("95.00"),
    )
    bridge = ProviderProfile.objects.create(
        setting=pru,
        registration=ProviderProfile.Registration.PRU,
        ofsted=ProviderProfile.Ofsted.REQUIRES_IMPROVEMENT,
        cost_per_day=Decimal("120.00"),
    )
    found = SimpleNamespace(
        cast=cast,
        ap=ap,
        pru=pru,
        riverside=riverside,
        bridge=bridge,
        tutor=make_user(
            "tutor", role=Role.SCHOOL_STAFF, organisation=ap, can_edit=True, first_name="Priya"
        ),
        reader=make_user("reader", role=Role.SCHOOL_STAFF, organisation=ap, first_name="Rhys"),
    )
    with time_machine.travel(NOW, tick=False):
        yield found


def place(world, **overrides):
    """Amira placed at Riverside by the officer from 9 November, mornings only."""
    from knotwork.placements.provision_services import provision_place

    values = {
        "actor": world.cast.officer,
        "pupil": world.cast.pupil_a,
        "provider": world.riverside,
        "kind": "ap",
        "starts_on": datetime.date(2026, 11, 9),
        "timetable": "PS" * 5,
        "planned_reintegration_on": datetime.date(2027, 3, 1),
    }
    values.update(overrides)
    return provision_place(**values)
