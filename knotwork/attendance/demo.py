"""Attendance registers for the demo partnership: a full previous year and this year to date.

Marks are made with numpy, one matrix per setting and academic year (rows are
enrolments, columns the sessions of the setting's calendar year), and written
as ``Register`` rows with ``bulk_create``. Like the rest of the demo this is a
loader, not a user action: no audit rows, no access checks.

What the marks look like, for secondary pupils in England (national figures
in ../shared/domain/england.md §2.6):

- each pupil has an absence propensity for the year: most between 2% and
  15%, a long tail, and a few pupils who miss half their sessions or more; it
  is higher for pupils eligible for free school meals, with SEN support or an
  EHC plan, or looked after (FSM 10.4% against 5.5% nationally), and much
  higher at the pupil referral unit;
- illness comes in runs of days (``I``), more in winter and on Mondays and
  Fridays; unexplained absence (``O``) is mostly single days, peaking on
  Mondays and Fridays; appointments (``M``) take one session; some families
  take holidays in term time next to a break (``G``, a few granted as ``C``);
- lateness: ``L`` before the register closes, ``U`` (unauthorised) after;
- a few pupils on part-time timetables (``C2`` in the afternoons for some
  weeks), short suspensions (``E``), trips (``V``) and Year 10 work
  experience (``W``); dual-registered pupils are ``D`` at the school on their
  days at the unit, and at the unit on their days at school;
- planned closures are ``#``; an enrolment has marks only while on roll;
- sessions are marked up to the day before ``today``, and today's morning if
  it is a school day; in the last few school days some unexplained absence
  is still ``N`` (reason not yet established), as is most of today's, so the
  first-day contact list has names on it.

The same seed and ``today`` always give the same marks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from django.db import connection

from knotwork.attendance.codes import NEW_CODES_FROM, code_for
from knotwork.attendance.models import Register
from knotwork.directory.models import Setting
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.queries import session_map_for
from knotwork.termdates.rules import SessionMap

Date = datetime.date
Progress = Callable[[int, int], None]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

BATCH_SIZE = 2000  # registers per INSERT batch

#: Mean absence propensity of a mainstream pupil with no extra needs (share of sessions).
BASE_RATE = 0.052
#: How much more often pupils in each group are absent (FSM 10.4% vs 5.5% nationally).
FSM_FACTOR = 1.75
SEN_FACTORS = (1.0, 1.45, 1.7)  # no SEN, SEN support, EHC plan
LOOKED_AFTER_FACTOR = 1.2
#: Share of pupils who miss half their sessions or more (before the factors above).
SEVERE_SHARE = 0.02
#: Of a pupil's absence: illness runs, unexplained days; the rest is holidays and the like.
ILLNESS_SHARE = 0.58
UNEXPLAINED_SHARE = 0.26
#: Absence on each weekday against the average (Monday and Friday peaks).
ILLNESS_WEEKDAYS = (1.2, 0.95, 0.9, 0.95, 1.0)
UNEXPLAINED_WEEKDAYS = (1.35, 0.8, 0.7, 0.85, 1.3)
#: School days before today whose unexplained absence may still be N.
NOT_YET_KNOWN_DAYS = 3


def _id(letters: str) -> int:
    return code_for(letters, NEW_CODES_FROM).id


PRESENT_AM, PRESENT_PM, LATE, LATE_AFTER_CLOSE = _id("/"), _id("\\"), _id("L"), _id("U")
ILLNESS, APPOINTMENT, UNEXPLAINED, NOT_KNOWN = _id("I"), _id("M"), _id("O"), _id("N")
HOLIDAY, EXCEPTIONAL, SUSPENDED, PART_TIME = _id("G"), _id("C"), _id("E"), _id("C2")
TRIP, WORK_EXPERIENCE, DUAL, CLOSED = _id("V"), _id("W"), _id("D"), _id("#")


@dataclass(frozen=True)
class Enrolments:
    """Enrolments to mark, as arrays with one entry an enrolment, sorted by pupil.

    ``pupil`` numbers the pupils 0..n-1; their traits (``fsm``, ``sen``,
    ``looked_after``, ``born``) repeat on each of their enrolments.
    ``registration`` is "C" (single), "M" (dual, main) or "S" (dual, subsidiary).
    """

    pupil: Ints
    setting: Ints  # index into the caller's list of settings
    start: npt.NDArray[np.datetime64]
    end: npt.NDArray[np.datetime64]  # NaT while on roll
    registration: npt.NDArray[np.str_]
    born: npt.NDArray[np.datetime64]
    fsm: Bools
    sen: npt.NDArray[np.int8]  # 0 none, 1 SEN support, 2 EHC plan
    looked_after: Bools

    def __len__(self) -> int:
        return int(self.pupil.shape[0])

    @property
    def pupils(self) -> int:
        return int(self.pupil.max()) + 1 if len(self) else 0


def propensities(enrolments: Enrolments, *, seed: int, start_year: int) -> Floats:
    """Each pupil's absence propensity for the year (share of sessions), by pupil number.

    A pupil keeps a lasting propensity (from the seed alone) that varies a
    little from year to year (from the seed and the year).
    """
    pupils = enrolments.pupils
    fsm = np.zeros(pupils, dtype=np.bool_)
    sen = np.zeros(pupils, dtype=np.int8)
    looked_after = np.zeros(pupils, dtype=np.bool_)
    fsm[enrolments.pupil] = enrolments.fsm
    sen[enrolments.pupil] = enrolments.sen
    looked_after[enrolments.pupil] = enrolments.looked_after
    factor = (
        np.where(fsm, FSM_FACTOR, 1.0)
        * np.asarray(SEN_FACTORS)[sen]
        * np.where(looked_after, LOOKED_AFTER_FACTOR, 1.0)
    )
    lasting = np.random.default_rng([seed, 0])
    shape = 2.2
    usual = lasting.gamma(shape, BASE_RATE * factor / shape, size=pupils)
    severe = lasting.random(pupils) < SEVERE_SHARE * factor**1.6
    severe_rate = lasting.uniform(0.5, 0.9, size=pupils)
    this_year = np.random.default_rng([seed, start_year])
    drift = this_year.lognormal(0.0, 0.2, size=pupils)
    rate = np.where(severe, severe_rate, usual * drift)
    return np.clip(rate, 0.0, 0.92)


@dataclass(frozen=True)
class YearMarks:
    """One setting's registers for a year: which enrolments (indices) and their marks."""

    setting: int
    rows: Ints
    marks: npt.NDArray[np.uint8]


