"""Early signs in register marks: plain rules over marks, dates and settings.

Four signs, each kept for casework's trigger points (``Signal.Kind``):

- **attendance falling**: attendance over the last 6 school weeks is at
  least 5 percentage points below the pupil's own rate earlier this year,
  and under 95%;
- **newly persistent**: persistently absent over the year to date now (the
  partnership's threshold, 10% by default), but not 10 school days earlier
  (nor at the last refresh, when that was longer ago);
- **penalty notice threshold**: 10 or more sessions coded G, N, O or U in a
  rolling window of 10 school weeks; the window may span terms and school
  years (the national framework from 19 August 2024, england.md §3.3);
- **same weekday**: absences concentrated on one weekday: at least 3
  absence days on it in the last 6 school weeks, and it holds at least half
  of the absence days then.

A **school week** is a Monday-to-Sunday week in which the setting has at
least one session open to pupils (a school day of its calendar that is not
a planned closure). Holidays, and weeks closed throughout, are not school
weeks: they are skipped, so "the last 6 school weeks" and "10 school weeks"
reach back over half-term breaks and the summer. The week holding the day
of the check counts, with its marks up to that day.

An **absence day** is a school day with at least one session of absence
(authorised or unauthorised).

The penalty notice threshold stays raised while an episode is recent: some
window of 10 school weeks ending in one of the last 10 school weeks held 10
such sessions. So it clears 10 school weeks after the last window that met
it, which gives the school time to consider a notice.

Every figure is a parameter of ``SignalSettings``, in one place, as a
partnership's settings would be. No database here: ``signal_services``
reads the registers, builds a ``MarkHistory`` per setting and calls
``evaluate``; another module can call one rule through ``SIGNALS``.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from knotwork.analytics.attendance import (
    PERSISTENT_THRESHOLD,
    Marks,
    at_or_above,
    percentage,
    sessions_of,
)
from knotwork.attendance.codes import CATEGORY_OF_ID, PENALTY_CODES, Category, ids_of
from knotwork.termdates.rules import SessionMap

#: Kinds, as ``Signal.Kind`` stores them.
FALLING = "falling"
NEWLY_PERSISTENT = "newly_persistent"
PENALTY_THRESHOLD = "penalty_threshold"
SAME_WEEKDAY = "same_weekday"
KINDS = (FALLING, NEWLY_PERSISTENT, PENALTY_THRESHOLD, SAME_WEEKDAY)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

_PENALTY_IDS = np.asarray(ids_of(PENALTY_CODES), dtype=np.uint8)
_CATEGORY = np.asarray(CATEGORY_OF_ID, dtype=np.uint8)


@dataclass(frozen=True)
class SignalSettings:
    """The figures the signs use: the defaults, or a partnership's own."""

    #: "The last N school weeks" for the falling and same-weekday signs.
    recent_weeks: int = 6
    #: Falling: at least this many percentage points below the earlier rate...
    falling_points: Fraction = Fraction(5)
    #: ... and under this attendance rate (per cent).
    falling_below: Fraction = Fraction(95)
    #: Falling needs this many possible sessions earlier this year, and recently.
    falling_min_earlier: int = 20
    falling_min_recent: int = 10
    #: Persistent absence threshold, per cent (``queries.pa_threshold``).
    pa_threshold: Fraction = PERSISTENT_THRESHOLD
    #: Year-to-date possible sessions needed before a pupil is judged persistent.
    persistent_min_possible: int = 20
    #: Newly persistent: compared with this many school days earlier.
    newly_days: int = 10
    #: Penalty notice threshold: sessions coded G, N, O or U in this many school weeks.
    penalty_sessions: int = 10
    penalty_weeks: int = 10
    #: The threshold stays raised while the window that met it ended this recently.
    penalty_recent_weeks: int = 10
    #: Same weekday: at least this many absence days on one weekday...
    weekday_min_days: int = 3
    #: ... holding at least this share of all absence days in the window.
    weekday_share: Fraction = Fraction(1, 2)


DEFAULTS = SignalSettings()


