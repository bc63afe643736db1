"""Which dates are school sessions, and the index of each session in a year.

A session is one half day (AM or PM). A setting's sessions for an academic
year are the weekdays inside its half terms, less England's bank holidays, in
date order, two a day. Planned closures (INSET days and the like) keep their
index: the register marks them ``#`` and they are not possible sessions. So an
attendance array indexed by these numbers holds one mark per register session.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Literal

Half = Literal["AM", "PM"]
HALVES: tuple[Half, Half] = ("AM", "PM")


@dataclass(frozen=True, order=True)
class SchoolSession:
    date: datetime.date
    half: Half

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.half}"


def school_days(
    terms: Iterable[tuple[datetime.date, datetime.date]],
    bank_holidays: Collection[datetime.date],
) -> list[datetime.date]:
    """Weekdays within the terms (inclusive), excluding bank holidays, in order, once each."""
    days: set[datetime.date] = set()
    one_day = datetime.timedelta(days=1)
    for first, last in terms:
        day = first
        while day <= last:
            if day.weekday() < 5 and day not in bank_holidays:
                days.add(day)
            day += one_day
    return sorted(days)


class SessionMap:
    """Maps session index <-> (date, half) for one setting's academic year."""

    def __init__(
        self,
        days: Iterable[datetime.date],
        closures: Iterable[tuple[datetime.date, Literal["day", "AM", "PM"]]] = (),
    ) -> None:
        self.days: tuple[datetime.date, ...] = tuple(sorted(set(days)))
        self._day_index = {day: i for i, day in enumerate(self.days)}
        closed: set[int] = set()
        for day, part in closures:
            if day not in self._day_index:
                continue
            halves = HALVES if part == "day" else (part,)
            closed.update(self.index_of(day, half) for half in halves)
        self.closed: frozenset[int] = frozenset(closed)

    def __len__(self) -> int:
        return 2 * len(self.days)

    def index_of(self, day: datetime.date, half: Half) -> int:
        """The session's index; KeyError when the date is not a school day."""
        try:
            position = self._day_index[day]
        except KeyError:
            raise KeyError(f"{day.isoformat()} is not a school day in this calendar") from None
        return 2 * position + (0 if half == "AM" else 1)

    def session_at(self, index: int) -> SchoolSession:
        if not 0 <= index < len(self):
            raise IndexError(f"session {index} is outside this year (0-{len(self) - 1})")
        return SchoolSession(self.days[index // 2], HALVES[index % 2])

    def is_school_day(self, day: datetime.date) -> bool:
        return day in self._day_index

    def open_sessions(self) -> int:
        """Sessions the setting is open to pupils (excludes planned closures)."""
        return len(self) - len(self.closed)

    def window(self, first: datetime.date, last: datetime.date) -> slice:
        """The slice of session indices whose dates fall within first..last inclusive."""

        start = bisect.bisect_left(self.days, first)
        stop = bisect.bisect_right(self.days, last)
        return slice(2 * start, 2 * stop)
