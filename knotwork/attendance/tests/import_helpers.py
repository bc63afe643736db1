"""Small builders shared by the import tests: files of marks and a run taken to its end."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from knotwork.attendance.imports.runs import import_run_create, import_run_execute
from knotwork.attendance.models import ImportRun

HEADER = "UPN,URN,date,session,code"


def csv_of(rows: Iterable[tuple[str, str, str, str, str]], header: str = HEADER) -> bytes:
    lines = [header, *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def week_of_marks(
    upn: str, urn: str, monday: datetime.date, codes: str = "/\\/\\/\\/\\/\\"
) -> list[tuple[str, str, str, str, str]]:
    """Ten sessions, Monday to Friday, with one code each (AM, PM, AM...)."""
    rows = []
    for i, letter in enumerate(codes):
        day = monday + datetime.timedelta(days=i // 2)
        rows.append((upn, urn, day.isoformat(), "AM" if i % 2 == 0 else "PM", letter))
    return rows


def run_import(actor, content: bytes, name: str = "marks.csv", file_format=None) -> ImportRun:
    run = import_run_create(actor=actor, file_name=name, content=content, file_format=file_format)
    return import_run_execute(run=run)


def problems_of(run: ImportRun) -> list[tuple[int | None, str, str]]:
    return [(e["line"], e["field"], e["reason"]) for e in run.errors]
