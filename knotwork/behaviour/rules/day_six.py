"""Full-time education from the sixth school day of a run of exclusion (§4.5)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from knotwork.behaviour.rules.clocks import (
    DAY_SIX_AFTER_SESSIONS,
    HALF_TEXT,
    NOT_IN_CALENDAR,
    Clock,
    Date,
    ExclusionFacts,
    Kind,
    Status,
    _status_from,
    day_text,
)
from knotwork.behaviour.rules.spans import Span, span_of
from knotwork.termdates.school_days import SchoolDays


def runs(
    calendar: SchoolDays, exclusions: Iterable[ExclusionFacts]
) -> list[list[tuple[ExclusionFacts, Span]]]:
    """Exclusions at one setting in runs of consecutive sessions: one starts at the
    session after the last of the one before (a run ends with a permanent exclusion)."""
    placed = []
    for x in exclusions:
        span = span_of(calendar, x)
        if span is not None and (span.stop is None or span.stop > span.first):
            placed.append((x, span))
    placed.sort(key=lambda item: item[1].first)
    found: list[list[tuple[ExclusionFacts, Span]]] = []
    for x, span in placed:
        if found:
            previous = found[-1][-1][1]
            if previous.stop is not None and previous.stop == span.first:
                found[-1].append((x, span))
                continue
        found.append([(x, span)])
    return found


def day_six_clock(
    calendar: SchoolDays, run: Sequence[tuple[ExclusionFacts, Span]], today: Date
) -> Clock | None:
    """Full-time education from the sixth school day of a run of exclusion: arranged by
    the school in a suspension, by the local authority in a permanent exclusion."""
    first = run[0][1].first
    place = first + DAY_SIX_AFTER_SESSIONS
    carrier = None
    served = 0
    for x, span in run:
        # A span the calendar cannot hold to its end keeps the length recorded.
        length = None if span.stop is None else span.stop - span.first
        if length is not None and not span.complete:
            length = x.sessions or length
        if length is None or served + length > DAY_SIX_AFTER_SESSIONS:
            carrier = x
            break
        served += length
    if carrier is None:
        return None  # five days or fewer
    last_span = run[-1][1]
    stop = last_span.stop if last_span.complete else None
    who = "The local authority" if carrier.permanent else "The school"
    arranged = [x for x, _ in run if x.provision_from is not None]
    session = calendar.session(place)
    if session is None:
        if arranged:
            return Clock(Kind.DAY_SIX, None, Status.MET, "Arranged.", who=who, ref=carrier.ref)
        return Clock(Kind.DAY_SIX, None, Status.UPCOMING, NOT_IN_CALENDAR, who, carrier.ref)
    due, half = session.date, session.half
    when = f"{day_text(due)} ({HALF_TEXT[half]})"
    if arranged:
        chosen = arranged[0]
        starts = chosen.provision_from
        assert starts is not None
        by = {"school": "the school", "la": "the local authority"}.get(chosen.provision_by, "")
        line = f"Arranged{f' by {by}' if by else ''} from {day_text(starts)}"
        if chosen.provision_where:
            line += f": {chosen.provision_where}"
        late = calendar.school_days_between(due, starts)
        if starts > due and late:
            line += f". That is {late} school day{'s' if late != 1 else ''} after it was due"
        return Clock(Kind.DAY_SIX, due, Status.MET, line + ".", who, carrier.ref, half)
    ended = None
    if stop is not None:
        last = calendar.session(stop - 1)
        ended = None if last is None else last.date
    if ended is not None and today > ended:
        line = f"Not recorded as arranged; it was due from {when} and the exclusion has ended."
        return Clock(Kind.DAY_SIX, due, Status.LAPSED, line, who, carrier.ref, half)
    status = _status_from(calendar, due, today)
    line = f"{who} must arrange full-time education from {when}; not arranged yet."
    return Clock(Kind.DAY_SIX, due, status, line, who, carrier.ref, half)
