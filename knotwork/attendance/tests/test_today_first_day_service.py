"""First-day contact rules: whom to call, on which number, and recording the call."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.attendance.first_day import (
    contact_detail,
    first_day_contact_record,
    preferred_contact,
)
from knotwork.attendance.models import FirstDayContact
from knotwork.core.models import AuditEntry
from knotwork.pupils.models import Contact

MONDAY = datetime.date(2026, 11, 23)


def a_contact(**values):
    defaults = {"name": "A Parent", "relationship": "Mother", "preferred_channel": "phone"}
    defaults.update(values)
    return Contact(**defaults)


def test_the_preferred_contact_is_the_first_by_priority_with_parental_responsibility():
    carer = a_contact(name="Aunt", priority=1, parental_responsibility=False)
    second = a_contact(name="Dad", priority=3, parental_responsibility=True)
    first = a_contact(name="Mum", priority=2, parental_responsibility=True)
    assert preferred_contact([carer, second, first]) is first
    assert preferred_contact([carer]) is None


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("phone", "07700 900123"),
        ("text", "07700 900123"),
        ("email", "mum@example.org"),
        ("letter", "1 High Street, Eastmarsh"),
    ],
)
def test_the_detail_shown_matches_the_preferred_channel(channel, expected):
    contact = a_contact(
        preferred_channel=channel,
        phone="07700 900123",
        email="mum@example.org",
        address="1 High Street\nEastmarsh",
    )
    assert contact_detail(contact) == expected


def test_a_missing_detail_falls_back_to_the_phone():
    assert contact_detail(a_contact(preferred_channel="email", phone="01234 567890")) == (
        "01234 567890"
    )


@pytest.mark.django_db
def test_recording_a_call_needs_edit_access_and_the_pupil_on_roll(cast):
    common = {"pupil": cast.pupil_a, "day": MONDAY, "outcome": "no_answer", "today": MONDAY}
    with pytest.raises(PermissionDenied):
        first_day_contact_record(actor=cast.head_of_year, setting=cast.school_a, **common)
    with pytest.raises(ValidationError):
        first_day_contact_record(actor=cast.coordinator, setting=cast.school_b, **common)
    with pytest.raises(ValidationError):
        first_day_contact_record(
            actor=cast.officer, setting=cast.school_a, **{**common, "outcome": "maybe"}
        )
    assert not FirstDayContact.objects.exists()
    record = first_day_contact_record(actor=cast.officer, setting=cast.school_a, **common)
    assert record.contact is None and record.channel == ""  # no contact on file
    assert AuditEntry.objects.filter(action="create", pupil=cast.pupil_a).count() == 1
