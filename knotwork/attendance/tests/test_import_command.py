"""``knotwork attendance import FILE``: the same import as the upload page, from a shell."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from knotwork.attendance.models import ImportRun, Register
from knotwork.attendance.tests.import_helpers import csv_of, week_of_marks
from knotwork.core.models import AuditEntry

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 23)


def write(tmp_path, cast, codes="/\\/\\/\\/\\/\\", name="marks.csv"):
    path = tmp_path / name
    path.write_bytes(csv_of(week_of_marks(cast.pupil_a.upn, cast.school_a.urn, MONDAY, codes)))
    return path


def attendance_import(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("attendance", "import", *map(str, args), stdout=out, stderr=err)
    finally:
        attendance_import.err = err.getvalue()
    return out.getvalue()


def test_it_imports_a_file_as_the_named_user_and_shows_progress(tmp_path, cast):
    out = attendance_import(write(tmp_path, cast), "--as", "officer")
    assert out == "Imported marks.csv: 10 new marks, 0 amended, 0 unchanged.\n"
    progress = attendance_import.err.splitlines()
    assert progress[0].endswith("Checking every line") and progress[-1] == "100%  Imported"
    run = ImportRun.objects.get()
    assert (run.uploaded_by, run.status) == (cast.officer, "done")
    assert AuditEntry.objects.get(action="update").actor == cast.officer
    assert Register.objects.count() == 1


def test_a_file_with_problems_prints_the_report_and_fails(tmp_path, cast):
    path = write(tmp_path, cast, codes="/\\/\\/\\/\\!\\")
    with pytest.raises(CommandError, match=r"Nothing was imported from marks\.csv"):
        attendance_import(path, "--as", "officer")
    assert "marks.csv:10: code: '!' is not a national register code." in attendance_import.err
    assert not Register.objects.exists()


def test_the_format_may_be_given(tmp_path, cast):
    path = write(tmp_path, cast, name="marks.txt")
    with pytest.raises(CommandError):
        attendance_import(path, "--as", "officer", "--format", "ctf")
    assert "not well-formed XML" in attendance_import.err
    assert attendance_import(path, "--as", "officer", "--format", "csv").startswith("Imported")


def test_an_unknown_user_or_missing_file_is_refused(tmp_path, cast):
    with pytest.raises(CommandError, match="No active knotwork user is called 'nobody'"):
        attendance_import(write(tmp_path, cast), "--as", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        attendance_import(tmp_path / "missing.csv", "--as", "officer")
    assert not ImportRun.objects.exists()


def test_a_user_who_may_not_record_marks_anywhere_is_refused(tmp_path, cast):
    with pytest.raises(CommandError, match="You may not record attendance marks at any setting"):
        attendance_import(write(tmp_path, cast), "--as", "head_of_year")
    assert not ImportRun.objects.exists()
