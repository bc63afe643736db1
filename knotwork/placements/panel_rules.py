"""Panel formulas over plain values (no database here).

Sources: seed 004 Annex A 1.1, "Engagement of all schools": developed, "No partner is
absent for more than one meeting in an annual cycle"; established, "All partners are
present or represented at all meetings".
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

Date = datetime.date

#: Meetings a partner may miss in a year before it stands out (Annex A 1.1).
ABSENCES_ALLOWED = 1


def papers_go_on(held_on: Date, papers_days: int) -> Date:
    """The day a meeting's papers go to its members."""
    return held_on - datetime.timedelta(days=papers_days)


def in_papers_window(today: Date, held_on: Date, papers_days: int) -> bool:
    """Whether members may see the pupils on a meeting's agenda today: from the day the
    papers go to the end of the meeting day."""
    return papers_go_on(held_on, papers_days) <= today <= held_on


def year_of_meetings(today: Date) -> tuple[Date, Date]:
    """The annual cycle the attendance rule counts over: the 365 days up to today."""
    return today - datetime.timedelta(days=364), today


def absences(statuses: Iterable[tuple[int, str]]) -> Counter[int]:
    """Meetings missed by each member from (member, status) rows: apologies count, since
    Annex A asks that partners be "present or represented"."""
    missed: Counter[int] = Counter()
    for member, status in statuses:
        if status != "attended":
            missed[member] += 1
    return missed


def too_often_absent(missed: int) -> bool:
    return missed > ABSENCES_ALLOWED
