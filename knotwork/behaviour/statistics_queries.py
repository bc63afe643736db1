"""What the exclusion statistics pages read and work out.

Figures only, never a pupil: suspensions, permanent exclusions and their rates for
a setting, the partnership or a chosen group of settings, for an academic year and
the two before it, by setting, phase, gender, age, ethnicity, SEN provision, free
school meals and reason, with small numbers hidden (``analytics.exclusions``).

Loading is two queries whatever the size: the year's exclusions with their pupils'
characteristics (``values_list``) and the roll counted in the database by setting and
characteristics on each year's census day (``values`` + ``Count``). The formulas then
run over those rows once a year.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Cast, ExtractYear

from knotwork.analytics.exclusions import (
    MIN_COUNT,
    Breakdown,
    Characteristics,
    Counts,
    Excluded,
    Figures,
    Group,
    OnRoll,
    ReasonFigures,
    breakdown_tables,
    census_day,
    counted,
    reason_figures,
    reason_tally,
)
from knotwork.analytics.exclusions import (
    Table as FigureTable,
)
from knotwork.attendance.dashboard_queries import ETHNIC_GROUPS, Scope
from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.reasons import REASONS
from knotwork.directory.models import Setting
from knotwork.pupils.models import Enrolment, Ethnicity, SenProvision, Sex

Date = datetime.date

#: How many academic years the pages show: the one chosen and the two before it.
YEARS_SHOWN = 3

#: The phases the local authority reports (seed 003: primary, secondary, special, other).
PHASES: dict[str, str] = {
    "primary": "Primary",
    "secondary": "Secondary",
    "all_through": "All-through",
    "post_16": "16 plus",
    "special": "Special",
    "ap": "Pupil referral unit or alternative provision",
}


def phase_of(setting: Setting) -> str:
    """A setting's phase as the statistics report it: special schools and pupil referral
    units or alternative providers on their own, others by their phase."""
    if setting.setting_type == Setting.Type.SPECIAL:
        return "special"
    if setting.setting_type in (Setting.Type.PRU, Setting.Type.AP):
        return "ap"
    return str(setting.phase)


def year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def headcount_day(start_year: int, today: Date) -> Date:
    """The day pupils on roll are counted for a year's rates: its census day, or for a
    year whose census day is still to come, today (not before the year starts)."""
    census = census_day(start_year)
    if census <= today:
        return census
    return max(Date(start_year, 9, 1), today)


# --- Loading -------------------------------------------------------------------------------

_EXCLUSION_FIELDS = (
    "pupil_id",
    "enrolment__setting_id",
    "kind",
    "start_date",
    "sessions",
    "reason_1",
    "reason_2",
    "reason_3",
    "cancelled_on",
    "board_outcome",
    "pupil__sex",
    "cohort",
    "pupil__ethnicity",
    "pupil__sen_provision",
    "pupil__fsm_eligible",
)
_ROLL_FIELDS = (
    "setting_id",
    "pupil__sex",
    "cohort",
    "pupil__ethnicity",
    "pupil__sen_provision",
    "pupil__fsm_eligible",
)


@dataclass(frozen=True)
class YearRows:
    """A year's exclusions and roll at the settings in scope."""

    start_year: int
    headcount_day: Date
    exclusions: list[Excluded]
    roll: list[OnRoll]

    def at(self, setting_ids: set[int]) -> YearRows:
        return YearRows(
            self.start_year,
            self.headcount_day,
            [e for e in self.exclusions if e.setting in setting_ids],
            [r for r in self.roll if r.setting in setting_ids],
        )


def load_exclusions(
    settings: Sequence[Setting], start_years: Sequence[int]
) -> dict[int, list[Excluded]]:
    """Each year's exclusions at the settings, one row each, with the pupil's
    characteristics (one query)."""
    phase = {s.pk: phase_of(s) for s in settings}
    first, last = Date(min(start_years), 9, 1), Date(max(start_years) + 1, 8, 31)
    rows: Iterable[tuple[Any, ...]] = (
        Exclusion.objects.filter(enrolment__setting_id__in=sorted(phase))
        .filter(start_date__range=(first, last))
        .order_by()
        .annotate(cohort=_cohort("pupil__date_of_birth"))
        .values_list(*_EXCLUSION_FIELDS)
    )
    found: dict[int, list[Excluded]] = {year: [] for year in start_years}
    groups: dict[tuple[Any, ...], Characteristics] = {}
    reinstated = Exclusion.BoardOutcome.REINSTATED
    for row in rows:
        pupil, setting, kind, start, sessions, r1, r2, r3, cancelled, outcome = row[:10]
        start_year = start.year if start.month >= 9 else start.year - 1
        year = found.get(start_year)
        if year is None:
            continue
        key = (setting, start_year, row[10:])  # the pupil's characteristics
        group = groups.get(key)
        if group is None:
            sex, cohort, ethnicity, sen, fsm = row[10:]
            age = start_year - cohort
            group = groups[key] = Characteristics(phase[setting], sex, age, ethnicity, sen, fsm)
        year.append(
            Excluded(
                pupil,
                setting,
                kind,
                sessions or 0,
                (r1, r2, r3),
                group,
                counted(kind, cancelled=cancelled is not None, reinstated=outcome == reinstated),
            )
        )
    return found


