"""Suspension and permanent exclusion statistics, counted the way the DfE and local
authorities count them (england.md §4.7; seed 003's appendix lays them out).

Input is plain rows: each exclusion (the pupil and setting it belongs to, its kind,
its length in sessions, its reasons and the pupil's characteristics) and the roll as
counts of pupils on roll on the census day by setting and characteristics.

- Headcount: pupils on roll on the spring census day, the third Thursday of January
  (``census_day``); who counts is the caller's choice (the pages count sole and main
  registrations, so a dual-registered pupil counts once).
- Suspensions count one each; lengths are in sessions (half days), so days lost may
  end in .5. Average length = days lost / suspensions. Share of five days or less =
  suspensions of ten sessions or fewer / suspensions.
- Pupils with one or more suspensions are pupil enrolments, as the DfE counts them:
  a pupil suspended at two settings counts at each, so settings add up to the whole.
  Repeat suspensions: enrolments with two or more, and with five or more.
- Rates are per 100 pupils on roll: suspensions, pupils with one or more suspensions,
  permanent exclusions.
- Permanent exclusions counted are those upheld or awaiting the governing board;
  an exclusion the head cancelled is not counted (suspension or permanent), nor a
  permanent exclusion the governing board reinstated (``counted``).
- Reasons: each reason recorded (up to three an exclusion) as a share of all the
  reasons recorded for that kind of exclusion.
- Age: age on 31 August before the academic year (``age_at_start``).
- Small numbers: a count of exclusions or pupils excluded from 1 to ``MIN_COUNT - 1``
  is shown as ``x``, as are the rates based on it, and further counts wherever a
  hidden one could be worked out from a total less the counts shown (``hidden_cells``,
  ``suppress_tables``). Pupils on roll are shown whatever their number (a roll is
  no secret), but a rate on fewer than ``MIN_COUNT`` of them is hidden.

No database here: the statistics pages, their exports and ``knotwork exclusions
stats`` all call these functions, so they agree.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from knotwork.analytics.attendance import percentage

SUSPENSION = "suspension"
PERMANENT = "permanent"
KINDS = (SUSPENSION, PERMANENT)

#: A suspension of this many sessions (five days) or fewer counts as "five days or less".
SHORT_SESSIONS = 10
#: The smallest count shown (seed 003: "x less than 5, or a rate based on less than 5").
MIN_COUNT = 5
#: How a hidden figure is shown (seed 003's mark).
SUPPRESSED: Literal["x"] = "x"
#: The characteristics exclusions are broken down by, as the local authority reports them.
CHARACTERISTICS = ("phase", "gender", "age", "ethnicity", "sen", "fsm")

Value = int | Decimal | None | Literal["x"]


# --- Dates --------------------------------------------------------------------------------


def census_day(start_year: int) -> datetime.date:
    """The spring census day of the academic year starting in ``start_year``: the third
    Thursday of January (the headcount for exclusion rates)."""
    first = datetime.date(start_year + 1, 1, 1)
    first_thursday = first + datetime.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=2)


def year_of(day: datetime.date) -> int:
    """The academic year (by its first calendar year) that holds a date."""
    return day.year if day.month >= 9 else day.year - 1


def age_at_start(date_of_birth: datetime.date, start_year: int) -> int:
    """Age on 31 August before the academic year starting in ``start_year``."""
    return start_year - cohort_of(date_of_birth)


def cohort_of(date_of_birth: datetime.date) -> int:
    """The year whose 31 August a child is 0 on: born September to December, the next."""
    return date_of_birth.year + (1 if date_of_birth.month >= 9 else 0)


# --- Rows ----------------------------------------------------------------------------------


class Characteristics(NamedTuple):
    """What a pupil is grouped by. ``None`` where it is not known."""

    phase: str | None = None
    gender: str | None = None
    age: int | None = None
    ethnicity: str | None = None
    sen: str | None = None
    fsm: bool | None = None


UNKNOWN = Characteristics()


class Excluded(NamedTuple):
    """One suspension or permanent exclusion, with its pupil's characteristics.

    ``pupil`` and ``setting`` are keys (ids, UPNs, URNs): a pupil enrolment is the
    pair. ``sessions`` is the length in half days (0 for a permanent exclusion).
    ``reasons``: up to three codes; an empty one is no reason.
    """

    pupil: Hashable
    setting: Hashable
    kind: str
    sessions: int
    reasons: tuple[str, ...]
    group: Characteristics = UNKNOWN
    counted: bool = True


class OnRoll(NamedTuple):
    """Pupils on roll on the census day with the same setting and characteristics."""

    setting: Hashable
    group: Characteristics
    pupils: int


def counted(kind: str, *, cancelled: bool, reinstated: bool) -> bool:
    """Whether an exclusion counts: not cancelled by the head, and for a permanent
    exclusion not reinstated by the governing board (upheld or not yet decided)."""
    if cancelled:
        return False
    return not (kind == PERMANENT and reinstated)


def value_of(row: Excluded | OnRoll, field: str) -> Hashable:
    """The value a row is grouped by for a field: "setting" or a characteristic."""
    if field == "setting":
        return row.setting
    found: Hashable = getattr(row.group, field)
    return found


# --- Counting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """A group's counts for a year. Every field adds up across groups."""

    headcount: int = 0
    suspensions: int = 0
    sessions: int = 0  # half days lost to suspensions
    short: int = 0  # suspensions of five days or less
    pupils: int = 0  # enrolments with one or more suspensions
    two_or_more: int = 0
    five_or_more: int = 0
    permanent: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in _FIELDS})

    @property
    def days(self) -> Decimal:
        return Decimal(self.sessions) / 2

    @property
    def average_length_days(self) -> Decimal | None:
        if self.suspensions == 0:
            return None
        exact = Decimal(self.sessions) / Decimal(2 * self.suspensions)
        return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def share_five_days_or_less(self) -> Decimal | None:
        return percentage(self.short, self.suspensions)

    @property
    def suspension_rate(self) -> Decimal | None:
        return percentage(self.suspensions, self.headcount)

    @property
    def one_or_more_rate(self) -> Decimal | None:
        return percentage(self.pupils, self.headcount)

    @property
    def permanent_exclusion_rate(self) -> Decimal | None:
        return percentage(self.permanent, self.headcount)


