"""Who is told what, and when their email goes: plain functions over plain values.

Seed 000 resource sheet 3.3 asks, for each thing that happens, who needs to know and
whether for information, action, comment or response. knotwork asks it once per case:
each member of the team has one purpose there, set by the lead; until then the lead is
told for action and everyone else for information. The person who made the change is
never told of it, and nobody is told about a pupil they may not see.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from knotwork.notices.models import Notice, Purpose, Rhythm

#: The day of the week the weekly digest goes (Monday, as ``date.weekday()`` counts).
WEEKLY_DIGEST_WEEKDAY = 0


@dataclass(frozen=True)
class Seat:
    """One place on a case's team: a user, whether they lead, the purpose chosen for them."""

    user_id: int
    is_lead: bool = False
    chosen: str | None = None


def default_purpose(is_lead: bool) -> str:
    """The lead is told for action; everyone else for information."""
    return Purpose.ACTION if is_lead else Purpose.INFORMATION


def who_is_told(
    seats: Iterable[Seat], *, actor_id: int | None, may_see: Collection[int]
) -> dict[int, str]:
    """Each user to tell, once, with their purpose: everyone on the team but the one who
    made the change, among those who may see the pupil. A purpose chosen for the user
    wins; otherwise the lead's default if any of their seats leads."""
    chosen: dict[int, str] = {}
    leads: set[int] = set()
    users: list[int] = []
    for seat in seats:
        if seat.user_id not in users:
            users.append(seat.user_id)
        if seat.is_lead:
            leads.add(seat.user_id)
        if seat.chosen is not None:
            chosen.setdefault(seat.user_id, seat.chosen)
    return {
        user_id: chosen.get(user_id, default_purpose(user_id in leads))
        for user_id in users
        if user_id != actor_id and user_id in may_see
    }


def email_state(rhythm: str, has_address: bool) -> str:
    """How a new notice stands for email: none for those who want none or have no
    address, else waiting to go (straight away, or in the next digest)."""
    if rhythm == Rhythm.NEVER or not has_address:
        return Notice.Email.NONE
    return Notice.Email.PENDING


def rhythms_due(day: datetime.date) -> tuple[str, ...]:
    """The digests that go on a day: the daily one every day, the weekly one on Mondays."""
    if day.weekday() == WEEKLY_DIGEST_WEEKDAY:
        return (Rhythm.DAILY, Rhythm.WEEKLY)
    return (Rhythm.DAILY,)


def pending_after_change(new_rhythm: str) -> str:
    """What becomes of notices waiting for a digest when the user changes rhythm: they
    wait for the new digest, or, when the user now wants mail straight away or none,
    stay in knotwork only (a backlog is not sent as a flood of single emails)."""
    if new_rhythm in (Rhythm.DAILY, Rhythm.WEEKLY):
        return Notice.Email.PENDING
    return Notice.Email.NONE


#: Kinds of event a pupil's exclusion gives, by ``Exclusion.Kind``.
EXCLUSION_KINDS = {"suspension": Notice.Kind.SUSPENDED, "permanent": Notice.Kind.EXCLUDED}


#: The first-day call outcome that means the pupil is missing from school: an absence
#: with no reason (code N), the family not reached, and someone must go to the home.
MISSING_OUTCOME = "home_visit"


def means_missing(outcome: str, *, told_before: bool) -> bool:
    """Whether a first-day call tells the team the pupil is missing from school: a home
    visit is needed, and it is the first such call about that day."""
    return outcome == MISSING_OUTCOME and not told_before