def _cohort(born: str) -> Cast:
    """The year a pupil is 0 on 31 August (``analytics.exclusions.cohort_of``), as a whole
    number: the database groups by it faster than by the decimal its year extraction
    gives."""
    return Cast(
        Case(
            When(**{f"{born}__month__gte": 9}, then=ExtractYear(born) + 1),
            default=ExtractYear(born),
        ),
        IntegerField(),
    )


def _on_roll(day: Date) -> Q:
    return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def load_roll(settings: Sequence[Setting], days: dict[int, Date]) -> dict[int, list[OnRoll]]:
    """Pupils on roll on each year's headcount day (``days``: start year -> day) by
    setting and characteristics, counted in the database (one query).

    A pupil counts once per sole or main registration; a subsidiary dual registration
    (at a pupil referral unit, say) is not counted again.
    """
    phase = {s.pk: phase_of(s) for s in settings}
    cohort = _cohort("pupil__date_of_birth")
    any_day = Q()
    for day in days.values():
        any_day |= _on_roll(day)
    # COUNT(1): counting a column would carry it through the grouping, twice as slow.
    counts = {f"on_{year}": Count(Value(1), filter=_on_roll(day)) for year, day in days.items()}
    rows = (
        Enrolment.objects.filter(setting_id__in=sorted(phase))
        .filter(any_day)
        .exclude(registration=Enrolment.Registration.SUBSIDIARY)
        .order_by()
        .annotate(cohort=cohort)
        .values(*_ROLL_FIELDS)
        .annotate(**counts)
    )
    found: dict[int, list[OnRoll]] = {year: [] for year in days}
    for row in rows:
        for year in days:
            pupils = row[f"on_{year}"]
            if pupils:
                group = Characteristics(
                    phase[row["setting_id"]],
                    row["pupil__sex"],
                    year - row["cohort"],
                    row["pupil__ethnicity"],
                    row["pupil__sen_provision"],
                    row["pupil__fsm_eligible"],
                )
                found[year].append(OnRoll(row["setting_id"], group, pupils))
    return found


def load_years(settings: Sequence[Setting], start_year: int, today: Date) -> list[YearRows]:
    """The chosen year and the two before it, latest first."""
    years = [start_year - i for i in range(YEARS_SHOWN)]
    days = {year: headcount_day(year, today) for year in years}
    exclusions = load_exclusions(settings, years)
    roll = load_roll(settings, days)
    return [YearRows(year, days[year], exclusions[year], roll[year]) for year in years]


# --- Groupings -----------------------------------------------------------------------------


def _ethnicity_groups() -> tuple[Group, ...]:
    groups: list[Group] = []
    for major, codes in ETHNIC_GROUPS:
        parent = len(groups)
        groups.append(Group(major, codes))
        if len(codes) > 1:
            groups += [Group(Ethnicity(code).label, (code,), parent) for code in codes]
    return tuple(groups)


def _age_label(age: Hashable) -> str:
    return f"Age {age}"


@dataclass(frozen=True)
class Grouping:
    slug: str
    title: str
    breakdown: Breakdown


def groupings(chosen: Sequence[Setting], years: Sequence[YearRows]) -> list[Grouping]:
    """The tables of the page: by setting, then each characteristic."""
    phases = sorted({phase_of(s) for s in chosen}, key=list(PHASES).index)
    ages = sorted(
        {r.group.age for y in years for r in y.exclusions if r.group.age is not None}
        | {r.group.age for y in years for r in y.roll if r.group.age is not None}
    )
    tables = [
        ("setting", "By setting", "setting", tuple(Group(s.name, (s.pk,)) for s in chosen)),
        ("phase", "By phase", "phase", tuple(Group(PHASES[p], (p,)) for p in phases)),
        ("gender", "By gender", "gender", tuple(Group(lab, (v,)) for v, lab in Sex.choices)),
        ("age", "By age", "age", tuple(Group(_age_label(a), (a,)) for a in ages)),
        ("ethnicity", "By ethnicity", "ethnicity", _ethnicity_groups()),
        (
            "sen",
            "By special educational needs provision",
            "sen",
            tuple(Group(label, (value,)) for value, label in SenProvision.choices),
        ),
        (
            "fsm",
            "By eligibility for free school meals",
            "fsm",
            (Group("Eligible", (True,)), Group("Not eligible", (False,))),
        ),
    ]
    return [
        Grouping(slug, title, Breakdown(field, groups)) for slug, title, field, groups in tables
    ]


