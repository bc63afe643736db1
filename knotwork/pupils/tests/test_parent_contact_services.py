"""Recording a contact with a parent or carer: edit rights over the pupil and the
setting's roll, one of the pupil's own contacts, not in the future, a note; audited."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.models import AuditEntry
from knotwork.pupils.models import Contact
from knotwork.pupils.parent_contact_models import ParentContact
from knotwork.pupils.parent_contact_services import parent_contact_record

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mum(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a, name="Mina Ahmed", relationship="Mother", preferred_channel="phone"
    )


def record(cast, mum, **overrides):
    values = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "contact": mum,
        "setting": cast.school_a,
        "channel": "phone",
        "direction": "to_parent",
        "at": NOW - datetime.timedelta(hours=1),
        "note": "  Called about the absence; ill, note to follow.  ",
    }
    values.update(overrides)
    return parent_contact_record(**values)


def test_it_records_the_contact_and_audits_it_without_the_note(cast, mum):
    row = record(cast, mum)
    assert (row.channel, row.direction, row.made_by, row.setting) == (
        "phone",
        "to_parent",
        cast.officer,
        cast.school_a,
    )
    assert row.note == "Called about the absence; ill, note to follow."
    audit = AuditEntry.objects.get(action="create", pupil=cast.pupil_a)
    assert (audit.what, audit.object_id) == ("parent contact recorded", str(row.uuid))


def test_the_read_only_and_outsiders_may_not_record(cast, mum):
    with pytest.raises(PermissionDenied):
        record(cast, mum, actor=cast.head_of_year)
    with pytest.raises(PermissionDenied):
        record(cast, mum, actor=cast.outsider)
    with pytest.raises(PermissionDenied):
        record(cast, mum, actor=cast.caseworker)
    assert not ParentContact.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"note": "   "}, "note"),
        ({"note": "x" * 501}, "note"),
        ({"at": NOW + datetime.timedelta(minutes=5)}, "at"),
        ({"at": datetime.datetime(2024, 8, 1, 9, 0, tzinfo=LONDON)}, "setting"),
    ],
)
def test_bad_input_is_refused_on_its_field(cast, mum, overrides, field):
    with pytest.raises(ValidationError) as refused:
        record(cast, mum, **overrides)
    assert field in refused.value.message_dict
    assert not ParentContact.objects.exists()


def test_the_contact_must_be_the_pupils_own(cast, mum):
    other = Contact.objects.create(
        pupil=cast.pupil_b, name="Ben Brown", relationship="Father", preferred_channel="email"
    )
    with pytest.raises(ValidationError) as refused:
        record(cast, mum, contact=other)
    assert "contact" in refused.value.message_dict


def test_the_setting_must_be_one_whose_roll_the_actor_may_change(cast, mum):
    with pytest.raises(ValidationError) as refused:
        record(cast, mum, setting=cast.school_b)
    assert "setting" in refused.value.message_dict
    assert record(cast, mum, actor=cast.coordinator).made_by == cast.coordinator


def test_a_naive_time_is_a_programming_error(cast, mum):
    with pytest.raises(ValueError):
        record(cast, mum, at=datetime.datetime(2026, 11, 24, 9, 0))
