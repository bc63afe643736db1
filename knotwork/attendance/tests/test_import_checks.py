"""Every line of a file is checked before anything is written; each problem names its line
and field, and nothing about the pupil."""

import datetime
import json

import pytest

from knotwork.attendance.models import ImportRun, Register
from knotwork.attendance.tests.import_helpers import csv_of, problems_of, run_import
from knotwork.core.testing import add_academic_year, make_pupil, make_upn
from knotwork.termdates.models import Closure

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
NOT_ON_ROLL = "No pupil with this UPN is on roll at this setting on this date."


def line(upn, urn, day="2026-11-23", session="AM", code="/"):
    return (upn, urn, day, session, code)


def only_problem(run, expected_line):
    assert run.status == ImportRun.Status.FAILED
    found = [p for p in problems_of(run) if p[0] == expected_line]
    assert len(found) == 1, problems_of(run)
    return found[0]


def test_a_clean_file_is_imported(cast):
    a = cast.school_a.urn
    run = run_import(
        cast.officer,
        csv_of([line(cast.pupil_a.upn, a), line(cast.pupil_a.upn, a, session="PM", code="\\")]),
    )
    assert run.status == ImportRun.Status.DONE, run.errors
    assert run.marks_new == 2


@pytest.mark.parametrize(
    ("code", "day", "reason"),
    [
        ("XX", "2026-11-23", "'XX' is not a national register code."),
        ("H", "2026-11-23", "'H' is not a register code from 19 August 2024."),
        ("", "2026-11-23", "No code is given."),
    ],
)
def test_an_unknown_code_or_one_not_in_force_on_the_date_is_refused(cast, code, day, reason):
    a = cast.school_a.urn
    run = run_import(
        cast.officer,
        csv_of([line(cast.pupil_a.upn, a), line(cast.pupil_a.upn, a, day, "PM", code)]),
    )
    assert only_problem(run, 3) == (3, "code", reason)
    assert not Register.objects.exists()


def test_a_code_from_2024_is_refused_before_19_august_2024(cast):
    add_academic_year(cast.school_a.calendar, 2023)
    run = run_import(
        cast.officer, csv_of([line(cast.pupil_a.upn, cast.school_a.urn, "2024-03-04", "AM", "J1")])
    )
    assert only_problem(run, 2) == (2, "code", "'J1' is not a register code before 19 August 2024.")


def test_an_old_code_is_taken_for_an_old_date(cast):
    add_academic_year(cast.school_a.calendar, 2023)
    pupil = make_pupil(setting=cast.school_a, enrolled_on=datetime.date(2023, 9, 1))
    run = run_import(
        cast.officer, csv_of([line(pupil.upn, cast.school_a.urn, "2024-03-04", "AM", "H")])
    )
    assert run.status == ImportRun.Status.DONE, run.errors


def test_an_unknown_setting_is_refused(cast):
    run = run_import(cast.officer, csv_of([line(cast.pupil_a.upn, "999999")]))
    assert only_problem(run, 2) == (2, "URN", "No setting has this URN.")


def test_a_setting_the_importer_may_not_record_at_is_refused_and_its_roll_not_checked(cast):
    strangers = make_upn()
    run = run_import(
        cast.officer,
        csv_of([line(cast.pupil_b.upn, cast.school_b.urn), line(strangers, cast.school_b.urn)]),
    )
    assert problems_of(run) == [
        (2, "URN", "You may not record marks at this setting."),
        (3, "URN", "You may not record marks at this setting."),
    ]


def test_an_unknown_pupil_and_one_not_on_roll_get_the_same_words(cast):
    a = cast.school_a.urn
    run = run_import(
        cast.officer,
        csv_of([line(cast.pupil_b.upn, a), line(make_upn(), a), line(cast.pupil_a.upn, a)]),
    )
    assert problems_of(run) == [(2, "UPN", NOT_ON_ROLL), (3, "UPN", NOT_ON_ROLL)]


def test_a_pupil_is_checked_on_roll_on_the_day_of_the_mark(cast):
    joiner = make_pupil(setting=cast.school_a, enrolled_on=datetime.date(2026, 11, 2))
    a = cast.school_a.urn
    run = run_import(
        cast.officer, csv_of([line(joiner.upn, a, "2026-10-05"), line(joiner.upn, a, "2026-11-02")])
    )
    assert problems_of(run) == [(2, "UPN", NOT_ON_ROLL)]


def test_a_upn_that_cannot_be_one_is_refused(cast):
    run = run_import(cast.officer, csv_of([line("A123", cast.school_a.urn)]))
    field, reason = only_problem(run, 2)[1:]
    assert field == "UPN" and reason.startswith("This is not a UPN: A UPN has 13 characters")


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        ("2026-11-21", "Saturday 21/11/2026 is a weekend: the setting is closed."),
        ("2026-10-28", "28/10/2026 is in a school holiday: the setting is closed."),
        ("2027-05-03", "03/05/2027 is a bank holiday: the setting is closed."),
        (
            "2027-10-04",
            "04/10/2027 is outside the setting's calendar: it has no 2027/28 academic year.",
        ),
    ],
)
def test_a_day_the_setting_is_closed_or_outside_its_calendar_is_refused(cast, day, reason):
    run = run_import(cast.officer, csv_of([line(cast.pupil_a.upn, cast.school_a.urn, day)]))
    assert only_problem(run, 2) == (2, "date", reason)


