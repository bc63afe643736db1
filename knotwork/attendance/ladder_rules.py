"""The attendance ladder: which step comes next, and penalty notice amounts and limits.

Plain rules over plain values (no database). "Support first" (WTISA 2024,
england.md §3.1-3.4): letters before an attendance panel, a panel before
legal measures. The rungs, in order:

1-3. letters, stages 1, 2 and 3, each after the one before;
4.   attendance panel meeting with a parenting contract and targets (after a letter);
5.   notice to improve;
6.   penalty notice: only when the penalty threshold is met (10 sessions
     coded G, N, O or U in 10 school weeks) and the limit allows it;
7.   education supervision order (Children Act 1989 s36);
8-9. prosecution under s444(1) or, aggravated, s444(1A) (Education Act 1996).
Rungs 5-9 are legal measures and need a panel first.

What is due next: a planned step, on its day; otherwise the rung after the
highest one done, at that step's review date (or 4 weeks on), while early
signs are raised. After a notice to improve comes a penalty notice when the
threshold is met and the limit allows, prosecution when the threshold is
met but the limit is reached, and otherwise an education supervision order.

Penalty notices (national framework from 19 August 2024, england.md §3.3):
£80 if paid within 21 days, £160 within 28; the second notice to the same
parent for the same child within 3 years of the first is a flat £160; at
most 2 per parent per child in any 3 years, so a third must use another
tool (usually prosecution). Withdrawn notices do not count; notices issued
before 19 August 2024 do not start the clock. Notices are issued per parent.
"Within 3 years" of a notice means before its third anniversary.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from knotwork.attendance.signals import PENALTY_THRESHOLD

# Kinds and statuses, as ``LadderStep`` stores them.
LETTER_1 = "letter_1"
LETTER_2 = "letter_2"
LETTER_3 = "letter_3"
PANEL = "panel"
NOTICE_TO_IMPROVE = "notice_to_improve"
PENALTY_NOTICE = "penalty_notice"
ESO = "eso"
PROSECUTION_444_1 = "prosecution_444_1"
PROSECUTION_444_1A = "prosecution_444_1a"

ORDER = (
    LETTER_1,
    LETTER_2,
    LETTER_3,
    PANEL,
    NOTICE_TO_IMPROVE,
    PENALTY_NOTICE,
    ESO,
    PROSECUTION_444_1,
    PROSECUTION_444_1A,
)
LETTERS = (LETTER_1, LETTER_2, LETTER_3)
LEGAL = (NOTICE_TO_IMPROVE, PENALTY_NOTICE, ESO, PROSECUTION_444_1, PROSECUTION_444_1A)
#: Steps that may be taken again once done: a further panel meeting, a notice to another parent.
REPEATABLE = (PANEL, PENALTY_NOTICE)
#: Steps addressed to one parent (a Contact with parental responsibility).
TO_A_PARENT = (*LETTERS, NOTICE_TO_IMPROVE, PENALTY_NOTICE)

PLANNED = "planned"
DONE = "done"
WITHDRAWN = "withdrawn"

#: When a step has no review date, the next rung falls due this long after it.
DEFAULT_INTERVAL = datetime.timedelta(weeks=4)

#: The national framework for penalty notices took effect on this day.
FRAMEWORK_FROM = datetime.date(2024, 8, 19)
FIRST_AMOUNT_EARLY = Decimal(80)
FIRST_AMOUNT = Decimal(160)
SECOND_AMOUNT = Decimal(160)
EARLY_DAYS = 21
PAY_DAYS = 28
#: Before the framework: £60 within 21 days, £120 within 28.
OLD_AMOUNT_EARLY = Decimal(60)
OLD_AMOUNT = Decimal(120)
#: At most this many notices per parent per child in this many years.
NOTICE_LIMIT = 2
LIMIT_YEARS = 3


@dataclass(frozen=True)
class StepFact:
    """What the rules need of a step. ``parent`` is the id of the parent it is addressed to."""

    kind: str
    status: str
    on: datetime.date
    review_on: datetime.date | None = None
    parent: int | None = None
    ref: Any = None  # the caller's handle on the step (its uuid, say)

    @property
    def counts(self) -> bool:
        return self.status != WITHDRAWN


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- penalty notices ---------------------------------------------------------


@dataclass(frozen=True)
class PenaltyTerms:
    """A penalty notice's amount: ``early_amount`` if paid by ``pay_early_by``, else
    ``amount`` by ``pay_by``. A second notice has no early amount."""

    number: int
    issued_on: datetime.date
    amount: Decimal
    pay_by: datetime.date
    early_amount: Decimal | None = None
    pay_early_by: datetime.date | None = None

    def as_details(self) -> dict[str, Any]:
        """The terms as a step stores them (JSON: amounts in pounds as text, ISO dates)."""
        return {
            "notice_number": self.number,
            "amount": str(self.amount),
            "pay_by": self.pay_by.isoformat(),
            "early_amount": None if self.early_amount is None else str(self.early_amount),
            "pay_early_by": None if self.pay_early_by is None else self.pay_early_by.isoformat(),
        }

    def summary(self) -> str:
        if self.early_amount is not None and self.pay_early_by is not None:
            return (
                f"£{self.early_amount} if paid by {_long(self.pay_early_by)}, "
                f"£{self.amount} if paid by {_long(self.pay_by)}"
            )
        return f"£{self.amount} (no reduction) if paid by {_long(self.pay_by)}"


class PenaltyRefused(ValueError):
    """A notice the framework does not allow: the reason says why and what to do instead."""


def _counting(notices: Iterable[StepFact]) -> list[datetime.date]:
    """Dates of the notices that count towards the limit: not withdrawn, under the framework."""
    return sorted(
        n.on for n in notices if n.kind == PENALTY_NOTICE and n.counts and n.on >= FRAMEWORK_FROM
    )


def penalty_terms(issued_on: datetime.date, earlier: Iterable[StepFact]) -> PenaltyTerms:
    """The amount of a notice issued on ``issued_on`` to a parent for a child, given that
    parent's other notices for that child; PenaltyRefused past the limit."""
    notices = list(earlier)
    pay_early_by = issued_on + datetime.timedelta(days=EARLY_DAYS)
    pay_by = issued_on + datetime.timedelta(days=PAY_DAYS)
    if issued_on < FRAMEWORK_FROM:
        return PenaltyTerms(1, issued_on, OLD_AMOUNT, pay_by, OLD_AMOUNT_EARLY, pay_early_by)
    dates = _counting(notices)
    # Every window of 3 years may hold at most 2: refuse if this one and two others fit in one.
    for i, first in enumerate(dates):
        for second in dates[i + 1 :]:
            span = [first, second, issued_on]
            if years_after(min(span), LIMIT_YEARS) > max(span):
                clear = years_after(min(first, second), LIMIT_YEARS)
                raise PenaltyRefused(
                    f"This parent has already had {NOTICE_LIMIT} penalty notices for this child "
                    f"within {LIMIT_YEARS} years (issued {_long(first)} and {_long(second)}). "
                    "A third is not allowed: use another measure, such as prosecution "
                    f"(another notice is possible from {_long(clear)} at the earliest)."
                )
    before = [d for d in dates if d <= issued_on and years_after(d, LIMIT_YEARS) > issued_on]
    if before:
        return PenaltyTerms(2, issued_on, SECOND_AMOUNT, pay_by)
    return PenaltyTerms(1, issued_on, FIRST_AMOUNT, pay_by, FIRST_AMOUNT_EARLY, pay_early_by)


