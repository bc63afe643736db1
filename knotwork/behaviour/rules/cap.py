"""The 45-day cap on suspensions in an academic year, across schools (§4.1)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

from knotwork.behaviour.rules.clocks import (
    CAP_APPROACHING_DAYS,
    CAP_DAYS,
    Clock,
    ExclusionFacts,
    Kind,
    Status,
    days_text,
)
from knotwork.behaviour.rules.spans import sessions_by_year
from knotwork.termdates.school_days import SchoolDays, start_year_of


def sessions_used(
    calendars: Mapping[Hashable, SchoolDays], exclusions: Iterable[ExclusionFacts], start_year: int
) -> int:
    """Half days of suspension served in an academic year, across schools."""
    total = 0
    for x in exclusions:
        if x.permanent:
            continue
        calendar = calendars.get(x.calendar)
        if calendar is None:
            if x.cancelled_on is None and start_year_of(x.start) == start_year:
                total += x.sessions or 0
            continue
        total += sessions_by_year(calendar, x).get(start_year, 0)
    return total


def cap_clock(used: int, start_year: int) -> Clock:
    """Days of suspension used this year against the 45-day cap."""
    left = max(0, 2 * CAP_DAYS - used)
    year = f"{start_year}/{str(start_year + 1)[-2:]}"
    line = (
        f"{days_text(used)} of {CAP_DAYS} school days of suspension used in {year}, across "
        f"schools; {days_text(left)} left."
    )
    if used >= 2 * CAP_DAYS:
        return Clock(Kind.CAP, None, Status.OVERDUE, line, tag="At the limit")
    if used >= 2 * CAP_APPROACHING_DAYS:
        return Clock(Kind.CAP, None, Status.DUE_SOON, line, tag="Approaching the limit")
    return Clock(Kind.CAP, None, Status.UPCOMING, line, tag=f"{days_text(used)} used")


def cap_refusal(used: int, adding: int, start_year: int) -> str | None:
    """Why a new suspension of ``adding`` half days may not be issued in a year with
    ``used`` already served; None when it fits."""
    if used + adding <= 2 * CAP_DAYS:
        return None
    year = f"{start_year}/{str(start_year + 1)[-2:]}"
    most = max(0, 2 * CAP_DAYS - used)
    return (
        f"This would take the pupil to {days_text(used + adding)} of suspension in {year}. "
        f"The limit is {CAP_DAYS} school days in an academic year, across schools; "
        f"{days_text(used)} are used, so a suspension this year may be at most "
        f"{days_text(most)}."
    )
