"""Fair access sessions: counted from a school's calendar, with no database.

A placed pupil should have 380 sessions of education in a school year
(``KNOTWORK_FAIR_ACCESS_SESSIONS``), "or the proportionate number given date of transfer
in to the Partnership" (seed 004, Annex A 1.4). knotwork counts, in the placing school's
calendar for the year the pupil started:

- the year's open sessions (weekdays in term, less bank holidays and planned closures:
  ``termdates.rules``), normally about 380;
- the sessions the pupil was in the partnership for: all of them, or those from the day
  they arrived in the area;
- the sessions missed: open sessions from the first day out of school to the day before
  the first day at the new school (to today while they have not started);
- the sessions received: in the partnership, less missed.

The proportionate number of a target T is T x in the partnership / the year's open
sessions, rounded up (a pupil reaches it when received x year >= T x in the partnership,
worked in whole numbers). Annex A rates the share of placed pupils who reach 380, 360 and
350 sessions (or the proportionate number) with four levels (``annex_a_level``).
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from knotwork.termdates.rules import SessionMap

#: The bands Annex A 1.4 names, highest first.
BANDS: tuple[int, int, int] = (380, 360, 350)
ONE_DAY = datetime.timedelta(days=1)


def open_session_dates(sessions: SessionMap) -> tuple[datetime.date, ...]:
    """The date of each open session of a year, in order: a day twice when both halves are
    open, once when half of it is closed, not at all when it is closed."""
    return tuple(sessions.days[i // 2] for i in range(len(sessions)) if i not in sessions.closed)


def sessions_in(
    open_sessions: Sequence[datetime.date], first: datetime.date, last: datetime.date
) -> int:
    """Open sessions dated first..last inclusive (none when last is before first)."""
    if last < first:
        return 0
    return bisect.bisect_right(open_sessions, last) - bisect.bisect_left(open_sessions, first)


def days_in(
    open_sessions: Sequence[datetime.date], first: datetime.date, last: datetime.date
) -> int:
    """School days (with at least one open session) dated first..last inclusive."""
    if last < first:
        return 0
    lo = bisect.bisect_left(open_sessions, first)
    hi = bisect.bisect_right(open_sessions, last)
    return len(set(open_sessions[lo:hi]))


@dataclass(frozen=True)
class Missed:
    days: int
    sessions: int


def education_missed(
    open_sessions: Sequence[datetime.date],
    *,
    out_of_school_from: datetime.date,
    started_on: datetime.date | None,
    today: datetime.date,
) -> Missed:
    """School days and sessions from the first day out of school to the day before the
    first day at the new school, or to today while the pupil has not started."""
    last = started_on - ONE_DAY if started_on is not None else today
    return Missed(
        days=days_in(open_sessions, out_of_school_from, last),
        sessions=sessions_in(open_sessions, out_of_school_from, last),
    )


@dataclass(frozen=True)
class FairAccessYear:
    """One placed pupil's school year, in sessions."""

    year_sessions: int  # the year's open sessions
    in_partnership: int  # of those, from the day the pupil arrived
    missed: int  # of those, while out of school
    target: int  # the sessions to reach (KNOTWORK_FAIR_ACCESS_SESSIONS)

    @property
    def received(self) -> int:
        return self.in_partnership - self.missed

    def proportionate(self, band: int) -> int:
        """The band for the part of the year the pupil was in the partnership, rounded up."""
        if self.year_sessions == 0:
            return 0
        return -(-band * self.in_partnership // self.year_sessions)

    def reaches(self, band: int) -> bool:
        """Received at least the proportionate number of the band (exact, in integers)."""
        return self.received * self.year_sessions >= band * self.in_partnership

    @property
    def proportionate_target(self) -> int:
        return self.proportionate(self.target)

    @property
    def reached_target(self) -> bool:
        return self.reaches(self.target)

    @property
    def band(self) -> int | None:
        """The highest Annex A band reached (380, 360 or 350), None below 350."""
        return next((b for b in BANDS if self.reaches(b)), None)


def fair_access_year(
    open_sessions: Sequence[datetime.date],
    *,
    arrived_on: datetime.date | None,
    out_of_school_from: datetime.date,
    started_on: datetime.date | None,
    today: datetime.date,
    target: int,
) -> FairAccessYear:
    """The pupil's sessions in the year that ``open_sessions`` (one school's calendar)
    covers. Days out of school before the year, or before the pupil arrived, do not count
    as missed in it."""
    if not open_sessions:
        return FairAccessYear(0, 0, 0, target)
    first, last = open_sessions[0], open_sessions[-1]
    counted_from = max(first, arrived_on) if arrived_on is not None else first
    in_partnership = sessions_in(open_sessions, counted_from, last)
    missed = education_missed(
        open_sessions,
        out_of_school_from=max(out_of_school_from, counted_from),
        started_on=started_on,
        today=today,
    ).sessions
    return FairAccessYear(len(open_sessions), in_partnership, missed, target)


class Level:
    """Annex A's four levels, lowest first (seed 004, Annex A)."""

    DEVELOPING = "Developing"
    ESTABLISHED = "Established"
    DEVELOPED = "Developed"
    ENHANCING = "Enhancing"


@dataclass(frozen=True)
class BandCounts:
    """How many placed pupils reached each band (each pupil counted in their highest)."""

    pupils: int
    at_380: int
    at_360: int
    at_350: int

    @property
    def below_350(self) -> int:
        return self.pupils - self.at_380 - self.at_360 - self.at_350


def band_counts(years: Iterable[FairAccessYear]) -> BandCounts:
    counts = {380: 0, 360: 0, 350: 0, None: 0}
    for year in years:
        counts[year.band] += 1
    pupils = sum(counts.values())
    return BandCounts(pupils, counts[380], counts[360], counts[350])


def annex_a_level(counts: BandCounts) -> str | None:
    """Annex A 1.4's level for the year's placements (None with no placements).

    Enhancing: every pupil reaches 380 sessions (or the proportionate number).
    Developed: 90% or more reach 380 and none falls below 360 (Annex A: 90-95% at 380,
    5% at 360). Established: 75% or more reach 380 and none falls below 350 (75-89% at
    380, 11-15% at 360, 1-10% at 350). Developing: fewer, or some below 350 ("some pupils
    having access to less than 350 sessions"). The framework's gaps between bands (96-99%
    at 380) go to the level below the next one up. Shares are compared in whole numbers.
    """
    n = counts.pupils
    if n == 0:
        return None
    if counts.at_380 == n:
        return Level.ENHANCING
    if counts.at_380 * 100 >= 90 * n and counts.at_350 == 0 and counts.below_350 == 0:
        return Level.DEVELOPED
    if counts.at_380 * 100 >= 75 * n and counts.below_350 == 0:
        return Level.ESTABLISHED
    return Level.DEVELOPING


# --- The fair share -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareLine:
    """One school's placements taken against its agreed share of the partnership's."""

    setting_id: int
    weight: Decimal
    taken: int
    share: Fraction  # the placements the school would have taken, by its weight

    @property
    def difference(self) -> Fraction:
        return self.taken - self.share


def fair_shares(weights: Mapping[int, Decimal], taken: Mapping[int, int]) -> list[ShareLine]:
    """Each weighted school's fair share of all the placements taken by weighted schools:
    total x its weight / the sum of weights, exactly (all zero when every weight is zero).
    Placements at schools with no weight are not shared out."""
    total = sum(taken.get(s, 0) for s in weights)
    weight_sum = sum((Fraction(w) for w in weights.values()), Fraction(0))
    return [
        ShareLine(
            setting_id=s,
            weight=w,
            taken=taken.get(s, 0),
            share=(total * Fraction(w) / weight_sum) if weight_sum else Fraction(0),
        )
        for s, w in weights.items()
    ]
