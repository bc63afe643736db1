"""Counting school days across a calendar's academic years.

The law times exclusions in school days ("within 15 school days of notice",
"from the sixth school day"), and a count can run from one academic year into
the next. ``SchoolDays`` joins a calendar's years, each a ``SessionMap`` with
its terms, into one run of the sessions the setting is open to pupils:

- a *school day* is a day with at least one open session (an INSET day is
  not one; a day closed only in the afternoon is);
- a *session* is a half day the setting is open, in date order across the
  years.

Counts that would need a year the calendar does not hold answer ``None``
rather than guess. Pure: no database; ``termdates.queries.school_days_for``
builds these from the stored calendars.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from knotwork.termdates.rules import HALVES, Half, SchoolSession, SessionMap


def start_year_of(day: datetime.date) -> int:
    """The academic year (by its first calendar year) that holds a date."""
    return day.year if day.month >= 9 else day.year - 1


@dataclass(frozen=True)
class TermSpan:
    """One whole term (both its halves): autumn, spring or summer of an academic year."""

    start_year: int
    name: str
    first: datetime.date
    last: datetime.date

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.start_year}/{str(self.start_year + 1)[-2:]}"

    def holds(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class CalendarYear:
    """One academic year of a calendar: its sessions, and its half terms as
    (name, first day, last day), e.g. ("autumn", 2 Sep, 23 Oct)."""

    start_year: int
    sessions: SessionMap
    half_terms: tuple[tuple[str, datetime.date, datetime.date], ...]


def whole_terms(year: CalendarYear) -> list[TermSpan]:
    """The year's terms, each from the first day of its first half to the last of its second."""
    spans: dict[str, tuple[datetime.date, datetime.date]] = {}
    for name, first, last in year.half_terms:
        if name in spans:
            was_first, was_last = spans[name]
            spans[name] = (min(was_first, first), max(was_last, last))
        else:
            spans[name] = (first, last)
    return sorted(
        (TermSpan(year.start_year, name, first, last) for name, (first, last) in spans.items()),
        key=lambda t: t.first,
    )


class SchoolDays:
    """The open sessions and school days of one calendar over the years it holds."""

    def __init__(self, years: Iterable[CalendarYear]) -> None:
        held = sorted(years, key=lambda y: y.start_year)
        self.years: frozenset[int] = frozenset(y.start_year for y in held)
        sessions: list[SchoolSession] = []
        for year in held:
            closed = year.sessions.closed
            for index in range(len(year.sessions)):
                if index not in closed:
                    day = year.sessions.days[index // 2]
                    sessions.append(SchoolSession(day, HALVES[index % 2]))
        self.sessions: tuple[SchoolSession, ...] = tuple(sessions)
        self._position = {(s.date, s.half): i for i, s in enumerate(sessions)}
        self.days: tuple[datetime.date, ...] = tuple(sorted({s.date for s in sessions}))
        self._day_position = {day: i for i, day in enumerate(self.days)}
        self.terms: tuple[TermSpan, ...] = tuple(t for y in held for t in whole_terms(y))
        # For each open session: its academic year, and its term's place in ``terms`` (-1
        # outside any), so counts over a run of sessions need no search.
        self.year_of: tuple[int, ...] = tuple(start_year_of(s.date) for s in sessions)
        term_of_day: dict[datetime.date, int] = {}
        for i, term in enumerate(self.terms):
            for day in self.days[
                bisect.bisect_left(self.days, term.first) : bisect.bisect_right(
                    self.days, term.last
                )
            ]:
                term_of_day[day] = i
        self.term_index: tuple[int, ...] = tuple(term_of_day.get(s.date, -1) for s in sessions)

    # --- coverage ---------------------------------------------------------------------

    def covers(self, day: datetime.date) -> bool:
        """Whether the calendar holds the academic year of this date."""
        return start_year_of(day) in self.years

    def _covers_between(self, first: datetime.date, last: datetime.date) -> bool:
        return all(
            year in self.years for year in range(start_year_of(first), start_year_of(last) + 1)
        )

    # --- sessions ---------------------------------------------------------------------

    def is_session(self, day: datetime.date, half: Half) -> bool:
        """Whether the setting is open to pupils for this half day."""
        return (day, half) in self._position

    def position(self, day: datetime.date, half: Half) -> int | None:
        """The open session's place in the run; None when the setting is not open then."""
        return self._position.get((day, half))

    def session(self, position: int) -> SchoolSession | None:
        """The open session at a place in the run; None past the years held."""
        if 0 <= position < len(self.sessions):
            return self.sessions[position]
        return None

    def first_session_from(self, day: datetime.date, half: Half = "AM") -> int | None:
        """The place of the first open session at or after (day, half); None when the
        calendar does not hold the years to find it."""
        exact = self._position.get((day, half))
        if exact is not None:
            return exact
        key = SchoolSession(day, half)
        place = bisect.bisect_left(self.sessions, key)
        if place >= len(self.sessions):
            return None
        if not self._covers_between(day, self.sessions[place].date):
            return None
        return place

    # --- school days ------------------------------------------------------------------

    def is_school_day(self, day: datetime.date) -> bool:
        return day in self._day_position

    def school_day_after(self, day: datetime.date, n: int) -> datetime.date | None:
        """The n-th school day after ``day`` (``day`` itself never counts): the deadline
        "within n school days of" a notice given on ``day``. None when the calendar does
        not hold the years the count runs into."""
        if n < 1:
            raise ValueError("count at least one school day")
        place = bisect.bisect_right(self.days, day) + n - 1
        if place >= len(self.days):
            return None
        found = self.days[place]
        return found if self._covers_between(day, found) else None

    def school_day_before(self, day: datetime.date, n: int) -> datetime.date | None:
        """The n-th school day before ``day`` (``day`` itself never counts); None when the
        calendar does not reach back so far."""
        if n < 1:
            raise ValueError("count at least one school day")
        place = bisect.bisect_left(self.days, day) - n
        if place < 0:
            return None
        found = self.days[place]
        return found if self._covers_between(found, day) else None

    def school_day_on_or_after(self, day: datetime.date) -> datetime.date | None:
        place = bisect.bisect_left(self.days, day)
        if place >= len(self.days):
            return None
        found = self.days[place]
        return found if self._covers_between(day, found) else None

    def school_days_between(self, after: datetime.date, through: datetime.date) -> int:
        """How many school days d with after < d <= through (0 when through <= after)."""
        if through <= after:
            return 0
        return bisect.bisect_right(self.days, through) - bisect.bisect_right(self.days, after)

    # --- terms ------------------------------------------------------------------------

    def term_of(self, day: datetime.date) -> TermSpan | None:
        """The whole term holding a date (its half-term holiday included); None outside."""
        for term in self.terms:
            if term.first <= day <= term.last:
                return term
        return None
