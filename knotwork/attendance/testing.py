"""Builders for attendance tests: registers filled the way a school's MIS would fill them."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from knotwork.attendance.codes import code_for
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps
from knotwork.pupils.models import Enrolment
from knotwork.termdates.rules import HALVES, Half


def fill_register(
    enrolment: Enrolment,
    start_year: int,
    *,
    through: datetime.date,
    marks: Mapping[tuple[datetime.date, Half], str] | None = None,
) -> Register:
    """The enrolment's register for a year, marked for every session from the later of
    the year's first day and the enrolment's start, through ``through``: present
    (``/`` and ``\\``), ``#`` on planned closures, and ``marks`` where given."""
    year = SessionMaps().for_setting(enrolment.setting, start_year)
    if year is None:
        raise ValueError(f"the setting's calendar has no {start_year} year")
    sessions = year.sessions
    row = bytearray(len(sessions))
    for index in range(len(sessions)):
        session = sessions.session_at(index)
        if session.date < enrolment.start_date or session.date > through:
            continue
        if enrolment.end_date is not None and session.date > enrolment.end_date:
            continue
        present = "/" if session.half == "AM" else "\\"
        letters = "#" if index in sessions.closed else present
        row[index] = code_for(letters, session.date).id
    for (day, half), letters in (marks or {}).items():
        row[sessions.index_of(day, half)] = code_for(letters, day).id
    register, _ = Register.objects.update_or_create(
        enrolment=enrolment,
        academic_year=year.year,
        defaults={"marks": bytes(row), "setting_id": enrolment.setting_id},
    )
    return register


def whole_day(day: datetime.date, letters: str) -> dict[tuple[datetime.date, Half], str]:
    """Both sessions of a day with one code."""
    return {(day, half): letters for half in HALVES}
