"""Every clock of one pupil's exclusions, at each one's setting, and the year's cap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from knotwork.behaviour.rules.board import (
    board_clocks_for_term,
    permanent_board_clocks,
    term_totals,
)
from knotwork.behaviour.rules.cap import cap_clock, sessions_used
from knotwork.behaviour.rules.clocks import (
    BOARD_MEETS_IF_ASKED_ABOVE_DAYS,
    CAP_APPROACHING_DAYS,
    DAY_SIX_AFTER_SESSIONS,
    Clock,
    Date,
    ExclusionFacts,
    Kind,
    PupilFacts,
)
from knotwork.behaviour.rules.day_six import day_six_clock, runs
from knotwork.behaviour.rules.notices import notice_clocks
from knotwork.behaviour.rules.review import review_clocks
from knotwork.termdates.school_days import SchoolDays, start_year_of


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