def _days(sessions: SessionMap) -> npt.NDArray[np.datetime64]:
    return np.asarray(sessions.days, dtype="datetime64[D]")


def marked_days(sessions: SessionMap, today: Date) -> tuple[int, bool]:
    """(school days marked in full, whether today's morning is marked too)."""
    days = _days(sessions)
    before = int(np.searchsorted(days, np.datetime64(today), side="left"))
    return before, sessions.is_school_day(today)


def _on_roll_days(enrolments: Enrolments, days: npt.NDArray[np.datetime64]) -> tuple[Ints, Ints]:
    """First and last school day index (inclusive) of each enrolment within the year."""
    first = np.searchsorted(days, enrolments.start, side="left").astype(np.int64)
    ends = np.where(np.isnat(enrolments.end), days[-1], enrolments.end)
    last = np.searchsorted(days, ends, side="right").astype(np.int64) - 1
    return first, last


def year_marks(
    enrolments: Enrolments,
    sessions: SessionMap,
    *,
    start_year: int,
    unit_settings: frozenset[int],
    seed: int,
    today: Date,
) -> Iterator[YearMarks]:
    """The marks of every enrolment on roll in the year, one matrix per setting.

    ``unit_settings`` are the pupil referral units (much higher absence).
    Enrolments with no marked session in the year are left out.
    """
    days = _days(sessions)
    if len(days) == 0:
        return
    full_days, today_am = marked_days(sessions, today)
    marked_through = full_days + (1 if today_am else 0)
    first, last = _on_roll_days(enrolments, days)
    has_marks = (first <= last) & (first < marked_through)
    rates = propensities(enrolments, seed=seed, start_year=start_year)
    for setting in np.unique(enrolments.setting).tolist():
        rows = np.flatnonzero((enrolments.setting == setting) & has_marks)
        if rows.shape[0] == 0:
            continue
        rng = np.random.default_rng([seed, start_year, setting])
        registration = enrolments.registration[rows]
        dual = np.where(registration == "M", 1, np.where(registration == "S", 2, 0))
        year_group = (
            start_year
            - enrolments.born[rows].astype("datetime64[Y]").astype(np.int64)
            - 1970
            - (enrolments.born[rows].astype("datetime64[M]").astype(np.int64) % 12 >= 8)
            - 4
        )
        rate = rates[enrolments.pupil[rows]]
        if setting in unit_settings:
            rate = np.clip(0.22 + 1.6 * rate, 0.0, 0.92)
        marks = _block(
            rng,
            sessions,
            days,
            rate=rate,
            first=first[rows],
            last=last[rows],
            dual=dual.astype(np.int8),
            year_group=year_group.astype(np.int64),
            unit=setting in unit_settings,
            full_days=full_days,
            today_am=today_am,
        )
        yield YearMarks(setting=int(setting), rows=rows, marks=marks)


