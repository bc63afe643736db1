"""Waiting times for referrals: how many were sent, accepted and declined, the share taken
on, how long it took to an answer and to the first session, and how many still wait past
the service's target. Pure functions over plain values; no database.

Percentiles are the linear interpolation between closest ranks (Hyndman and Fan's type
7, numpy's default): for sorted days x[0..n-1] and a fraction p, h = (n - 1) * p and the
percentile is x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). The median is
the percentile at 1/2 (so the mean of the middle two of an even count), the 90th at 9/10.
Figures are exact fractions; pages round them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

Date = datetime.date
MEDIAN = Fraction(1, 2)
P90 = Fraction(9, 10)


@dataclass(frozen=True)
class ReferralTimes:
    """One referral's dates. ``outcome`` is "accepted", "declined" or "" (no answer yet);
    ``answered_on`` is the day of that answer and ``started_on`` the first session."""

    agency: str
    service: str
    sent_on: Date
    outcome: str = ""
    answered_on: Date | None = None
    started_on: Date | None = None
    closed: bool = False
    target_days: int | None = None


@dataclass(frozen=True)
class Figures:
    sent: int
    accepted: int
    declined: int
    unanswered: int
    overdue: int
    taken_on: Fraction | None
    to_acceptance_median: Fraction | None
    to_acceptance_p90: Fraction | None
    to_service_median: Fraction | None
    to_service_p90: Fraction | None


@dataclass(frozen=True)
class Row:
    """A line of the table: an agency (``service`` empty) or one of its services."""

    agency: str
    service: str
    figures: Figures

    @property
    def is_agency(self) -> bool:
        return not self.service


def percentile(values: Sequence[int], p: Fraction) -> Fraction | None:
    """The type-7 percentile of ``values`` at ``p`` (0 <= p <= 1); None with no values."""
    if not values:
        return None
    if not 0 <= p <= 1:
        raise ValueError("p must be between 0 and 1")
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low = int(h)
    if low + 1 >= len(ordered):
        return Fraction(ordered[low])
    return ordered[low] + (h - low) * (ordered[low + 1] - ordered[low])


def in_window(referrals: Iterable[ReferralTimes], first: Date, last: Date) -> list[ReferralTimes]:
    """Referrals sent from ``first`` to ``last`` inclusive."""
    return [r for r in referrals if first <= r.sent_on <= last]


def figures(referrals: Sequence[ReferralTimes], today: Date) -> Figures:
    """The figures for these referrals (already chosen by window and group)."""
    accepted = [r for r in referrals if r.outcome == "accepted"]
    declined = sum(r.outcome == "declined" for r in referrals)
    waiting = [r for r in referrals if not r.outcome and not r.closed]
    overdue = sum(
        r.target_days is not None and (today - r.sent_on).days > r.target_days for r in waiting
    )
    to_answer = [(r.answered_on - r.sent_on).days for r in accepted if r.answered_on]
    to_service = [(r.started_on - r.sent_on).days for r in accepted if r.started_on]
    return Figures(
        sent=len(referrals),
        accepted=len(accepted),
        declined=declined,
        unanswered=len(waiting),
        overdue=overdue,
        taken_on=Fraction(len(accepted), len(referrals)) if referrals else None,
        to_acceptance_median=percentile(to_answer, MEDIAN),
        to_acceptance_p90=percentile(to_answer, P90),
        to_service_median=percentile(to_service, MEDIAN),
        to_service_p90=percentile(to_service, P90),
    )


def waiting_table(
    referrals: Iterable[ReferralTimes], *, first: Date, last: Date, today: Date
) -> tuple[Figures, list[Row]]:
    """The whole (every referral sent in the window) and a row per agency, each followed
    by a row per service of it, in name order."""
    chosen = in_window(referrals, first, last)
    by_agency: dict[str, dict[str, list[ReferralTimes]]] = {}
    for r in chosen:
        by_agency.setdefault(r.agency, {}).setdefault(r.service, []).append(r)
    rows: list[Row] = []
    for agency in sorted(by_agency):
        services = by_agency[agency]
        every = [r for name in sorted(services) for r in services[name]]
        rows.append(Row(agency, "", figures(every, today)))
        rows += [Row(agency, name, figures(services[name], today)) for name in sorted(services)]
    return figures(chosen, today), rows
