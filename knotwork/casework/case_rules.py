"""Casework formulas over plain values: the intervention clock, the before/after windows
of a measure and its figures, caseloads against a limit, and the order in which key
workers are suggested when a lead is allocated.

Sources: seed 003 §2.11 (caseloads of 15 to 20, interventions lasting 10 weeks);
seed 001 (scaling 1-10 at each solution-focused meeting).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

#: How long an intervention lasts (seed 003: interventions last 10 weeks).
INTERVENTION_WEEKS = 10
#: A clock this close to its end is shown as due.
DUE_SOON_DAYS = 14

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Clock:
    """Where an intervention stands: weeks since it started, when it is due to end."""

    started_on: datetime.date
    due_on: datetime.date
    weeks_in: int
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def due_soon(self) -> bool:
        return 0 <= self.days_left <= DUE_SOON_DAYS

    @property
    def state(self) -> str:
        return "overdue" if self.overdue else "due" if self.due_soon else "running"


def intervention_clock(
    started_on: datetime.date, today: datetime.date, weeks: int = INTERVENTION_WEEKS
) -> Clock:
    """The clock of an intervention started on a day: due ``weeks`` weeks later."""
    due_on = started_on + datetime.timedelta(weeks=weeks)
    weeks_in = max(0, (today - started_on).days // 7)
    return Clock(started_on, due_on, weeks_in, (due_on - today).days)


@dataclass(frozen=True)
class Windows:
    """The same length of time before an intervention and during it, inclusive."""

    before_first: datetime.date
    before_last: datetime.date
    after_first: datetime.date
    after_last: datetime.date


def measure_windows(
    starts_on: datetime.date, weeks: int, closed_on: datetime.date | None = None
) -> Windows:
    """``weeks`` weeks before the start and ``weeks`` weeks from it; closure cuts the
    second short (never before the first day)."""
    span = datetime.timedelta(weeks=weeks)
    after_last = starts_on + span - ONE_DAY
    if closed_on is not None:
        after_last = max(starts_on, min(after_last, closed_on))
    return Windows(starts_on - span, starts_on - ONE_DAY, starts_on, after_last)


def measure_due(
    starts_on: datetime.date, weeks: int, today: datetime.date, closed_on: datetime.date | None
) -> bool:
    """Whether the after figure can be read: the window has ended, or the case closed."""
    return closed_on is not None or today > measure_windows(starts_on, weeks).after_last


def count_in(days: Iterable[datetime.date], first: datetime.date, last: datetime.date) -> int:
    """How many of these days (incidents, say) fall within first..last inclusive."""
    return sum(1 for day in days if first <= day <= last)


def scale_at(
    points: Iterable[tuple[datetime.date, int]], first: datetime.date, last: datetime.date
) -> int | None:
    """The latest scaling score recorded within first..last; None when none was."""
    inside = [(day, score) for day, score in points if first <= day <= last]
    return max(inside)[1] if inside else None


def change(before: Decimal | None, after: Decimal | None) -> Decimal | None:
    """After less before, when both are known."""
    if before is None or after is None:
        return None
    return after - before


@dataclass(frozen=True)
class Caseload:
    """A key worker's open cases as lead against the limit."""

    open_cases: int
    limit: int

    @property
    def spare(self) -> int:
        return max(0, self.limit - self.open_cases)

    @property
    def over(self) -> bool:
        return self.open_cases > self.limit

    @property
    def full(self) -> bool:
        return self.open_cases >= self.limit

    @property
    def percent(self) -> int:
        """The share of the limit in use, rounded down (0 with a limit of 0)."""
        return self.open_cases * 100 // self.limit if self.limit else 0


@dataclass(frozen=True)
class Candidate:
    """A key worker who might lead a case, with what the suggestion weighs."""

    user_id: int
    name: str
    open_cases: int
    limit: int
    same_setting: bool
    same_area: bool

    @property
    def caseload(self) -> Caseload:
        return Caseload(self.open_cases, self.limit)

    @property
    def reasons(self) -> list[str]:
        """Why they are where they are in the list, in words."""
        load = self.caseload
        said = [
            f"{load.open_cases} of {load.limit} cases"
            + (" (full)" if load.full else f", room for {load.spare}")
        ]
        if self.same_setting:
            said.append("already works with the school")
        elif self.same_area:
            said.append("works in the same area")
        return said


def suggestion_key(candidate: Candidate) -> tuple[bool, bool, bool, int, str]:
    """Workers with room first; then those who already work with the setting, then the
    area; then the fewest open cases; then by name, so the order is stable."""
    return (
        candidate.caseload.full,
        not candidate.same_setting,
        not candidate.same_area,
        candidate.open_cases,
        candidate.name,
    )


def suggestions(candidates: Sequence[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=suggestion_key)