def _runs(rng: np.random.Generator, starts: Bools, mean_length: Floats) -> Bools:
    """Days covered by runs beginning where ``starts`` is set, each with a geometric length
    of mean ``mean_length`` (per row); a run goes on over the next school days."""
    n, days = starts.shape
    rows, cols = np.nonzero(starts)
    lengths = rng.geometric(1.0 / np.maximum(mean_length[rows], 1.0)).astype(np.int32)
    ends = np.zeros((n, days), dtype=np.int32)
    ends[rows, cols] = cols.astype(np.int32) + lengths
    np.maximum.accumulate(ends, axis=1, out=ends)
    covered: Bools = np.arange(days, dtype=np.int32)[None, :] < ends
    return covered


def _one_run(
    rng: np.random.Generator, chosen: Bools, start: Ints, length: Ints, days: int
) -> Bools:
    """A run of ``length`` days from ``start`` for each chosen row."""
    rows = np.flatnonzero(chosen)
    covered = np.zeros((chosen.shape[0], days), dtype=np.bool_)
    if rows.shape[0] == 0:
        return covered
    day = np.arange(days)[None, :]
    begin = np.clip(start[rows], 0, days - 1)[:, None]
    covered[rows] = (day >= begin) & (day < begin + length[rows][:, None])
    return covered


def _season(days: npt.NDArray[np.datetime64]) -> Floats:
    """More illness in winter: about 1.3 times the average in January, 0.7 in September."""
    day_of_year = (days - days.astype("datetime64[Y]")).astype(np.int64)
    return np.asarray(1.0 + 0.3 * np.cos(2 * np.pi * (day_of_year - 20) / 365.25), np.float64)


def _chance(rng: np.random.Generator, n: int, p: float | Floats) -> Bools:
    """For each of n rows, whether something with probability p (per row) happens."""
    return np.asarray(rng.random(n) < p, dtype=np.bool_)


def _ints(rng: np.random.Generator, low: int, high: int, n: int) -> Ints:
    """n whole numbers from low to high - 1."""
    return np.asarray(rng.integers(low, high, size=n), dtype=np.int64)


