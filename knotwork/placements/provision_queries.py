"""What the alternative provision pages and exports read: the directory of providers with
their quality assurance, placements with their timetable check and reviews, the
partnership's overview and the providers' daily returns to the home schools."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from knotwork.accounts.models import User
from knotwork.attendance.codes import BY_ID, Code
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps, enrolment_marks, start_year_of
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.provision_access import partnerships_of
from knotwork.placements.provision_models import (
    ProviderProfile,
    ProvisionPlacement,
    ProvisionReview,
)
from knotwork.placements.provision_rules import (
    AT_PROVIDER,
    QualityState,
    TimetableCheck,
    is_running,
    quality_state,
    reintegration_due,
    timetable_check,
)
from knotwork.pupils.access import get_pupil_for_user, visible_among

PROVIDER_TYPES = (Setting.Type.AP, Setting.Type.PRU)


# --- Providers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRow:
    setting: Setting
    profile: ProviderProfile | None
    quality: QualityState | None
    running: int  # placements running today

    @property
    def flags(self) -> tuple[str, ...]:
        if self.quality is None:
            return ("No quality assurance recorded",)
        return self.quality.flags


def quality_of(profile: ProviderProfile, today: datetime.date) -> QualityState:
    return quality_state(
        safeguarding_checked_on=profile.safeguarding_checked_on,
        last_reviewed_on=profile.last_reviewed_on,
        registration=profile.registration,
        today=today,
    )


def providers(partnership: Partnership, today: datetime.date) -> list[ProviderRow]:
    """The partnership's PRUs and alternative providers, with their checks and how many
    pupils each has in a running placement."""
    settings = list(
        Setting.objects.filter(
            partnership_memberships__partnership=partnership, setting_type__in=PROVIDER_TYPES
        )
        .select_related("provider_profile")
        .order_by("name")
    )
    running: dict[int, int] = defaultdict(int)
    for provider_id, starts, ends in ProvisionPlacement.objects.filter(
        partnership=partnership, starts_on__lte=today
    ).values_list("provider_id", "starts_on", "ends_on"):
        if is_running(starts, ends, today):
            running[provider_id] += 1
    rows = []
    for s in settings:
        profile = getattr(s, "provider_profile", None)
        quality = quality_of(profile, today) if profile is not None else None
        rows.append(ProviderRow(s, profile, quality, running[profile.pk] if profile else 0))
    return rows


def provider_for_user(user: User | AnonymousUser, setting_uuid: uuid_module.UUID) -> Setting:
    """A PRU or alternative provider in one of the user's partnerships; 404 otherwise."""
    ids = [p.pk for p in partnerships_of(user)]
    setting = (
        Setting.objects.filter(
            uuid=setting_uuid,
            setting_type__in=PROVIDER_TYPES,
            partnership_memberships__partnership_id__in=ids,
        )
        .select_related("provider_profile")
        .first()
    )
    if setting is None:
        raise Http404("No such provider")
    return setting


# --- Placements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlacementRow:
    placement: ProvisionPlacement
    check: TimetableCheck
    running: bool
    overdue_reviews: tuple[ProvisionReview, ...]
    next_review: ProvisionReview | None
    reintegration_due: bool

    @property
    def flags(self) -> list[str]:
        """What needs attention in a running placement (none once it has ended)."""
        found: list[str] = []
        if not self.running:
            return found
        if not self.check.adds_up:
            found.append("Timetable does not add up")
        if self.overdue_reviews:
            n = len(self.overdue_reviews)
            found.append(f"{n} review{'s' if n != 1 else ''} overdue")
        if self.reintegration_due:
            found.append("Return due")
        return found


def row_of(placement: ProvisionPlacement, today: datetime.date) -> PlacementRow:
    """A placement's checks; its reviews must be prefetched (``_placements`` does)."""
    reviews = list(placement.reviews.all())
    running = is_running(placement.starts_on, placement.ends_on, today)
    overdue = tuple(r for r in reviews if r.held_on is None and r.due_on < today) if running else ()
    upcoming = [r for r in reviews if r.held_on is None and r.due_on >= today]
    return PlacementRow(
        placement=placement,
        check=timetable_check(placement.timetable, placement.kind),
        running=running,
        overdue_reviews=overdue,
        next_review=upcoming[0] if upcoming else None,
        reintegration_due=reintegration_due(
            placement.planned_reintegration_on, placement.ends_on, today
        ),
    )