_FIELDS = fields(Counts)
#: The counts suppression hides (days lost follow suspensions).
COUNT_FIELDS = (
    "suspensions",
    "short",
    "pupils",
    "two_or_more",
    "five_or_more",
    "permanent",
)


def tally(exclusions: Iterable[Excluded], headcount: int = 0) -> Counts:
    """One group's counts from its exclusions (those that count) and its headcount."""
    suspensions = sessions = short = permanent = 0
    per_enrolment: Counter[tuple[Hashable, Hashable]] = Counter()
    for row in exclusions:
        if not row.counted:
            continue
        if row.kind == SUSPENSION:
            suspensions += 1
            sessions += row.sessions
            short += row.sessions <= SHORT_SESSIONS
            per_enrolment[(row.pupil, row.setting)] += 1
        elif row.kind == PERMANENT:
            permanent += 1
    times = per_enrolment.values()
    return Counts(
        headcount=headcount,
        suspensions=suspensions,
        sessions=sessions,
        short=short,
        pupils=len(per_enrolment),
        two_or_more=sum(1 for n in times if n >= 2),
        five_or_more=sum(1 for n in times if n >= 5),
        permanent=permanent,
    )


@dataclass(frozen=True)
class Cells:
    """Counts by setting and characteristics: one row of ``counts`` (in the order of
    ``Counts``' fields) for each (setting, characteristics) in ``keys``. Breakdowns
    add up these rows, so their work follows the groups, not the pupils."""

    keys: list[tuple[Hashable, Characteristics]]
    counts: npt.NDArray[np.int64]


