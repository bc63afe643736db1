"""Managed move formulas over plain values (no database here).

Sources: seed 004 Annex A, 3.1 "Use and impact of managed moves": a move is successful
when "the child remains within the placement school after any trial period and remains
on the roll of the new school for a period of at least one year from time of transfer
being finalised"; the bands are 50-84% (developing), 85-90% (developed), 91-95%
(established) and 96-100% (enhancing) of managed moves successful. Annex A 1.5 asks for
support "for at least six weeks in to the trial period" (KNOTWORK_MANAGED_MOVE_TRIAL_WEEKS).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Date = datetime.date


@dataclass(frozen=True)
class Stay:
    """One enrolment of the pupil at the receiving school: start, and end (None on roll)."""

    start: Date
    end: Date | None


def earliest_trial_end(starts_on: Date, weeks: int) -> Date:
    """The first day a trial may end: ``weeks`` weeks after it starts."""
    return starts_on + datetime.timedelta(weeks=weeks)


def trial_long_enough(starts_on: Date, trial_ends_on: Date, weeks: int) -> bool:
    return trial_ends_on >= earliest_trial_end(starts_on, weeks)


def judged_on(finalised_on: Date, success_days: int) -> Date:
    """The day a permanent move is judged: ``success_days`` after it was finalised."""
    return finalised_on + datetime.timedelta(days=success_days)


def on_roll_throughout(stays: Iterable[Stay], first: Date, last: Date) -> bool:
    """Whether the stays cover every day from ``first`` to ``last`` with no gap."""
    reached = first - datetime.timedelta(days=1)  # covered up to and including this day
    for stay in sorted(stays, key=lambda s: s.start):
        if stay.start > reached + datetime.timedelta(days=1):
            break
        if stay.end is None:
            return True
        reached = max(reached, stay.end)
        if reached >= last:
            return True
    return reached >= last


def move_success(
    *,
    status: str,
    finalised_on: Date | None,
    stays: Iterable[Stay],
    today: Date,
    success_days: int,
) -> bool | None:
    """True or False once a move can be judged, None while it cannot.

    A move that returned or broke down was not successful. A permanent move is judged
    ``success_days`` after it was finalised (so not a day before): successful if the
    pupil was on the roll of the receiving school every day from the day it was finalised
    to that day. Moves proposed, in trial or not agreed are not judged.
    """
    if status in ("returned", "broke_down"):
        return False
    if status != "permanent" or finalised_on is None:
        return None
    judged = judged_on(finalised_on, success_days)
    if today < judged:
        return None
    return on_roll_throughout(stays, finalised_on, judged)


def success_rate(outcomes: Iterable[bool | None]) -> Fraction | None:
    """Successful moves over moves judged; None when none is judged yet."""
    judged = [o for o in outcomes if o is not None]
    if not judged:
        return None
    return Fraction(sum(judged), len(judged))


#: Annex A 3.1's bands, highest first: (lowest per cent, level).
BANDS: list[tuple[int, str]] = [
    (96, "Enhancing"),
    (91, "Established"),
    (85, "Developed"),
    (50, "Developing"),
]
BELOW_BANDS = "Below the developing band"


def band(rate: Fraction | None) -> str | None:
    """The Annex A level of a success rate (a fraction of 1). The bands are whole per
    cents; a rate between two (90.5%) is in the lower, since it has not reached the next
    band's lowest figure."""
    if rate is None:
        return None
    for lowest, level in BANDS:
        if rate * 100 >= lowest:
            return level
    return BELOW_BANDS


def per_cent(rate: Fraction | None) -> Decimal | None:
    """A rate as a per cent to one decimal place, half up."""
    if rate is None:
        return None
    exact = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return exact.quantize(Decimal("0.1"), ROUND_HALF_UP)


#: A group's rate of moves this many times everyone else's (or more) is flagged.
DISPROPORTION_RATIO = Fraction(3, 2)


def risk_ratio(
    group_moves: int, group_roll: int, other_moves: int, other_roll: int
) -> Fraction | None:
    """The group's moves per pupil over everyone else's; None when either has no pupils
    or everyone else has no moves (nothing to compare with)."""
    if group_roll <= 0 or other_roll <= 0 or other_moves <= 0:
        return None
    return Fraction(group_moves, group_roll) / Fraction(other_moves, other_roll)


def disproportionate(group_moves: int, group_roll: int, other_moves: int, other_roll: int) -> bool:
    """Whether a group's use of managed moves stands out (seed 004 para 63: "any
    disproportionate use of managed moves for particular groups should be monitored"):
    its rate at least ``DISPROPORTION_RATIO`` times everyone else's, or moves in the group
    where everyone else has none."""
    if group_moves <= 0:
        return False
    ratio = risk_ratio(group_moves, group_roll, other_moves, other_roll)
    if ratio is None:
        return other_moves == 0 and other_roll > 0
    return ratio >= DISPROPORTION_RATIO


def change(before: Decimal | int | None, after: Decimal | int | None) -> Decimal | None:
    """After less before (attendance points, or suspensions), None if either is missing."""
    if before is None or after is None:
        return None
    return Decimal(after) - Decimal(before)