def _placements() -> QuerySet[ProvisionPlacement]:
    return ProvisionPlacement.objects.select_related(
        "pupil", "home_setting", "provider__setting"
    ).prefetch_related(Prefetch("reviews", queryset=ProvisionReview.objects.order_by("due_on")))


def _visible(
    user: User | AnonymousUser, placements: Iterable[ProvisionPlacement], today: datetime.date
) -> list[ProvisionPlacement]:
    found = list(placements)
    seen = visible_among(user, [p.pupil_id for p in found], today)
    return [p for p in found if p.pupil_id in seen]


def placements_at(
    user: User | AnonymousUser, profile: ProviderProfile, today: datetime.date, *, ended: bool
) -> list[PlacementRow]:
    """The provider's placements of pupils the user may see: running ones (newest first),
    or with ``ended`` those that have ended."""
    placements = _placements().filter(provider=profile)
    placements = (
        placements.filter(ends_on__lt=today) if ended else placements.exclude(ends_on__lt=today)
    )
    return [row_of(p, today) for p in _visible(user, placements, today)]


def placement_for_user(
    user: User | AnonymousUser, placement_uuid: uuid_module.UUID, *, write: bool = False
) -> ProvisionPlacement:
    """The placement if the user may see its pupil: 404 when not, 403 when they may see but
    not change it and asked to write."""
    placement = (
        _placements()
        .select_related("exclusion", "enrolment", "decided_at__meeting")
        .filter(uuid=placement_uuid)
        .first()
    )
    if placement is None:
        raise Http404("No such placement")
    get_pupil_for_user(user, placement.pupil.uuid, write=write)
    return placement


def placements_for_exclusion(
    user: User | AnonymousUser, exclusion_id: int, today: datetime.date
) -> list[ProvisionPlacement]:
    """The day-6 placements made for an exclusion, for its page (whose pupil the user sees)."""
    return _visible(
        user,
        ProvisionPlacement.objects.filter(exclusion_id=exclusion_id).select_related(
            "provider__setting"
        ),
        today,
    )


# --- The partnership's overview -----------------------------------------------------------------


@dataclass
class ProviderFigures:
    """One provider's running placements: figures only."""

    provider: ProviderProfile
    running: int = 0
    part_time: int = 0
    not_adding_up: int = 0
    overdue_reviews: int = 0
    returns_due: int = 0


@dataclass
class Overview:
    by_provider: list[ProviderFigures]
    not_adding_up: list[PlacementRow] = field(default_factory=list)
    overdue: list[PlacementRow] = field(default_factory=list)
    returns_due: list[PlacementRow] = field(default_factory=list)
    ended_this_year: int = 0
    reintegrated_this_year: int = 0


def overview(
    user: User | AnonymousUser, partnership: Partnership, today: datetime.date
) -> Overview:
    """The partnership's alternative provision today: figures by provider over every
    running placement, and lists of the flagged ones whose pupils the user may see."""
    year_start = datetime.date(start_year_of(today), 9, 1)
    placements = list(_placements().filter(partnership=partnership).exclude(ends_on__lt=year_start))
    rows = [row_of(p, today) for p in placements]
    figures: dict[int, ProviderFigures] = {}
    for row in rows:
        p = row.placement
        if not row.running:
            continue
        f = figures.setdefault(p.provider_id, ProviderFigures(p.provider))
        f.running += 1
        f.part_time += not row.check.full_time
        f.not_adding_up += not row.check.adds_up
        f.overdue_reviews += len(row.overdue_reviews)
        f.returns_due += row.reintegration_due
    seen = visible_among(user, [p.pupil_id for p in placements], today)
    shown = [r for r in rows if r.running and r.placement.pupil_id in seen]
    ended = [p for p in placements if p.ends_on is not None and p.ends_on < today]
    return Overview(
        by_provider=sorted(figures.values(), key=lambda f: f.provider.setting.name),
        not_adding_up=[r for r in shown if not r.check.adds_up],
        overdue=[r for r in shown if r.overdue_reviews],
        returns_due=[r for r in shown if r.reintegration_due],
        ended_this_year=len(ended),
        reintegrated_this_year=sum(
            p.outcome == ProvisionPlacement.Outcome.REINTEGRATED for p in ended
        ),
    )


def partnership_placements(
    user: User | AnonymousUser, partnership: Partnership, today: datetime.date
) -> list[PlacementRow]:
    """Every placement of the partnership whose pupil the user may see, running first."""
    placements = _visible(user, _placements().filter(partnership=partnership), today)
    rows = [row_of(p, today) for p in placements]
    rows.sort(
        key=lambda r: (not r.running, r.placement.provider.setting.name, r.placement.starts_on)
    )
    return rows


