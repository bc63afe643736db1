"""What the partnership's attendance dashboard reads and works out.

Figures only, never a pupil: absence, persistent and severe absence by
setting, year group and pupil group, for a date window of an academic year
against the same window a year before, with small numbers suppressed.

Loading reads only the register bytes and the grouping fields
(``values_list``, one query for both years), stacks one matrix per
calendar year (``register.stack``), slices it to the window
(``SessionMap.window``) and calls the measures once per matrix
(``analytics.attendance``): the number of queries does not grow with pupils.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings as django_settings
from django.db.models import Q

from knotwork.accounts.models import Membership, Role, User
from knotwork.analytics.attendance import (
    Sessions,
    Summary,
    concatenate,
    sessions_of,
    summarise_groups,
)
from knotwork.attendance.dashboard_rules import (
    Window,
    hidden_rows,
    resolve_period,
    same_window_last_year,
    window_for,
)
from knotwork.attendance.models import Register
from knotwork.attendance.queries import pa_threshold, start_year_of
from knotwork.attendance.register import stack
from knotwork.directory.models import Partnership, Setting
from knotwork.pupils.access import PARTNERSHIP_ROLES, SETTING_ROLES
from knotwork.pupils.models import Ethnicity, SenProvision, Sex
from knotwork.pupils.rules import national_curriculum_year
from knotwork.termdates.models import AcademicYear, Term
from knotwork.termdates.queries import session_map_for
from knotwork.termdates.rules import SessionMap

Date = datetime.date


def suppress_below() -> int:
    """The smallest number of enrolments a group shows figures for (a setting, 5 by default)."""
    return max(1, int(django_settings.KNOTWORK_ATTENDANCE_SUPPRESS_BELOW))


# --- Who sees which settings --------------------------------------------------------------

WIDE_ROLES = PARTNERSHIP_ROLES | {Role.BOARD_MEMBER}


@dataclass(frozen=True)
class Scope:
    """The settings whose figures a user may see, and the partnership they belong to."""

    settings: list[Setting]
    partnership: Partnership | None
    whole_partnership: bool

    @property
    def calendar_ids(self) -> list[int]:
        return sorted({s.calendar_id for s in self.settings})

    @property
    def main_calendar_id(self) -> int:
        """The calendar most of the settings keep (its terms name the periods)."""
        counts = Counter(s.calendar_id for s in self.settings)
        return min(counts, key=lambda calendar_id: (-counts[calendar_id], calendar_id))


def dashboard_scope(user: User) -> Scope | None:
    """Partnership coordinators, LA officers and board members: every setting in their
    organisations' partnerships. Setting staff and behaviour and attendance leaders:
    their own settings. Anyone else (agency practitioners): None, no dashboard."""
    memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
    own = sorted({org for org, role in memberships if role in SETTING_ROLES})
    wide = sorted({org for org, role in memberships if role in WIDE_ROLES})
    if not own and not wide:
        return None
    in_partnership = Q(partnership_memberships__partnership__memberships__organisation_id__in=wide)
    settings = list(
        Setting.objects.filter(Q(pk__in=own) | in_partnership).distinct().order_by("name", "pk")
    )
    if not settings:
        return None
    partnership = (
        Partnership.objects.filter(memberships__organisation_id__in=wide or own)
        .order_by("name", "pk")
        .first()
    )
    return Scope(settings=settings, partnership=partnership, whole_partnership=bool(wide))


def dashboard_years(scope: Scope) -> list[int]:
    """Academic years (first calendar year) the settings' calendars hold, latest first."""
    return sorted(
        set(
            AcademicYear.objects.filter(calendar_id__in=scope.calendar_ids).values_list(
                "start_year", flat=True
            )
        ),
        reverse=True,
    )


# --- Loading -------------------------------------------------------------------------------

_GROUP_FIELDS = (
    "academic_year_id",
    "enrolment__setting_id",
    "enrolment__pupil__date_of_birth",
    "enrolment__pupil__sex",
    "enrolment__pupil__sen_provision",
    "enrolment__pupil__fsm_eligible",
    "enrolment__pupil__ethnicity",
    "enrolment__pupil__looked_after",
    "marks",
)


@dataclass(frozen=True)
class CalendarYear:
    year: AcademicYear
    sessions: SessionMap
    terms: list[Term]


@dataclass(frozen=True)
class Enrolments:
    """One academic year's enrolments in scope, over a window: their sessions (one row an
    enrolment) and what each row is grouped by."""

    sessions: Sessions
    setting: npt.NDArray[np.int64]  # index into the scope's settings
    year_group: npt.NDArray[np.int64]
    sex: list[str]
    sen: list[str]
    fsm: list[bool]
    ethnicity: list[str]
    looked_after: list[bool]

    def __len__(self) -> int:
        return len(self.sessions)


