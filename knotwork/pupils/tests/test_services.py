import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_setting, make_upn
from knotwork.pupils.models import Contact, Enrolment, Pupil
from knotwork.pupils.services import (
    contact_add,
    contact_update,
    enrolment_add,
    enrolment_end,
    pupil_create,
    pupil_update,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def new_pupil_details(**overrides):
    details = {
        "legal_forename": "Nia",
        "legal_surname": "Okafor",
        "date_of_birth": D(2012, 10, 5),
        "sex": "F",
    }
    details.update(overrides)
    return details


def test_it_creates_a_pupil_on_roll_and_audits_both_rows(cast):
    pupil = pupil_create(
        actor=cast.officer,
        setting=cast.school_a,
        start_date=D(2026, 9, 2),
        upn=make_upn(),
        **new_pupil_details(),
    )
    assert Enrolment.objects.get(pupil=pupil).setting == cast.school_a
    actions = list(
        AuditEntry.objects.filter(pupil=pupil).values_list("action", "object_type", "actor")
    )
    assert sorted(actions) == [
        ("create", "pupils.enrolment", cast.officer.pk),
        ("create", "pupils.pupil", cast.officer.pk),
    ]


def test_a_bad_upn_is_refused_and_nothing_is_saved(cast):
    # 1x2 + 2x3 + ... + 2x13 = 368 and 368 mod 23 = 0, so the check letter is A, not B.
    before = Pupil.objects.count()
    with pytest.raises(ValidationError) as error:
        pupil_create(
            actor=cast.officer,
            setting=cast.school_a,
            start_date=D(2026, 9, 2),
            upn="B123456789012",
            **new_pupil_details(),
        )
    assert "check letter" in str(error.value)
    assert Pupil.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_a_duplicate_upn_is_refused(cast):
    with pytest.raises(ValidationError, match="already recorded"):
        pupil_create(
            actor=cast.officer,
            setting=cast.school_a,
            start_date=D(2026, 9, 2),
            upn=cast.pupil_b.upn,
            **new_pupil_details(),
        )


def test_read_only_staff_cannot_enrol(cast):
    with pytest.raises(PermissionDenied):
        pupil_create(
            actor=cast.head_of_year,
            setting=cast.school_a,
            start_date=D(2026, 9, 2),
            upn=make_upn(),
            **new_pupil_details(),
        )
    assert not Pupil.objects.filter(legal_surname="Okafor").exists()


def test_update_records_the_field_names_not_the_values(cast):
    pupil_update(actor=cast.officer, pupil=cast.pupil_a, sen_provision="K", looked_after=True)
    cast.pupil_a.refresh_from_db()
    assert cast.pupil_a.sen_provision == "K"
    entry = AuditEntry.objects.get(pupil=cast.pupil_a, action="update")
    assert entry.what == "looked_after,sen_provision"
    assert "K" not in entry.what.split(",")


def test_update_with_no_change_writes_no_audit_row(cast):
    pupil_update(actor=cast.officer, pupil=cast.pupil_a, legal_forename="Amira")
    assert not AuditEntry.objects.filter(action="update").exists()


def test_update_is_refused_for_read_only_and_outsiders(cast):
    for actor in (cast.head_of_year, cast.outsider, cast.caseworker, cast.board_member):
        with pytest.raises(PermissionDenied):
            pupil_update(actor=actor, pupil=cast.pupil_a, looked_after=True)
    cast.pupil_a.refresh_from_db()
    assert cast.pupil_a.looked_after is False


def test_an_overlapping_enrolment_is_refused(cast):
    with pytest.raises(ValidationError, match="overlaps an enrolment from 2024-09-01 to now"):
        enrolment_add(
            actor=cast.coordinator,
            pupil=cast.pupil_a,
            setting=cast.school_b,
            start_date=D(2026, 1, 5),
        )
    assert cast.pupil_a.enrolments.count() == 1


def test_a_subsidiary_dual_registration_is_allowed_beside_a_main_one(cast):
    Enrolment.objects.filter(pupil=cast.pupil_a).update(registration="M")
    pru = make_setting(name="Harbour PRU", setting_type="pru")
    cast.partnership.members.add(
        pru,
        through_defaults={
            "representative_name": "H",
            "representative_role": "Head",
            "joined_on": D(2024, 9, 1),
        },
    )
    enrolment = enrolment_add(
        actor=cast.coordinator,
        pupil=cast.pupil_a,
        setting=pru,
        start_date=D(2026, 1, 5),
        registration="S",
    )
    assert enrolment.pk is not None
    assert AuditEntry.objects.filter(object_id=str(enrolment.uuid), action="create").exists()


def test_ending_an_enrolment_is_audited_and_checked(cast):
    enrolment = cast.pupil_a.enrolments.get()
    with pytest.raises(ValidationError):
        enrolment_end(actor=cast.officer, enrolment=enrolment, end_date=D(2020, 1, 1))
    enrolment_end(actor=cast.officer, enrolment=enrolment, end_date=D(2026, 7, 22))
    enrolment.refresh_from_db()
    assert enrolment.end_date == D(2026, 7, 22)
    assert AuditEntry.objects.get(action="update", pupil=cast.pupil_a).what == "end_date"


def test_contacts_are_added_and_changed_with_audit(cast):
    contact = contact_add(
        actor=cast.officer,
        pupil=cast.pupil_a,
        name="Farah Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        preferred_channel=Contact.Channel.TEXT,
        phone="07700 900123",
    )
    contact_update(
        actor=cast.officer, contact=contact, preferred_channel="email", email="farah@example.org"
    )
    contact.refresh_from_db()
    assert contact.preferred_channel == "email"
    assert (
        AuditEntry.objects.get(action="update", pupil=cast.pupil_a).what
        == "email,preferred_channel"
    )
    with pytest.raises(PermissionDenied):
        contact_add(
            actor=cast.head_of_year,
            pupil=cast.pupil_a,
            name="X",
            relationship="Aunt",
            preferred_channel="letter",
        )
