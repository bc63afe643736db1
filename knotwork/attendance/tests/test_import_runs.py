"""An import writes every mark of a file or none: first entries, amendments, re-imports,
a failure half-way, and the audit rows."""

import datetime

import pytest

from knotwork.attendance.codes import code_for
from knotwork.attendance.imports import runs
from knotwork.attendance.imports.runs import (
    CHANGED_MEANWHILE,
    NOT_SAVED,
    import_progress,
    import_run_create,
    import_run_execute,
)
from knotwork.attendance.models import ImportRun, MarkAmendment, Register
from knotwork.attendance.queries import SessionMaps
from knotwork.attendance.tests.import_helpers import csv_of, run_import, week_of_marks
from knotwork.core.models import AuditEntry
from knotwork.core.testing import add_academic_year

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


def cid(letters, day=MONDAY):
    return code_for(letters, day).id


def two_weeks(cast, codes_a="/\\/\\/\\/\\/\\", codes_linked="/\\/\\/\\N\\/\\"):
    a = cast.school_a.urn
    return csv_of(
        week_of_marks(cast.pupil_a.upn, a, MONDAY, codes_a)
        + week_of_marks(cast.linked_pupil.upn, a, MONDAY, codes_linked)
    )


def register_of(pupil, start_year=2026):
    return Register.objects.get(enrolment__pupil=pupil, academic_year__start_year=start_year)


def snapshot():
    return (
        sorted(Register.objects.values_list("pk", "marks", "version")),
        MarkAmendment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_marks_land_in_the_registers_with_one_audit_row_per_pupil(cast):
    run = run_import(cast.officer, two_weeks(cast))
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.marks_new, run.marks_amended, run.marks_unchanged) == (20, 0, 0)
    assert run.finished_at is not None and bytes(run.content) == b""
    year = SessionMaps().for_setting(cast.school_a, 2026)
    monday = year.sessions.index_of(MONDAY, "AM")
    linked = bytes(register_of(cast.linked_pupil).marks)
    assert len(linked) == len(year.sessions)
    assert linked[monday : monday + 10] == bytes(
        [cid("/"), cid("\\")] * 3 + [cid("N"), cid("\\")] + [cid("/"), cid("\\")]
    )
    assert set(linked[:monday]) == {0} and set(linked[monday + 10 :]) == {0}
    assert register_of(cast.pupil_a).version == 1
    assert {r.setting for r in Register.objects.all()} == {cast.school_a}
    assert not MarkAmendment.objects.exists()
    rows = AuditEntry.objects.filter(action="update").order_by("pupil_id")
    assert [(r.pupil, r.actor, r.object_type) for r in rows] == [
        (cast.pupil_a, cast.officer, "attendance.register"),
        (cast.linked_pupil, cast.officer, "attendance.register"),
    ]
    assert rows[0].object_id == str(register_of(cast.pupil_a).uuid)
    assert rows[0].what == "attendance marks imported (10 new, 0 amended)"
    created = AuditEntry.objects.get(action="create")
    assert (created.object_type, created.object_id) == ("attendance.importrun", str(run.uuid))


def test_importing_the_same_file_again_changes_nothing(cast):
    run_import(cast.officer, two_weeks(cast))
    before = snapshot()
    again = run_import(cast.officer, two_weeks(cast))
    assert again.status == ImportRun.Status.DONE
    assert (again.marks_new, again.marks_amended, again.marks_unchanged) == (0, 0, 20)
    registers, amendments, audits = snapshot()
    # the second upload's own "create" row is the only new audit row
    assert (registers, amendments, audits - 1) == before


def test_a_changed_mark_is_an_amendment_naming_the_file(cast):
    run_import(cast.officer, two_weeks(cast))
    first_saved = register_of(cast.linked_pupil).updated_at
    changed = run_import(
        cast.officer, two_weeks(cast, codes_linked="/\\/\\/\\I\\/\\"), name="corrected.csv"
    )
    assert (changed.marks_new, changed.marks_amended, changed.marks_unchanged) == (0, 1, 19)
    amendment = MarkAmendment.objects.get()
    assert (amendment.original_code, amendment.new_code) == ("N", "I")
    assert (amendment.date, amendment.half) == (datetime.date(2026, 11, 26), "AM")
    assert amendment.source == MarkAmendment.Source.IMPORT
    assert amendment.reason == "Imported from corrected.csv"
    assert amendment.actor == cast.officer
    assert register_of(cast.linked_pupil).version == 2
    assert register_of(cast.linked_pupil).updated_at > first_saved
    assert register_of(cast.pupil_a).version == 1
    latest = AuditEntry.objects.filter(action="update").order_by("-id").first()
    assert (latest.pupil, latest.what) == (
        cast.linked_pupil,
        "attendance marks imported (0 new, 1 amended)",
    )


def test_marks_in_empty_sessions_of_an_existing_register_are_first_entries(cast):
    a = cast.school_a.urn
    run_import(cast.officer, csv_of(week_of_marks(cast.pupil_a.upn, a, MONDAY)))
    later = run_import(
        cast.officer, csv_of(week_of_marks(cast.pupil_a.upn, a, MONDAY + datetime.timedelta(7)))
    )
    assert (later.marks_new, later.marks_amended) == (10, 0)
    assert register_of(cast.pupil_a).version == 2
    assert not MarkAmendment.objects.exists()