# --- what may be added, and what is due ----------------------------------------


@dataclass(frozen=True)
class Situation:
    """Everything the ladder rules look at for one pupil on one day."""

    steps: Sequence[StepFact]
    today: datetime.date
    #: Kinds of early sign raised now (``signals.KINDS``).
    signals: frozenset[str] = frozenset()
    #: Ids of the pupil's parents with parental responsibility.
    parents: Sequence[int] = ()

    def live(self) -> list[StepFact]:
        return [s for s in self.steps if s.counts]

    def done(self, kind: str) -> bool:
        return any(s.kind == kind and s.status == DONE for s in self.steps)

    @property
    def threshold_met(self) -> bool:
        return PENALTY_THRESHOLD in self.signals


def position(steps: Iterable[StepFact]) -> str | None:
    """The highest rung done (withdrawn and planned steps do not count), or None."""
    done = [ORDER.index(s.kind) for s in steps if s.status == DONE]
    return ORDER[max(done)] if done else None


def penalty_blocker(situation: Situation, parent: int, on: datetime.date) -> str | None:
    """Why a penalty notice to this parent on this day may not be added, or None."""
    if not situation.threshold_met:
        return (
            "The penalty notice threshold is not met: 10 sessions coded G, N, O or U "
            "within 10 school weeks."
        )
    notices = [s for s in situation.steps if s.kind == PENALTY_NOTICE and s.parent == parent]
    if any(s.status == PLANNED for s in notices):
        return "A penalty notice to this parent is already planned."
    try:
        penalty_terms(on, notices)
    except PenaltyRefused as refused:
        return str(refused)
    return None


