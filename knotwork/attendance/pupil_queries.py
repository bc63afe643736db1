"""What a pupil's attendance page reads: each enrolment's register for one academic year
as a grid of school weeks, its measures for this term, the year to date and the last six
school weeks, the attendance of each school week, and the register's amendments.

Measures come from ``knotwork.analytics.attendance`` over the register's bytes, sliced by
the setting's session map; nothing here computes a rate of its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt
from django.db.models import Q

from knotwork.analytics.attendance import Summary, percentage, sessions_of, summarise
from knotwork.attendance.codes import BY_ID, Category
from knotwork.attendance.models import MarkAmendment, Register
from knotwork.attendance.queries import SessionMaps, YearOfSessions, pa_threshold, start_year_of
from knotwork.attendance.register import as_array, stack
from knotwork.directory.models import Partnership, PartnershipMember, Setting
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.rules import HALVES, SessionMap

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
HALF_NAMES = {"AM": "morning", "PM": "afternoon"}
SIX_WEEKS = 6
_ONE_DAY = datetime.timedelta(days=1)
_ONE_WEEK = datetime.timedelta(weeks=1)


@dataclass(frozen=True)
class CellStyle:
    """How a register cell looks: a class for its colour and pattern, and what it means."""

    slug: str
    label: str
    example_codes: str

    @property
    def sample(self) -> str:
        """A code to show in the key's swatch."""
        return self.example_codes.split()[0] if self.example_codes else ""


#: Cell styles by statistical category, then the two states a session can be in without a mark.
CATEGORY_STYLES: dict[Category, CellStyle] = {
    Category.PRESENT: CellStyle("present", "Present", "/ \\ L"),
    Category.APPROVED_ACTIVITY: CellStyle("activity", "Approved educational activity", "K V P W B"),
    Category.AUTHORISED: CellStyle("authorised", "Authorised absence", "I M C C2 R E S T"),
    Category.UNAUTHORISED: CellStyle("unauthorised", "Unauthorised absence", "N O G U"),
    Category.NOT_POSSIBLE: CellStyle("not-possible", "Not a possible session", "D X Y1-Y7 Q"),
    Category.ADMINISTRATIVE: CellStyle("closure", "Closure, or not yet on roll", "# Z"),
    Category.NO_MARK: CellStyle("no-mark", "No mark", ""),
}
NOT_SCHOOL_DAY = CellStyle("not-school-day", "Not a school day", "")
LEGEND: tuple[CellStyle, ...] = (*CATEGORY_STYLES.values(), NOT_SCHOOL_DAY)


@dataclass(frozen=True)
class GridCell:
    code: str
    style: str
    label: str  # "Monday 23 November, morning"
    meaning: str  # "N: Reason not yet established (unauthorised absence)"

    @property
    def focusable(self) -> bool:
        """Marked sessions take the keyboard focus; empty and non-school sessions do not."""
        return bool(self.code)


@dataclass(frozen=True)
class GridWeek:
    """A row of the grid: a school week of ten sessions, or a break of whole weeks."""

    monday: datetime.date
    cells: tuple[GridCell, ...] = ()
    break_label: str = ""
    current: bool = False


@dataclass(frozen=True)
class Measure:
    """One window's figures for an enrolment."""

    label: str
    first: datetime.date
    last: datetime.date
    summary: Summary
    persistent: bool
    severe: bool


@dataclass(frozen=True)
class MeasureRow:
    """A line of the measures table: one figure for each window."""

    label: str
    values: tuple[str, ...]
    is_flag: bool = False


#: Shown where a figure has no value (no possible sessions).
NO_FIGURE = "\u2013"


def _rate(value: Decimal | None) -> str:
    return NO_FIGURE if value is None else f"{value}%"


