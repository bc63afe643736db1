"""What the fair access pages and exports read: placements with their sessions worked
out from the placing school's calendar, the year's Annex A figures and the fair share."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.http import Http404

from knotwork.accounts.models import User
from knotwork.attendance.queries import SessionMaps, start_year_of
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.fair_access_models import FairAccessPlacement, FairShareWeighting
from knotwork.placements.fair_access_rules import (
    BandCounts,
    FairAccessYear,
    Missed,
    ShareLine,
    annex_a_level,
    band_counts,
    education_missed,
    fair_access_year,
    fair_shares,
    open_session_dates,
)
from knotwork.pupils.access import get_pupil_for_user, visible_among


class _Calendars:
    """Open session dates by (calendar, school year), each worked out once per use."""

    def __init__(self) -> None:
        self.maps = SessionMaps()
        self._dates: dict[tuple[int, int], tuple[datetime.date, ...]] = {}

    def dates(self, setting: Setting, start_year: int) -> tuple[datetime.date, ...]:
        key = (setting.calendar_id, start_year)
        if key not in self._dates:
            year = self.maps.for_setting(setting, start_year)
            self._dates[key] = () if year is None else open_session_dates(year.sessions)
        return self._dates[key]

    def span(
        self, setting: Setting, first: datetime.date, last: datetime.date
    ) -> tuple[datetime.date, ...]:
        """Open session dates of every school year from the one holding first to the one
        holding last."""
        found: list[datetime.date] = []
        for start_year in range(start_year_of(first), start_year_of(last) + 1):
            found.extend(self.dates(setting, start_year))
        return tuple(found)


@dataclass(frozen=True)
class FairAccessRow:
    placement: FairAccessPlacement
    start_year: int  # the school year the placement counts in
    missed: Missed  # all of it, across school years
    year: FairAccessYear  # the sessions of the year it counts in

    @property
    def waiting(self) -> bool:
        return self.placement.started_on is None


def counts_in(placement: FairAccessPlacement, today: datetime.date) -> int:
    """The school year a placement counts in: the one the pupil started in (or today's)."""
    return start_year_of(placement.started_on or today)


def rows_of(placements: list[FairAccessPlacement], today: datetime.date) -> list[FairAccessRow]:
    calendars = _Calendars()
    rows = []
    for p in placements:
        start_year = counts_in(p, today)
        last = (p.started_on - datetime.timedelta(days=1)) if p.started_on else today
        span = calendars.span(p.placed_at, p.out_of_school_from, max(last, p.out_of_school_from))
        missed = education_missed(
            span, out_of_school_from=p.out_of_school_from, started_on=p.started_on, today=today
        )
        year = fair_access_year(
            calendars.dates(p.placed_at, start_year),
            arrived_on=p.arrived_on,
            out_of_school_from=p.out_of_school_from,
            started_on=p.started_on,
            today=today,
            target=settings.KNOTWORK_FAIR_ACCESS_SESSIONS,
        )
        rows.append(FairAccessRow(p, start_year, missed, year))
    return rows


def _placements(partnership: Partnership) -> QuerySet[FairAccessPlacement]:
    return FairAccessPlacement.objects.filter(partnership=partnership).select_related(
        "pupil", "placed_at"
    )


def _in_year(
    placements: QuerySet[FairAccessPlacement], start_year: int, today: datetime.date
) -> list[FairAccessPlacement]:
    """Placements counting in a school year: started in it, or not started when it is
    the current year."""
    first, last = datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 8, 31)
    found = list(placements.filter(started_on__range=(first, last)))
    if first <= today <= last:
        found += list(placements.filter(started_on__isnull=True))
    return found


def fair_access_list(
    user: User | AnonymousUser, partnership: Partnership, start_year: int, today: datetime.date
) -> list[FairAccessRow]:
    """The year's placements of pupils the user may see, the waiting first, then the most
    sessions missed."""
    placements = _in_year(_placements(partnership), start_year, today)
    seen = visible_among(user, [p.pupil_id for p in placements], today)
    rows = rows_of([p for p in placements if p.pupil_id in seen], today)
    rows.sort(key=lambda r: (not r.waiting, -r.missed.sessions, r.placement.placed_on))
    return rows


@dataclass(frozen=True)
class YearFigures:
    """The year's placements in Annex A's terms: figures only, never a pupil."""

    start_year: int
    counts: BandCounts
    level: str | None
    waiting: int
    target: int


def year_figures(partnership: Partnership, start_year: int, today: datetime.date) -> YearFigures:
    rows = rows_of(_in_year(_placements(partnership), start_year, today), today)
    counts = band_counts(r.year for r in rows)
    return YearFigures(
        start_year=start_year,
        counts=counts,
        level=annex_a_level(counts),
        waiting=sum(r.waiting for r in rows),
        target=settings.KNOTWORK_FAIR_ACCESS_SESSIONS,
    )


@dataclass(frozen=True)
class ShareRow:
    setting: Setting
    line: ShareLine | None  # None for a school with no agreed weight
    taken: int


def weights_in(partnership: Partnership, start_year: int) -> dict[int, Decimal]:
    """Each school's weight for the year: the latest set from that year or before."""
    weights: dict[int, Decimal] = {}
    rows = FairShareWeighting.objects.filter(
        partnership=partnership, from_year__lte=start_year
    ).order_by("from_year")
    for row in rows:
        weights[row.setting_id] = row.weight
    return weights


def fair_share(partnership: Partnership, start_year: int) -> list[ShareRow]:
    """Placements agreed in the school year by school, against each school's share."""
    first, last = datetime.date(start_year, 9, 1), datetime.date(start_year + 1, 8, 31)
    taken = dict(
        FairAccessPlacement.objects.filter(partnership=partnership, placed_on__range=(first, last))
        .values("placed_at")
        .annotate(n=Count("pk"))
        .values_list("placed_at", "n")
    )
    weights = weights_in(partnership, start_year)
    lines = {line.setting_id: line for line in fair_shares(weights, taken)}
    schools = Setting.objects.filter(
        partnership_memberships__partnership=partnership, pk__in={*weights, *taken}
    ).order_by("name")
    return [ShareRow(s, lines.get(s.pk), taken.get(s.pk, 0)) for s in schools]


def fair_access_for_user(
    user: User | AnonymousUser, placement_uuid: uuid_module.UUID, *, write: bool = False
) -> FairAccessPlacement:
    """The placement if the user may see its pupil: 404 when not, 403 when they may see but
    not change it and asked to write."""
    placement = (
        FairAccessPlacement.objects.select_related(
            "pupil", "placed_at", "partnership", "decided_at__meeting"
        )
        .filter(uuid=placement_uuid)
        .first()
    )
    if placement is None:
        raise Http404("No such placement")
    get_pupil_for_user(user, placement.pupil.uuid, write=write)
    return placement