@dataclass(frozen=True)
class SignalResult:
    """A sign found, with its evidence: figures and dates only, never names."""

    kind: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MarkHistory:
    """Marks of some enrolments on one calendar, over consecutive academic years.

    ``marks`` has one row per enrolment and two columns (AM, PM) per school
    day in ``days``; ``closed`` marks the planned closures. ``year_start``
    is the first day of the academic year that "this year" means.
    """

    days: tuple[datetime.date, ...]
    marks: Marks
    closed: npt.NDArray[np.bool_]
    year_start: datetime.date

    def __post_init__(self) -> None:
        if self.marks.ndim != 2 or self.marks.shape[1] != 2 * len(self.days):
            raise ValueError("marks must have two columns per school day")
        if self.closed.shape != (2 * len(self.days),):
            raise ValueError("closed must have one entry per session")

    @classmethod
    def from_years(
        cls, years: Sequence[tuple[SessionMap, Marks]], year_start: datetime.date
    ) -> MarkHistory:
        """Join academic years (earliest first), each a session map and its marks matrix."""
        if not years:
            raise ValueError("a history needs at least one year")
        days: list[datetime.date] = []
        marks: list[Marks] = []
        closed: list[npt.NDArray[np.bool_]] = []
        rows = years[0][1].shape[0]
        for sessions, matrix in years:
            if matrix.shape != (rows, len(sessions)):
                raise ValueError(
                    "each year's marks need one row per enrolment, one column a session"
                )
            if days and sessions.days and sessions.days[0] <= days[-1]:
                raise ValueError("years must be in order and must not overlap")
            days.extend(sessions.days)
            marks.append(np.asarray(matrix, dtype=np.uint8))
            mask = np.zeros(len(sessions), dtype=np.bool_)
            mask[sorted(sessions.closed)] = True
            closed.append(mask)
        return cls(tuple(days), np.concatenate(marks, axis=1), np.concatenate(closed), year_start)

    @property
    def rows(self) -> int:
        return int(self.marks.shape[0])


@dataclass(frozen=True)
class _Frame:
    """The calendar as seen on one day: what is past, and its school weeks."""

    on: datetime.date
    days: int  # school days up to and including ``on``
    year_day: int  # index of the first day of this academic year
    week_first: list[int]  # per school week, index of its first day
    week_end: list[int]  # per school week, index after its last day (up to ``on``)
    open_days: list[int]  # days with at least one open session, up to ``on``

    @property
    def weeks(self) -> int:
        return len(self.week_first)

    def recent(self, weeks: int) -> tuple[int, int] | None:
        """Day indices [first, end) of the last ``weeks`` school weeks, or None."""
        if not self.week_first:
            return None
        return self.week_first[max(0, self.weeks - weeks)], self.week_end[-1]


def _frame(history: MarkHistory, on: datetime.date) -> _Frame:
    days = bisect.bisect_right(history.days, on)
    open_by_day = ~(history.closed[0 : 2 * days : 2] & history.closed[1 : 2 * days : 2])
    open_days = [i for i in range(days) if open_by_day[i]]
    week_first: list[int] = []
    week_end: list[int] = []
    current: datetime.date | None = None
    for i in range(days):
        monday = history.days[i] - datetime.timedelta(days=history.days[i].weekday())
        if monday != current:
            current = monday
            week_first.append(i)
            week_end.append(i + 1)
        else:
            week_end[-1] = i + 1
    school = [k for k in range(len(week_first)) if open_by_day[week_first[k] : week_end[k]].any()]
    return _Frame(
        on=on,
        days=days,
        year_day=bisect.bisect_left(history.days, history.year_start),
        week_first=[week_first[k] for k in school],
        week_end=[week_end[k] for k in school],
        open_days=open_days,
    )


def _day(history: MarkHistory, index: int) -> str:
    return history.days[index].isoformat()


def _rate(part: int, whole: int) -> str | None:
    value = percentage(part, whole)
    return None if value is None else str(value)


def _share_at_least(
    part: npt.NDArray[np.int64], whole: npt.NDArray[np.int64], share: Fraction
) -> npt.NDArray[np.bool_]:
    hit: npt.NDArray[np.bool_] = part * share.denominator >= whole * share.numerator
    return hit


# --- the rules, over every row of a history ---------------------------------


