"""When a consent or a decision to share holds, and what is wrong with one typed in:
plain functions over dates, with no database inside.

A consent holds from the day it was given to its expiry (the last day it holds),
and stops on the day its withdrawal is recorded for: from that day nothing more is
shared (UK GDPR Art 7(3): withdrawal as easy as giving, effective from then on, not
back to the start). A decision to share without consent holds from its first to its
last day, inclusive. ``ConsentQuerySet.live`` and ``SharingDecisionQuerySet.live``
say the same in the database; the tests check them against these.
"""

from __future__ import annotations

import datetime
import enum


class State(enum.StrEnum):
    NOT_YET = "not_yet"
    LIVE = "live"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.NOT_YET: "Not yet started",
    State.LIVE: "Live",
    State.EXPIRED: "Expired",
    State.WITHDRAWN: "Withdrawn",
    State.ENDED: "Ended",
}

#: Longest a decision to share without consent may run before it is made again.
DECISION_MAX_DAYS = 366


def consent_state(
    *,
    given_on: datetime.date,
    expires_on: datetime.date | None,
    withdrawn_on: datetime.date | None,
    on: datetime.date,
) -> State:
    """How a consent stands on a day. Withdrawal wins over expiry when both have passed."""
    if withdrawn_on is not None and on >= withdrawn_on:
        return State.WITHDRAWN
    if on < given_on:
        return State.NOT_YET
    if expires_on is not None and on > expires_on:
        return State.EXPIRED
    return State.LIVE


def decision_state(*, starts_on: datetime.date, ends_on: datetime.date, on: datetime.date) -> State:
    """How a decision to share without consent stands on a day."""
    if on < starts_on:
        return State.NOT_YET
    if on > ends_on:
        return State.ENDED
    return State.LIVE


def consent_problems(
    *, given_on: datetime.date, expires_on: datetime.date | None, today: datetime.date
) -> dict[str, str]:
    """Why a consent cannot be recorded as typed, by field; empty when it can."""
    problems: dict[str, str] = {}
    if given_on > today:
        problems["given_on"] = "The date consent was given cannot be in the future."
    if expires_on is not None and expires_on < given_on:
        problems["expires_on"] = "The expiry date must be on or after the date it was given."
    return problems


def withdrawal_problems(
    *,
    given_on: datetime.date,
    withdrawn_on: datetime.date,
    already_withdrawn: bool,
    today: datetime.date,
) -> dict[str, str]:
    """Why a withdrawal cannot be recorded as typed; empty when it can."""
    if already_withdrawn:
        return {"withdrawn_on": "This consent has already been withdrawn."}
    if withdrawn_on > today:
        return {"withdrawn_on": "The date of withdrawal cannot be in the future."}
    if withdrawn_on < given_on:
        return {"withdrawn_on": "Consent cannot be withdrawn before it was given."}
    return {}


def decision_problems(*, starts_on: datetime.date, ends_on: datetime.date) -> dict[str, str]:
    """Why a decision to share without consent cannot be recorded as typed."""
    if ends_on < starts_on:
        return {"ends_on": "The last day must be on or after the first."}
    if (ends_on - starts_on).days >= DECISION_MAX_DAYS:
        return {"ends_on": "A decision to share without consent runs a year at most."}
    return {}
