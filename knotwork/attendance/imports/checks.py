"""Checking a file's marks against knotwork's records, before anything is written.

Every line is checked and every problem kept: the setting exists and the
importer may record marks there, the date is a session of the setting's
calendar (not a weekend, bank holiday, holiday or planned closure), the pupil
is on roll there that day, the code is a register code on that date, and no
session is given two different codes. A line whose setting the importer may not
record marks at is not checked further, so the report says nothing about who is
on roll there; a pupil who is not on roll and a UPN nobody has get the same
words, so the report never tells whether a pupil exists.

The result is one plan per register (enrolment x academic year): which
sessions get which codes. ``writing.py`` saves the plans.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knotwork.accounts.models import User
from knotwork.attendance.codes import code_for
from knotwork.attendance.imports.marks_file import (
    MarkLines,
    ParsedMarks,
    Problems,
    add_grouped,
    first_of_each_session,
    parse_marks,
)
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps, YearOfSessions, start_year_of
from knotwork.directory.models import Setting
from knotwork.pupils.access import may_enrol_at
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.pupils.rules import InvalidUPN, validate_upn
from knotwork.termdates.bank_holidays import bank_holidays_between
from knotwork.termdates.rules import SessionMap

#: Rows asked for at once in ``IN (...)`` lists, within every engine's limit.
CHUNK = 500
CLOSURE_CODE = code_for("#", datetime.date(2024, 9, 2)).id
NOT_ON_ROLL = "No pupil with this UPN is on roll at this setting on this date."

Progress = Callable[[float], None]


@dataclass
class RegisterPlan:
    """The marks a file gives one register: session indices and code ids."""

    enrolment_id: int
    pupil_id: int
    setting_id: int
    year: YearOfSessions
    register: Register | None
    sessions: npt.NDArray[np.int64]
    codes: npt.NDArray[np.uint8]

    @property
    def session_map(self) -> SessionMap:
        return self.year.sessions


@dataclass
class CheckedMarks:
    plans: list[RegisterPlan]
    marks: int


def _chunks(values: Sequence[object]) -> list[Sequence[object]]:
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def _check_upns(parsed: ParsedMarks, problems: Problems) -> None:
    """Report UPNs that cannot be UPNs (the shape and check letter: public rules)."""
    bad: dict[int, str] = {}
    for i, upn in enumerate(parsed.upns):
        try:
            validate_upn(upn)
        except InvalidUPN as exc:
            bad[i] = f"This is not a UPN: {exc}"
    if bad:
        known = parsed.upn >= 0
        add_grouped(problems, np.where(known, parsed.upn, len(parsed.upns) + 1), bad, "UPN")
        unusable = np.zeros(len(parsed.upns) + 1, dtype=bool)
        unusable[list(bad)] = True
        parsed.upn[known & unusable[np.maximum(parsed.upn, 0)]] = -1


def _settings(actor: User, parsed: ParsedMarks, problems: Problems) -> list[Setting | None]:
    """The setting of each distinct URN, None where it is unknown or the actor may not
    record marks there (and a problem says which)."""
    found: dict[str, Setting] = {}
    for chunk in _chunks(parsed.urns):
        found.update((s.urn, s) for s in Setting.objects.filter(urn__in=chunk))
    settings: list[Setting | None] = []
    reasons: dict[int, str] = {}
    for i, urn in enumerate(parsed.urns):
        setting = found.get(urn)
        if setting is None:
            reasons[i] = "No setting has this URN."
        elif not may_enrol_at(actor, setting):
            reasons[i] = "You may not record marks at this setting."
            setting = None
        settings.append(setting)
    add_grouped(
        problems, np.where(parsed.urn >= 0, parsed.urn, len(parsed.urns) + 1), reasons, "URN"
    )
    return settings


@dataclass
class _Calendar:
    """Per (setting, day) of the file: the year, the morning session's index, closures."""

    years: list[YearOfSessions]
    year: npt.NDArray[np.int32]  # index into years, -1 when the day is not a session
    morning: npt.NDArray[np.int64]  # index of the day's AM session in its year
    closed: npt.NDArray[np.bool_]  # (setting, day, half): a planned closure


def _closed_reason(day: datetime.date) -> str:
    """Why a day in the setting's academic year has no sessions."""
    if day.weekday() >= 5:
        return f"{day:%A %d/%m/%Y} is a weekend: the setting is closed."
    if day in bank_holidays_between(day, day):
        return f"{day:%d/%m/%Y} is a bank holiday: the setting is closed."
    return f"{day:%d/%m/%Y} is in a school holiday: the setting is closed."


