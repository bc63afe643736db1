"""England's bank holidays, from the maintained ``holidays`` package."""

from __future__ import annotations

import datetime
from functools import cache

import holidays


@cache
def england_bank_holidays(year: int) -> frozenset[datetime.date]:
    """Bank holidays in England and Wales for one calendar year."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays_between(first: datetime.date, last: datetime.date) -> frozenset[datetime.date]:
    days: set[datetime.date] = set()
    for year in range(first.year, last.year + 1):
        days.update(d for d in england_bank_holidays(year) if first <= d <= last)
    return frozenset(days)
