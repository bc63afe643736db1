"""The clocks the law sets running when a pupil is suspended or permanently excluded.

Plain functions over plain values: an exclusion's facts (``ExclusionFacts``),
the pupil's (``PupilFacts``), the school days of each setting's calendar
(``termdates.school_days.SchoolDays``) and today. No database here.

Sources (../shared/domain/england.md):
- §4.1: any number of whole or half days (a lunchtime is half a day); at most
  45 school days of suspension in an academic year, across schools.
- §4.2: parents, the local authority, the governing board, a social worker
  and a looked-after child's virtual school head are told "without delay".
- §4.3: the governing board must meet within 15 school days of notice for a
  permanent exclusion or when suspensions total more than 15 school days in a
  term; within 50 school days for more than 5 and up to 15 if the parents
  ask; no duty for 5 or fewer.
- §4.4: the parents may apply for an independent review within 15 school
  days of being given the board's decision in writing; after "reconsider" or
  "quashed" the board reconsiders within 10 school days; the pupil comes off
  roll only once the review route is exhausted.
- §4.5: suitable full-time education from the sixth school day, consecutive
  suspensions counted together: the school arranges it for a suspension, the
  local authority for a permanent exclusion.

Each clock has a due date, a status given today (met, not yet due, due soon,
overdue, or lapsed when its moment has passed and nothing is left to do) and
a plain-language line.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from knotwork.behaviour.reasons import UnknownReason, most_reasons, reason_for
from knotwork.termdates.rules import Half
from knotwork.termdates.school_days import SchoolDays, TermSpan, start_year_of

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


# --- where an exclusion falls in the calendar -------------------------------------------


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


# --- telling people -------------------------------------------------------------------

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


# --- the sixth day ----------------------------------------------------------------------


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


# --- the governing board ----------------------------------------------------------------


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


# --- the independent review -----------------------------------------------------------------


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


# --- the 45-day cap -----------------------------------------------------------------------


def sessions_used(
    calendars: Mapping[Hashable, SchoolDays], exclusions: Iterable[ExclusionFacts], start_year: int
) -> int:
    """Half days of suspension served in an academic year, across schools."""
    total = 0
    for x in exclusions:
        if x.permanent:
            continue
        calendar = calendars.get(x.calendar)
        if calendar is None:
            if x.cancelled_on is None and start_year_of(x.start) == start_year:
                total += x.sessions or 0
            continue
        total += sessions_by_year(calendar, x).get(start_year, 0)
    return total


def cap_clock(used: int, start_year: int) -> Clock:
    """Days of suspension used this year against the 45-day cap."""
    left = max(0, 2 * CAP_DAYS - used)
    year = f"{start_year}/{str(start_year + 1)[-2:]}"
    line = (
        f"{days_text(used)} of {CAP_DAYS} school days of suspension used in {year}, across "
        f"schools; {days_text(left)} left."
    )
    if used >= 2 * CAP_DAYS:
        return Clock(Kind.CAP, None, Status.OVERDUE, line, tag="At the limit")
    if used >= 2 * CAP_APPROACHING_DAYS:
        return Clock(Kind.CAP, None, Status.DUE_SOON, line, tag="Approaching the limit")
    return Clock(Kind.CAP, None, Status.UPCOMING, line, tag=f"{days_text(used)} used")


def cap_refusal(used: int, adding: int, start_year: int) -> str | None:
    """Why a new suspension of ``adding`` half days may not be issued in a year with
    ``used`` already served; None when it fits."""
    if used + adding <= 2 * CAP_DAYS:
        return None
    year = f"{start_year}/{str(start_year + 1)[-2:]}"
    most = max(0, 2 * CAP_DAYS - used)
    return (
        f"This would take the pupil to {days_text(used + adding)} of suspension in {year}. "
        f"The limit is {CAP_DAYS} school days in an academic year, across schools; "
        f"{days_text(used)} are used, so a suspension this year may be at most "
        f"{days_text(most)}."
    )


# --- reasons -----------------------------------------------------------------------------


def reason_problems(codes: Sequence[str], start: Date) -> list[str]:
    """What is wrong with an exclusion's census reasons for its date (empty when fine)."""
    problems = []
    if not codes:
        problems.append("Choose at least one reason.")
    most = most_reasons(start)
    if len(codes) > most:
        problems.append(
            f"An exclusion from {start:%-d %B %Y} may have at most {most} "
            f"reason{'s' if most > 1 else ''}."
        )
    if len(set(codes)) != len(codes):
        problems.append("Choose each reason once.")
    for code in codes:
        try:
            reason_for(code, start)
        except UnknownReason as exc:
            problems.append(f"{exc}.")
    return problems


# --- one pupil's clocks ------------------------------------------------------------------------


@dataclass
class PupilClocks:
    """Every clock of a pupil's exclusions, by exclusion, and the year's cap."""

    by_exclusion: dict[Hashable, list[Clock]] = field(default_factory=dict)
    cap: Clock | None = None
    used: int = 0

    def all(self) -> list[Clock]:
        found = [c for clocks in self.by_exclusion.values() for c in clocks]
        return found + ([self.cap] if self.cap is not None else [])

    def open(self) -> list[Clock]:
        return sorted(
            (c for c in self.all() if c.is_open), key=lambda c: (c.urgency, c.due or Date.max)
        )


_ORDER = {kind: i for i, kind in enumerate(Kind)}


def _by_kind(clock: Clock) -> int:
    return _ORDER[clock.kind]


def pupil_clocks(
    calendars: Mapping[Hashable, SchoolDays],
    exclusions: Sequence[ExclusionFacts],
    pupil: PupilFacts,
    today: Date,
    *,
    open_only: bool = False,
) -> PupilClocks:
    """The clocks of all of a pupil's exclusions, at each one's setting, given today.

    With ``open_only`` the notices already given are left out (the other clocks are
    few), and the cap only once it approaches; the compliance page, which lists only
    what is open, asks so."""
    found = PupilClocks(by_exclusion={x.ref: [] for x in exclusions})
    by_setting: dict[Hashable, list[ExclusionFacts]] = defaultdict(list)
    for x in exclusions:
        by_setting[x.setting].append(x)
    for at_setting in by_setting.values():
        calendar = calendars.get(at_setting[0].calendar)
        if calendar is None:
            continue
        for x in at_setting:
            mine = found.by_exclusion[x.ref]
            mine.extend(notice_clocks(calendar, x, pupil, today, open_only=open_only))
            if x.permanent:
                mine.extend(permanent_board_clocks(calendar, x, today))
                mine.extend(review_clocks(calendar, x, today))
        if not any(x.permanent for x in at_setting) and sum(
            x.sessions or 0 for x in at_setting
        ) <= min(DAY_SIX_AFTER_SESSIONS, 2 * BOARD_MEETS_IF_ASKED_ABOVE_DAYS):
            continue  # five days or fewer in all: no sixth day, no board to meet
        for run in runs(calendar, at_setting):
            clock = day_six_clock(calendar, run, today)
            if clock is not None:
                found.by_exclusion[clock.ref].append(clock)
        live = [x for x in at_setting if not x.permanent]
        for term, counted in term_totals(calendar, live).items():
            for clock in board_clocks_for_term(calendar, term, counted, today):
                found.by_exclusion[clock.ref].append(clock)
    for clocks in found.by_exclusion.values():
        if len(clocks) > 1:
            clocks.sort(key=_by_kind)
    year = start_year_of(today)
    found.used = sessions_used(calendars, exclusions, year)
    if not open_only or found.used >= 2 * CAP_APPROACHING_DAYS:
        found.cap = cap_clock(found.used, year)
    return found
