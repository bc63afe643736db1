"""Patterns in incidents and withdrawals, counted over plain values (no database here).

What the sources ask of a behaviour record (seed 002: "analyse it for patterns -
people, places and groups"; seed 004: disproportionality): incidents by place,
time of day, weekday, year group and pupil group, a pupil over time, and "the
same two pupils again" (pairs of pupils who appear together in two or more
incidents). Withdrawals from lessons (learning support unit, remove room,
internal exclusion) are compared across pupil groups the same way.

Group tables give counts and rates per 100 pupils on roll. Small numbers are
suppressed the way seed 003 marks them ("x: less than 5, or a rate based on
less than 5"), and where one hidden cell could be worked out from the total
less the others, the next smallest is hidden too.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from knotwork.attendance.dashboard_queries import ETHNIC_GROUPS
from knotwork.pupils.models import SenProvision, Sex

#: A count below this (but above nought), or a rate or average based on one, shows as "x".
SUPPRESS_BELOW = 5
HIDDEN = "x"

# --- Time of day -----------------------------------------------------------------------------

#: Bands of a school day, in order. The times are a typical secondary day's; a setting's own
#: bell times may differ by a few minutes, which moves few incidents between bands.
TIME_BANDS: list[tuple[str, str]] = [
    ("before_school", "Before school"),
    ("morning", "Morning lessons"),
    ("break", "Break"),
    ("lunch", "Lunch"),
    ("afternoon", "Afternoon lessons"),
    ("after_school", "After school"),
]
BAND_LABELS = dict(TIME_BANDS)
_BAND_STARTS: list[tuple[datetime.time, str]] = [
    (datetime.time(0, 0), "before_school"),
    (datetime.time(8, 40), "morning"),
    (datetime.time(10, 40), "break"),
    (datetime.time(11, 0), "morning"),
    (datetime.time(12, 30), "lunch"),
    (datetime.time(13, 30), "afternoon"),
    (datetime.time(15, 15), "after_school"),
]
_STARTS = [start for start, _ in _BAND_STARTS]

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def time_band(moment: datetime.time) -> str:
    """The band of the school day a time of day falls in (a band begins at its start time)."""
    return _BAND_STARTS[bisect.bisect_right(_STARTS, moment) - 1][1]


def band_times(band: str) -> str:
    """When a band runs, as "08:40-10:40" (morning lessons run either side of break)."""
    spans = []
    for i, (start, key) in enumerate(_BAND_STARTS):
        if key != band:
            continue
        end = _BAND_STARTS[i + 1][0] if i + 1 < len(_BAND_STARTS) else None
        spans.append(f"{start:%H:%M}-{end:%H:%M}" if end else f"from {start:%H:%M}")
    if band == "before_school":
        return f"before {_BAND_STARTS[1][0]:%H:%M}"
    return ", ".join(spans)


# --- Facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Involvement:
    """A pupil's part in an incident."""

    pupil: int
    role: str


@dataclass(frozen=True)
class IncidentFact:
    """An incident as the patterns see it: when (local time), where, and who, in what role."""

    ref: int
    when: datetime.datetime
    place: str
    pupils: tuple[Involvement, ...] = ()


@dataclass(frozen=True)
class PupilFact:
    """A pupil on roll in the window, with what the groups are made from."""

    pupil: int
    year_group: int
    sex: str
    sen: str
    fsm: bool
    ethnicity: str
    looked_after: bool


@dataclass(frozen=True)
class WithdrawalFact:
    """One use of withdrawal: whole sessions or minutes out of lessons."""

    pupil: int
    sessions: int
    minutes: int


# --- Counting incidents ------------------------------------------------------------------------


def by_place(incidents: Iterable[IncidentFact]) -> Counter[str]:
    return Counter(i.place for i in incidents)


def by_band(incidents: Iterable[IncidentFact]) -> Counter[str]:
    return Counter(time_band(i.when.time()) for i in incidents)


def by_weekday(incidents: Iterable[IncidentFact]) -> Counter[int]:
    """Incidents per weekday, Monday 0 to Sunday 6."""
    return Counter(i.when.weekday() for i in incidents)


def heatmap(incidents: Iterable[IncidentFact]) -> Counter[tuple[int, str]]:
    """Incidents per (weekday, time band)."""
    return Counter((i.when.weekday(), time_band(i.when.time())) for i in incidents)


def ordered(counts: Counter[str], order: Sequence[tuple[str, str]]) -> list[tuple[str, int]]:
    """(label, count) for every key in ``order`` that has incidents, most first; ties in
    ``order``'s order."""
    position = {key: i for i, (key, _) in enumerate(order)}
    labels = dict(order)
    keys = sorted(
        (k for k in counts if counts[k]), key=lambda k: (-counts[k], position.get(k, len(order)))
    )
    return [(labels.get(k, str(k)), counts[k]) for k in keys]


