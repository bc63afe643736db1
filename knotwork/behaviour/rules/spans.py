"""Where an exclusion falls in its setting's calendar: its sessions as a span of open
sessions, its last day, its sessions in each academic year, and overlaps between
exclusions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from knotwork.behaviour.rules.clocks import (
    Date,
    ExclusionFacts,
)
from knotwork.termdates.school_days import SchoolDays, start_year_of


@dataclass(frozen=True)
class Span:
    """An exclusion's sessions as places in its calendar's run of open sessions:
    first up to (not including) stop; stop None while a permanent exclusion runs on.
    ``complete`` is False when the calendar does not hold all its sessions."""

    first: int
    stop: int | None
    complete: bool = True

    @property
    def length(self) -> int | None:
        return None if self.stop is None else self.stop - self.first


def _cut_at(calendar: SchoolDays, day: Date) -> int | None:
    """The place of the first session on or after a date (the run stops there)."""
    return calendar.first_session_from(day, "AM")


def span_of(calendar: SchoolDays, x: ExclusionFacts) -> Span | None:
    """Where the exclusion's sessions fall; None when the calendar does not hold its start.

    A cancelled exclusion stops at its cancellation; one the governing board reinstated,
    or a permanent exclusion whose pupil has come off roll, stops after that day."""
    key = id(calendar)
    if key not in x.spans:
        x.spans[key] = _span(calendar, x)
    return x.spans[key]


def _span(calendar: SchoolDays, x: ExclusionFacts) -> Span | None:
    first = calendar.first_session_from(x.start, x.start_half)
    if first is None:
        return None
    stop: int | None
    complete = True
    if x.permanent:
        stop = None
    else:
        stop = first + (x.sessions or 0)
        if stop > len(calendar.sessions):
            stop, complete = len(calendar.sessions), False
    ends: list[int] = []
    if x.cancelled_on is not None:
        cut = _cut_at(calendar, x.cancelled_on)
        ends.append(len(calendar.sessions) if cut is None else cut)
    for after in (
        x.board_met_on if x.board_outcome == "reinstated" else None,
        x.off_roll_on,
    ):
        if after is not None:
            cut = _cut_at(calendar, after + datetime.timedelta(days=1))
            ends.append(len(calendar.sessions) if cut is None else cut)
    if ends:
        cut_at = max(first, min(ends))
        if stop is None or cut_at < stop:
            stop, complete = cut_at, True
    return Span(first, stop, complete)


def last_day(calendar: SchoolDays, x: ExclusionFacts) -> Date | None:
    """The last school day of a suspension (None for a permanent exclusion, or when the
    calendar does not reach it)."""
    span = span_of(calendar, x)
    if span is None or span.stop is None or not span.complete or span.stop <= span.first:
        return None
    last = calendar.session(span.stop - 1)
    return None if last is None else last.date


def sessions_by_year(calendar: SchoolDays, x: ExclusionFacts) -> dict[int, int]:
    """A suspension's sessions served in each academic year (by the date of each session).

    Sessions the calendar cannot place count in the year the suspension starts."""
    if x.permanent:
        return {}
    span = span_of(calendar, x)
    if span is None:
        return {start_year_of(x.start): x.sessions or 0} if x.cancelled_on is None else {}
    counted: dict[int, int] = defaultdict(int)
    stop = span.stop if span.stop is not None else span.first
    years = calendar.year_of
    if stop > span.first and years[span.first] == years[stop - 1]:
        counted[years[span.first]] = stop - span.first
    else:
        for place in range(span.first, stop):
            counted[years[place]] += 1
    if not span.complete:
        counted[start_year_of(x.start)] += (x.sessions or 0) - (stop - span.first)
    return dict(counted)


def clash(
    calendar: SchoolDays, existing: Iterable[ExclusionFacts], new: ExclusionFacts
) -> ExclusionFacts | None:
    """An exclusion at the same setting the new one would overlap; None when there is none.

    A permanent exclusion may follow on from (or cut short) a suspension, but not overlap
    another permanent exclusion still running."""
    mine = span_of(calendar, new)
    if mine is None:
        return None
    for x in existing:
        if x.setting != new.setting or x.ref == new.ref:
            continue
        theirs = span_of(calendar, x)
        if theirs is None or (theirs.stop is not None and theirs.stop <= theirs.first):
            continue
        if new.permanent and not x.permanent:
            continue
        starts_before_their_end = theirs.stop is None or mine.first < theirs.stop
        ends_after_their_start = mine.stop is None or theirs.first < mine.stop
        if starts_before_their_end and ends_after_their_start:
            return x
    return None