def cells_of(exclusions: Iterable[Excluded], roll: Iterable[OnRoll]) -> Cells:
    """The exclusions (those that count) and the roll, counted by setting and
    characteristics. Each enrolment (pupil and setting) counts once, in the group of
    its first row: a pupil's characteristics are the same on all their exclusions."""
    per_enrolment: dict[tuple[Hashable, Hashable], list[Any]] = {}
    for pupil, setting, kind, sessions, _, group, is_counted in exclusions:
        if not is_counted:
            continue
        found = per_enrolment.get((setting, pupil))
        if found is None:
            found = per_enrolment[(setting, pupil)] = [group, 0, 0, 0, 0]
        if kind == SUSPENSION:
            found[1] += 1
            found[2] += sessions
            found[3] += sessions <= SHORT_SESSIONS
        elif kind == PERMANENT:
            found[4] += 1
    index: dict[tuple[Hashable, Characteristics], int] = {}
    rows: list[list[int]] = []
    width = len(_FIELDS)
    for (setting, _), (group, times, sessions, short, permanent) in per_enrolment.items():
        position = index.setdefault((setting, group), len(rows))
        if position == len(rows):
            rows.append([0] * width)
        counts = rows[position]
        counts[1] += times
        counts[2] += sessions
        counts[3] += short
        counts[4] += times >= 1
        counts[5] += times >= 2
        counts[6] += times >= 5
        counts[7] += permanent
    for setting, group, pupils in roll:
        position = index.setdefault((setting, group), len(rows))
        if position == len(rows):
            rows.append([0] * width)
        rows[position][0] += pupils
    return Cells(list(index), np.asarray(rows, dtype=np.int64).reshape(-1, len(_FIELDS)))


def sum_by(cells: Cells, field: str) -> dict[Hashable, Counts]:
    """Each value of ``field`` ("setting" or a characteristic) with its group's counts."""
    if field == "setting":
        values = [setting for setting, _ in cells.keys]
    else:
        at = Characteristics._fields.index(field)
        values = [group[at] for _, group in cells.keys]
    position: dict[Hashable, int] = {}
    keys = np.asarray([position.setdefault(v, len(position)) for v in values], dtype=np.int64)
    summed = np.zeros((len(position), len(_FIELDS)), dtype=np.int64)
    np.add.at(summed, keys, cells.counts)
    rows: list[list[int]] = summed.tolist()
    return {value: Counts(*rows[i]) for value, i in position.items()}


def tally_by(
    exclusions: Iterable[Excluded], roll: Iterable[OnRoll], field: str
) -> dict[Hashable, Counts]:
    """Each value of ``field`` (in the exclusions or the roll) with its group's counts.

    Every enrolment falls in exactly one group, so the groups add up to the whole.
    """
    return sum_by(cells_of(exclusions, roll), field)


def headcount(roll: Iterable[OnRoll]) -> int:
    return sum(cell.pupils for cell in roll)


def reason_tally(exclusions: Iterable[Excluded]) -> dict[str, Counter[str]]:
    """Reasons recorded, by kind of exclusion (each of up to three reasons counts once)."""
    codes: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for row in exclusions:
        if row.counted and row.kind in codes:
            codes[row.kind] += row.reasons
    return {kind: Counter(code for code in found if code) for kind, found in codes.items()}


# --- Suppression ---------------------------------------------------------------------------