def blocker(kind: str, situation: Situation) -> str | None:
    """Why a step of this kind may not be added now, or None when it may."""
    if kind not in ORDER:
        return "There is no such step."
    if kind != PENALTY_NOTICE and any(
        s.kind == kind and s.status == PLANNED for s in situation.steps
    ):
        return "One is already planned: record its outcome first."
    if kind in TO_A_PARENT and not situation.parents:
        return "Record a parent or carer with parental responsibility first."
    if kind == LETTER_2 and not situation.done(LETTER_1):
        return "Send the stage 1 letter first."
    if kind == LETTER_3 and not situation.done(LETTER_2):
        return "Send the stage 2 letter first."
    if kind == PANEL and not any(situation.done(k) for k in LETTERS):
        return "Support first: send a letter before an attendance panel meeting."
    if kind in LEGAL and not situation.done(PANEL):
        return "Support first: hold an attendance panel meeting before a legal measure."
    if kind == PENALTY_NOTICE:
        reasons = [penalty_blocker(situation, p, situation.today) for p in situation.parents]
        if all(reasons):
            return reasons[0]
    return None


@dataclass(frozen=True)
class Option:
    kind: str
    allowed: bool
    reason: str = ""


def options(situation: Situation) -> list[Option]:
    """Every kind of step, in ladder order, with whether it may be added now and why not."""
    found = []
    for kind in ORDER:
        reason = blocker(kind, situation)
        found.append(Option(kind, reason is None, reason or ""))
    return found


@dataclass(frozen=True)
class NextStep:
    """What is due next: a kind (None when nothing is), from when, and why."""

    kind: str | None
    due_on: datetime.date | None
    reason: str
    overdue: bool = False
    planned: StepFact | None = None


def _following(kind: str, situation: Situation) -> str | None:
    """The rung the ladder suggests after ``kind``."""
    if kind in (LETTER_1, LETTER_2):
        return LETTERS[LETTERS.index(kind) + 1]
    if kind == LETTER_3:
        return PANEL
    if kind == PANEL:
        return NOTICE_TO_IMPROVE
    if kind == NOTICE_TO_IMPROVE:
        # A penalty notice when the threshold is met and the limit allows; else the next tool.
        if blocker(PENALTY_NOTICE, situation) is None:
            return PENALTY_NOTICE
        if situation.threshold_met:
            return PROSECUTION_444_1
        return ESO
    if kind == PENALTY_NOTICE:
        # Past the limit, with the threshold met again, a notice is no longer a tool.
        if situation.threshold_met and blocker(PENALTY_NOTICE, situation) is not None:
            return PROSECUTION_444_1
        return ESO
    if kind == ESO:
        return PROSECUTION_444_1
    if kind == PROSECUTION_444_1:
        return PROSECUTION_444_1A
    return None


def next_step(situation: Situation) -> NextStep:
    """What is due next for the pupil, and when."""
    today = situation.today
    planned = sorted((s for s in situation.steps if s.status == PLANNED), key=lambda s: s.on)
    if planned:
        step = planned[0]
        return NextStep(step.kind, step.on, "Planned: record its outcome.", step.on < today, step)
    done = [s for s in situation.steps if s.status == DONE]
    concern = bool(situation.signals)
    if not done:
        if concern:
            return NextStep(LETTER_1, today, "Early signs in the register marks.")
        return NextStep(None, None, "Nothing is due: no early signs in the register marks.")
    top = max(done, key=lambda s: (ORDER.index(s.kind), s.on))
    following = _following(top.kind, situation)
    if following is None:
        return NextStep(None, None, "The last step of the ladder has been taken.")
    due_on = top.review_on or (top.on + DEFAULT_INTERVAL)
    if concern:
        return NextStep(following, due_on, "Attendance is still a concern.", due_on < today)
    return NextStep(
        following, due_on, "Only if attendance has not improved by the review: no early signs now."
    )


@dataclass(frozen=True)
class Overdue:
    step: StepFact
    what: str


def overdue(situation: Situation) -> list[Overdue]:
    """Planned steps whose day has passed, and the latest step done whose review date has
    passed with nothing after it."""
    today = situation.today
    found = [
        Overdue(s, "planned for a day that has passed")
        for s in situation.steps
        if s.status == PLANNED and s.on < today
    ]
    done = [s for s in situation.steps if s.status == DONE]
    if done and not any(s.status == PLANNED for s in situation.steps):
        latest = max(done, key=lambda s: (s.on, ORDER.index(s.kind)))
        if latest.review_on is not None and latest.review_on < today:
            found.append(Overdue(latest, "review date has passed"))
    return found


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"
