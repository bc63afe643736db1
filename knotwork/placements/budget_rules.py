"""The money of the intervention menu and the pooled budget, over plain values.

Charges (seed 003, Appendix 4): statutory interventions cost schools nothing; pay-as-you-use
ones cost the delivering role's day or half-day price for each session delivered. An
order commits its estimate when it is placed; each charge releases as much of what is
still committed as it uses, and whatever is left is released when the order ends. A
refund reverses a charge and is an entry of its own, never an edit.

The ledger holds every amount as a positive sum with a kind; the kind gives its sign:
contributions add to the funds, spending (less refunds) and commitments (less releases)
take from them, so a budget's balance is contributions - spending - commitments (seed 004
paras 82-83: the pooled funds' manager accounts for all expenditure).

Cost per improved outcome: an item's spend over the pupils whose before/after measures
improved (casework's measures: attendance up, incidents down, scaling up).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")

#: Entry kinds and the figure each adds to (+1) or takes from (-1).
CONTRIBUTION = "contribution"
SPEND = "spend"
REFUND = "refund"
COMMITMENT = "commitment"
RELEASE = "release"
KINDS = (CONTRIBUTION, SPEND, REFUND, COMMITMENT, RELEASE)

DAY = "day"
HALF_DAY = "half_day"


def money(value: Decimal | int | str) -> Decimal:
    """An amount in pounds to the penny, halves rounded up (as an invoice does)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


# --- Charges ------------------------------------------------------------------------------


def session_charge(
    *, statutory: bool, length: str, price_per_day: Decimal, price_per_half_day: Decimal
) -> Decimal:
    """What one delivered session costs the payer: nothing for a statutory item, else the
    role's day or half-day price."""
    if statutory:
        return ZERO
    if length == DAY:
        return money(price_per_day)
    if length == HALF_DAY:
        return money(price_per_half_day)
    raise ValueError(f"Unknown session length {length!r}")


def order_estimate(
    *, statutory: bool, half_days: int, price_per_day: Decimal, price_per_half_day: Decimal
) -> Decimal:
    """What an order of ``half_days`` half days is expected to cost: whole days at the
    day price and an odd half day at the half-day price (a day costs less than two
    halves)."""
    if half_days < 0:
        raise ValueError("An estimate cannot be of fewer than no half days.")
    if statutory:
        return ZERO
    return money(price_per_day * (half_days // 2) + price_per_half_day * (half_days % 2))


def release_for(charge: Decimal, committed: Decimal) -> Decimal:
    """How much of what an order still has committed a charge releases: the charge, up
    to what is left."""
    return max(ZERO, min(charge, committed))


def refundable(charged: Decimal, refunded: Decimal) -> Decimal:
    """What can still be refunded of an order: what was charged less what was refunded."""
    return max(ZERO, charged - refunded)


# --- The ledger ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of the ledger as the statement reads it."""

    kind: str
    amount: Decimal
    category: str = ""
    contributor: str = ""  # the contributing setting's name, or the source's
    source: str = ""


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    """Contributions by contributor, spending and commitments by category, and the
    totals and balance they make."""

    contributions: tuple[Line, ...]
    spending: tuple[Line, ...]
    commitments: tuple[Line, ...]
    contributed: Decimal
    spent: Decimal
    committed: Decimal

    @property
    def balance(self) -> Decimal:
        return self.contributed - self.spent - self.committed

    @property
    def available(self) -> Decimal:
        """The funds not yet spent (commitments are still in hand)."""
        return self.contributed - self.spent


def _lines(sums: Mapping[str, Decimal], order: Sequence[str] = ()) -> tuple[Line, ...]:
    """Lines in the given order first, then the rest by name; lines of nothing left out."""
    ranked = {label: i for i, label in enumerate(order)}
    labels = sorted(sums, key=lambda label: (ranked.get(label, len(ranked)), label))
    return tuple(Line(label, sums[label]) for label in labels if sums[label] != 0)


def statement(entries: Iterable[Entry], categories: Sequence[str] = ()) -> Statement:
    """The budget's statement from its entries. Spending is net of refunds and
    commitments net of releases, each by category; the totals are the sums of the
    lines, so the statement always adds up."""
    given: dict[str, Decimal] = defaultdict(lambda: ZERO)
    spent: dict[str, Decimal] = defaultdict(lambda: ZERO)
    committed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        if entry.amount < 0:
            raise ValueError("Ledger amounts are positive; the kind gives the sign.")
        if entry.kind == CONTRIBUTION:
            given[entry.contributor or entry.source] += entry.amount
        elif entry.kind == SPEND:
            spent[entry.category] += entry.amount
        elif entry.kind == REFUND:
            spent[entry.category] -= entry.amount
        elif entry.kind == COMMITMENT:
            committed[entry.category] += entry.amount
        elif entry.kind == RELEASE:
            committed[entry.category] -= entry.amount
        else:
            raise ValueError(f"Unknown entry kind {entry.kind!r}")
    contributions = _lines(given)
    spending = _lines(spent, categories)
    commitments = _lines(committed, categories)
    return Statement(
        contributions=contributions,
        spending=spending,
        commitments=commitments,
        contributed=sum((line.amount for line in contributions), ZERO),
        spent=sum((line.amount for line in spending), ZERO),
        committed=sum((line.amount for line in commitments), ZERO),
    )


def signed(kind: str, amount: Decimal) -> Decimal:
    """An entry's effect on the balance."""
    return amount if kind == CONTRIBUTION else -amount if kind in (SPEND, COMMITMENT) else amount


# --- Cost per improved outcome ------------------------------------------------------------

#: Measures where a fall is the improvement.
LOWER_IS_BETTER = frozenset({"incidents"})


def measure_improved(kind: str, before: Decimal | None, after: Decimal | None) -> bool | None:
    """Whether one before/after measure improved; None when either figure is missing."""
    if before is None or after is None:
        return None
    return after < before if kind in LOWER_IS_BETTER else after > before


def pupil_improved(measures: Iterable[tuple[str, Decimal | None, Decimal | None]]) -> bool | None:
    """A pupil improved when most of their measured figures did (a tie counts as
    improved if any did); None when no measure has both figures."""
    results = [r for r in (measure_improved(*m) for m in measures) if r is not None]
    if not results:
        return None
    better = sum(results)
    return better * 2 >= len(results) and better > 0


def cost_per_improved(spend: Decimal, improved: int) -> Decimal | None:
    """The spend for each pupil who improved; None when none did."""
    if improved <= 0:
        return None
    return money(spend / improved)


def share(part: int, whole: int) -> Decimal | None:
    """part of whole as a percentage to one place; None of nothing."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- Budget years --------------------------------------------------------------------------


def budget_year_of(day: datetime.date) -> int:
    """The academic (and budget) year a day falls in, by the year it starts: September."""
    return day.year if day.month >= 9 else day.year - 1