def _block(
    rng: np.random.Generator,
    sessions: SessionMap,
    days: npt.NDArray[np.datetime64],
    *,
    rate: Floats,
    first: Ints,
    last: Ints,
    dual: npt.NDArray[np.int8],
    year_group: Ints,
    unit: bool,
    full_days: int,
    today_am: bool,
) -> npt.NDArray[np.uint8]:
    """Marks for one setting's enrolments over one year: rows x sessions."""
    n, d = rate.shape[0], days.shape[0]
    weekday = ((days.astype(np.int64) + 3) % 7).astype(np.int64)  # 1 Jan 1970 was a Thursday
    weekday = np.minimum(weekday, 4)
    season = _season(days)
    col = rate[:, None]

    # Whole days away: illness runs, unexplained absence, holidays, suspensions.
    illness_length = 1.8 + 6.0 * rate**2
    cover = np.clip(col * ILLNESS_SHARE, 0.0, 0.95)
    start = -np.log1p(-cover) / illness_length[:, None]
    start = start * (np.asarray(ILLNESS_WEEKDAYS)[weekday] * season)[None, :]
    ill = _runs(rng, rng.random((n, d), dtype=np.float32) < start, illness_length)
    unexplained_length = 1.0 + 5.0 * rate**2
    cover = np.clip(col * UNEXPLAINED_SHARE, 0.0, 0.95)
    start = -np.log1p(-cover) / unexplained_length[:, None]
    start = start * np.asarray(UNEXPLAINED_WEEKDAYS)[weekday][None, :]
    away = _runs(rng, rng.random((n, d), dtype=np.float32) < start, unexplained_length)

    breaks = np.flatnonzero(np.diff(days).astype(np.int64) > 3)  # last day before a break
    holiday = _chance(rng, n, np.minimum(0.6, 0.1 + 1.2 * rate))
    length = _ints(rng, 2, 9, n)
    before = _chance(rng, n, 0.55)
    edge = breaks[_ints(rng, 0, max(1, breaks.shape[0]), n)] if breaks.size else np.zeros(n)
    holiday_start = np.where(before, edge - length + 1, edge + 1).astype(np.int64)
    holidays = _one_run(rng, holiday, holiday_start, length, d)
    granted = _chance(rng, n, 0.12)

    suspension_chance = 0.15 if unit else np.minimum(0.2, 0.01 + 0.25 * rate)
    suspended = _chance(rng, n, suspension_chance)
    suspensions = _one_run(rng, suspended, _ints(rng, 0, d, n), _ints(rng, 1, 6, n), d)

    day_code = np.zeros((n, d), dtype=np.uint8)
    day_code[ill] = ILLNESS
    day_code[away] = UNEXPLAINED
    day_code[holidays & granted[:, None]] = EXCEPTIONAL
    day_code[holidays & ~granted[:, None]] = HOLIDAY
    day_code[suspensions] = SUSPENDED
    absent = day_code > 0

    # Days in school with something other than "present" for a session.
    trips = ~absent & (rng.random((n, d), dtype=np.float32) < 0.006)
    day_code[trips] = TRIP
    if not unit:
        placement = _work_experience_days(days)
        chosen = (year_group == 10) & _chance(rng, n, 0.85)
        day_code[np.ix_(chosen, placement)] = np.where(
            absent[np.ix_(chosen, placement)], day_code[np.ix_(chosen, placement)], WORK_EXPERIENCE
        )

    marks = np.empty((n, 2 * d), dtype=np.uint8)
    am, pm = marks[:, 0::2], marks[:, 1::2]
    am[:] = np.where(day_code > 0, day_code, PRESENT_AM)
    pm[:] = np.where(day_code > 0, day_code, PRESENT_PM)

    in_school = day_code == 0
    appointment = in_school & (rng.random((n, d), dtype=np.float32) < 0.005 + 0.02 * col)
    morning = rng.random((n, d), dtype=np.float32) < 0.5
    am[appointment & morning] = APPOINTMENT
    pm[appointment & ~morning] = APPOINTMENT
    in_school &= ~appointment
    lateness = np.minimum(0.3, 0.01 + 0.35 * col * rng.uniform(0.3, 1.7, size=(n, 1)))
    late = rng.random((n, d), dtype=np.float32)
    am[in_school & (late < lateness)] = LATE
    am[in_school & (late < lateness * 0.15)] = LATE_AFTER_CLOSE

    part_time = _chance(rng, n, 0.12 if unit else 0.002 + 0.03 * rate)
    part_time_days = _one_run(rng, part_time, _ints(rng, 0, d, n), _ints(rng, 20, 50, n), d)
    pm[part_time_days] = PART_TIME

    if (dual > 0).any():
        at_unit = weekday <= 2  # Monday to Wednesday at the unit, Thursday and Friday at school
        elsewhere = np.where(dual[:, None] == 1, at_unit[None, :], ~at_unit[None, :])
        elsewhere &= (dual > 0)[:, None]
        am[elsewhere] = DUAL
        pm[elsewhere] = DUAL

    closed = np.fromiter(sorted(sessions.closed), dtype=np.int64, count=len(sessions.closed))
    marks[:, closed] = CLOSED

    if full_days < d:  # the year is still running
        _recent_not_known(rng, marks, full_days, today_am)
    session = np.arange(2 * d)[None, :]
    marked = session < 2 * full_days + (1 if today_am else 0)
    on_roll = (session >= 2 * first[:, None]) & (session < 2 * (last[:, None] + 1))
    marks[~(marked & on_roll)] = 0
    return marks