def calendar_years(scope: Scope, start_years: Sequence[int]) -> dict[tuple[int, int], CalendarYear]:
    """(calendar id, start year) -> the year with its sessions and terms, for the scope."""
    years = AcademicYear.objects.filter(
        calendar_id__in=scope.calendar_ids, start_year__in=list(start_years)
    ).prefetch_related("terms", "closures")
    return {
        (y.calendar_id, y.start_year): CalendarYear(y, session_map_for(y), list(y.terms.all()))
        for y in years
    }


def load_enrolments(
    scope: Scope,
    years: dict[tuple[int, int], CalendarYear],
    windows: dict[int, Window],
) -> dict[int, Enrolments]:
    """Each start year's enrolments over its window (``windows``: start year -> window)."""
    by_id = {cy.year.pk: cy for cy in years.values() if cy.year.start_year in windows}
    setting_index = {s.pk: i for i, s in enumerate(scope.settings)}
    registers: Iterable[tuple[Any, ...]] = Register.objects.filter(
        academic_year_id__in=sorted(by_id), enrolment__setting_id__in=sorted(setting_index)
    ).values_list(*_GROUP_FIELDS)
    by_year: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in registers:
        by_year[row[0]].append(row)
    parts: dict[int, list[Sessions]] = defaultdict(list)
    rows: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for year_id, year_rows in sorted(by_year.items()):
        calendar_year = by_id[year_id]
        start_year = calendar_year.year.start_year
        window = windows[start_year]
        matrix = stack((row[-1] for row in year_rows), len(calendar_year.sessions))
        columns = (
            slice(0, 0)
            if window.empty
            else calendar_year.sessions.window(window.first, window.last)
        )
        parts[start_year].append(sessions_of(matrix[:, columns]))
        rows[start_year] += year_rows
    year_groups: dict[tuple[Date, int], int] = {}

    def year_group(born: Date, start_year: int) -> int:
        key = (born, start_year)
        if key not in year_groups:
            year_groups[key] = national_curriculum_year(born, Date(start_year, 9, 1))
        return year_groups[key]

    return {
        start_year: Enrolments(
            sessions=_joined(parts[start_year]),
            setting=np.asarray([setting_index[r[1]] for r in rows[start_year]], dtype=np.int64),
            year_group=np.asarray(
                [year_group(r[2], start_year) for r in rows[start_year]], dtype=np.int64
            ),
            sex=[str(r[3]) for r in rows[start_year]],
            sen=[str(r[4]) for r in rows[start_year]],
            fsm=[bool(r[5]) for r in rows[start_year]],
            ethnicity=[str(r[6]) for r in rows[start_year]],
            looked_after=[bool(r[7]) for r in rows[start_year]],
        )
        for start_year in windows
    }


def _joined(parts: list[Sessions]) -> Sessions:
    """Several calendars' rows as one (one calendar's as they are)."""
    return parts[0] if len(parts) == 1 else concatenate(parts)


# --- Groupings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A row of a table: the values of the grouping field it holds."""

    label: str
    values: tuple[Hashable, ...]
    parent: int | None = None  # index of the group it is part of (ethnicity detail)


@dataclass(frozen=True)
class Grouping:
    slug: str
    title: str
    groups: list[Group]
    value_of: Callable[[Enrolments], Sequence[Hashable]]


#: DfE's major ethnic groups, each with its detailed codes (school census).
ETHNIC_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("White", ("WBRI", "WIRI", "WIRT", "WROM", "WOTH")),
    ("Mixed", ("MWBC", "MWBA", "MWAS", "MOTH")),
    ("Asian or Asian British", ("AIND", "APKN", "ABAN", "AOTH")),
    ("Black or Black British", ("BCRB", "BAFR", "BOTH")),
    ("Chinese", ("CHNE",)),
    ("Any other ethnic group", ("OOTH",)),
    ("Unclassified", ("REFU", "NOBT")),
]


def _ethnicity_groups() -> list[Group]:
    groups: list[Group] = []
    for major, codes in ETHNIC_GROUPS:
        parent = len(groups)
        groups.append(Group(major, codes))
        if len(codes) > 1:
            groups += [Group(Ethnicity(code).label, (code,), parent) for code in codes]
    return groups