# --- The providers' daily returns ---------------------------------------------------------------


@dataclass(frozen=True)
class DayReturn:
    """What the provider marked for a placed pupil on a day: a code (or None) per session."""

    placement: ProvisionPlacement
    day: datetime.date
    am: Code | None
    pm: Code | None
    school_day: bool

    @property
    def absent(self) -> bool:
        return any(c is not None and c.category.is_absence for c in (self.am, self.pm))

    @property
    def expected(self) -> tuple[bool, bool]:
        """Whether the timetable has the pupil at the provider that morning and afternoon."""
        if not self.school_day:
            return (False, False)
        first = 2 * self.day.weekday()
        t = self.placement.timetable
        return (t[first] == AT_PROVIDER, t[first + 1] == AT_PROVIDER)

    @property
    def missing(self) -> bool:
        """The morning's mark not in yet for a pupil timetabled at the provider (the
        afternoon's is not asked for on the day itself)."""
        return self.expected[0] and self.am is None


def day_returns(placements: Iterable[ProvisionPlacement], day: datetime.date) -> list[DayReturn]:
    """Each running placement's marks at the provider on the day, read from the register the
    provider takes in knotwork (``attendance.provider_register``) for the placement's
    registration there: one query for the registers of each provider calendar."""
    running = [
        p
        for p in placements
        if p.enrolment_id is not None and is_running(p.starts_on, p.ends_on, day)
    ]
    maps = SessionMaps()
    by_year: dict[int, list[ProvisionPlacement]] = defaultdict(list)
    indices: dict[int, int | None] = {}
    for p in running:
        year = maps.for_setting(p.provider.setting, start_year_of(day))
        if year is None or not year.sessions.is_school_day(day):
            indices[p.pk] = None
            continue
        indices[p.pk] = year.sessions.index_of(day, "AM")
        by_year[year.year.pk].append(p)
    marks: dict[int, bytes] = {}
    for year_id, group in by_year.items():
        for enrolment_id, data in Register.objects.filter(
            academic_year_id=year_id, enrolment_id__in=[p.enrolment_id for p in group]
        ).values_list("enrolment_id", "marks"):
            marks[enrolment_id] = bytes(data)
    found = []
    for p in running:
        am = indices[p.pk]
        if am is None:
            found.append(DayReturn(p, day, None, None, school_day=False))
            continue
        data = marks.get(p.enrolment_id or 0, b"")
        codes = [BY_ID.get(data[i]) if i < len(data) else None for i in (am, am + 1)]
        found.append(DayReturn(p, day, codes[0], codes[1], school_day=True))
    return found


def absence_notices(
    user: User | AnonymousUser, partnership: Partnership, day: datetime.date
) -> list[DayReturn]:
    """The same-day notice to home schools: pupils the user may see, placed with a
    provider, marked absent there today or with no mark yet."""
    placements = _visible(
        user,
        _placements().filter(partnership=partnership, starts_on__lte=day).exclude(ends_on__lt=day),
        day,
    )
    return [r for r in day_returns(placements, day) if r.absent or r.missing]


@dataclass(frozen=True)
class ReturnDay:
    day: datetime.date
    am: Code | None
    pm: Code | None
    expected: tuple[bool, bool]  # timetabled at the provider, morning and afternoon


def recent_returns(
    placement: ProvisionPlacement, today: datetime.date, days: int = 10
) -> list[ReturnDay]:
    """The provider's marks for the pupil over the last school days of the placement (to
    today), newest first: what the provider returned, day by day."""
    if placement.enrolment is None:
        return []
    last = min(today, placement.ends_on or today)
    found = enrolment_marks(placement.enrolment, start_year_of(last))
    if found is None:
        return []
    year, marks, _ = found
    sessions = year.sessions
    window = sessions.window(placement.starts_on, last)
    first_day = window.start // 2
    shown = sessions.days[first_day : window.stop // 2][-days:]
    rows = []
    for day in reversed(shown):
        am = sessions.index_of(day, "AM")
        first = 2 * day.weekday()
        expected = tuple(placement.timetable[first + h] == AT_PROVIDER for h in (0, 1))
        rows.append(
            ReturnDay(
                day,
                BY_ID.get(int(marks[am])),
                BY_ID.get(int(marks[am + 1])),
                (expected[0], expected[1]),
            )
        )
    return rows
