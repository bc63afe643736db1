"""What attendance pages, exports and commands read: registers as matrices, with
the session map of each setting's calendar year."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet

from knotwork.analytics.attendance import PERSISTENT_THRESHOLD
from knotwork.attendance.models import Register
from knotwork.attendance.register import as_array, stack
from knotwork.directory.models import Partnership, Setting
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.queries import session_map_for
from knotwork.termdates.rules import SessionMap


def start_year_of(day: datetime.date) -> int:
    """The academic year (by its first calendar year) that holds a date."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class YearOfSessions:
    year: AcademicYear
    sessions: SessionMap


class SessionMaps:
    """Session maps by (calendar, academic year), each worked out once per use."""

    def __init__(self) -> None:
        self._years: dict[tuple[int, int], YearOfSessions | None] = {}

    def for_setting(self, setting: Setting, start_year: int) -> YearOfSessions | None:
        key = (setting.calendar_id, start_year)
        if key not in self._years:
            year = (
                AcademicYear.objects.filter(calendar_id=setting.calendar_id, start_year=start_year)
                .prefetch_related("terms", "closures")
                .first()
            )
            self._years[key] = None if year is None else YearOfSessions(year, session_map_for(year))
        return self._years[key]


def enrolment_marks(
    enrolment: Enrolment, start_year: int, maps: SessionMaps | None = None
) -> tuple[YearOfSessions, npt.NDArray[np.uint8], Register | None] | None:
    """An enrolment's marks for an academic year, with its sessions; None without a calendar."""
    year = (maps or SessionMaps()).for_setting(enrolment.setting, start_year)
    if year is None:
        return None
    register = Register.objects.filter(enrolment=enrolment, academic_year=year.year).first()
    raw = bytes(register.marks) if register is not None else b""
    return year, as_array(raw, len(year.sessions)), register


def registers_for_year(enrolments: QuerySet[Enrolment], year: AcademicYear) -> QuerySet[Register]:
    return Register.objects.filter(enrolment__in=enrolments, academic_year=year)


def marks_matrix(
    rows: Iterable[tuple[int, bytes | memoryview]], sessions: int
) -> tuple[list[int], npt.NDArray[np.uint8]]:
    """(ids, matrix) from (id, marks) pairs: the matrix has one row per id, in order."""
    pairs = list(rows)
    return [key for key, _ in pairs], stack((marks for _, marks in pairs), sessions)


def pa_threshold(partnership: Partnership | None) -> Fraction:
    """The partnership's persistent absence threshold, in per cent (10 unless it chose another)."""
    if partnership is None:
        return PERSISTENT_THRESHOLD
    return Fraction(partnership.persistent_absence_threshold)
