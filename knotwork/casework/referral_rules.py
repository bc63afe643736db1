"""The moves a referral may make between its states, and how long it has waited.

Pure functions over plain values: the services ask ``may_move`` before any change
and the pages ask ``next_steps`` for the buttons they show.

    sent ──> accepted ──> waiting ──> started ──> closed
      │         │            └──────────────────────^
      │         └───────────────> started / closed
      ├──> declined (with a reason; final)
      └──> closed (withdrawn before an answer)
"""

from __future__ import annotations

import datetime

SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
WAITING = "waiting"
STARTED = "started"
CLOSED = "closed"

#: From each state, the states a referral may move to next (in the order pages offer them).
MOVES: dict[str, tuple[str, ...]] = {
    SENT: (ACCEPTED, DECLINED, CLOSED),
    ACCEPTED: (WAITING, STARTED, CLOSED),
    WAITING: (STARTED, CLOSED),
    STARTED: (CLOSED,),
    DECLINED: (),
    CLOSED: (),
}

#: States in which the receiving practitioner holds a live link to the pupil.
LINKED = frozenset({ACCEPTED, WAITING, STARTED})


def may_move(current: str, to: str) -> bool:
    """Whether a referral in ``current`` may move to ``to``."""
    return to in MOVES.get(current, ())


def next_steps(current: str) -> tuple[str, ...]:
    """The states a referral in ``current`` may move to; none once declined or closed."""
    return MOVES.get(current, ())


def days_waited(sent_on: datetime.date, until: datetime.date) -> int:
    """Whole days from sending to ``until`` (an answer, or today); never negative."""
    return max(0, (until - sent_on).days)


def is_overdue(
    *, status: str, sent_on: datetime.date, today: datetime.date, target_days: int | None
) -> bool:
    """A referral still waiting for an answer after more days than the service's target.

    Only an unanswered (sent) referral can be overdue; one to the panel has no target."""
    if status != SENT or target_days is None:
        return False
    return days_waited(sent_on, today) > target_days