def _calendar(
    parsed: ParsedMarks, settings: list[Setting | None], lines: npt.NDArray[np.bool_]
) -> tuple[_Calendar, dict[int, str]]:
    """Where each (setting, day) used by ``lines`` falls in the setting's calendar;
    reasons keyed by setting x days + day for those that are not sessions."""
    days = len(parsed.days)
    shape = (max(len(settings), 1), max(days, 1))
    calendar = _Calendar(
        [], np.full(shape, -1, np.int32), np.zeros(shape, np.int64), np.zeros((*shape, 2), bool)
    )
    reasons: dict[int, str] = {}
    pairs = np.unique(parsed.urn[lines].astype(np.int64) * days + parsed.day[lines])
    maps = SessionMaps()
    index_of_year: dict[int, int] = {}
    for pair in pairs.tolist():
        s, d = divmod(pair, days)
        setting, day = settings[s], parsed.days[d]
        assert setting is not None
        year = maps.for_setting(setting, start_year_of(day))
        if year is None:
            first = start_year_of(day)
            reasons[pair] = (
                f"{day:%d/%m/%Y} is outside the setting's calendar: it has no "
                f"{first}/{str(first + 1)[-2:]} academic year."
            )
            continue
        if not year.sessions.is_school_day(day):
            reasons[pair] = _closed_reason(day)
            continue
        if id(year) not in index_of_year:
            index_of_year[id(year)] = len(calendar.years)
            calendar.years.append(year)
        calendar.year[s, d] = index_of_year[id(year)]
        morning = year.sessions.index_of(day, "AM")
        calendar.morning[s, d] = morning
        calendar.closed[s, d] = [
            morning in year.sessions.closed,
            morning + 1 in year.sessions.closed,
        ]
    return calendar, reasons


@dataclass
class _Roll:
    enrolments: list[tuple[int, int, int]]  # (enrolment id, pupil id, setting id)
    of_line: npt.NDArray[np.int64]  # index into enrolments, -1 when not on roll


def _roll(
    parsed: ParsedMarks, settings: list[Setting | None], lines: npt.NDArray[np.bool_]
) -> _Roll:
    """The enrolment each of ``lines`` is for: the pupil's at that setting on that day."""
    rows = np.flatnonzero(lines)
    of_line = np.full(len(parsed.upn), -1, dtype=np.int64)
    if not rows.size:
        return _Roll([], of_line)
    upn_ids = np.unique(parsed.upn[rows])
    setting_ids = sorted({s.pk for s in settings if s is not None})
    pupil_of_upn: dict[str, int] = {}
    for chunk in _chunks([parsed.upns[i] for i in upn_ids.tolist()]):
        pupil_of_upn.update(Pupil.objects.filter(upn__in=chunk).values_list("upn", "pk"))
    upn_of_pupil = {pk: upn for upn, pk in pupil_of_upn.items()}
    upn_index = {upn: i for i, upn in enumerate(parsed.upns)}
    urn_index = {s.pk: i for i, s in enumerate(settings) if s is not None}
    found: list[tuple[int, int, int, int, datetime.date, datetime.date | None, int]] = []
    for chunk in _chunks(sorted(upn_of_pupil)):
        found.extend(
            (upn_index[upn_of_pupil[pupil]], urn_index[setting], pk, pupil, start, end, setting)
            for pk, pupil, setting, start, end in Enrolment.objects.filter(
                pupil_id__in=chunk, setting_id__in=setting_ids
            )
            .order_by("start_date")
            .values_list("pk", "pupil_id", "setting_id", "start_date", "end_date")
        )
    urns = len(parsed.urns)
    pair_of_line = parsed.upn[rows].astype(np.int64) * urns + parsed.urn[rows]
    day_ordinal = np.array([d.toordinal() for d in parsed.days] + [0], dtype=np.int64)
    ordinal_of_line = day_ordinal[parsed.day[rows]]
    by_pair: dict[int, list[int]] = {}
    for k, (u, s, *_) in enumerate(found):
        by_pair.setdefault(u * urns + s, []).append(k)
    deepest = max((len(v) for v in by_pair.values()), default=0)
    pairs = np.unique(pair_of_line)
    starts = np.array([f[4].toordinal() for f in found] + [0], dtype=np.int64)
    ends = np.array([f[5].toordinal() if f[5] else 10**9 for f in found] + [0], dtype=np.int64)
    for level in range(deepest):
        table = np.full(len(pairs), -1, dtype=np.int64)
        for j, pair in enumerate(pairs.tolist()):
            ks = by_pair.get(pair, [])
            if len(ks) > level:
                table[j] = ks[level]
        candidate = table[np.searchsorted(pairs, pair_of_line)]
        fits = (
            (candidate >= 0)
            & (starts[candidate] <= ordinal_of_line)
            & (ordinal_of_line <= ends[candidate])
        )
        unset = of_line[rows] < 0
        of_line[rows[fits & unset]] = candidate[fits & unset]
    return _Roll([(f[2], f[3], f[6]) for f in found], of_line)


