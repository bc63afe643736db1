"""Rules of alternative provision placements, with no database: the week's timetable, the
half-termly review dates, a provider's quality assurance and reintegrations coming up.

Sources: seed 004 para 67 and Annex A 3.2 (the information passport, the personalised
learning plan, a directory of quality assured provision); england.md §4.5 (full-time
education from the sixth day) and §5.3 (part-time timetables only when agreed, time
limited and reviewed; the pupil attends school for the rest of the week).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

#: A week's timetable: one letter a session, Monday morning to Friday afternoon.
AT_PROVIDER, AT_SCHOOL, NOWHERE = "P", "S", "-"
WEEK_SESSIONS = 10
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
#: The ten sessions of a week, in the timetable's order.
SESSION_NAMES: tuple[str, ...] = tuple(f"{d} {h}" for d in DAYS for h in ("AM", "PM"))
#: A placement starting in a half term's last fortnight has its first review at the end of
#: the next one.
FIRST_REVIEW_AFTER = datetime.timedelta(days=14)
#: Quality assurance the partnership repeats every year: a safeguarding check and a visit.
QA_CHECK_DAYS = 365
#: Reintegrations planned this close are listed as due.
REINTEGRATION_NOTICE = datetime.timedelta(days=14)
DAY6_KINDS = frozenset({"day6_suspension", "day6_permanent"})


@dataclass(frozen=True)
class TimetableCheck:
    """What a week's timetable adds up to, and what is wrong with it."""

    at_provider: int
    at_school: int
    nowhere: tuple[str, ...]  # the sessions in neither place
    problems: tuple[str, ...]

    @property
    def full_time(self) -> bool:
        return self.at_provider == WEEK_SESSIONS

    @property
    def adds_up(self) -> bool:
        return not self.problems


def timetable_check(timetable: str, kind: str) -> TimetableCheck:
    """Check a week of ten sessions (P at the provider, S at school, - neither).

    A part-time placement adds up when the pupil is at school for every other session.
    Education from the sixth day of an exclusion is full-time at the provider: the pupil
    may not be in school, and the law asks for full-time education."""
    if len(timetable) != WEEK_SESSIONS or set(timetable) - {AT_PROVIDER, AT_SCHOOL, NOWHERE}:
        raise ValueError("A timetable is ten sessions, each P, S or -.")
    nowhere = tuple(SESSION_NAMES[i] for i, c in enumerate(timetable) if c == NOWHERE)
    at_provider, at_school = timetable.count(AT_PROVIDER), timetable.count(AT_SCHOOL)
    problems: list[str] = []
    if nowhere:
        problems.append(
            f"{len(nowhere)} session{'s' if len(nowhere) != 1 else ''} a week in neither "
            f"school nor provision: the week adds up to {at_provider + at_school} of "
            f"{WEEK_SESSIONS}."
        )
    if kind in DAY6_KINDS and at_school:
        problems.append(
            "Education from the sixth day of an exclusion is away from the school, but the "
            f"timetable has {at_school} session{'s' if at_school != 1 else ''} at school."
        )
    if kind in DAY6_KINDS and at_provider < WEEK_SESSIONS:
        problems.append("Education from the sixth day must be full-time.")
    return TimetableCheck(at_provider, at_school, nowhere, tuple(problems))


def review_due_dates(
    half_terms: Iterable[tuple[datetime.date, datetime.date]],
    *,
    starts_on: datetime.date,
    until: datetime.date | None,
) -> list[datetime.date]:
    """A review at the end of each half term the placement runs in, from the first ending
    a fortnight or more after the start, to the one in which it is planned to end (every
    half term of the calendar when there is no end date)."""
    dates = []
    for first, last in sorted(half_terms):
        if last < starts_on + FIRST_REVIEW_AFTER:
            continue
        if until is not None and first > until:
            break
        dates.append(last)
    return dates


@dataclass(frozen=True)
class QualityState:
    """A provider's quality assurance on a day: which checks are overdue."""

    safeguarding_overdue: bool
    review_overdue: bool
    unregistered: bool

    @property
    def flags(self) -> tuple[str, ...]:
        found = []
        if self.safeguarding_overdue:
            found.append("Safeguarding check overdue")
        if self.review_overdue:
            found.append("Quality assurance visit overdue")
        if self.unregistered:
            found.append("Unregistered")
        return tuple(found)


def _overdue(last: datetime.date | None, today: datetime.date) -> bool:
    return last is None or (today - last).days > QA_CHECK_DAYS


def quality_state(
    *,
    safeguarding_checked_on: datetime.date | None,
    last_reviewed_on: datetime.date | None,
    registration: str,
    today: datetime.date,
) -> QualityState:
    """Checks more than a year old (or never made) are overdue."""
    return QualityState(
        safeguarding_overdue=_overdue(safeguarding_checked_on, today),
        review_overdue=_overdue(last_reviewed_on, today),
        unregistered=registration == "unregistered",
    )


def reintegration_due(
    planned: datetime.date | None, ends_on: datetime.date | None, today: datetime.date
) -> bool:
    """A running placement whose planned return is past or within a fortnight."""
    return planned is not None and ends_on is None and planned <= today + REINTEGRATION_NOTICE


def is_running(starts_on: datetime.date, ends_on: datetime.date | None, on: datetime.date) -> bool:
    return starts_on <= on and (ends_on is None or ends_on >= on)