# --- The page's figures --------------------------------------------------------------------


@dataclass(frozen=True)
class Year:
    start_year: int
    headcount_day: Date
    whole: Figures
    recorded: bool = True  # the settings' calendars hold the year, or it has exclusions

    @property
    def label(self) -> str:
        return year_label(self.start_year)

    @property
    def on_census_day(self) -> bool:
        return self.headcount_day == census_day(self.start_year)

    @property
    def has_records(self) -> bool:
        """Whether knotwork holds the year: its calendar, or exclusions recorded in it
        (a year before any records would only show noughts)."""
        return self.recorded


@dataclass(frozen=True)
class Row:
    label: str
    years: list[Figures]  # one per year shown, latest first
    detail: bool = False
    total: bool = False


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class ReasonRow:
    code: str
    label: str
    years: list[ReasonFigures]
    total: bool = False


@dataclass(frozen=True)
class Statistics:
    scope: Scope
    chosen: list[Setting]
    years: list[Year]
    tables: list[Table]
    reasons: list[ReasonRow]
    minimum: int
    today: Date

    @property
    def year(self) -> Year:
        return self.years[0]

    @property
    def whole_scope(self) -> bool:
        return len(self.chosen) == len(self.scope.settings)

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def _rows(tables_by_year: list[FigureTable], grouping: Grouping) -> list[Row]:
    """A table's rows over the years, matched by label (a year may have an extra row
    for values no group holds)."""
    labels: list[tuple[str, bool]] = []
    cells: dict[str, dict[int, Figures]] = defaultdict(dict)
    for year_index, table in enumerate(tables_by_year):
        for group, figures in zip(table.groups, table.rows, strict=False):
            if group.label not in cells:
                labels.append((group.label, group.parent is not None))
            cells[group.label][year_index] = figures
    empty = Figures(Counts())
    count = len(tables_by_year)
    rows = [
        Row(label, [cells[label].get(i, empty) for i in range(count)], detail=detail)
        for label, detail in labels
    ]
    wholes = [table.whole for table in tables_by_year]
    total_label = "All settings chosen" if grouping.slug == "setting" else "All pupils"
    return [*rows, Row(total_label, wholes, total=True)]


def _reasons(years: Sequence[YearRows], minimum: int) -> list[ReasonRow]:
    tallies = [reason_tally(y.exclusions) for y in years]
    recorded = {code for t in tallies for counter in t.values() for code in counter}
    codes = [r.code for r in REASONS if r.code in recorded]
    per_year = [reason_figures(t, codes, minimum) for t in tallies]
    labels = {r.code: r.label for r in REASONS}
    rows = [
        ReasonRow(code, labels[code], [found[0][i] for found in per_year])
        for i, code in enumerate(codes)
    ]
    return [*rows, ReasonRow("", "All reasons recorded", [f[1] for f in per_year], total=True)]


def exclusion_statistics(
    scope: Scope,
    *,
    start_year: int,
    today: Date,
    chosen: Sequence[Setting] | None = None,
    minimum: int = MIN_COUNT,
    known_years: Collection[int] = (),
) -> Statistics:
    """Every table for the chosen settings (all in scope unless given), the year and the
    two before it. ``known_years``: the years the settings' calendars hold."""
    settings = list(chosen) if chosen else list(scope.settings)
    loaded = load_years(settings, start_year, today)
    ids = {s.pk for s in settings}
    years_rows = [y.at(ids) for y in loaded]
    tables_of_groupings = groupings(settings, years_rows)
    breakdowns = [g.breakdown for g in tables_of_groupings]
    per_year = [breakdown_tables(y.exclusions, y.roll, breakdowns, minimum) for y in years_rows]
    years = [
        Year(
            y.start_year, y.headcount_day, whole, y.start_year in known_years or bool(y.exclusions)
        )
        for y, (whole, _) in zip(years_rows, per_year, strict=True)
    ]
    tables = [
        Table(
            grouping.slug,
            grouping.title,
            _rows([found[1][i] for found in per_year], grouping),
        )
        for i, grouping in enumerate(tables_of_groupings)
    ]
    return Statistics(
        scope=scope,
        chosen=settings,
        years=years,
        tables=tables,
        reasons=_reasons(years_rows, minimum),
        minimum=minimum,
        today=today,
    )


TABLE_SLUGS = ("headline", "setting", "phase", "gender", "age", "ethnicity", "sen", "fsm", "reason")