def _work_experience_days(days: npt.NDArray[np.datetime64]) -> Ints:
    """The school days of Year 10's work experience: five from the last Monday in June."""
    june = np.flatnonzero(
        (days.astype("datetime64[M]").astype(np.int64) % 12 == 5)
        & ((days.astype(np.int64) + 3) % 7 == 0)
    )
    if june.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    first = int(june[-1])
    return np.arange(first, min(first + 5, days.shape[0]))


def _recent_not_known(
    rng: np.random.Generator, marks: npt.NDArray[np.uint8], full_days: int, today_am: bool
) -> None:
    """Unexplained absence in the last few school days (and most absence this morning) still
    waits for a reason: N."""
    recent = slice(2 * max(0, full_days - NOT_YET_KNOWN_DAYS), 2 * full_days)
    window = marks[:, recent]
    still = (window == UNEXPLAINED) & (rng.random(window.shape, dtype=np.float32) < 0.75)
    window[still] = NOT_KNOWN
    if today_am and 2 * full_days < marks.shape[1]:
        column = marks[:, 2 * full_days]
        absent = np.isin(column, (ILLNESS, UNEXPLAINED, HOLIDAY))
        column[absent & (rng.random(column.shape[0]) < 0.65)] = NOT_KNOWN


# --- The database --------------------------------------------------------------------------


def _enrolments_of(settings: Sequence[Setting]) -> tuple[list[int], Enrolments]:
    """Enrolment ids and arrays for every enrolment at these settings, sorted by pupil."""
    index = {setting.pk: i for i, setting in enumerate(settings)}
    rows = list(
        Enrolment.objects.filter(setting__in=list(settings))
        .order_by("pupil__upn", "start_date", "registration", "pk")
        .values_list(
            "pk",
            "setting_id",
            "start_date",
            "end_date",
            "registration",
            "pupil__upn",
            "pupil__date_of_birth",
            "pupil__fsm_eligible",
            "pupil__sen_provision",
            "pupil__looked_after",
        )
    )
    sen = {"N": 0, "K": 1, "E": 2}
    upns = [row[5] for row in rows]
    pupil = np.cumsum([i > 0 and upns[i] != upns[i - 1] for i in range(len(upns))], dtype=np.int64)
    return [row[0] for row in rows], Enrolments(
        pupil=pupil,
        setting=np.asarray([index[row[1]] for row in rows], dtype=np.int64),
        start=np.asarray([row[2] for row in rows], dtype="datetime64[D]"),
        end=np.asarray([row[3] or "NaT" for row in rows], dtype="datetime64[D]"),
        registration=np.asarray([row[4] for row in rows], dtype="<U1"),
        born=np.asarray([row[6] for row in rows], dtype="datetime64[D]"),
        fsm=np.asarray([row[7] for row in rows], dtype=np.bool_),
        sen=np.asarray([sen.get(row[8], 0) for row in rows], dtype=np.int8),
        looked_after=np.asarray([row[9] for row in rows], dtype=np.bool_),
    )


