"""What the multi-agency tracking grid says in a cell: whether an involvement is live, and
the line on it ("Team member since 12 Oct: family support", "Referral accepted 3 Nov,
waiting"). Plain functions over plain values; no database.

Source: seed 001, intersessional activity 1 resource A (the multi-agency tracking grid:
children down the side, each agency with its contact across the top, a brief comment on
the agency's involvement in each cell).
"""

from __future__ import annotations

import datetime

Date = datetime.date

#: Referral states in which the agency is still involved (answering, waiting or helping).
LIVE_REFERRAL_STATES = frozenset({"sent", "accepted", "waiting", "started"})


def short_date(day: Date, today: Date) -> str:
    """``3 Nov`` in the current calendar year, ``3 Nov 2025`` in any other."""
    text = f"{day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def member_is_live(ends_on: Date | None, today: Date) -> bool:
    """A team member is involved until the end of their last day on the team."""
    return ends_on is None or ends_on >= today


def member_line(*, role: str, starts_on: Date, ends_on: Date | None, today: Date) -> str:
    """The line on a member of the team around the child."""
    start = short_date(starts_on, today)
    if member_is_live(ends_on, today):
        when = f"since {start}" if starts_on <= today else f"from {start}"
    else:
        assert ends_on is not None
        when = f"{start} to {short_date(ends_on, today)}"
    line = f"Team member {when}"
    return f"{line}: {role}" if role else line


def referral_is_live(status: str) -> bool:
    return status in LIVE_REFERRAL_STATES


def referral_line(
    *,
    status: str,
    service: str,
    sent_on: Date,
    answered_on: Date | None,
    started_on: Date | None,
    closed_on: Date | None,
    today: Date,
) -> str:
    """The line on a referral to the agency, by the state it is in."""
    if status == "started" and started_on is not None:
        said = f"Service started {short_date(started_on, today)}"
    elif status in ("accepted", "waiting") and answered_on is not None:
        said = f"Referral accepted {short_date(answered_on, today)}"
        if status == "waiting":
            said += ", waiting"
    elif status == "declined" and answered_on is not None:
        said = f"Referral declined {short_date(answered_on, today)}"
    elif status == "closed":
        said = f"Referral closed {short_date(closed_on or sent_on, today)}"
    else:
        said = f"Referral sent {short_date(sent_on, today)}, awaiting an answer"
    return f"{said} ({service})" if service else said
