"""What a clock is (its kind, status and group), the facts of an exclusion and a pupil the
clocks are worked from, the limits the law sets, and the wording and statuses every
clock shares."""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knotwork.termdates.rules import Half
from knotwork.termdates.school_days import SchoolDays

if TYPE_CHECKING:
    from knotwork.behaviour.rules.spans import Span

Date = datetime.date

#: "Without delay": a notice not given by the end of the next school day is overdue.
NOTICE_WITHIN_SCHOOL_DAYS = 1
#: Sessions (half days) of exclusion before education must be provided: five school days,
#: so provision is due from the first session of the sixth day.
DAY_SIX_AFTER_SESSIONS = 10
#: The governing board meets within 15 school days (a PEX, or more than 15 days in a term).
BOARD_MEETS_WITHIN = 15
#: ... or within 50 school days for more than 5 and up to 15 days in a term, if parents ask.
BOARD_CONSIDERS_WITHIN = 50
#: Suspension days in a term above which the board must meet (more than 15).
BOARD_MUST_MEET_ABOVE_DAYS = 15
#: Suspension days in a term above which parents may ask the board to meet (more than 5).
BOARD_MEETS_IF_ASKED_ABOVE_DAYS = 5
#: The parents' window to apply for an independent review, from the board's decision letter.
REVIEW_WINDOW_SCHOOL_DAYS = 15
#: The board reconsiders within 10 school days of an independent review's
#: "reconsider" or "quashed" decision.
RECONSIDER_WITHIN = 10
#: At most 45 school days of suspension in an academic year, across schools.
CAP_DAYS = 45
#: From this many days used in the year the cap is shown as approaching.
CAP_APPROACHING_DAYS = 35
#: A clock is "due soon" within this many school days of its date.
DUE_SOON_SCHOOL_DAYS = 3


class Status(enum.StrEnum):
    MET = "met"
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    LAPSED = "lapsed"


class Kind(enum.StrEnum):
    DAY_SIX = "day_six"
    BOARD = "board"
    RECONSIDER = "reconsider"
    DECISION_LETTER = "decision_letter"
    REVIEW_WINDOW = "review_window"
    TELL_PARENTS = "tell_parents"
    TELL_LA = "tell_la"
    TELL_GOVERNORS = "tell_governors"
    TELL_SOCIAL_WORKER = "tell_social_worker"
    TELL_VIRTUAL_SCHOOL = "tell_virtual_school"
    CAP = "cap"


class Group(enum.StrEnum):
    """The compliance page's groups, in the order it shows them."""

    PROVISION = "provision"
    BOARD = "board"
    REVIEW = "review"
    NOTICES = "notices"
    CAP = "cap"


GROUP_OF: dict[Kind, Group] = {
    Kind.DAY_SIX: Group.PROVISION,
    Kind.BOARD: Group.BOARD,
    Kind.RECONSIDER: Group.BOARD,
    Kind.DECISION_LETTER: Group.REVIEW,
    Kind.REVIEW_WINDOW: Group.REVIEW,
    Kind.TELL_PARENTS: Group.NOTICES,
    Kind.TELL_LA: Group.NOTICES,
    Kind.TELL_GOVERNORS: Group.NOTICES,
    Kind.TELL_SOCIAL_WORKER: Group.NOTICES,
    Kind.TELL_VIRTUAL_SCHOOL: Group.NOTICES,
    Kind.CAP: Group.CAP,
}

TITLES: dict[Kind, str] = {
    Kind.DAY_SIX: "Education from the sixth day",
    Kind.BOARD: "Governing board meeting",
    Kind.RECONSIDER: "Governing board to reconsider",
    Kind.DECISION_LETTER: "Board's decision to the parents in writing",
    Kind.REVIEW_WINDOW: "Independent review: the parents' window",
    Kind.TELL_PARENTS: "Parents told",
    Kind.TELL_LA: "Local authority told",
    Kind.TELL_GOVERNORS: "Governing board told",
    Kind.TELL_SOCIAL_WORKER: "Social worker told",
    Kind.TELL_VIRTUAL_SCHOOL: "Virtual school head told",
    Kind.CAP: "Days of suspension this year",
}

_TAGS: dict[Status, str] = {
    Status.MET: "Done",
    Status.UPCOMING: "Not yet due",
    Status.DUE_SOON: "Due soon",
    Status.OVERDUE: "Overdue",
    Status.LAPSED: "Missed",
}
_TAG_COLOURS: dict[Status, str] = {
    Status.MET: "green",
    Status.UPCOMING: "blue",
    Status.DUE_SOON: "orange",
    Status.OVERDUE: "red",
    Status.LAPSED: "grey",
}