def groupings(scope: Scope, year_groups: Iterable[int]) -> list[Grouping]:
    """The dashboard's tables: by setting, year group and each pupil group."""
    years = sorted(set(year_groups) | set(range(7, 12)))
    return [
        Grouping(
            "setting",
            "By setting",
            [Group(s.name, (i,)) for i, s in enumerate(scope.settings)],
            lambda e: e.setting.tolist(),
        ),
        Grouping(
            "year-group",
            "By year group",
            [Group(_year_label(y), (y,)) for y in years],
            lambda e: e.year_group.tolist(),
        ),
        Grouping(
            "gender",
            "By gender",
            [Group(label, (value,)) for value, label in Sex.choices],
            lambda e: e.sex,
        ),
        Grouping(
            "sen",
            "By special educational needs provision",
            [Group(label, (value,)) for value, label in SenProvision.choices],
            lambda e: e.sen,
        ),
        Grouping(
            "fsm",
            "By eligibility for free school meals",
            [Group("Eligible", (True,)), Group("Not eligible", (False,))],
            lambda e: e.fsm,
        ),
        Grouping("ethnicity", "By ethnicity", _ethnicity_groups(), lambda e: e.ethnicity),
        Grouping(
            "looked-after",
            "Looked after children",
            [Group("Looked after", (True,)), Group("Not looked after", (False,))],
            lambda e: e.looked_after,
        ),
    ]


def _year_label(year: int) -> str:
    if year >= 1:
        return f"Year {year}"
    return "Reception" if year == 0 else "Nursery"


# --- Tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """A group's figures for one year; ``shown`` is False when they are suppressed."""

    summary: Summary
    shown: bool

    @property
    def empty(self) -> bool:
        return self.summary.enrolments == 0


@dataclass(frozen=True)
class Row:
    label: str
    this_year: Figures
    last_year: Figures | None  # None when last year has no registers at all
    detail: bool = False  # a part of the row above it (ethnicity detail)
    total: bool = False


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    rows: list[Row]


def _summaries(
    enrolments: Enrolments,
    grouping: Grouping,
    threshold: Fraction,
) -> tuple[list[Summary], Summary]:
    """Each group's summary and the total's, with one ``summarise_groups`` call."""
    position: dict[Hashable, list[int]] = defaultdict(list)
    for i, group in enumerate(grouping.groups):
        for value in group.values:
            position[value].append(i)
    leaves = [i for i, g in enumerate(grouping.groups) if len(g.values) == 1]
    leaf_of = {grouping.groups[i].values[0]: k for k, i in enumerate(leaves)}
    other = len(leaves)  # anything outside the groups: in the total only
    values = np.asarray(grouping.value_of(enrolments))
    distinct, inverse = np.unique(values, return_inverse=True)
    lookup = np.asarray([leaf_of.get(v, other) for v in distinct.tolist()], dtype=np.int64)
    keys = lookup[inverse.reshape(-1)] if len(enrolments) else np.zeros(0, dtype=np.int64)
    per_leaf = summarise_groups(enrolments.sessions, keys, other + 1, pa_threshold=threshold)
    total = _add(per_leaf)
    summaries = []
    for group in grouping.groups:
        parts = [per_leaf[leaf_of[v]] for v in group.values if v in leaf_of]
        summaries.append(_add(parts))
    return summaries, total


def _add(parts: Sequence[Summary]) -> Summary:
    """Groups put together: enrolment counts and sessions add up (each row is one enrolment)."""
    names = [f.name for f in Summary.__dataclass_fields__.values()]
    return Summary(**{name: sum(getattr(p, name) for p in parts) for name in names})


def _figures(summaries: list[Summary], parents: list[int | None], minimum: int) -> list[Figures]:
    hidden = hidden_rows([s.enrolments for s in summaries], parents, minimum)
    return [Figures(s, i not in hidden) for i, s in enumerate(summaries)]


def build_table(
    grouping: Grouping,
    this_year: Enrolments,
    last_year: Enrolments | None,
    *,
    threshold: Fraction,
    minimum: int,
) -> Table:
    """One table: a row per group and a total, this year against last, suppressed."""
    total_index = len(grouping.groups)
    parents: list[int | None] = [
        g.parent if g.parent is not None else total_index for g in grouping.groups
    ]
    parents.append(None)

    def year_figures(enrolments: Enrolments) -> list[Figures]:
        summaries, total = _summaries(enrolments, grouping, threshold)
        return _figures([*summaries, total], parents, minimum)

    now = year_figures(this_year)
    before = year_figures(last_year) if last_year is not None else None
    rows = [
        Row(
            label=group.label,
            this_year=now[i],
            last_year=before[i] if before is not None else None,
            detail=group.parent is not None,
        )
        for i, group in enumerate(grouping.groups)
    ]
    rows.append(
        Row(
            label="All enrolments",
            this_year=now[total_index],
            last_year=before[total_index] if before is not None else None,
            total=True,
        )
    )
    return Table(grouping.slug, grouping.title, rows)


