"""Reading a setting's calendar as a session map."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.models import AcademicYear, Calendar, Closure, Term
from knotwork.termdates.rules import SessionMap, school_days
from knotwork.termdates.school_days import CalendarYear as SchoolCalendarYear
from knotwork.termdates.school_days import SchoolDays


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


def school_days_for(
    calendar_ids: Iterable[int], start_years: Iterable[int]
) -> dict[int, SchoolDays]:
    """Each calendar's school days over those of the academic years it holds, in three
    queries however many calendars (the years, their terms, their closures). The working
    out is kept for calendars read the same again."""
    ids, wanted = sorted(set(calendar_ids)), sorted(set(start_years))
    held: dict[int, list[_YearKey]] = {calendar_id: [] for calendar_id in ids}
    if ids and wanted:
        found = AcademicYear.objects.filter(
            calendar_id__in=ids, start_year__in=wanted
        ).prefetch_related("terms", "closures")
        for year in found:
            held[year.calendar_id].append(
                (
                    year.start_year,
                    tuple((t.name, t.starts_on, t.ends_on) for t in year.terms.all()),
                    tuple((c.date, c.part) for c in year.closures.all()),
                )
            )
    return {calendar_id: _school_days(tuple(sorted(years))) for calendar_id, years in held.items()}


_YearKey = tuple[
    int,
    tuple[tuple[str, datetime.date, datetime.date], ...],
    tuple[tuple[datetime.date, str], ...],
]


@functools.lru_cache(maxsize=64)
def _school_days(years: tuple[_YearKey, ...]) -> SchoolDays:
    """School days from the stored rows of a calendar's years (the same rows, the same
    answer: kept by their content)."""
    built = []
    for start_year, half_terms, closures in years:
        first, last = datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 8, 31)
        days = school_days([(a, b) for _, a, b in half_terms], bank_holidays_between(first, last))
        built.append(
            SchoolCalendarYear(
                start_year=start_year,
                sessions=SessionMap(days, closures),  # type: ignore[arg-type]
                half_terms=half_terms,
            )
        )
    return SchoolDays(built)