def check_marks(
    *, actor: User, marks: MarkLines, problems: Problems, progress: Progress | None = None
) -> CheckedMarks | None:
    """Every check on every line; the plans to write, or None when there are problems."""
    step = progress or (lambda fraction: None)
    parsed = parse_marks(marks, problems)
    _check_upns(parsed, problems)
    step(0.4)
    usable = parsed.usable
    keep = first_of_each_session(parsed, problems, usable)
    settings = _settings(actor, parsed, problems)
    allowed = np.array([s is not None for s in settings] + [False])
    placed = usable & allowed[parsed.urn]
    calendar, closed = _calendar(parsed, settings, placed)
    days = len(parsed.days)
    pair = parsed.urn.astype(np.int64) * days + parsed.day
    is_closure_mark = parsed.code == CLOSURE_CODE
    # A closure mark (#) on a day with no session has nothing to record: left out quietly.
    where = np.where(placed & ~is_closure_mark, pair, -1)
    add_grouped(problems, np.where(where >= 0, where, max(closed, default=0) + 1), closed, "date")
    urn_ok = np.maximum(parsed.urn, 0)
    day_ok = np.maximum(parsed.day, 0)
    year_of_line = calendar.year[urn_ok, day_ok]
    in_session = placed & (year_of_line >= 0)
    half = np.maximum(parsed.half, 0)
    shut = in_session & calendar.closed[urn_ok, day_ok, half] & ~is_closure_mark
    problems.add(
        np.flatnonzero(shut),
        "code",
        "The setting is shut for this session (a planned closure): the only mark is #.",
    )
    step(0.6)
    roll = _roll(parsed, settings, in_session)
    problems.add(np.flatnonzero(in_session & (roll.of_line < 0)), "UPN", NOT_ON_ROLL)
    step(0.9)
    if problems:
        return None
    chosen = np.flatnonzero(keep & in_session)
    session = calendar.morning[urn_ok, day_ok][chosen] + parsed.half[chosen]
    plans = _plans(
        roll,
        calendar.years,
        roll.of_line[chosen],
        year_of_line[chosen],
        session,
        parsed.code[chosen],
    )
    step(1.0)
    return CheckedMarks(plans, int(chosen.size))


def _plans(
    roll: _Roll,
    years: list[YearOfSessions],
    enrolment: npt.NDArray[np.int64],
    year: npt.NDArray[np.int32],
    session: npt.NDArray[np.int64],
    code: npt.NDArray[np.uint8],
) -> list[RegisterPlan]:
    """One plan per register the marks fall in, with the register as it stands."""
    slot = enrolment * max(len(years), 1) + year
    order = np.argsort(slot, kind="stable")
    slot, session, code = slot[order], session[order], code[order]
    bounds = np.flatnonzero(np.diff(slot)) + 1
    starts = np.concatenate([[0], bounds]) if slot.size else np.array([], dtype=np.int64)
    ends = np.concatenate([bounds, [slot.size]]) if slot.size else starts
    keys = [divmod(int(slot[s]), max(len(years), 1)) for s in starts.tolist()]
    enrolment_ids = sorted({roll.enrolments[e][0] for e, _ in keys})
    year_ids = sorted({years[y].year.pk for _, y in keys})
    existing: dict[tuple[int, int], Register] = {}
    for chunk in _chunks(enrolment_ids):
        for register in Register.objects.filter(
            enrolment_id__in=chunk, academic_year_id__in=year_ids
        ).only("pk", "uuid", "enrolment_id", "academic_year_id", "marks", "version"):
            existing[(register.enrolment_id, register.academic_year_id)] = register
    plans = []
    for (e, y), first, last in zip(keys, starts.tolist(), ends.tolist(), strict=True):
        enrolment_id, pupil_id, setting_id = roll.enrolments[e]
        plans.append(
            RegisterPlan(
                enrolment_id=enrolment_id,
                pupil_id=pupil_id,
                setting_id=setting_id,
                year=years[y],
                register=existing.get((enrolment_id, years[y].year.pk)),
                sessions=session[first:last],
                codes=code[first:last],
            )
        )
    return plans