def hidden_cells(
    counts: Sequence[int],
    parents: Sequence[int | None],
    minimum: int = MIN_COUNT,
    forced: Collection[int] = (),
) -> set[int]:
    """Which counts of a table column may not be shown.

    ``counts[i]`` is row i's count and ``parents[i]`` the row it is part of (None
    for the whole); the parts of a row add up to it. Hidden: a count from 1 to
    ``minimum - 1``, and every row in ``forced``; then, until nothing changes, the
    non-zero parts of a hidden row, and wherever a shown row's hidden parts could be
    worked out from it less the parts shown (one hidden part alone, or hidden parts
    adding up to less than ``minimum``, or to no more than one each), the smallest
    shown non-zero part too, or the row itself when no part is left to hide.
    """
    children: dict[int, list[int]] = defaultdict(list)
    for i, parent in enumerate(parents):
        if parent is not None:
            children[parent].append(i)
    hidden = {i for i, n in enumerate(counts) if 0 < n < minimum} | set(forced)
    changed = True
    while changed:
        changed = False
        for parent, parts in children.items():
            if parent in hidden:
                newly = [i for i in parts if i not in hidden and counts[i] > 0]
                hidden.update(newly)
                changed |= bool(newly)
                continue
            hidden_parts = [i for i in parts if i in hidden]
            if not hidden_parts or _safe(hidden_parts, counts, minimum):
                continue
            shown = [i for i in parts if i not in hidden and counts[i] > 0]
            hidden.add(min(shown, key=lambda i: (counts[i], i)) if shown else parent)
            changed = True
    return hidden


def _safe(hidden_parts: list[int], counts: Sequence[int], minimum: int) -> bool:
    """Whether hidden parts of a shown whole keep their values to themselves."""
    together = sum(counts[i] for i in hidden_parts)
    return len(hidden_parts) >= 2 and together >= max(minimum, len(hidden_parts) + 1)


def suppress_rows(
    rows: Sequence[Counts],
    parents: Sequence[int | None],
    minimum: int = MIN_COUNT,
    forced: Mapping[str, Collection[int]] | None = None,
) -> list[frozenset[str]]:
    """For each row of a table, the names of its counts that may not be shown.

    Each count is suppressed down its column (``hidden_cells``). Suspensions of five
    days or less are also hidden where the suspensions are, and where the longer
    ones (the suspensions less the short) number 1 to ``minimum - 1``. "headcount"
    marks a roll of 1 to ``minimum - 1`` pupils: the roll is shown, its rates not.
    """
    forced = forced or {}
    hidden: dict[str, set[int]] = {
        "headcount": {i for i, r in enumerate(rows) if 0 < r.headcount < minimum}
    }
    for name in COUNT_FIELDS:
        extra = set(forced.get(name, ()))
        if name == "short":
            extra |= hidden["suspensions"]
            extra |= {i for i, r in enumerate(rows) if 0 < r.suspensions - r.short < minimum}
        hidden[name] = hidden_cells([getattr(r, name) for r in rows], parents, minimum, extra)
    return [frozenset(n for n in hidden if i in hidden[n]) for i in range(len(rows))]


def suppress_tables(
    tables: Sequence[tuple[Sequence[Counts], Sequence[int | None]]], minimum: int = MIN_COUNT
) -> list[list[frozenset[str]]]:
    """``suppress_rows`` for tables that share one whole (their row with no parent: the
    same year and settings broken down different ways). A count hidden in the whole of
    one table is hidden in the whole of every table, so none gives it away."""
    forced_whole: set[str] = set()
    while True:
        results = []
        for rows, parents in tables:
            roots = [i for i, p in enumerate(parents) if p is None]
            forced = {name: roots for name in forced_whole}
            results.append(suppress_rows(rows, parents, minimum, forced))
        hidden_whole = {
            name
            for found, (_, parents) in zip(results, tables, strict=True)
            for i, parent in enumerate(parents)
            if parent is None
            for name in found[i]
        }
        if hidden_whole <= forced_whole:
            return results
        forced_whole |= hidden_whole


# --- Figures as shown ----------------------------------------------------------------------

#: Each measure by name, with the counts it is worked out from (hidden if any is).
MEASURES: dict[str, tuple[str, ...]] = {
    "headcount": (),
    "suspensions": ("suspensions",),
    "pupils_with_suspension": ("pupils",),
    "days": ("suspensions",),
    "average_length_days": ("suspensions",),
    "suspensions_five_days_or_less": ("short",),
    "share_five_days_or_less": ("short", "suspensions"),
    "suspension_rate": ("suspensions", "headcount"),
    "one_or_more_rate": ("pupils", "headcount"),
    "pupils_with_two_or_more": ("two_or_more",),
    "pupils_with_five_or_more": ("five_or_more",),
    "permanent_exclusions": ("permanent",),
    "permanent_exclusion_rate": ("permanent", "headcount"),
}
#: A group's share of the whole's count (seed 003: "Boys accounted for 77.42% of...").
SHARES: dict[str, str] = {
    "share_of_suspensions": "suspensions",
    "share_of_permanent_exclusions": "permanent",
}