def involvements(
    incidents: Iterable[IncidentFact], roles: frozenset[str] | None = None
) -> list[Involvement]:
    """Every pupil's part in the incidents, in the roles asked for (all roles when None)."""
    return [part for i in incidents for part in i.pupils if roles is None or part.role in roles]


@dataclass(frozen=True)
class Pair:
    """Two pupils (ids, the smaller first) who appear together in incidents."""

    first: int
    second: int
    incidents: tuple[int, ...]  # refs, in the order the incidents were given

    @property
    def together(self) -> int:
        return len(self.incidents)


def repeat_pairs(incidents: Iterable[IncidentFact], minimum: int = 2) -> list[Pair]:
    """Pairs of pupils in ``minimum`` or more of the same incidents, most shared first."""
    shared: dict[tuple[int, int], list[int]] = defaultdict(list)
    for incident in incidents:
        pupils = sorted({part.pupil for part in incident.pupils})
        for pair in itertools.combinations(pupils, 2):
            shared[pair].append(incident.ref)
    pairs = [Pair(a, b, tuple(refs)) for (a, b), refs in shared.items() if len(refs) >= minimum]
    return sorted(pairs, key=lambda p: (-p.together, p.first, p.second))


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``first``'s to ``last``'s (none when first > last)."""
    months: list[datetime.date] = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def per_month(
    days: Iterable[datetime.date], first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, int]]:
    """How many of ``days`` fall in each month from first to last (months with none: 0)."""
    counts = Counter(day.replace(day=1) for day in days if first <= day <= last)
    return [(month, counts[month]) for month in months_between(first, last)]


# --- Pupil groups -------------------------------------------------------------------------------

_MAJOR_GROUP = {code: major for major, codes in ETHNIC_GROUPS for code in codes}


def ethnic_major_group(code: str) -> str:
    return _MAJOR_GROUP.get(code, "Unclassified")


def year_label(year: int) -> str:
    if year >= 1:
        return f"Year {year}"
    return "Reception" if year == 0 else "Nursery"


@dataclass(frozen=True)
class Grouping:
    """A way to split pupils: each pupil's key, and the groups in the order shown."""

    slug: str
    title: str
    key: Callable[[PupilFact], Hashable]
    groups: list[tuple[Hashable, str]]


def groupings(roll: Iterable[PupilFact]) -> list[Grouping]:
    """Year group (the years on roll), gender, SEN provision, FSM, ethnicity, looked after."""
    years = sorted({p.year_group for p in roll})
    return [
        Grouping("year-group", "By year group", lambda p: p.year_group,
                 [(y, year_label(y)) for y in years]),
        Grouping("gender", "By gender", lambda p: p.sex, list(Sex.choices)),
        Grouping("sen", "By special educational needs provision", lambda p: p.sen,
                 list(SenProvision.choices)),
        Grouping("fsm", "By eligibility for free school meals", lambda p: p.fsm,
                 [(True, "Eligible"), (False, "Not eligible")]),
        Grouping("ethnicity", "By ethnicity (major group)",
                 lambda p: ethnic_major_group(p.ethnicity),
                 [(major, major) for major, _ in ETHNIC_GROUPS]),
        Grouping("looked-after", "Looked after children", lambda p: p.looked_after,
                 [(True, "Looked after"), (False, "Not looked after")]),
    ]  # fmt: skip


@dataclass(frozen=True)
class GroupCount:
    """A group's raw figures: pupils on roll, uses (incident parts or withdrawals), pupils
    with one or more, and for withdrawals the sessions and minutes out of lessons."""

    label: str
    on_roll: int
    uses: int
    pupils: int
    sessions: int = 0
    minutes: int = 0
    total: bool = False


def group_counts(
    grouping: Grouping,
    roll: Sequence[PupilFact],
    uses: Iterable[tuple[int, int, int]],
) -> list[GroupCount]:
    """Each group's figures and, last, the total for everyone on roll.

    ``uses`` holds (pupil, sessions, minutes) per use: an incident part is (pupil, 0, 0).
    Uses by pupils not on ``roll`` are left out, so every group's denominator holds the
    pupils its numerators count.
    """
    key_of = {p.pupil: grouping.key(p) for p in roll}
    on_roll = Counter(key_of.values())
    counted: Counter[Hashable] = Counter()
    sessions: Counter[Hashable] = Counter()
    minutes: Counter[Hashable] = Counter()
    pupils: dict[Hashable, set[int]] = defaultdict(set)
    for pupil, use_sessions, use_minutes in uses:
        if pupil not in key_of:
            continue
        key = key_of[pupil]
        counted[key] += 1
        sessions[key] += use_sessions
        minutes[key] += use_minutes
        pupils[key].add(pupil)
    rows = [
        GroupCount(
            label=label,
            on_roll=on_roll[key],
            uses=counted[key],
            pupils=len(pupils[key]),
            sessions=sessions[key],
            minutes=minutes[key],
        )
        for key, label in grouping.groups
    ]
    rows.append(
        GroupCount(
            label="All pupils on roll",
            on_roll=len(key_of),
            uses=sum(counted.values()),
            pupils=sum(len(s) for s in pupils.values()),
            sessions=sum(sessions.values()),
            minutes=sum(minutes.values()),
            total=True,
        )
    )
    return rows