@dataclass(frozen=True)
class Clock:
    kind: Kind
    due: Date | None
    status: Status
    line: str
    who: str = ""
    ref: Hashable | None = None  # the exclusion it belongs to (None for the cap)
    half: Half | None = None  # for the sixth day: the half day it starts
    tag: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def group(self) -> Group:
        return GROUP_OF[self.kind]

    @property
    def tag_text(self) -> str:
        return self.tag or _TAGS[self.status]

    @property
    def colour(self) -> str:
        return _TAG_COLOURS[self.status]

    @property
    def is_open(self) -> bool:
        """Still to be acted on: not met or lapsed (the cap only once it approaches)."""
        if self.kind == Kind.CAP:
            return self.status in (Status.DUE_SOON, Status.OVERDUE)
        return self.status in (Status.UPCOMING, Status.DUE_SOON, Status.OVERDUE)

    @property
    def urgency(self) -> int:
        """Sort key: overdue first, then due soon, then the rest."""
        return {Status.OVERDUE: 0, Status.DUE_SOON: 1, Status.UPCOMING: 2}.get(self.status, 3)


@dataclass(frozen=True)
class PupilFacts:
    looked_after: bool = False
    child_in_need: bool = False


@dataclass(slots=True, eq=False)
class ExclusionFacts:
    """What the clocks need to know of one suspension or permanent exclusion (read only
    by the rules; ``dataclasses.replace`` makes a changed copy)."""

    ref: Hashable
    calendar: Hashable  # the key of its setting's calendar in the calendars mapping
    setting: Hashable
    permanent: bool
    start: Date
    start_half: Half = "AM"
    sessions: int | None = None  # a suspension's length in half days
    recorded_on: Date | None = None
    parents_told_on: Date | None = None
    parents_told_how: str = ""
    la_told_on: Date | None = None
    social_worker_told_on: Date | None = None
    virtual_school_told_on: Date | None = None
    governors_told_on: Date | None = None
    provision_by: str = ""
    provision_where: str = ""
    provision_from: Date | None = None
    representations_on: Date | None = None
    board_met_on: Date | None = None
    board_outcome: str = ""  # "upheld" or "reinstated"
    board_decision_sent_on: Date | None = None
    review_applied_on: Date | None = None
    review_outcome: str = ""  # "upheld", "reconsider" or "quashed"
    review_decided_on: Date | None = None
    cancelled_on: Date | None = None
    off_roll_on: Date | None = None  # the enrolment's end, once it has ended
    # Where it falls in a calendar, worked out once (by the calendar's id).
    spans: dict[int, Span | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )


# --- wording --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def day_text(day: Date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def days_text(sessions: int) -> str:
    """Half days as school days: 3 -> "1.5 days", 2 -> "1 day"."""
    whole, half = divmod(sessions, 2)
    number = f"{whole}.5" if half else f"{whole}"
    return f"{number} day" if sessions == 2 else f"{number} days"


HALF_TEXT = {"AM": "morning", "PM": "afternoon"}


# --- statuses -------------------------------------------------------------------------


def _status_by(calendar: SchoolDays, due: Date, today: Date) -> Status:
    """A deadline "by" a day: overdue the day after it."""
    if today > due:
        return Status.OVERDUE
    if calendar.school_days_between(today, due) <= DUE_SOON_SCHOOL_DAYS:
        return Status.DUE_SOON
    return Status.UPCOMING


def _status_from(calendar: SchoolDays, due: Date, today: Date) -> Status:
    """A duty "from" a day: overdue on the day itself."""
    if today >= due:
        return Status.OVERDUE
    if calendar.school_days_between(today, due) <= DUE_SOON_SCHOOL_DAYS:
        return Status.DUE_SOON
    return Status.UPCOMING


NOT_IN_CALENDAR = "The setting's calendar does not hold the school days to work out when."


def decision_day(x: ExclusionFacts) -> Date:
    """The earliest day the decision is known to have been made: its start, the day the
    parents were told, or the day it was recorded."""
    known = [d for d in (x.start, x.parents_told_on, x.recorded_on) if d is not None]
    return min(known)


def board_notice_day(x: ExclusionFacts) -> Date:
    """The day the governing board had notice (the decision day if not recorded)."""
    return x.governors_told_on or decision_day(x)