_MEASURE_VALUE: dict[str, Callable[[Counts], int | Decimal | None]] = {
    "headcount": lambda c: c.headcount,
    "suspensions": lambda c: c.suspensions,
    "pupils_with_suspension": lambda c: c.pupils,
    "days": lambda c: c.days,
    "average_length_days": lambda c: c.average_length_days,
    "suspensions_five_days_or_less": lambda c: c.short,
    "share_five_days_or_less": lambda c: c.share_five_days_or_less,
    "suspension_rate": lambda c: c.suspension_rate,
    "one_or_more_rate": lambda c: c.one_or_more_rate,
    "pupils_with_two_or_more": lambda c: c.two_or_more,
    "pupils_with_five_or_more": lambda c: c.five_or_more,
    "permanent_exclusions": lambda c: c.permanent,
    "permanent_exclusion_rate": lambda c: c.permanent_exclusion_rate,
}


@dataclass(frozen=True)
class Figures:
    """A group's counts as they may be shown: ``value(name)`` is ``x`` where hidden."""

    counts: Counts
    hidden: frozenset[str] = frozenset()
    whole: Counts | None = None  # what the group is part of, for its shares
    whole_hidden: frozenset[str] = frozenset()

    def value(self, measure: str) -> Value:
        if measure in SHARES:
            name = SHARES[measure]
            if self.whole is None:
                return None
            count = getattr(self.counts, name)
            if name in self.hidden or (name in self.whole_hidden and count):
                return SUPPRESSED  # (none of a hidden whole is still none of it)
            return percentage(count, getattr(self.whole, name))
        if any(name in self.hidden for name in MEASURES[measure]):
            return SUPPRESSED
        return _MEASURE_VALUE[measure](self.counts)

    def shown(self, measure: str) -> bool:
        return self.value(measure) != SUPPRESSED

    def as_dict(self, measures: Iterable[str]) -> dict[str, Value]:
        return {name: self.value(name) for name in measures}


def figures_for(
    rows: Sequence[Counts], parents: Sequence[int | None], hidden: Sequence[frozenset[str]]
) -> list[Figures]:
    """Rows of a table as figures, each with the row it is part of for its shares
    (a row with no parent is its own whole)."""
    out = []
    for i, row in enumerate(rows):
        parent = parents[i]
        root = i
        while (up := parents[root]) is not None:
            root = up
        whole = rows[root] if parent is not None else row
        out.append(Figures(row, hidden[i], whole, hidden[root]))
    return out


@dataclass(frozen=True)
class ReasonFigures:
    """One reason's count and share among a kind's reasons; ``x`` where hidden."""

    code: str
    suspensions: Value
    suspension_share: Value
    permanent: Value
    permanent_share: Value


