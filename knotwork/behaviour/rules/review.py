"""The independent review: the board's decision letter, the parents' window to apply, and
the day a permanently excluded pupil comes off roll (§4.4)."""

from __future__ import annotations

from knotwork.behaviour.rules.clocks import (
    NOT_IN_CALENDAR,
    NOTICE_WITHIN_SCHOOL_DAYS,
    REVIEW_WINDOW_SCHOOL_DAYS,
    Clock,
    Date,
    ExclusionFacts,
    Kind,
    Status,
    _status_by,
    day_text,
    decision_day,
)
from knotwork.termdates.school_days import SchoolDays


def review_window_last_day(calendar: SchoolDays, x: ExclusionFacts) -> Date | None:
    """The last day the parents may apply for an independent review: 15 school days after
    the board's decision to uphold was sent in writing."""
    if not x.permanent or x.board_outcome != "upheld" or x.board_decision_sent_on is None:
        return None
    return calendar.school_day_after(x.board_decision_sent_on, REVIEW_WINDOW_SCHOOL_DAYS)


def review_clocks(calendar: SchoolDays, x: ExclusionFacts, today: Date) -> list[Clock]:
    if not x.permanent or x.cancelled_on is not None or x.board_outcome != "upheld":
        return []
    if x.board_decision_sent_on is None:
        due = calendar.school_day_after(
            x.board_met_on or decision_day(x), NOTICE_WITHIN_SCHOOL_DAYS
        )
        line = (
            "Send the parents the board's decision in writing, without delay: their 15 school "
            "days to apply for an independent review run from then."
        )
        due_status = Status.UPCOMING if due is None else _status_by(calendar, due, today)
        return [Clock(Kind.DECISION_LETTER, due, due_status, line, "The governing board", x.ref)]
    last = review_window_last_day(calendar, x)
    if x.review_applied_on is not None:
        line = f"The parents applied for a review on {day_text(x.review_applied_on)}."
        return [Clock(Kind.REVIEW_WINDOW, last, Status.MET, line, ref=x.ref, tag="Applied")]
    if x.off_roll_on is not None:
        line = f"No review: off roll from {day_text(x.off_roll_on)}."
        return [Clock(Kind.REVIEW_WINDOW, last, Status.MET, line, ref=x.ref, tag="Closed")]
    if last is None:
        return [Clock(Kind.REVIEW_WINDOW, None, Status.UPCOMING, NOT_IN_CALENDAR, ref=x.ref)]
    if today > last:
        line = (
            f"The window closed on {day_text(last)} with no application: the pupil comes off "
            f"roll, their last day on roll {day_text(last)}."
        )
        return [
            Clock(
                Kind.REVIEW_WINDOW,
                last,
                Status.OVERDUE,
                line,
                who="The school",
                ref=x.ref,
                tag="Take off roll",
            )
        ]
    status = _status_by(calendar, last, today)
    line = (
        f"The parents may apply for an independent review until {day_text(last)}; the "
        "pupil stays on roll until then."
    )
    tag = "Closes soon" if status == Status.DUE_SOON else "Window open"
    return [Clock(Kind.REVIEW_WINDOW, last, status, line, "The parents", x.ref, tag=tag)]


def off_roll_day(calendar: SchoolDays, x: ExclusionFacts, today: Date) -> Date | None:
    """The last day on roll of a permanently excluded pupil once the review route is
    exhausted without reinstatement; None while it is not (or never will be).

    - the review panel upheld it: the day it decided;
    - the board reconsidered and upheld it again: the day it met;
    - no application within the window, and the window has closed: its last day.
    (The parents' written word that they will not apply is given to the service.)"""
    if not x.permanent or x.cancelled_on is not None or x.board_outcome != "upheld":
        return None
    if x.review_applied_on is not None:
        if x.review_outcome == "upheld":
            return x.review_decided_on
        if (
            x.review_outcome in ("reconsider", "quashed")
            and x.review_decided_on is not None
            and x.board_met_on is not None
            and x.board_met_on >= x.review_decided_on
        ):
            return x.board_met_on
        return None
    last = review_window_last_day(calendar, x)
    if last is not None and today > last:
        return last
    return None
