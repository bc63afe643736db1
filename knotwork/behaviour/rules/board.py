"""The governing board: when it must meet on suspensions and permanent exclusions, when it
reconsiders after an independent review, and when it may direct reinstatement (§4.3)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from knotwork.behaviour.rules.clocks import (
    BOARD_CONSIDERS_WITHIN,
    BOARD_MEETS_IF_ASKED_ABOVE_DAYS,
    BOARD_MEETS_WITHIN,
    BOARD_MUST_MEET_ABOVE_DAYS,
    NOT_IN_CALENDAR,
    RECONSIDER_WITHIN,
    Clock,
    Date,
    ExclusionFacts,
    Kind,
    Status,
    _status_by,
    board_notice_day,
    day_text,
    days_text,
)
from knotwork.behaviour.rules.spans import span_of
from knotwork.termdates.school_days import SchoolDays, TermSpan


def _board_met_clock(
    calendar: SchoolDays,
    kind: Kind,
    carrier: ExclusionFacts,
    base: Date,
    within: int,
    why: str,
    met_on: Date | None,
    outcome: str,
    today: Date,
) -> Clock:
    due = calendar.school_day_after(base, within)
    who = "The governing board"
    if met_on is not None:
        decided = {"upheld": "upheld", "reinstated": "reinstatement directed"}.get(outcome, "")
        line = f"Met on {day_text(met_on)}{f': {decided}' if decided else ''}."
        return Clock(kind, due, Status.MET, line, who, carrier.ref)
    if due is None:
        return Clock(kind, None, Status.UPCOMING, f"{why} {NOT_IN_CALENDAR}", who, carrier.ref)
    line = f"{why} The board must meet by {day_text(due)}."
    return Clock(kind, due, _status_by(calendar, due, today), line, who, carrier.ref)


def term_totals(
    calendar: SchoolDays, suspensions: Iterable[ExclusionFacts]
) -> dict[TermSpan, list[tuple[ExclusionFacts, int]]]:
    """Each term's suspensions (in start order) with the sessions of each in that term."""
    found: dict[TermSpan, list[tuple[ExclusionFacts, int]]] = defaultdict(list)
    for x in sorted(suspensions, key=lambda s: (s.start, s.start_half)):
        if x.permanent:
            continue
        span = span_of(calendar, x)
        if span is None or span.stop is None:
            continue
        if span.stop <= span.first:
            continue
        index = calendar.term_index
        first, last = index[span.first], index[span.stop - 1]
        if first == last:
            if first >= 0:
                found[calendar.terms[first]].append((x, span.stop - span.first))
            continue
        per_term: dict[int, int] = {}
        for place in range(span.first, span.stop):
            per_term[index[place]] = per_term.get(index[place], 0) + 1
        for term, count in per_term.items():
            if term >= 0:
                found[calendar.terms[term]].append((x, count))
    return found


def board_clocks_for_term(
    calendar: SchoolDays, term: TermSpan, counted: Sequence[tuple[ExclusionFacts, int]], today: Date
) -> list[Clock]:
    """The board's duty for a pupil's suspensions at one school in one term: meet within 15
    school days once they total more than 15 days; within 50 school days for more than 5
    if the parents make representations; none for 5 or fewer."""
    total = sum(n for _, n in counted)
    must_meet = 2 * BOARD_MUST_MEET_ABOVE_DAYS
    may_meet = 2 * BOARD_MEETS_IF_ASKED_ABOVE_DAYS
    running = 0
    over_fifteen: int | None = None
    over_five: int | None = None
    for i, (_, n) in enumerate(counted):
        running += n
        if over_five is None and running > may_meet:
            over_five = i
        if over_fifteen is None and running > must_meet:
            over_fifteen = i
    if over_fifteen is not None:
        carrier = counted[over_fifteen][0]
        later = [x for x, _ in counted[over_fifteen:]]
        met = next((x for x in later if x.board_met_on is not None), None)
        why = (
            f"Suspensions total {days_text(total)} in the {term.label.lower()}, more than "
            f"{BOARD_MUST_MEET_ABOVE_DAYS}."
        )
        return [
            _board_met_clock(
                calendar,
                Kind.BOARD,
                carrier,
                board_notice_day(carrier),
                BOARD_MEETS_WITHIN,
                why,
                met.board_met_on if met else None,
                met.board_outcome if met else "",
                today,
            )
        ]
    if over_five is None:
        return []
    asked = [x for x, _ in counted[over_five:] if x.representations_on is not None]
    if not asked:
        return []
    carrier = asked[0]
    later = [x for x, _ in counted if x.start >= carrier.start]
    met = next((x for x in later if x.board_met_on is not None), None)
    why = (
        f"Suspensions total {days_text(total)} in the {term.label.lower()} and the parents "
        "asked the board to consider reinstatement."
    )
    return [
        _board_met_clock(
            calendar,
            Kind.BOARD,
            carrier,
            board_notice_day(carrier),
            BOARD_CONSIDERS_WITHIN,
            why,
            met.board_met_on if met else None,
            met.board_outcome if met else "",
            today,
        )
    ]


def permanent_board_clocks(calendar: SchoolDays, x: ExclusionFacts, today: Date) -> list[Clock]:
    """A permanent exclusion: the board meets within 15 school days of notice; after an
    independent review's "reconsider" or "quashed", it reconsiders within 10."""
    if x.cancelled_on is not None:
        return []
    clocks = [
        _board_met_clock(
            calendar,
            Kind.BOARD,
            x,
            board_notice_day(x),
            BOARD_MEETS_WITHIN,
            "A permanent exclusion: the board must consider reinstatement.",
            x.board_met_on,
            x.board_outcome,
            today,
        )
    ]
    if x.review_outcome in ("reconsider", "quashed") and x.review_decided_on is not None:
        again = x.board_met_on if x.board_met_on and x.board_met_on >= x.review_decided_on else None
        clocks.append(
            _board_met_clock(
                calendar,
                Kind.RECONSIDER,
                x,
                x.review_decided_on,
                RECONSIDER_WITHIN,
                "The independent review panel asked the board to reconsider.",
                again,
                x.board_outcome if again else "",
                today,
            )
        )
    return clocks


def board_may_reinstate(
    calendar: SchoolDays, at_setting: Sequence[ExclusionFacts], x: ExclusionFacts
) -> bool:
    """Whether the board may direct reinstatement: always for a permanent exclusion; for a
    suspension only when the term's suspensions total more than 5 days (§4.3)."""
    if x.permanent:
        return True
    for counted in term_totals(calendar, at_setting).values():
        over_five = sum(n for _, n in counted) > 2 * BOARD_MEETS_IF_ASKED_ABOVE_DAYS
        if over_five and any(c.ref == x.ref for c, _ in counted):
            return True
    return False