def per_100(count: int, whole: int) -> Decimal | None:
    """count / whole x 100 to one decimal place (half up); None with nothing to divide by."""
    if whole <= 0:
        return None
    return (Decimal(count) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def per_each(count: int, whole: int) -> Decimal | None:
    """count / whole to one decimal place (half up); None with nothing to divide by."""
    if whole <= 0:
        return None
    return (Decimal(count) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


#: The columns of a group table, in order: (name, heading).
COLUMNS = [
    ("on_roll", "Pupils on roll"),
    ("uses", "Number"),
    ("uses_rate", "Per 100 on roll"),
    ("pupils", "Pupils with one or more"),
    ("pupils_rate", "Pupils with one or more, per 100 on roll"),
    ("sessions", "Sessions"),
    ("sessions_per_pupil", "Sessions per pupil withdrawn"),
    ("minutes", "Minutes (shorter uses)"),
]


@dataclass(frozen=True)
class GroupRow:
    """A group table's row as shown: each figure as text, "x" where suppressed."""

    label: str
    cells: dict[str, str]
    total: bool = False


def _small(values: Sequence[int], minimum: int) -> set[int]:
    return {i for i, n in enumerate(values) if 0 < n < minimum}


def _complete(hidden: set[int], values: Sequence[int]) -> set[int]:
    """Hidden cells of a column (its groups, then the total last), with what keeps them
    hidden: where only one group is hidden and the total is shown, the smallest other group
    with something in it is hidden too, or the total when there is none; a hidden total
    hides every group."""
    total = len(values) - 1
    hidden = set(hidden)
    groups = [i for i in hidden if i != total]
    if total not in hidden and len(groups) == 1:
        others = [i for i in range(total) if i not in hidden and values[i] > 0]
        hidden.add(min(others, key=lambda i: (values[i], i)) if others else total)
    if total in hidden:
        hidden.update(range(total))
    return hidden


def _text(value: Decimal | int | None) -> str:
    return "\N{EN DASH}" if value is None else str(value)


def suppressed_rows(rows: Sequence[GroupCount], minimum: int = SUPPRESS_BELOW) -> list[GroupRow]:
    """Rows of ``group_counts`` as shown, with small numbers suppressed.

    A count of pupils below ``minimum`` (but not nought) shows "x": pupils on roll (the
    whole row then shows "x") or pupils with one or more. Uses below ``minimum`` show "x",
    and uses, sessions and minutes show "x" wherever the pupils they describe do. Where
    only one group of a column would be hidden, so that it could be worked out from the
    total less the rest, the smallest other is hidden too. A rate or average shows "x"
    when a count it is made from does.
    """

    def column(name: str) -> list[int]:
        return [getattr(r, name) for r in rows]

    roll = _complete(_small(column("on_roll"), minimum), column("on_roll"))
    pupils = _complete(roll | _small(column("pupils"), minimum), column("pupils"))
    # Uses, sessions and minutes describe the pupils counted: hidden with them.
    hidden = {
        "on_roll": roll,
        "pupils": pupils,
        "uses": _complete(pupils | _small(column("uses"), minimum), column("uses")),
        "sessions": _complete(pupils, column("sessions")),
        "minutes": _complete(pupils, column("minutes")),
    }
    shown: list[GroupRow] = []
    for i, row in enumerate(rows):

        def cell(value: Decimal | int | None, *based_on: str, i: int = i) -> str:
            if any(i in hidden[b] for b in based_on):
                return HIDDEN
            return _text(value)

        shown.append(
            GroupRow(
                label=row.label,
                total=row.total,
                cells={
                    "on_roll": cell(row.on_roll, "on_roll"),
                    "uses": cell(row.uses, "uses"),
                    "uses_rate": cell(per_100(row.uses, row.on_roll), "uses", "on_roll"),
                    "pupils": cell(row.pupils, "pupils"),
                    "pupils_rate": cell(per_100(row.pupils, row.on_roll), "pupils", "on_roll"),
                    "sessions": cell(row.sessions, "sessions"),
                    "sessions_per_pupil": cell(
                        per_each(row.sessions, row.pupils),
                        "sessions",
                        "pupils",
                    ),
                    "minutes": cell(row.minutes, "minutes"),
                },
            )
        )
    return shown