def test_a_planned_closure_takes_only_the_closure_mark(cast):
    year = cast.school_a.calendar.years.get(start_year=2026)
    Closure.objects.create(academic_year=year, date=datetime.date(2026, 11, 20), kind="inset")
    a = cast.school_a.urn
    refused = run_import(cast.officer, csv_of([line(cast.pupil_a.upn, a, "2026-11-20", "PM", "N")]))
    assert only_problem(refused, 2) == (
        2,
        "code",
        "The setting is shut for this session (a planned closure): the only mark is #.",
    )
    taken = run_import(cast.officer, csv_of([line(cast.pupil_a.upn, a, "2026-11-20", "PM", "#")]))
    assert taken.status == ImportRun.Status.DONE and taken.marks_new == 1


def test_a_closure_mark_on_a_day_with_no_session_is_left_out_quietly(cast):
    a = cast.school_a.urn
    run = run_import(
        cast.officer,
        csv_of([line(cast.pupil_a.upn, a, "2026-11-21", "AM", "#"), line(cast.pupil_a.upn, a)]),
    )
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.marks_new, run.marks_unchanged) == (1, 0)


@pytest.mark.parametrize(
    ("field", "row", "reason"),
    [
        (
            "date",
            ("31/02/2026", "AM"),
            "'31/02/2026' is not a date: write dates as YYYY-MM-DD or DD/MM/YYYY.",
        ),
        (
            "date",
            ("2026-13-01", "AM"),
            "'2026-13-01' is not a date: write dates as YYYY-MM-DD or DD/MM/YYYY.",
        ),
        ("date", ("", "AM"), "No date is given."),
        ("session", ("2026-11-23", "XM"), "'XM' is not a session: write AM or PM."),
        ("session", ("2026-11-23", ""), "No session is given."),
    ],
)
def test_a_bad_date_or_session_is_refused(cast, field, row, reason):
    run = run_import(cast.officer, csv_of([(cast.pupil_a.upn, cast.school_a.urn, *row, "/")]))
    assert only_problem(run, 2) == (2, field, reason)


def test_dates_may_be_written_day_first_and_sessions_and_headers_in_any_case(cast):
    content = csv_of(
        [(cast.pupil_a.upn.lower(), "/", "am", "23/11/2026", cast.school_a.urn)],
        header="upn,Code,SESSION,Date,urn",
    )
    run = run_import(cast.officer, content)
    assert run.status == ImportRun.Status.DONE, run.errors
    register = Register.objects.get()
    assert bytes(register.marks).count(1) == 1


def test_two_different_codes_for_one_session_report_both_lines(cast):
    a = cast.school_a.urn
    run = run_import(
        cast.officer,
        csv_of(
            [
                line(cast.pupil_a.upn, a, code="/"),
                line(cast.pupil_a.upn, a, code="N"),
                line(cast.pupil_a.upn, a, "23/11/2026", code="/"),
            ]
        ),
    )
    assert problems_of(run) == [
        (2, "code", "The same session is also on line 3, with a different code."),
        (3, "code", "The same session is also on line 2, with a different code."),
    ]


def test_the_same_code_twice_for_one_session_is_one_mark(cast):
    a = cast.school_a.urn
    run = run_import(cast.officer, csv_of([line(cast.pupil_a.upn, a), line(cast.pupil_a.upn, a)]))
    assert run.status == ImportRun.Status.DONE and run.marks_new == 1


def test_every_problem_is_reported_in_line_order_without_the_pupils_details(cast):
    a = cast.school_a.urn
    run = run_import(
        cast.officer,
        csv_of(
            [
                line(cast.pupil_a.upn, a, "2026-11-21", "XM", "XX"),
                line(cast.pupil_b.upn, a),
                line(cast.linked_pupil.upn, a),
            ]
        ),
    )
    assert [(p[0], p[1]) for p in problems_of(run)] == [
        (2, "session"),
        (2, "code"),
        (3, "UPN"),
    ]
    assert all(e["file"] == "marks.csv" for e in run.errors)
    text = json.dumps(run.errors)
    for pupil in (cast.pupil_a, cast.pupil_b, cast.linked_pupil):
        assert pupil.upn not in text
        assert pupil.legal_surname not in text and pupil.legal_forename not in text


def test_the_report_lists_200_problems_and_counts_the_rest(cast):
    rows = [line(cast.pupil_a.upn, cast.school_a.urn, code="XX")] * 250
    run = run_import(cast.officer, csv_of(rows))
    assert len(run.errors) == 201
    assert run.errors[199]["line"] == 201
    assert run.errors[-1]["line"] is None
    assert run.errors[-1]["reason"] == "50 more problems not listed"
