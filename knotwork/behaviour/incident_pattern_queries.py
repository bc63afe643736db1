"""What the patterns page reads: the incidents, pupils on roll and withdrawals of a
setting (or the partnership) over a date window, counted by ``patterns``.

Three queries whatever the numbers: the incidents with their pupils' parts, the
pupils on roll with their characteristics, and the withdrawals. Figures count every
incident at the settings in scope; the only pupils named are in the repeat pairs,
and only those the viewer may see.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from knotwork.accounts.models import User
from knotwork.attendance.dashboard_queries import Scope
from knotwork.behaviour import patterns as p
from knotwork.behaviour.incident_queries import day_start
from knotwork.behaviour.models import Incident, IncidentPupil, Withdrawal
from knotwork.directory.models import Setting
from knotwork.pupils.access import visible_pupils
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.rules import national_curriculum_year

#: Who the pupil-group tables count, by the choice on the page.
ROLE_SETS: dict[str, tuple[str, frozenset[str] | None]] = {
    "responsible": (
        "Pupils who instigated or were involved",
        frozenset({IncidentPupil.Role.INSTIGATOR, IncidentPupil.Role.INVOLVED}),
    ),
    "target": ("Pupils who were targets", frozenset({IncidentPupil.Role.TARGET})),
    "all": ("Pupils in any part, witnesses too", None),
}


@dataclass(frozen=True)
class Loaded:
    incidents: list[p.IncidentFact]
    refs: dict[int, tuple[str, datetime.datetime]]  # incident id -> (uuid, when)
    roll: list[p.PupilFact]
    withdrawals: list[p.WithdrawalFact]


def load(
    settings: list[Setting],
    first: datetime.date,
    last: datetime.date,
    *,
    kind: str = "",
    bullying_only: bool = False,
) -> Loaded:
    """The incidents, roll and withdrawals of the settings from first to last inclusive."""
    ids = [s.pk for s in settings]
    incidents = Incident.objects.filter(
        setting_id__in=ids,
        deleted_at__isnull=True,
        occurred_at__gte=day_start(first),
        occurred_at__lt=day_start(last + datetime.timedelta(days=1)),
    )
    if kind:
        incidents = incidents.filter(kind=kind)
    if bullying_only:
        incidents = incidents.exclude(bullying="")
    parts: dict[int, list[p.Involvement]] = defaultdict(list)
    for incident_id, pupil_id, role in IncidentPupil.objects.filter(
        incident__in=incidents
    ).values_list("incident_id", "pupil_id", "role"):
        parts[incident_id].append(p.Involvement(pupil_id, role))
    facts, refs = [], {}
    for pk, uuid, occurred_at, place in incidents.values_list(
        "pk", "uuid", "occurred_at", "place"
    ).order_by("occurred_at", "pk"):
        when = timezone.localtime(occurred_at).replace(tzinfo=None)
        facts.append(p.IncidentFact(pk, when, place, tuple(parts[pk])))
        refs[pk] = (str(uuid), when)
    on_roll = Enrolment.objects.filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first), setting_id__in=ids, start_date__lte=last
    ).values_list(
        "pupil_id",
        "pupil__date_of_birth",
        "pupil__sex",
        "pupil__sen_provision",
        "pupil__fsm_eligible",
        "pupil__ethnicity",
        "pupil__looked_after",
    )
    roll: dict[int, p.PupilFact] = {}
    for pupil_id, born, sex, sen, fsm, ethnicity, looked_after in on_roll:
        if pupil_id not in roll:
            year = national_curriculum_year(born, first)
            roll[pupil_id] = p.PupilFact(pupil_id, year, sex, sen, fsm, ethnicity, looked_after)
    withdrawals = [
        p.WithdrawalFact(pupil_id, sessions or 0, minutes or 0)
        for pupil_id, sessions, minutes in Withdrawal.objects.filter(
            setting_id__in=ids, date__gte=first, date__lte=last
        ).values_list("pupil_id", "sessions", "minutes")
    ]
    return Loaded(facts, refs, list(roll.values()), withdrawals)


# --- The page ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupTable:
    """A pupil-group table as shown: its column headings and each row's figures as text."""

    slug: str
    title: str
    headings: list[str]
    rows: list[tuple[str, list[str], bool]]  # label, figures, is the total


#: Columns of the incident tables (withdrawal tables show them all).
INCIDENT_COLUMNS = ("on_roll", "uses", "uses_rate", "pupils", "pupils_rate")


@dataclass(frozen=True)
class PairRow:
    first: Pupil | None  # None: a pupil the viewer may not see
    second: Pupil | None
    together: int
    latest_uuid: str
    latest_when: datetime.datetime


@dataclass(frozen=True)
class HeatRow:
    weekday: str
    counts: list[int]


@dataclass(frozen=True)
class Patterns:
    settings: list[Setting]
    first: datetime.date
    last: datetime.date
    counted: str
    incidents: int
    pupils_involved: int
    places: list[tuple[str, int]]
    bands: list[tuple[str, str, int]]  # label, times, count
    weekdays: list[tuple[str, int]]
    heat_bands: list[str]
    heat_rows: list[HeatRow]
    incident_groups: list[GroupTable]
    withdrawal_groups: list[GroupTable]
    withdrawals: int
    pairs: list[PairRow]
    pairs_not_named: int

    @property
    def tables(self) -> dict[str, Any]:
        return {
            **{f"incidents-{t.slug}": t for t in self.incident_groups},
            **{f"withdrawals-{t.slug}": t for t in self.withdrawal_groups},
        }


def _weekdays_shown(heat: dict[tuple[int, str], int]) -> list[int]:
    """Monday to Friday, and a weekend day only when something happened on it."""
    return [d for d in range(7) if d < 5 or any(heat.get((d, b), 0) for b, _ in p.TIME_BANDS)]