def falling_rows(
    history: MarkHistory, frame: _Frame, settings: SignalSettings, since: datetime.date | None
) -> list[SignalResult | None]:
    """Attendance over the last school weeks well below the pupil's own earlier rate this year."""
    window = frame.recent(settings.recent_weeks)
    results: list[SignalResult | None] = [None] * history.rows
    if window is None:
        return results
    first, end = window
    earlier_from = min(frame.year_day, first)
    recent = sessions_of(history.marks[:, 2 * first : 2 * end])
    earlier = sessions_of(history.marks[:, 2 * earlier_from : 2 * first])
    pr, ar = recent.possible, recent.attending
    pe, ae = earlier.possible, earlier.attending
    points, below = settings.falling_points, settings.falling_below
    enough = (pr >= max(1, settings.falling_min_recent)) & (
        pe >= max(1, settings.falling_min_earlier)
    )
    under = ar * 100 * below.denominator < below.numerator * pr
    drop = (ae * pr - ar * pe) * 100 * points.denominator >= points.numerator * pe * pr
    for row in np.flatnonzero(enough & under & drop):
        results[row] = SignalResult(
            FALLING,
            {
                "recent_rate": _rate(int(ar[row]), int(pr[row])),
                "recent_attended": int(ar[row]),
                "recent_possible": int(pr[row]),
                "recent_from": _day(history, first),
                "recent_to": _day(history, end - 1),
                "school_weeks": min(settings.recent_weeks, frame.weeks),
                "earlier_rate": _rate(int(ae[row]), int(pe[row])),
                "earlier_attended": int(ae[row]),
                "earlier_possible": int(pe[row]),
                "earlier_from": _day(history, earlier_from),
                "points": str(points),
                "below": str(below),
            },
        )
    return results


def newly_persistent_rows(
    history: MarkHistory, frame: _Frame, settings: SignalSettings, since: datetime.date | None
) -> list[SignalResult | None]:
    """Persistently absent over the year to date, and not when last looked at."""
    results: list[SignalResult | None] = [None] * history.rows
    n = settings.newly_days
    compared = (
        history.days[frame.open_days[-1 - n]]
        if len(frame.open_days) > n
        else history.year_start - datetime.timedelta(days=1)
    )
    if since is not None and since < compared:
        compared = since
    then_days = max(frame.year_day, bisect.bisect_right(history.days, compared))
    start = 2 * frame.year_day
    now = sessions_of(history.marks[:, start : 2 * frame.days])
    then = sessions_of(history.marks[:, start : 2 * then_days])
    threshold = settings.pa_threshold
    least = settings.persistent_min_possible
    now_pa = at_or_above(now.absent, now.possible, threshold) & (now.possible >= least)
    then_pa = at_or_above(then.absent, then.possible, threshold) & (then.possible >= least)
    for row in np.flatnonzero(now_pa & ~then_pa):
        results[row] = SignalResult(
            NEWLY_PERSISTENT,
            {
                "rate": _rate(int(now.absent[row]), int(now.possible[row])),
                "absent": int(now.absent[row]),
                "possible": int(now.possible[row]),
                "from": history.year_start.isoformat(),
                "to": frame.on.isoformat(),
                "compared_with": compared.isoformat(),
                "rate_then": _rate(int(then.absent[row]), int(then.possible[row])),
                "threshold": str(threshold),
            },
        )
    return results


def penalty_threshold_rows(
    history: MarkHistory, frame: _Frame, settings: SignalSettings, since: datetime.date | None
) -> list[SignalResult | None]:
    """10 or more sessions coded G, N, O or U in a rolling window of 10 school weeks."""
    results: list[SignalResult | None] = [None] * history.rows
    weeks = frame.weeks
    if weeks == 0:
        return results
    flags = np.isin(history.marks[:, : 2 * frame.days], _PENALTY_IDS)
    running = np.zeros((history.rows, 2 * frame.days + 1), dtype=np.int64)
    np.cumsum(flags, axis=1, out=running[:, 1:])
    first = 2 * np.asarray(frame.week_first)
    end = 2 * np.asarray(frame.week_end)
    per_week = running[:, end] - running[:, first]
    by_week = np.zeros((history.rows, weeks + 1), dtype=np.int64)
    np.cumsum(per_week, axis=1, out=by_week[:, 1:])
    span = settings.penalty_weeks
    ends = np.arange(weeks)
    starts = np.maximum(0, ends + 1 - span)
    windows = by_week[:, ends + 1] - by_week[:, starts]  # rows x windows ending in each week
    considered = windows[:, max(0, weeks - settings.penalty_recent_weeks) :]
    offset = max(0, weeks - settings.penalty_recent_weeks)
    best = considered.max(axis=1)
    for row in np.flatnonzero(best >= settings.penalty_sessions):
        # The latest window holding the most such sessions.
        last = offset + int(np.flatnonzero(considered[row] == best[row])[-1])
        begin = int(starts[last])
        results[row] = SignalResult(
            PENALTY_THRESHOLD,
            {
                "sessions": int(best[row]),
                "window_from": _day(history, frame.week_first[begin]),
                "window_to": _day(history, frame.week_end[last] - 1),
                "school_weeks": last - begin + 1,
                "threshold_sessions": settings.penalty_sessions,
                "threshold_weeks": span,
                "codes": sorted(PENALTY_CODES),
            },
        )
    return results


