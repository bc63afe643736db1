"""Reading a setting's calendar as a session map."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.models import AcademicYear, Calendar, Closure, Term
from knotwork.termdates.rules import SessionMap, school_days


def session_map_for(academic_year: AcademicYear) -> SessionMap:
    """The sessions of one calendar's academic year, with its planned closures."""
    terms = [(t.starts_on, t.ends_on) for t in academic_year.terms.all()]
    bank_holidays = bank_holidays_between(academic_year.starts_on, academic_year.ends_on)
    closures = [(c.date, c.part) for c in academic_year.closures.all()]
    return SessionMap(school_days(terms, bank_holidays), closures)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CalendarYear:
    year: AcademicYear
    terms: list[Term]
    closures: list[Closure]
    sessions: SessionMap


def calendar_year_holding(calendar: Calendar, on: datetime.date) -> CalendarYear | None:
    """The calendar's academic year that holds a date, with its terms, closures and sessions."""
    start_year = on.year if on.month >= 9 else on.year - 1
    year = (
        AcademicYear.objects.filter(calendar=calendar, start_year=start_year)
        .prefetch_related("terms", "closures")
        .first()
    )
    if year is None:
        return None
    return CalendarYear(
        year=year,
        terms=list(year.terms.all()),
        closures=list(year.closures.all()),
        sessions=session_map_for(year),
    )