def test_a_failure_half_way_through_the_writes_leaves_the_database_unchanged(cast, monkeypatch):
    run_import(cast.officer, two_weeks(cast))
    before = snapshot()
    seen_during_the_write = []

    def fail(objs, *args, **kwargs):
        seen_during_the_write.append(bytes(register_of(cast.linked_pupil).marks))
        raise RuntimeError("disk full")

    monkeypatch.setattr(MarkAmendment.objects, "bulk_create", fail)
    run = run_import(cast.officer, two_weeks(cast, codes_linked="I" * 10))
    assert run.status == ImportRun.Status.FAILED
    assert [e["reason"] for e in run.errors] == [NOT_SAVED]
    # the registers had been updated when the amendments failed...
    year = SessionMaps().for_setting(cast.school_a, 2026)
    monday = year.sessions.index_of(MONDAY, "AM")
    assert seen_during_the_write[0][monday : monday + 10] == bytes([cid("I")] * 10)
    # ...and all of it was rolled back
    registers, amendments, audits = snapshot()
    assert (registers, amendments, audits - 1) == before


def test_a_register_changed_by_someone_else_during_the_checks_fails_the_import(cast, monkeypatch):
    run_import(cast.officer, two_weeks(cast))
    plan = runs.plan_writes

    def plan_then_someone_edits(plans):
        planned = plan(plans)
        Register.objects.filter(enrolment__pupil=cast.linked_pupil).update(version=7)
        return planned

    monkeypatch.setattr(runs, "plan_writes", plan_then_someone_edits)
    run = run_import(cast.officer, two_weeks(cast, codes_linked="I" * 10))
    assert [e["reason"] for e in run.errors] == [CHANGED_MEANWHILE]
    assert MarkAmendment.objects.count() == 0
    assert bytes(register_of(cast.linked_pupil).marks).count(cid("I")) == 0


def test_a_file_with_problems_writes_nothing(cast):
    rows = week_of_marks(cast.pupil_a.upn, cast.school_a.urn, MONDAY)
    rows.append((cast.pupil_a.upn, cast.school_a.urn, "2026-11-30", "AM", "XX"))
    run = run_import(cast.officer, csv_of(rows))
    assert run.status == ImportRun.Status.FAILED
    assert not Register.objects.exists()
    assert not AuditEntry.objects.filter(action="update").exists()
    assert bytes(run.content) == b""


def test_one_file_can_cover_two_years_with_one_audit_row_per_pupil(cast):
    add_academic_year(cast.school_a.calendar, 2025)
    a = cast.school_a.urn
    rows = week_of_marks(cast.pupil_a.upn, a, datetime.date(2026, 3, 2)) + week_of_marks(
        cast.pupil_a.upn, a, MONDAY
    )
    run = run_import(cast.officer, csv_of(rows))
    assert run.status == ImportRun.Status.DONE, run.errors
    assert Register.objects.count() == 2
    assert register_of(cast.pupil_a, 2025).marks
    row = AuditEntry.objects.get(action="update")
    assert row.what == "attendance marks imported (20 new, 0 amended)"


def test_a_run_is_started_once(cast):
    run = import_run_create(actor=cast.officer, file_name="marks.csv", content=two_weeks(cast))
    first = import_run_execute(run=run)
    assert first.status == ImportRun.Status.DONE
    again = import_run_execute(run=ImportRun.objects.get(pk=run.pk))
    assert again.status == ImportRun.Status.DONE
    assert AuditEntry.objects.filter(action="update").count() == 2


def test_progress_goes_from_checking_to_saving_to_done(cast):
    run = import_run_create(actor=cast.officer, file_name="marks.csv", content=two_weeks(cast))
    assert import_progress(run).percent == 0
    seen = []
    finished = import_run_execute(run=run, on_progress=seen.append)
    statuses = [p.status for p in seen]
    assert statuses[0] == "validating" and "writing" in statuses and statuses[-1] == "done"
    percents = [p.percent for p in seen]
    assert percents == sorted(percents) and percents[-1] == 100
    assert import_progress(finished).percent == 100


def test_progress_saved_while_writing_is_read_from_the_progress_cache(cast):
    run = import_run_create(actor=cast.officer, file_name="marks.csv", content=two_weeks(cast))
    ImportRun.objects.filter(pk=run.pk).update(status="writing", steps_total=10, steps_done=6)
    runs._report(run, "writing", 0.8)
    reading = ImportRun.objects.get(pk=run.pk)
    assert (import_progress(reading).status, import_progress(reading).percent) == ("writing", 80)


def test_a_register_made_by_someone_else_during_the_checks_fails_the_import(cast, monkeypatch):
    plan = runs.plan_writes
    enrolment = cast.linked_pupil.enrolments.get()
    year = SessionMaps().for_setting(cast.school_a, 2026)

    def plan_then_someone_marks(plans):
        planned = plan(plans)
        Register.objects.create(
            enrolment=enrolment,
            setting=cast.school_a,
            academic_year=year.year,
            marks=bytes(len(year.sessions)),
        )
        return planned

    monkeypatch.setattr(runs, "plan_writes", plan_then_someone_marks)
    run = run_import(cast.officer, two_weeks(cast))
    assert [e["reason"] for e in run.errors] == [CHANGED_MEANWHILE]
    assert Register.objects.count() == 1
    assert not AuditEntry.objects.filter(action="update").exists()