def same_weekday_rows(
    history: MarkHistory, frame: _Frame, settings: SignalSettings, since: datetime.date | None
) -> list[SignalResult | None]:
    """Absence days in the last school weeks concentrated on one weekday."""
    results: list[SignalResult | None] = [None] * history.rows
    window = frame.recent(settings.recent_weeks)
    if window is None:
        return results
    first, end = window
    categories = _CATEGORY[history.marks[:, 2 * first : 2 * end]]
    absent = (categories == Category.AUTHORISED) | (categories == Category.UNAUTHORISED)
    absent_days = (absent[:, 0::2] | absent[:, 1::2]).astype(np.int64)
    weekday_of = np.zeros((end - first, len(WEEKDAYS)), dtype=np.int64)
    for i, day in enumerate(history.days[first:end]):
        weekday_of[i, day.weekday()] = 1
    by_weekday = absent_days @ weekday_of
    total = by_weekday.sum(axis=1)
    top = by_weekday.argmax(axis=1)  # the earliest weekday among equals
    most = by_weekday.max(axis=1)
    hit = (most >= settings.weekday_min_days) & _share_at_least(most, total, settings.weekday_share)
    for row in np.flatnonzero(hit):
        results[row] = SignalResult(
            SAME_WEEKDAY,
            {
                "weekday": WEEKDAYS[int(top[row])],
                "days_on_weekday": int(most[row]),
                "absence_days": int(total[row]),
                "by_weekday": dict(zip(WEEKDAYS, (int(v) for v in by_weekday[row]), strict=True)),
                "window_from": _day(history, first),
                "window_to": _day(history, end - 1),
                "school_weeks": min(settings.recent_weeks, frame.weeks),
            },
        )
    return results


RowRule = Callable[
    [MarkHistory, _Frame, SignalSettings, datetime.date | None], list[SignalResult | None]
]
ROW_RULES: dict[str, RowRule] = {
    FALLING: falling_rows,
    NEWLY_PERSISTENT: newly_persistent_rows,
    PENALTY_THRESHOLD: penalty_threshold_rows,
    SAME_WEEKDAY: same_weekday_rows,
}


def evaluate(
    history: MarkHistory,
    on: datetime.date,
    settings: SignalSettings = DEFAULTS,
    *,
    since: datetime.date | None = None,
    kinds: Sequence[str] = KINDS,
) -> list[list[SignalResult]]:
    """Every sign that holds on ``on``, for each row of the history (marks dated after
    ``on`` are ignored). ``since`` is the day the signs were last worked out, if known."""
    frame = _frame(history, on)
    found: list[list[SignalResult]] = [[] for _ in range(history.rows)]
    for kind in kinds:
        for row, result in enumerate(ROW_RULES[kind](history, frame, settings, since)):
            if result is not None:
                found[row].append(result)
    return found


# --- one pupil at a time, for casework's trigger points -----------------------


def _one(kind: str) -> Callable[..., SignalResult | None]:
    def check(
        history: MarkHistory,
        on: datetime.date,
        settings: SignalSettings = DEFAULTS,
        since: datetime.date | None = None,
    ) -> SignalResult | None:
        if history.rows != 1:
            raise ValueError("one enrolment's history, please (one row)")
        return ROW_RULES[kind](history, _frame(history, on), settings, since)[0]

    check.__name__ = kind
    check.__doc__ = ROW_RULES[kind].__doc__
    return check


#: kind -> check(history of one enrolment, on, settings=DEFAULTS, since=None) -> result or None.
SIGNALS: dict[str, Callable[..., SignalResult | None]] = {kind: _one(kind) for kind in KINDS}


def describe(result: SignalResult) -> str:
    """A sentence of the evidence, for a page: figures and dates only."""
    e = result.evidence
    if result.kind == FALLING:
        return (
            f"{e['recent_rate']}% attendance over the last {e['school_weeks']} school weeks, "
            f"against {e['earlier_rate']}% earlier this year."
        )
    if result.kind == NEWLY_PERSISTENT:
        return (
            f"{e['rate']}% of sessions missed this year ({e['absent']} of {e['possible']}); "
            f"the threshold is {e['threshold']}%."
        )
    if result.kind == PENALTY_THRESHOLD:
        return (
            f"{e['sessions']} sessions coded {', '.join(e['codes'])} in {e['school_weeks']} "
            f"school weeks, {_long(e['window_from'])} to {_long(e['window_to'])}."
        )
    if result.kind == SAME_WEEKDAY:
        return (
            f"{e['days_on_weekday']} of {e['absence_days']} absence days were a "
            f"{e['weekday']}, over the last {e['school_weeks']} school weeks."
        )
    return ""


def _long(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"
