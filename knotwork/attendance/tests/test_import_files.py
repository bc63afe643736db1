"""A file that cannot be read as marks gets one clear error and changes nothing."""

import pytest

from knotwork.attendance.imports.marks_file import Problems, read_csv
from knotwork.attendance.models import ImportRun, Register
from knotwork.attendance.tests.import_helpers import HEADER, csv_of, problems_of, run_import

pytestmark = pytest.mark.django_db


def failed_with(run):
    assert run.status == ImportRun.Status.FAILED
    assert not Register.objects.exists()
    return problems_of(run)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", (None, "", "The file is empty.")),
        (b"  \n\n", (None, "", "The file is empty.")),
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
            (
                None,
                "",
                "This is not a text file (a spreadsheet, perhaps): save it as CSV and try again.",
            ),
        ),
        (
            "UPN,URN,date,session,code\n".encode("utf-16"),
            (
                None,
                "",
                "The file is UTF-16 text ('Unicode text'): save it as CSV UTF-8 and try again.",
            ),
        ),
        (
            (HEADER + "\nA,B,C,D,E\nA,B,C,D,caf\xe9\n").encode("latin-1"),
            (3, "", "This line is not UTF-8 text: save the file as CSV UTF-8 and try again."),
        ),
        (
            b"name,date,mark\nSam,2026-11-23,/\n",
            (
                1,
                "UPN, URN, session, code",
                "The first line must be a header naming the columns UPN, URN, date, session "
                "and code; it has no UPN, URN, session, code column.",
            ),
        ),
        (
            b"Dear colleague, here are the marks you asked for.\n",
            (
                1,
                "UPN, URN, date, session, code",
                "The first line must be a header naming the columns UPN, URN, date, session "
                "and code; it has no UPN, URN, date, session, code column.",
            ),
        ),
        (HEADER.encode() + b"\n", (None, "", "The file has a header but no marks.")),
        (
            b"UPN,URN,date,session,code,upn\n",
            (1, "UPN", "The header names this column twice."),
        ),
    ],
    ids=[
        "empty",
        "blank",
        "spreadsheet",
        "utf-16",
        "latin-1",
        "other-columns",
        "not-csv",
        "header-only",
        "twice",
    ],
)
def test_a_file_that_is_not_a_marks_csv_gets_one_clear_error(cast, content, expected):
    assert failed_with(run_import(cast.officer, content)) == [expected]


def test_lines_with_the_wrong_number_of_fields_are_reported_with_their_line(cast):
    upn, urn = cast.pupil_a.upn, cast.school_a.urn
    content = (
        f"{HEADER}\n{upn},{urn},2026-11-23,AM,/\n\n{upn},{urn},2026-11-23\n"
        f"{upn},{urn},2026-11-23,PM,\\,extra\n"
    ).encode()
    assert failed_with(run_import(cast.officer, content)) == [
        (4, "", "Expected 5 fields separated by commas; this line has 3."),
        (5, "", "Expected 5 fields separated by commas; this line has 6."),
    ]


def test_quoted_fields_are_read_as_csv_reads_them(cast):
    upn, urn = cast.pupil_a.upn, cast.school_a.urn
    content = (
        f'"UPN","URN","date","session","code","note"\r\n'
        f'"{upn}","{urn}","2026-11-23","AM","/",""\r\n'
        f'"{upn}","{urn}","2026-11-23","PM","\\","late, then ""fine"""\r\n'
        f'"{upn}","{urn}","2026-11-24","AM","N","two\nlines"\r\n'
        f'"{upn}","{urn}","2026-11-24","PM","XX",""\r\n'
    ).encode()
    run = run_import(cast.officer, content)
    assert problems_of(run) == [(6, "code", "'XX' is not a national register code.")]


def test_the_fast_reading_and_the_csv_module_agree():
    rows = [("A1", "140001", "2026-11-23", "AM", "/"), ("A2", "140001", "23/11/2026", "PM", "N")]
    plain = read_csv(csv_of(rows), "a.csv", Problems())
    quoted = read_csv(
        b'UPN,URN,date,session,code\n"A1",140001,2026-11-23,AM,/\n"A2","140001",'
        b'23/11/2026,PM,"N"\n"A3","a,b"\n',
        "b.csv",
        Problems(),
    )
    for name in ("upn", "urn", "date", "session", "code"):
        assert list(getattr(plain, name)) == list(getattr(quoted, name))
    assert plain.line.tolist() == quoted.line.tolist() == [2, 3]


def test_a_byte_order_mark_and_windows_line_ends_are_fine(cast):
    upn, urn = cast.pupil_a.upn, cast.school_a.urn
    content = f"\ufeff{HEADER}\r\n{upn},{urn},2026-11-23,AM,/\r\n".encode()
    run = run_import(cast.officer, content)
    assert run.status == ImportRun.Status.DONE, run.errors