def measure_rows(measures: Sequence[Measure], threshold: Fraction) -> list[MeasureRow]:
    """The measures as table rows: sessions, rates, and the persistent and severe flags."""

    def row(label: str, values: Iterable[object], is_flag: bool = False) -> MeasureRow:
        return MeasureRow(label, tuple(str(v) for v in values), is_flag)

    def flag(hit: bool, summary: Summary) -> str:
        return NO_FIGURE if not summary.possible else ("Yes" if hit else "No")

    s = [m.summary for m in measures]
    pa = f"{threshold.numerator / threshold.denominator:g}"
    return [
        row("Possible sessions", (x.possible for x in s)),
        row("Present", (x.present for x in s)),
        row("Approved educational activity", (x.approved_activity for x in s)),
        row("Authorised absence", (x.authorised for x in s)),
        row("Unauthorised absence", (x.unauthorised for x in s)),
        row("Late (L and U)", (x.late for x in s)),
        row("Attendance rate", (_rate(x.attendance_rate) for x in s)),
        row("Overall absence rate", (_rate(x.absence_rate) for x in s)),
        row(
            f"Persistently absent ({pa}% or more)",
            (flag(m.persistent, m.summary) for m in measures),
            True,
        ),
        row("Severely absent (50% or more)", (flag(m.severe, m.summary) for m in measures), True),
    ]


@dataclass(frozen=True)
class WeekPoint:
    monday: datetime.date
    possible: int
    attending: int
    rate: Decimal | None


@dataclass
class EnrolmentYear:
    """One enrolment's register for the year, ready to show."""

    enrolment: Enrolment
    year: AcademicYear | None
    register: Register | None
    threshold: Fraction
    grid: list[GridWeek] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    weeks: list[WeekPoint] = field(default_factory=list)
    amendments: list[MarkAmendment] = field(default_factory=list)

    @property
    def has_marks(self) -> bool:
        return self.register is not None and any(bytes(self.register.marks))

    @property
    def measure_rows(self) -> list[MeasureRow]:
        return measure_rows(self.measures, self.threshold)


@dataclass(frozen=True)
class Term:
    """A whole term (both halves), named as schools name it."""

    name: str
    first: datetime.date
    last: datetime.date


# ---- plain functions over a year's sessions and marks -------------------------------


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def whole_terms(year: AcademicYear) -> list[Term]:
    """The year's terms, each from its first half's first day to its second half's last."""
    terms: dict[str, Term] = {}
    for half in year.terms.all():
        label = half.get_name_display()
        known = terms.get(label)
        if known is None:
            terms[label] = Term(label, half.starts_on, half.ends_on)
        else:
            terms[label] = Term(
                label, min(known.first, half.starts_on), max(known.last, half.ends_on)
            )
    return sorted(terms.values(), key=lambda t: t.first)


def _break_label(year: AcademicYear, first: datetime.date, last: datetime.date) -> str:
    halves = sorted(year.terms.all(), key=lambda t: t.starts_on)
    before = [h for h in halves if h.ends_on < first]
    after = [h for h in halves if h.starts_on > last]
    kind = "Holiday"
    if before and after and before[-1].name == after[0].name:
        kind = "Half term"
    return f"{kind}: {first:%-d %B} to {last:%-d %B}"


def _cell(
    day: datetime.date,
    half: str,
    index: int | None,
    marks: npt.NDArray[np.uint8],
    sessions: SessionMap,
    bank_holidays: frozenset[datetime.date],
) -> GridCell:
    label = f"{WEEKDAY_NAMES[day.weekday()]} {day:%-d %B}, {HALF_NAMES[half]}"
    if index is None:
        meaning = "Bank holiday" if day in bank_holidays else "Not a school day"
        return GridCell("", NOT_SCHOOL_DAY.slug, label, meaning)
    code = BY_ID.get(int(marks[index]))
    if code is None:
        if index in sessions.closed:
            return GridCell("", CATEGORY_STYLES[Category.ADMINISTRATIVE].slug, label, "Closed")
        return GridCell("", CATEGORY_STYLES[Category.NO_MARK].slug, label, "No mark")
    style = CATEGORY_STYLES[code.category]
    meaning = f"{code.code}, {code.meaning}"
    if code.category is not Category.PRESENT:
        meaning += f" ({code.category.label.lower()})"
    return GridCell(code.code, style.slug, label, meaning)


