"""A school calendar in memory, for tests of rules that count school days.

The same six half terms as ``core.testing.add_academic_year`` (the 2026/27
pattern, shifted 52 weeks a year), with England's bank holidays, so a rule
tested here agrees with the calendars the database tests build.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Literal

from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.rules import SessionMap, school_days
from knotwork.termdates.school_days import CalendarYear, SchoolDays

D = datetime.date
HALF_TERMS_2026 = (
    ("autumn", D(2026, 9, 2), D(2026, 10, 23)),
    ("autumn", D(2026, 11, 2), D(2026, 12, 18)),
    ("spring", D(2027, 1, 4), D(2027, 2, 12)),
    ("spring", D(2027, 2, 22), D(2027, 3, 26)),
    ("summer", D(2027, 4, 12), D(2027, 5, 28)),
    ("summer", D(2027, 6, 7), D(2027, 7, 21)),
)

Closure = tuple[datetime.date, Literal["day", "AM", "PM"]]


def calendar_year(start_year: int, closures: Iterable[Closure] = ()) -> CalendarYear:
    shift = datetime.timedelta(weeks=52 * (start_year - 2026))
    halves = tuple((name, first + shift, last + shift) for name, first, last in HALF_TERMS_2026)
    holidays = bank_holidays_between(D(start_year, 9, 1), D(start_year + 1, 8, 31))
    days = school_days([(first, last) for _, first, last in halves], holidays)
    return CalendarYear(start_year, SessionMap(days, closures), halves)


def school_days_for_years(*start_years: int, closures: Iterable[Closure] = ()) -> SchoolDays:
    """School days over the given years of the test pattern (2026 alone by default)."""
    shut = list(closures)
    return SchoolDays(calendar_year(year, shut) for year in (start_years or (2026,)))
