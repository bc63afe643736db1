"""Telling people of an exclusion without delay (§4.2)."""

from __future__ import annotations

from knotwork.behaviour.rules.clocks import (
    NOT_IN_CALENDAR,
    NOTICE_WITHIN_SCHOOL_DAYS,
    Clock,
    Date,
    ExclusionFacts,
    Kind,
    PupilFacts,
    Status,
    _status_by,
    day_text,
    decision_day,
)
from knotwork.termdates.school_days import SchoolDays

_NOTICES: tuple[tuple[Kind, str, str], ...] = (
    (Kind.TELL_PARENTS, "parents_told_on", "the parents"),
    (Kind.TELL_LA, "la_told_on", "the local authority"),
    (Kind.TELL_GOVERNORS, "governors_told_on", "the governing board"),
    (Kind.TELL_SOCIAL_WORKER, "social_worker_told_on", "the pupil's social worker"),
    (Kind.TELL_VIRTUAL_SCHOOL, "virtual_school_told_on", "the virtual school head"),
)

#: Which notice each field records (the services' names for them).
NOTICE_FIELDS: dict[str, str] = {
    "parents": "parents_told_on",
    "la": "la_told_on",
    "governors": "governors_told_on",
    "social_worker": "social_worker_told_on",
    "virtual_school": "virtual_school_told_on",
}


def notice_clocks(
    calendar: SchoolDays,
    x: ExclusionFacts,
    pupil: PupilFacts,
    today: Date,
    *,
    open_only: bool = False,
) -> list[Clock]:
    """Parents, the local authority and the governing board, and for a child in need their
    social worker, for a looked-after child the virtual school head: told without delay.
    With ``open_only``, only those not yet told."""
    if x.cancelled_on is not None:
        return []
    if (
        open_only
        and x.parents_told_on
        and x.la_told_on
        and x.governors_told_on
        and (x.social_worker_told_on or not pupil.child_in_need)
        and (x.virtual_school_told_on or not pupil.looked_after)
    ):
        return []
    owed = [
        (kind, name, whom)
        for kind, name, whom in _NOTICES
        if (kind != Kind.TELL_SOCIAL_WORKER or pupil.child_in_need)
        and (kind != Kind.TELL_VIRTUAL_SCHOOL or pupil.looked_after)
        and not (open_only and getattr(x, name) is not None)
    ]
    if not owed:
        return []
    base = decision_day(x)
    due = calendar.school_day_after(base, NOTICE_WITHIN_SCHOOL_DAYS)
    clocks = []
    for kind, name, whom in owed:
        told: Date | None = getattr(x, name)
        if told is not None:
            clocks.append(
                Clock(kind, due, Status.MET, f"Told {whom} on {day_text(told)}.", ref=x.ref)
            )
        elif due is None:
            clocks.append(Clock(kind, None, Status.UPCOMING, NOT_IN_CALENDAR, ref=x.ref))
        else:
            clocks.append(
                Clock(
                    kind,
                    due,
                    _status_by(calendar, due, today),
                    f"Tell {whom} without delay: by {day_text(due)} at the latest.",
                    who="The school",
                    ref=x.ref,
                )
            )
    return clocks