def attendance_build(
    *,
    settings: Sequence[Setting],
    seed: int,
    today: Date,
    progress: Progress | None = None,
) -> int:
    """Registers for every enrolment at the settings, for each academic year of their
    calendars up to ``today``; the number of registers written."""
    if not settings:
        return 0
    ids, enrolments = _enrolments_of(settings)
    if not ids:
        return 0
    calendars = {setting.calendar_id for setting in settings}
    years = list(
        AcademicYear.objects.filter(calendar_id__in=calendars, start_year__lte=today.year)
        .prefetch_related("terms", "closures")
        .order_by("start_year", "calendar_id")
    )
    units = frozenset(i for i, s in enumerate(settings) if s.setting_type == Setting.Type.PRU)
    enrolment_ids = np.asarray(ids, dtype=np.int64)
    setting_ids = np.asarray([s.pk for s in settings], dtype=np.int64)[enrolments.setting]
    plans = []
    for year in years:
        on_calendar = np.asarray(
            [s.calendar_id == year.calendar_id for s in settings], dtype=np.bool_
        )
        chosen = np.flatnonzero(on_calendar[enrolments.setting])
        if chosen.shape[0]:
            plans.append((year, session_map_for(year), chosen))
    total = sum(_to_write(enrolments, sessions, chosen, today) for _, sessions, chosen in plans)
    written = 0
    for year, sessions, chosen in plans:
        part = _subset(enrolments, chosen)
        for block in year_marks(
            part,
            sessions,
            start_year=year.start_year,
            unit_settings=units,
            seed=seed,
            today=today,
        ):
            ids_here = enrolment_ids[chosen[block.rows]].tolist()
            settings_here = setting_ids[chosen[block.rows]].tolist()
            for start in range(0, len(ids_here), BATCH_SIZE):
                stop = start + BATCH_SIZE
                Register.objects.bulk_create(
                    Register(
                        enrolment_id=enrolment_id,
                        setting_id=setting_id,
                        academic_year=year,
                        marks=row.tobytes(),
                    )
                    for enrolment_id, setting_id, row in zip(
                        ids_here[start:stop],
                        settings_here[start:stop],
                        block.marks[start:stop],
                        strict=True,
                    )
                )
                written += min(stop, len(ids_here)) - start
                if progress is not None:
                    progress(written, total)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(Register._meta.db_table)}")
    return written


def _subset(enrolments: Enrolments, rows: Ints) -> Enrolments:
    return Enrolments(
        pupil=enrolments.pupil[rows],
        setting=enrolments.setting[rows],
        start=enrolments.start[rows],
        end=enrolments.end[rows],
        registration=enrolments.registration[rows],
        born=enrolments.born[rows],
        fsm=enrolments.fsm[rows],
        sen=enrolments.sen[rows],
        looked_after=enrolments.looked_after[rows],
    )


def _to_write(enrolments: Enrolments, sessions: SessionMap, rows: Ints, today: Date) -> int:
    """How many of these enrolments get a register for the year."""
    days = _days(sessions)
    if len(days) == 0:
        return 0
    full_days, today_am = marked_days(sessions, today)
    first, last = _on_roll_days(_subset(enrolments, rows), days)
    return int(((first <= last) & (first < full_days + (1 if today_am else 0))).sum())
