import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.attendance.codes import code_for
from knotwork.attendance.models import MarkAmendment, Register
from knotwork.attendance.queries import SessionMaps, enrolment_marks
from knotwork.attendance.services import StaleRegister, marks_record
from knotwork.core.models import AuditEntry

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 23)  # a Monday in autumn 2


def cid(letters: str) -> int:
    return code_for(letters, DAY).id


@pytest.fixture
def year(cast):
    found = SessionMaps().for_setting(cast.school_a, 2026)
    assert found is not None
    return found


def enrolment_of(pupil):
    return pupil.enrolments.select_related("setting", "pupil").get()


def test_first_marks_are_entries_and_write_one_audit_row(cast, year):
    enrolment = enrolment_of(cast.pupil_a)
    am = year.sessions.index_of(DAY, "AM")
    written = marks_record(
        actor=cast.officer,
        enrolment=enrolment,
        year=year.year,
        sessions=year.sessions,
        marks={am: cid("/"), am + 1: cid("N")},
    )
    assert (written.entries, written.amendments) == (2, 0)
    register = Register.objects.get(enrolment=enrolment)
    assert len(register.marks) == len(year.sessions)
    assert register.setting == cast.school_a
    assert bytes(register.marks)[am : am + 2] == bytes([cid("/"), cid("N")])
    assert not MarkAmendment.objects.exists()
    entry = AuditEntry.objects.get(pupil=cast.pupil_a, object_type="attendance.register")
    assert (entry.action, entry.actor) == ("update", cast.officer)


def test_changing_a_mark_keeps_original_new_reason_who_and_when(cast, year):
    enrolment = enrolment_of(cast.pupil_a)
    pm = year.sessions.index_of(DAY, "PM")
    common = {"actor": cast.officer, "enrolment": enrolment, "year": year.year}
    marks_record(**common, sessions=year.sessions, marks={pm: cid("N")})
    written = marks_record(
        **common, sessions=year.sessions, marks={pm: cid("I")}, reason="Parent phoned"
    )
    assert written.amendments == 1
    amendment = MarkAmendment.objects.get()
    assert (amendment.original_code, amendment.new_code) == ("N", "I")
    assert (amendment.date, amendment.half) == (DAY, "PM")
    assert amendment.reason == "Parent phoned" and amendment.actor == cast.officer
    assert amendment.at is not None
    _, marks, register = enrolment_marks(enrolment, 2026)
    assert marks[pm] == cid("I") and register.version == 2


def test_an_amendment_without_a_reason_is_refused_and_nothing_changes(cast, year):
    enrolment = enrolment_of(cast.pupil_a)
    am = year.sessions.index_of(DAY, "AM")
    common = {"actor": cast.officer, "enrolment": enrolment, "year": year.year}
    marks_record(**common, sessions=year.sessions, marks={am: cid("N")})
    with pytest.raises(ValidationError):
        marks_record(**common, sessions=year.sessions, marks={am: cid("O")})
    assert bytes(Register.objects.get().marks)[am] == cid("N")


def test_the_same_mark_again_changes_nothing(cast, year):
    enrolment = enrolment_of(cast.pupil_a)
    am = year.sessions.index_of(DAY, "AM")
    common = {"actor": cast.officer, "enrolment": enrolment, "year": year.year}
    marks_record(**common, sessions=year.sessions, marks={am: cid("/")})
    audits = AuditEntry.objects.count()
    written = marks_record(**common, sessions=year.sessions, marks={am: cid("/")})
    assert (written.entries, written.amendments, written.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.count() == audits
    assert Register.objects.get().version == 1


def test_a_stale_edit_is_refused(cast, year):
    enrolment = enrolment_of(cast.pupil_a)
    am = year.sessions.index_of(DAY, "AM")
    common = {"actor": cast.officer, "enrolment": enrolment, "year": year.year}
    marks_record(**common, sessions=year.sessions, marks={am: cid("N")})
    marks_record(**common, sessions=year.sessions, marks={am: cid("I")}, reason="Phoned")
    with pytest.raises(StaleRegister):
        marks_record(
            **common,
            sessions=year.sessions,
            marks={am: cid("M")},
            reason="Letter",
            expected_version=1,
        )
    assert bytes(Register.objects.get().marks)[am] == cid("I")


@pytest.mark.parametrize("who", ["head_of_year", "outsider", "caseworker", "board_member"])
def test_only_those_who_may_edit_the_pupil_may_mark_the_register(cast, year, who):
    enrolment = enrolment_of(cast.pupil_a)
    with pytest.raises(PermissionDenied):
        marks_record(
            actor=getattr(cast, who),
            enrolment=enrolment,
            year=year.year,
            sessions=year.sessions,
            marks={0: cid("/")},
        )
    assert not Register.objects.exists()


def test_the_test_builder_fills_a_register_up_to_a_day(cast):
    from knotwork.attendance.testing import fill_register, whole_day

    enrolment = enrolment_of(cast.pupil_a)
    register = fill_register(enrolment, 2026, through=DAY, marks=whole_day(DAY, "I"))
    found = SessionMaps().for_setting(cast.school_a, 2026)
    am = found.sessions.index_of(DAY, "AM")
    marks = bytes(register.marks)
    assert marks[0] == cid("/") and marks[1] == cid("\\")
    assert marks[am : am + 2] == bytes([cid("I"), cid("I")])
    assert set(marks[am + 2 :]) == {0}