def _pairs(user: User, loaded: Loaded) -> tuple[list[PairRow], int]:
    pairs = p.repeat_pairs(loaded.incidents)
    ids = {pupil for pair in pairs for pupil in (pair.first, pair.second)}
    seen = {pupil.pk: pupil for pupil in visible_pupils(user).filter(pk__in=ids)}
    rows, not_named = [], 0
    for pair in pairs:
        first, second = seen.get(pair.first), seen.get(pair.second)
        if first is None and second is None:
            not_named += 1
            continue
        latest = max(pair.incidents, key=lambda ref: loaded.refs[ref][1])
        uuid, when = loaded.refs[latest]
        rows.append(PairRow(first, second, pair.together, uuid, when))
    return rows, not_named


def _table(
    grouping: p.Grouping,
    roll: list[p.PupilFact],
    uses: list[tuple[int, int, int]],
    *,
    withdrawals: bool,
) -> GroupTable:
    columns = [(n, h) for n, h in p.COLUMNS if withdrawals or n in INCIDENT_COLUMNS]
    headings = [
        ("Withdrawals" if withdrawals else "Incident parts") if n == "uses" else h
        for n, h in columns
    ]
    rows = [
        (row.label, [row.cells[n] for n, _ in columns], row.total)
        for row in p.suppressed_rows(p.group_counts(grouping, roll, uses))
    ]
    return GroupTable(grouping.slug, grouping.title, headings, rows)


def incident_patterns(
    user: User,
    settings: list[Setting],
    first: datetime.date,
    last: datetime.date,
    *,
    kind: str = "",
    bullying_only: bool = False,
    counted: str = "responsible",
) -> Patterns:
    loaded = load(settings, first, last, kind=kind, bullying_only=bullying_only)
    facts = loaded.incidents
    roles = ROLE_SETS.get(counted, ROLE_SETS["responsible"])[1]
    parts = p.involvements(facts, roles)
    heat = p.heatmap(facts)
    bands = p.by_band(facts)
    weekdays = p.by_weekday(facts)
    shown_days = _weekdays_shown(heat)
    tables = p.groupings(loaded.roll)
    incident_uses = [(part.pupil, 0, 0) for part in parts]
    withdrawal_uses = [(w.pupil, w.sessions, w.minutes) for w in loaded.withdrawals]
    pairs, not_named = _pairs(user, loaded)
    return Patterns(
        settings=settings,
        first=first,
        last=last,
        counted=counted,
        incidents=len(facts),
        pupils_involved=len({part.pupil for part in p.involvements(facts)}),
        places=p.ordered(p.by_place(facts), Incident.Place.choices),
        bands=[(label, p.band_times(key), bands[key]) for key, label in p.TIME_BANDS],
        weekdays=[(p.WEEKDAYS[d], weekdays[d]) for d in shown_days],
        heat_bands=[label for _, label in p.TIME_BANDS],
        heat_rows=[
            HeatRow(p.WEEKDAYS[d], [heat[(d, key)] for key, _ in p.TIME_BANDS]) for d in shown_days
        ],
        incident_groups=[_table(g, loaded.roll, incident_uses, withdrawals=False) for g in tables],
        withdrawal_groups=[
            _table(g, loaded.roll, withdrawal_uses, withdrawals=True) for g in tables
        ],
        withdrawals=len(loaded.withdrawals),
        pairs=pairs,
        pairs_not_named=not_named,
    )


def scope_settings(scope: Scope, chosen: Setting | None) -> list[Setting]:
    """The settings the page counts: the one chosen, or every setting in scope."""
    return [chosen] if chosen is not None else list(scope.settings)


def scope_label(scope: Scope, settings: list[Setting]) -> str:
    if len(settings) == 1:
        return settings[0].name
    if scope.whole_partnership and scope.partnership is not None:
        return scope.partnership.name
    return ", ".join(s.name for s in settings)


# --- CSV ----------------------------------------------------------------------------------------

SIMPLE_TABLES = ("places", "times", "weekdays", "heatmap", "pairs")


def _name(pupil: Pupil | None) -> str:
    return f"{pupil.surname}, {pupil.forename}" if pupil else "A pupil you may not see"


def table_rows(figures: Patterns, slug: str) -> list[list[str]] | None:
    """One table of the page as rows of text, a header first; None for no such table."""
    if slug == "places":
        return [["Where", "Incidents"]] + [[label, str(n)] for label, n in figures.places]
    if slug == "times":
        return [["Time of day", "Times", "Incidents"]] + [
            [label, times, str(n)] for label, times, n in figures.bands
        ]
    if slug == "weekdays":
        return [["Weekday", "Incidents"]] + [[day, str(n)] for day, n in figures.weekdays]
    if slug == "heatmap":
        return [["Weekday", *figures.heat_bands]] + [
            [row.weekday, *map(str, row.counts)] for row in figures.heat_rows
        ]
    if slug == "pairs":
        return [["Pupil", "Pupil", "Incidents together", "Latest"]] + [
            [_name(r.first), _name(r.second), str(r.together), f"{r.latest_when:%Y-%m-%d}"]
            for r in figures.pairs
        ]
    table = figures.tables.get(slug)
    if table is None:
        return None
    return [["Group", *table.headings]] + [[label, *values] for label, values, _ in table.rows]


def pupils_in_pairs(figures: Patterns) -> list[Pupil]:
    seen: dict[int, Pupil] = {}
    for row in figures.pairs:
        for pupil in (row.first, row.second):
            if pupil is not None:
                seen.setdefault(pupil.pk, pupil)
    return list(seen.values())
