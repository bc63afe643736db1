"""Builders for the consent tests: a consent or a decision to share, straight into the
database (the services are tested on their own), and a day to test on."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine

from knotwork.accounts.models import User
from knotwork.casework.consent_models import ConsentRecord, SharingDecision
from knotwork.directory.models import Organisation
from knotwork.pupils.models import Pupil

#: Tuesday in the second half of the autumn term 2026.
NOW = datetime.datetime(2026, 11, 24, 10, 0)
TODAY = NOW.date()
ALL = ("attendance", "behaviour", "casework")


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield TODAY


def flags(sections: tuple[str, ...]) -> dict[str, bool]:
    return {f"shares_{s}": s in sections for s in ALL}


def make_consent(
    pupil: Pupil,
    organisation: Organisation,
    recorded_by: User,
    sections: tuple[str, ...] = ALL,
    **overrides: Any,
) -> ConsentRecord:
    values: dict[str, Any] = {
        "given_by": ConsentRecord.GivenBy.PARENT,
        "given_by_name": "Pat Parent",
        "given_on": datetime.date(2026, 9, 7),
    }
    values.update(overrides)
    return ConsentRecord.objects.create(
        pupil=pupil, organisation=organisation, recorded_by=recorded_by, **flags(sections), **values
    )


def make_decision(
    pupil: Pupil,
    organisation: Organisation,
    decided_by: User,
    sections: tuple[str, ...] = ALL,
    **overrides: Any,
) -> SharingDecision:
    values: dict[str, Any] = {
        "lawful_basis": "public_task",
        "special_condition": "sch1_18",
        "decided_by_role": "Designated safeguarding lead",
        "reason": "Risk of harm at home reported by the child.",
        "starts_on": datetime.date(2026, 11, 2),
        "ends_on": datetime.date(2027, 2, 12),
    }
    values.update(overrides)
    return SharingDecision.objects.create(
        pupil=pupil,
        organisation=organisation,
        decided_by=decided_by,
        recorded_by=decided_by,
        **flags(sections),
        **values,
    )
