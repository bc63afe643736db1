"""School census exclusion reason codes: the list since the autumn 2020 census (up to
three reasons per exclusion) and the 2010-era list (one reason, to 2019/20).

Source: ../shared/domain/england.md §4.6.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

#: The first day the current list (and up to three reasons) applies: the 2020/21 year.
CURRENT_LIST_FROM = datetime.date(2020, 9, 1)


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    current: bool  # in the list since autumn 2020
    before_2020: bool  # in the 2010-era list


REASONS: tuple[Reason, ...] = (
    Reason("PP", "Physical assault against a pupil", True, True),
    Reason("PA", "Physical assault against an adult", True, True),
    Reason("VP", "Verbal abuse or threatening behaviour against a pupil", True, True),
    Reason("VA", "Verbal abuse or threatening behaviour against an adult", True, True),
    Reason("OW", "Use or threat of use of an offensive weapon or prohibited item", True, False),
    Reason("BU", "Bullying", True, True),
    Reason("RA", "Racist abuse", True, True),
    Reason("LG", "Abuse against sexual orientation and gender identity", True, False),
    Reason("DS", "Abuse relating to disability", True, False),
    Reason("SM", "Sexual misconduct", True, True),
    Reason("DA", "Drug and alcohol related", True, True),
    Reason("DM", "Damage to property", True, True),
    Reason("TH", "Theft", True, True),
    Reason("MT", "Inappropriate use of social media or online technology", True, False),
    Reason("PH", "Wilful and repeated transgression of public health measures", True, False),
    Reason("DB", "Persistent or general disruptive behaviour", True, True),
    Reason("OT", "Other (before 2020/21)", False, True),
)
BY_CODE = {r.code: r for r in REASONS}
CHOICES = [(r.code, f"{r.code}: {r.label}") for r in REASONS]


class UnknownReason(ValueError):
    """A reason code not in the census list for the exclusion's date."""


def reason_for(code: str, start: datetime.date) -> Reason:
    """The census reason for an exclusion starting on ``start``; UnknownReason if none."""
    reason = BY_CODE.get(code.strip().upper())
    if reason is None:
        raise UnknownReason(f"{code!r} is not a census exclusion reason")
    if start >= CURRENT_LIST_FROM and not reason.current:
        raise UnknownReason(f"{reason.code} is not in the census list from 2020/21")
    if start < CURRENT_LIST_FROM and not reason.before_2020:
        raise UnknownReason(f"{reason.code} is not in the census list before 2020/21")
    return reason


def most_reasons(start: datetime.date) -> int:
    """How many reasons an exclusion may carry: three since autumn 2020, one before."""
    return 3 if start >= CURRENT_LIST_FROM else 1