def register_grid(
    year: AcademicYear,
    sessions: SessionMap,
    marks: npt.NDArray[np.uint8],
    today: datetime.date,
) -> list[GridWeek]:
    """The year's register as weeks (Monday to Friday, AM and PM), breaks as single rows."""
    terms = whole_terms(year)
    if not terms:
        return []
    halves = [(h.starts_on, h.ends_on) for h in year.terms.all()]
    bank_holidays = bank_holidays_between(year.starts_on, year.ends_on)

    def in_term(day: datetime.date) -> bool:
        return any(first <= day <= last for first, last in halves)

    rows: list[GridWeek] = []
    holiday_from: datetime.date | None = None
    monday = monday_of(terms[0].first)
    while monday <= terms[-1].last:
        days = [monday + i * _ONE_DAY for i in range(5)]
        if not any(in_term(day) for day in days):
            holiday_from = holiday_from or monday
            monday += _ONE_WEEK
            continue
        if holiday_from is not None:
            label = _break_label(year, holiday_from, monday - 3 * _ONE_DAY)
            rows.append(GridWeek(holiday_from, break_label=label))
            holiday_from = None
        cells = []
        for day in days:
            for half in HALVES:
                index = sessions.index_of(day, half) if sessions.is_school_day(day) else None
                cells.append(_cell(day, half, index, marks, sessions, bank_holidays))
        rows.append(GridWeek(monday, tuple(cells), current=monday == monday_of(today)))
        monday += _ONE_WEEK
    return rows


def as_of_for(year: AcademicYear, today: datetime.date) -> datetime.date:
    """The last day a year's figures run to: today in the current year, its end before."""
    return min(today, year.ends_on)


def measure_windows(
    year: AcademicYear, sessions: SessionMap, as_of: datetime.date
) -> list[tuple[str, datetime.date, datetime.date]]:
    """This term, the year to date, and the last six school weeks, each as (label, first, last).

    "This term" is the term holding ``as_of`` (or the last one to start before it, in a
    holiday); the six weeks are the last six weeks with a school day, up to ``as_of``.
    """
    windows: list[tuple[str, datetime.date, datetime.date]] = []
    started = [t for t in whole_terms(year) if t.first <= as_of]
    if started:
        term = started[-1]
        windows.append((f"This term ({term.name.lower()})", term.first, min(term.last, as_of)))
    windows.append(("This year to date", year.starts_on, as_of))
    school_mondays = sorted({monday_of(day) for day in sessions.days if day <= as_of})
    if school_mondays:
        first = school_mondays[-SIX_WEEKS:][0]
        windows.append(("Last 6 school weeks", first, as_of))
    return windows


def enrolment_measures(
    sessions: SessionMap,
    marks: npt.NDArray[np.uint8],
    windows: Iterable[tuple[str, datetime.date, datetime.date]],
    threshold: Fraction,
) -> list[Measure]:
    """An enrolment's figures over each window, by the DfE method."""
    measures = []
    for label, first, last in windows:
        counted = sessions_of(marks[sessions.window(first, last)][None, :])
        summary = summarise(counted, pa_threshold=threshold)
        measures.append(
            Measure(label, first, last, summary, bool(summary.persistent), bool(summary.severe))
        )
    return measures


def weekly_attendance(
    sessions: SessionMap, marks: npt.NDArray[np.uint8], as_of: datetime.date
) -> list[WeekPoint]:
    """Attendance in each school week up to ``as_of``: one matrix row per week, so the
    weeks are counted together; weeks with no possible session are left out."""
    weeks: dict[datetime.date, list[int]] = {}
    for day in sessions.days:
        if day > as_of:
            break
        weeks.setdefault(monday_of(day), []).extend(sessions.index_of(day, half) for half in HALVES)
    if not weeks:
        return []
    rows = [bytes(marks[indices].tobytes()) for indices in weeks.values()]
    counted = sessions_of(stack(rows, 2 * len(WEEKDAYS)))
    points = []
    for i, monday in enumerate(weeks):
        possible, attending = int(counted.possible[i]), int(counted.attending[i])
        if possible:
            points.append(WeekPoint(monday, possible, attending, percentage(attending, possible)))
    return points


# ---- what the page reads ------------------------------------------------------------