def reason_figures(
    reasons: Mapping[str, Counter[str]], codes: Sequence[str], minimum: int = MIN_COUNT
) -> tuple[list[ReasonFigures], ReasonFigures]:
    """Each reason in ``codes`` and the total of all reasons recorded, suppressed down
    each column (the total is the whole). Codes recorded but not listed count in the
    total only, as "other" would."""
    columns: dict[str, tuple[list[Value], list[Value]]] = {}
    for kind in KINDS:
        found = reasons.get(kind, Counter())
        listed = [found.get(code, 0) for code in codes]
        rest = sum(n for code, n in found.items() if code not in codes)
        counts = [*listed, rest, sum(found.values())]
        whole = len(counts) - 1
        parents: list[int | None] = [whole] * whole + [None]
        hidden = hidden_cells(counts, parents, minimum)
        values: list[Value] = [SUPPRESSED if i in hidden else n for i, n in enumerate(counts)]
        shares: list[Value] = [
            SUPPRESSED
            if i in hidden or (whole in hidden and counts[i])
            else percentage(counts[i], counts[whole])
            for i in range(len(counts))
        ]
        columns[kind] = (values, shares)
    rows = [
        ReasonFigures(
            code,
            columns[SUSPENSION][0][i],
            columns[SUSPENSION][1][i],
            columns[PERMANENT][0][i],
            columns[PERMANENT][1][i],
        )
        for i, code in enumerate(codes)
    ]
    last = len(codes) + 1
    total = ReasonFigures(
        "",
        columns[SUSPENSION][0][last],
        columns[SUSPENSION][1][last],
        columns[PERMANENT][0][last],
        columns[PERMANENT][1][last],
    )
    return rows, total


# --- Tables of figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A row of a breakdown: the values of the field it holds, and the row it is part of
    (another group's index, for detail within a group; None for a part of the whole)."""

    label: str
    values: tuple[Hashable, ...]
    parent: int | None = None


@dataclass(frozen=True)
class Breakdown:
    """The exclusions broken down by a field ("setting" or a characteristic)."""

    field: str
    groups: tuple[Group, ...]


#: The label of the row for values no group holds (so the rows still add up).
NOT_LISTED = "Other or not known"


def groups_of(
    values: Iterable[Hashable], label: Callable[[Hashable], str] = str
) -> tuple[Group, ...]:
    """One group per value, in order, the unknown (None) last."""
    known = sorted((v for v in set(values) if v is not None), key=_sort_key)
    found = tuple(Group(label(v), (v,)) for v in known)
    return (*found, Group(NOT_LISTED, (None,))) if None in set(values) else found


def _sort_key(value: Hashable) -> tuple[int, str]:
    return (0, f"{value:08d}") if isinstance(value, int) else (1, str(value))


@dataclass(frozen=True)
class Table:
    """A breakdown's rows as figures: each group, then the whole."""

    field: str
    groups: tuple[Group, ...]
    rows: list[Figures]

    @property
    def whole(self) -> Figures:
        return self.rows[-1]


def breakdown_tables(
    exclusions: Sequence[Excluded],
    roll: Sequence[OnRoll],
    breakdowns: Sequence[Breakdown],
    minimum: int = MIN_COUNT,
) -> tuple[Figures, list[Table]]:
    """The whole's figures, and each breakdown's groups and the whole, with small
    numbers hidden across all the tables together (they share the whole). Values of
    the field no group holds are put in a last group, ``NOT_LISTED``, so every table
    adds up to the whole."""
    cells = cells_of(exclusions, roll)
    whole = Counts(*cells.counts.sum(axis=0).tolist()) if len(cells.keys) else Counts()
    shapes: list[tuple[tuple[Group, ...], list[Counts], list[int | None]]] = []
    for breakdown in breakdowns:
        leaves = sum_by(cells, breakdown.field)
        groups = breakdown.groups
        held = {v for g in groups if g.parent is None for v in g.values}
        rest = tuple(v for v in leaves if v not in held)
        if rest:
            groups = (*groups, Group(NOT_LISTED, rest))
        rows = [sum((leaves.get(v, Counts()) for v in g.values), Counts()) for g in groups]
        parents = [len(groups) if g.parent is None else g.parent for g in groups]
        shapes.append((groups, [*rows, whole], [*parents, None]))
    tables = [(rows, parents) for _, rows, parents in shapes] or [([whole], [None])]
    hidden = suppress_tables(tables, minimum)
    whole_hidden = hidden[0][-1]
    return Figures(whole, whole_hidden, whole, whole_hidden), [
        Table(breakdown.field, groups, figures_for(rows, parents, found))
        for breakdown, (groups, rows, parents), found in zip(
            breakdowns, shapes, hidden, strict=False
        )
    ]
