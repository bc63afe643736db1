"""Saving a provider's register: all of it or none, by its own staff, on school days only."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.accounts.models import Role
from knotwork.attendance.models import Register
from knotwork.attendance.provider_register import (
    RegisterChanged,
    RowEntry,
    code_choices,
    provider_register_save,
    register_sheet,
)
from knotwork.attendance.testing import fill_register
from knotwork.core.testing import make_pupil, make_setting, make_user
from knotwork.directory.models import Setting

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def ap(cast):
    return make_setting(name="Riverside Alternative Provision", setting_type=Setting.Type.AP)


@pytest.fixture
def tutor(ap):
    return make_user("tutor", role=Role.SCHOOL_STAFF, organisation=ap, can_edit=True)


def entry(am="/", pm="\\", version=0, reason=""):
    return RowEntry(codes={"AM": am, "PM": pm}, version=version, reason=reason)


def test_one_bad_row_leaves_every_register_as_it_was(ap, tutor):
    first = make_pupil(setting=ap, legal_surname="Able")
    second = make_pupil(setting=ap, legal_surname="Baker")
    marked = fill_register(second.enrolments.get(), 2026, through=MONDAY)
    sheet = register_sheet(ap, MONDAY, MONDAY)
    assert [row.pupil for row in sheet.rows] == [first, second]
    entries = {
        sheet.rows[0].key: entry(),
        sheet.rows[1].key: entry(am="I", version=marked.version),  # a change with no reason
    }
    with pytest.raises(ValidationError) as refused:
        provider_register_save(actor=tutor, sheet=sheet, entries=entries)
    assert f"reason-{sheet.rows[1].key}" in refused.value.message_dict
    assert not Register.objects.filter(enrolment__pupil=first).exists()
    marked.refresh_from_db()
    assert marked.version == 1


def test_a_register_saved_since_it_was_read_is_named(ap, tutor):
    pupil = make_pupil(setting=ap, legal_forename="Kai", legal_surname="Cole")
    sheet = register_sheet(ap, MONDAY, MONDAY)
    fill_register(pupil.enrolments.get(), 2026, through=MONDAY)  # someone else, meanwhile
    with pytest.raises(RegisterChanged) as refused:
        provider_register_save(actor=tutor, sheet=sheet, entries={sheet.rows[0].key: entry()})
    assert [row.pupil for row in refused.value.rows] == [pupil]
    assert "Kai Cole" in refused.value.messages[0]


def test_only_the_providers_staff_with_edit_rights_may_save(ap, cast):
    make_pupil(setting=ap)
    sheet = register_sheet(ap, MONDAY, MONDAY)
    entries = {sheet.rows[0].key: entry()}
    for user in (cast.coordinator, make_user("reader", role=Role.SCHOOL_STAFF, organisation=ap)):
        with pytest.raises(PermissionDenied):
            provider_register_save(actor=user, sheet=sheet, entries=entries)
    assert not Register.objects.exists()


def test_a_holiday_is_refused(ap, tutor):
    make_pupil(setting=ap)
    half_term = register_sheet(ap, datetime.date(2026, 10, 28), MONDAY)
    assert "is not a school day" in half_term.refusal and half_term.rows == []
    with pytest.raises(ValidationError):
        provider_register_save(actor=tutor, sheet=half_term, entries={})


def test_the_codes_offered_suit_the_session_and_keep_the_mark_already_there():
    am = [value for value, _ in code_choices("AM", 0, MONDAY)]
    assert am[:3] == ["", "/", "L"] and "\\" not in am and "D" not in am
    pm = [value for value, _ in code_choices("PM", 9, MONDAY)]  # D, from the MIS
    assert pm[:2] == ["D", "\\"] and "" not in pm