# --- The dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    start_year: int
    period: str
    window: Window
    last_window: Window
    threshold: Fraction
    minimum: int
    tables: list[Table]
    last_year_has_data: bool
    calendar_found: bool = True

    @property
    def year_label(self) -> str:
        return f"{self.start_year}/{str(self.start_year + 1)[-2:]}"

    @property
    def last_year_label(self) -> str:
        return f"{self.start_year - 1}/{str(self.start_year)[-2:]}"

    @property
    def threshold_label(self) -> str:
        return _per_cent(self.threshold)

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)

    @property
    def total(self) -> Row | None:
        return self.tables[0].rows[-1] if self.tables else None

    @property
    def headline(self) -> list[Headline]:
        """Overall, persistent and severe absence for every enrolment, this year and last."""
        total = self.total
        if total is None:
            return []
        measures = [
            ("Overall absence", "sessions", "absence_rate", "absent", "possible"),
            ("Persistent absence", "enrolments", "persistent_rate", "persistent", "enrolments"),
            ("Severe absence", "enrolments", "severe_rate", "severe", "enrolments"),
        ]

        def figure(cell: Figures | None, rate: str, count: str, whole: str) -> Rate | None:
            if cell is None or not cell.shown:
                return None
            s = cell.summary
            return Rate(getattr(s, rate), getattr(s, count), getattr(s, whole))

        return [
            Headline(
                name,
                unit,
                figure(total.this_year, *fields),
                figure(total.last_year, *fields),
            )
            for name, unit, *fields in measures
        ]


@dataclass(frozen=True)
class Rate:
    rate: Decimal | None
    count: int
    whole: int


@dataclass(frozen=True)
class Headline:
    name: str
    unit: str
    this_year: Rate | None  # None when suppressed
    last_year: Rate | None


def _per_cent(value: Fraction) -> str:
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{number.normalize():f}%"


TABLE_SLUGS = ("setting", "year-group", "gender", "sen", "fsm", "ethnicity", "looked-after")


def _windows(
    scope: Scope,
    years: dict[tuple[int, int], CalendarYear],
    start_year: int,
    period: str,
    today: Date,
    first: Date | None,
    last: Date | None,
) -> tuple[Window, Window]:
    main = scope.main_calendar_id
    this_year = years.get((main, start_year))
    before = years.get((main, start_year - 1))
    terms = this_year.terms if this_year else []
    period = resolve_period(period, start_year=start_year, today=today, terms=terms)
    window = window_for(
        period, start_year=start_year, today=today, terms=terms, first=first, last=last
    )
    last_window = same_window_last_year(
        period, window, last_year_terms=before.terms if before else []
    )
    return window, last_window


def attendance_dashboard(
    scope: Scope,
    *,
    start_year: int,
    period: str,
    today: Date,
    threshold: Fraction,
    first: Date | None = None,
    last: Date | None = None,
    only: str | None = None,
) -> Dashboard:
    """Every table (or ``only`` the one named) for the scope, year and window."""
    years = calendar_years(scope, [start_year, start_year - 1])
    window, last_window = _windows(scope, years, start_year, period, today, first, last)
    loaded = load_enrolments(scope, years, {start_year: window, start_year - 1: last_window})
    this_year, last_year = loaded[start_year], loaded[start_year - 1]
    has_last = len(last_year) > 0 and int(last_year.sessions.possible.sum()) > 0
    minimum = suppress_below()
    tables = [
        build_table(
            grouping,
            this_year,
            last_year if has_last else None,
            threshold=threshold,
            minimum=minimum,
        )
        for grouping in groupings(
            scope, set(this_year.year_group.tolist()) | set(last_year.year_group.tolist())
        )
        if only is None or grouping.slug == only
    ]
    return Dashboard(
        scope=scope,
        start_year=start_year,
        period=period,
        window=window,
        last_window=last_window,
        threshold=threshold,
        minimum=minimum,
        tables=tables,
        last_year_has_data=has_last,
        calendar_found=any(key[1] == start_year for key in years),
    )


def default_threshold(scope: Scope) -> Fraction:
    """The partnership's persistent absence threshold (10% unless it chose another)."""
    return pa_threshold(scope.partnership)


def default_start_year(years: Sequence[int], today: Date) -> int | None:
    """The academic year holding today if the calendars have it, else the latest."""
    current = start_year_of(today)
    if current in years:
        return current
    return years[0] if years else None
