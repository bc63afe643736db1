"""Rules of the attendance dashboard that need no database: the dates a period covers,
the same window a year before, and which groups' figures small numbers keep hidden."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

Date = datetime.date

PERIODS = [
    ("year", "Year to date"),
    ("term", "This term"),
    ("autumn", "Autumn term"),
    ("spring", "Spring term"),
    ("summer", "Summer term"),
    ("custom", "Dates you choose"),
]
TERM_NAMES = ("autumn", "spring", "summer")


class HalfTerm(Protocol):
    """A half term of a calendar (``termdates.models.Term`` is one)."""

    name: str
    starts_on: Date
    ends_on: Date


@dataclass(frozen=True)
class Window:
    """School days first..last inclusive (empty when first is after last)."""

    first: Date
    last: Date

    @property
    def empty(self) -> bool:
        return self.first > self.last


def year_bounds(start_year: int) -> Window:
    """1 September to 31 August of the academic year that starts in ``start_year``."""
    return Window(Date(start_year, 9, 1), Date(start_year + 1, 8, 31))


def a_year_before(day: Date) -> Date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def term_window(terms: Iterable[HalfTerm], name: str) -> Window | None:
    """A term's first and last day: both its half terms."""
    dates = [(t.starts_on, t.ends_on) for t in terms if t.name == name]
    if not dates:
        return None
    return Window(min(d[0] for d in dates), max(d[1] for d in dates))


def current_term(terms: Sequence[HalfTerm], on: Date) -> str | None:
    """The term that has begun most recently by ``on`` (in a holiday, the one just ended)."""
    begun = [
        (window.first, name)
        for name in TERM_NAMES
        if (window := term_window(terms, name)) is not None and window.first <= on
    ]
    return max(begun)[1] if begun else None


def resolve_period(period: str, *, start_year: int, today: Date, terms: Sequence[HalfTerm]) -> str:
    """ "term" (this term) as the term it is in the chosen year; any other period as it is."""
    if period != "term":
        return period
    on = min(today, year_bounds(start_year).last)
    return current_term(terms, on) or "autumn"


def window_for(
    period: str,
    *,
    start_year: int,
    today: Date,
    terms: Sequence[HalfTerm] = (),
    first: Date | None = None,
    last: Date | None = None,
) -> Window:
    """The dates a period covers in an academic year, up to today.

    "year": 1 September to today (the whole year once it is over); "term": the
    term under way (or the last one, once the year is over); a named term: its
    first to its last day in ``terms``, up to today; "custom": first..last.
    """
    bounds = year_bounds(start_year)
    if period == "custom":
        if first is None or last is None:
            raise ValueError("a window of your own needs both dates")
        return Window(first, last)
    end = min(today, bounds.last)
    if period == "year":
        return Window(bounds.first, end)
    name = resolve_period(period, start_year=start_year, today=today, terms=terms)
    term = term_window(terms, name)
    if term is None:
        return Window(bounds.last, bounds.first)  # no such term: nothing
    return Window(term.first, min(term.last, end))


def same_window_last_year(
    period: str, window: Window, *, last_year_terms: Sequence[HalfTerm] = ()
) -> Window:
    """The same window a year before: for a term, that term last year up to the same
    day; otherwise the same dates a year earlier. ``period`` is resolved (not "term")."""
    if period in TERM_NAMES:
        term = term_window(last_year_terms, period)
        if term is not None:
            return Window(term.first, min(term.last, a_year_before(window.last)))
    return Window(a_year_before(window.first), a_year_before(window.last))


def hidden_rows(counts: Sequence[int], parents: Sequence[int | None], minimum: int) -> set[int]:
    """Rows whose figures may not be shown.

    ``counts[i]`` is row i's enrolments and ``parents[i]`` the row it is part of
    (None for the total, whose parts are the top rows). A row with fewer than
    ``minimum`` enrolments (but some) is hidden; so is every part of a hidden
    row; and wherever only one part of a shown row would be hidden (so its
    figures could be worked out from the whole less the other parts), the
    smallest shown part with enrolments is hidden too, or the whole if there is
    none. Rows with no enrolments give nothing away and stay shown.
    """
    hidden = {i for i, n in enumerate(counts) if 0 < n < minimum}
    children: dict[int | None, list[int]] = defaultdict(list)
    for i, parent in enumerate(parents):
        children[parent].append(i)
    changed = True
    while changed:
        changed = False
        for parent, parts in children.items():
            if parent is not None and parent in hidden:
                newly = [i for i in parts if i not in hidden]
                hidden.update(newly)
                changed |= bool(newly)
                continue
            hidden_parts = [i for i in parts if i in hidden]
            if len(hidden_parts) != 1:
                continue
            shown = [i for i in parts if i not in hidden and counts[i] > 0]
            if shown:
                hidden.add(min(shown, key=lambda i: (counts[i], i)))
                changed = True
            elif parent is not None:
                hidden.add(parent)
                changed = True
    return hidden
