"""Marks from the attendance part of a Common Transfer File."""

import datetime

import pytest

from knotwork.attendance.codes import code_for
from knotwork.attendance.models import ImportRun, Register
from knotwork.attendance.queries import SessionMaps
from knotwork.attendance.tests.import_helpers import problems_of, run_import

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)
# Monday to Friday, the weekend with no marks, then Monday: two marks a calendar day.
WEEK = "/\\/\\/\\N\\/\\----/\\"


def ctf(cast, pupils, *, source_estab="4001", source_urn=None):
    blocks = []
    for upn, years in pupils:
        year_data = "".join(
            f"""
        <YearData>
          <Year>2026</Year>
          <LEA>845</LEA>
          <Estab>{estab}</Estab>
          <SchoolName>A school</SchoolName>
          <SessionsPossible>12</SessionsPossible>
          <AttendSessions>
            <AttendanceStartDate>{start}</AttendanceStartDate>
            <AttendanceMarks>{marks}</AttendanceMarks>
          </AttendSessions>
        </YearData>"""
            for estab, start, marks in years
        )
        blocks.append(
            f"""
    <Pupil>
      <UPN>{upn}</UPN>
      <Surname>Taylor</Surname>
      <Forename>Sam</Forename>
      <DOB>2013-01-01</DOB>
      <Sex>F</Sex>
      <Attendance>{year_data}
      </Attendance>
    </Pupil>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <CTFversion>25.0</CTFversion>
    <DateTime>2026-11-30T16:00:00</DateTime>
    <DocumentQualifier>partial</DocumentQualifier>
    <SupplierID>Example MIS</SupplierID>
    <SourceSchool>
      <LEA>845</LEA>
      <Estab>{source_estab}</Estab>
      <URN>{source_urn or cast.school_a.urn}</URN>
      <SchoolName>Ashdown Academy</SchoolName>
      <AcademicYear>2026</AcademicYear>
    </SourceSchool>
    <DestSchool><LEA>845</LEA><Estab>1234</Estab></DestSchool>
  </Header>
  <CTFpupilData>{"".join(blocks)}
  </CTFpupilData>
</CTfile>
""".encode()


def test_a_ctf_brings_in_the_source_schools_marks_and_leaves_other_schools_years(cast):
    content = ctf(
        cast,
        [
            (cast.pupil_a.upn, [("4001", "2026-11-23", WEEK), ("9999", "2026-11-23", "NNNNNN")]),
            (cast.linked_pupil.upn, [("4001", "2026-11-23", "/\\/\\")]),
        ],
    )
    run = run_import(cast.officer, content, name="845_CTF_8451234_001.xml")
    assert run.file_format == ImportRun.Format.CTF
    assert run.status == ImportRun.Status.DONE, run.errors
    assert (run.marks_new, run.marks_amended) == (16, 0)
    year = SessionMaps().for_setting(cast.school_a, 2026)
    monday = year.sessions.index_of(MONDAY, "AM")
    marks = bytes(Register.objects.get(enrolment__pupil=cast.pupil_a).marks)
    expected = [code_for(c, MONDAY).id for c in "/\\/\\/\\N\\/\\/\\"]
    assert list(marks[monday : monday + 12]) == expected
    assert Register.objects.count() == 2


def test_the_same_ctf_again_changes_nothing(cast):
    content = ctf(cast, [(cast.pupil_a.upn, [("4001", "2026-11-23", WEEK)])])
    run_import(cast.officer, content, name="a.xml")
    again = run_import(cast.officer, content, name="a.xml")
    assert (again.marks_new, again.marks_unchanged) == (0, 12)
    assert Register.objects.get().version == 1


def test_a_mark_on_a_weekend_is_reported_with_its_place_in_the_string(cast):
    content = ctf(cast, [(cast.pupil_a.upn, [("4001", "2026-11-23", "/\\/\\/\\/\\/\\N-")])])
    run = run_import(cast.officer, content, name="a.xml")
    (problem,) = problems_of(run)
    line = (
        content.decode()
        .splitlines()
        .index(next(text for text in content.decode().splitlines() if "<AttendanceMarks>" in text))
        + 1
    )
    assert problem == (
        line,
        "AttendanceMarks, mark 11 (28/11/2026 AM)",
        "Saturday 28/11/2026 is a weekend: the setting is closed.",
    )


def test_a_pupil_not_on_roll_in_a_ctf_gets_the_usual_words(cast):
    content = ctf(cast, [(cast.pupil_b.upn, [("4001", "2026-11-23", "/")])])
    run = run_import(cast.officer, content, name="a.xml")
    assert [p[1:] for p in problems_of(run)] == [
        (
            "UPN, mark 1 (23/11/2026 AM)",
            "No pupil with this UPN is on roll at this setting on this date.",
        )
    ]


def test_a_missing_upn_or_start_date_is_reported(cast):
    content = ctf(
        cast, [("", [("4001", "2026-11-23", "/")]), (cast.pupil_a.upn, [("4001", "23 Nov", "/")])]
    )
    run = run_import(cast.officer, content, name="a.xml")
    assert [p[1:] for p in problems_of(run)] == [
        ("UPN", "The pupil has no UPN."),
        ("AttendanceStartDate", "The start date is missing or is not a date written YYYY-MM-DD."),
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"UPN,URN,date,session,code\n",
            "This is not well-formed XML (syntax error), so not a Common Transfer File.",
        ),
        (
            b"<?xml version='1.0'?>\n<Pupils><Pupil/></Pupils>",
            "This XML is not a Common Transfer File (no CTfile root).",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE CTfile [<!ENTITY a "aaaaaaaa">]>\n'
            b"<CTfile>&a;</CTfile>",
            "The XML uses entities or external references, which a CTF never needs.",
        ),
        (
            b"<?xml version='1.0'?>\n<CTfile><Header/><CTFpupilData/></CTfile>",
            "The file has no attendance marks for its source school "
            "(Attendance/YearData with AttendanceMarks).",
        ),
    ],
    ids=["not-xml", "not-ctf", "entities", "no-marks"],
)
def test_a_file_that_is_not_a_ctf_gets_one_clear_error(cast, content, reason):
    run = run_import(cast.officer, content, name="a.xml")
    assert run.status == ImportRun.Status.FAILED
    assert [e["reason"] for e in run.errors] == [reason]
    assert not Register.objects.exists()