def thresholds_for(settings: Sequence[Setting]) -> dict[int, Fraction]:
    """Each setting's persistent absence threshold: its partnership's (10% when it has none)."""
    chosen: dict[int, Partnership] = {}
    members = (
        PartnershipMember.objects.filter(organisation_id__in=[s.pk for s in settings])
        .select_related("partnership")
        .order_by("partnership__name")
    )
    for member in members:
        chosen.setdefault(member.organisation_id, member.partnership)
    return {s.pk: pa_threshold(chosen.get(s.pk)) for s in settings}


def enrolments_in_year(pupil: Pupil, start_year: int) -> list[Enrolment]:
    """The pupil's enrolments that overlap an academic year, main registration first."""
    first = datetime.date(start_year, 9, 1)
    last = datetime.date(start_year + 1, 8, 31)
    return list(
        Enrolment.objects.filter(pupil=pupil, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("setting")
        .order_by("registration", "start_date", "pk")
    )


@dataclass(frozen=True)
class PupilYear:
    """Everything the pupil's attendance page shows for one academic year."""

    start_year: int
    current_year: int
    enrolment_years: list[EnrolmentYear]
    legend: tuple[CellStyle, ...] = LEGEND

    @property
    def label(self) -> str:
        return year_label(self.start_year)

    @property
    def previous_label(self) -> str:
        return year_label(self.start_year - 1)

    @property
    def current_label(self) -> str:
        return year_label(self.current_year)


def year_label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


def pupil_attendance_year(pupil: Pupil, start_year: int, today: datetime.date) -> PupilYear:
    """The pupil's enrolments in an academic year, each with its grid, measures, weeks and
    amendments."""
    enrolments = enrolments_in_year(pupil, start_year)
    thresholds = thresholds_for([e.setting for e in enrolments])
    maps = SessionMaps()
    years: dict[int, YearOfSessions | None] = {
        e.pk: maps.for_setting(e.setting, start_year) for e in enrolments
    }
    registers = {
        r.enrolment_id: r
        for r in Register.objects.filter(
            enrolment__in=enrolments, academic_year__start_year=start_year
        )
    }
    amendments: dict[int, list[MarkAmendment]] = {}
    for amendment in MarkAmendment.objects.filter(register__in=registers.values()).select_related(
        "actor"
    ):
        amendments.setdefault(amendment.register_id, []).append(amendment)

    shown = []
    for enrolment in enrolments:
        found = years[enrolment.pk]
        register = registers.get(enrolment.pk)
        item = EnrolmentYear(
            enrolment=enrolment,
            year=found.year if found else None,
            register=register,
            threshold=thresholds[enrolment.setting_id],
        )
        if found is not None:
            raw = bytes(register.marks) if register is not None else b""
            marks = as_array(raw, len(found.sessions))
            as_of = as_of_for(found.year, today)
            item.grid = register_grid(found.year, found.sessions, marks, today)
            windows = measure_windows(found.year, found.sessions, as_of)
            item.measures = enrolment_measures(found.sessions, marks, windows, item.threshold)
            item.weeks = weekly_attendance(found.sessions, marks, as_of)
            item.amendments = amendments.get(register.pk, []) if register is not None else []
        shown.append(item)
    return PupilYear(start_year, start_year_of(today), shown)


@dataclass(frozen=True)
class AttendanceSoFar:
    """A current enrolment's attendance this year, for the pupil's profile."""

    enrolment: Enrolment
    summary: Summary
    persistent: bool


def attendance_so_far(pupil: Pupil, today: datetime.date) -> list[AttendanceSoFar]:
    """The year's figures for each enrolment the pupil is on roll at, from its register.

    Marks are only ever entered for sessions that have happened, so the whole register
    is the year to date."""
    start_year = start_year_of(today)
    registers = list(
        Register.objects.filter(
            enrolment__pupil=pupil, academic_year__start_year=start_year
        ).select_related("enrolment__setting")
    )
    current = [r for r in registers if r.enrolment.is_current(today)]
    if not current:
        return []
    thresholds = thresholds_for([r.enrolment.setting for r in current])
    out = []
    for register in current:
        row = bytes(register.marks)
        summary = summarise(
            sessions_of(stack([row], len(row))),
            pa_threshold=thresholds[register.enrolment.setting_id],
        )
        out.append(AttendanceSoFar(register.enrolment, summary, bool(summary.persistent)))
    return out
