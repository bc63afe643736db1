"""What the trigger points read, for a whole partnership on one day, in a fixed number of
queries however many pupils: the roll, each calendar's school days, the recent register
bytes, the open attendance signs, this year's incidents and suspensions.

Register marks are cut to the window in the database (``Substr`` of the bytes), so only
the sessions the rules look at leave it: one query for each academic year of each
calendar the window touches.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
from django.db.models import BinaryField, Q
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from knotwork.attendance.models import Register, Signal
from knotwork.attendance.queries import start_year_of
from knotwork.behaviour.models import Exclusion, IncidentPupil
from knotwork.casework import triggers
from knotwork.casework.triggers import (
    IncidentFact,
    MoveFact,
    RegisterWindow,
    Rule,
    SignalFact,
    SuspensionFact,
    TriggerFacts,
)
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.move_models import ManagedMove
from knotwork.pupils.models import Enrolment
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.queries import school_days_for, session_map_for
from knotwork.termdates.rules import SessionMap

#: Incident roles a run of incidents counts (a witness's is not their incident).
COUNTED_ROLES = (
    IncidentPupil.Role.INSTIGATOR,
    IncidentPupil.Role.TARGET,
    IncidentPupil.Role.INVOLVED,
)


def partnership_settings(partnership: Partnership) -> list[Setting]:
    return list(
        Setting.objects.filter(partnership_memberships__partnership=partnership)
        .distinct()
        .order_by("pk")
    )


def _school_days_open(sessions: SessionMap, through: datetime.date) -> list[int]:
    """Positions in the year's days of the school days (a session open) up to a day."""
    return [
        i
        for i, day in enumerate(sessions.days)
        if day <= through and not (2 * i in sessions.closed and 2 * i + 1 in sessions.closed)
    ]


def _year_slices(
    years: Sequence[tuple[AcademicYear, SessionMap]], on: datetime.date, wanted: int
) -> list[tuple[AcademicYear, int, int, list[int]]]:
    """For the last ``wanted`` school days up to ``on``, earliest year first: each year's
    first session index and number of sessions to read, and the columns (within what is
    read) of the school days' sessions."""
    parts: list[tuple[AcademicYear, int, int, list[int]]] = []
    left = wanted
    for year, sessions in reversed(years):
        if left <= 0:
            break
        open_days = _school_days_open(sessions, on)[-left:]
        if not open_days:
            continue
        first, last = open_days[0], open_days[-1]
        columns = [c for d in open_days for c in (2 * (d - first), 2 * (d - first) + 1)]
        parts.insert(0, (year, 2 * first, 2 * (last - first + 1), columns))
        left -= len(open_days)
    return parts


def register_windows(
    roll: dict[int, tuple[int, int, int]], on: datetime.date, wanted: int
) -> tuple[RegisterWindow, ...]:
    """The last ``wanted`` school days of marks of each pupil on the roll (pupil ->
    (enrolment, setting, calendar)), grouped by calendar."""
    if wanted <= 0 or not roll:
        return ()
    by_calendar: dict[int, list[int]] = defaultdict(list)
    settings_of: dict[int, set[int]] = defaultdict(set)
    for pupil_id, (_, setting_id, calendar_id) in roll.items():
        by_calendar[calendar_id].append(pupil_id)
        settings_of[calendar_id].add(setting_id)
    this_year = start_year_of(on)
    found_years = AcademicYear.objects.filter(
        calendar_id__in=list(by_calendar), start_year__in=[this_year - 1, this_year]
    ).prefetch_related("terms", "closures")
    years: dict[int, list[tuple[AcademicYear, SessionMap]]] = defaultdict(list)
    for year in sorted(found_years, key=lambda y: y.start_year):
        years[year.calendar_id].append((year, session_map_for(year)))
    windows: list[RegisterWindow] = []
    for calendar_id, pupil_ids in sorted(by_calendar.items()):
        parts = _year_slices(years.get(calendar_id, []), on, wanted)
        if not parts:
            continue
        pupil_ids.sort()
        enrolment_row = {roll[p][0]: row for row, p in enumerate(pupil_ids)}
        width = sum(len(columns) for *_, columns in parts)
        matrix = np.zeros((len(pupil_ids), width), dtype=np.uint8)
        days: list[datetime.date] = []
        offset = 0
        for year, start, length, columns in parts:
            sessions = dict(years[calendar_id])[year]
            first_day = start // 2
            days.extend(sessions.days[first_day + c // 2] for c in columns[::2])
            rows = (
                Register.objects.filter(
                    academic_year=year, setting_id__in=sorted(settings_of[calendar_id])
                )
                .annotate(window=Substr("marks", start + 1, length, output_field=BinaryField()))
                .values_list("enrolment_id", "window")
            )
            found = [(enrolment_row.get(e), w) for e, w in rows]
            found = [(row, w) for row, w in found if row is not None]
            if found:
                # One buffer of every register's window (a short one padded with "no
                # mark"), cut to the school days' columns at once.
                where = np.fromiter((row for row, _ in found), dtype=np.intp, count=len(found))
                blob = b"".join(bytes(w or b"")[:length].ljust(length, b"\0") for _, w in found)
                data = np.frombuffer(blob, dtype=np.uint8).reshape(len(found), length)
                picked = np.asarray(columns, dtype=np.intp)
                matrix[where, offset : offset + len(columns)] = data[:, picked]
            offset += len(columns)
        windows.append(RegisterWindow(calendar_id, tuple(days), matrix, tuple(pupil_ids)))
    return tuple(windows)


def trigger_facts(
    partnership: Partnership, on: datetime.date, rules: Iterable[Rule] = ()
) -> TriggerFacts:
    """What the rules read for every pupil on roll at the partnership's settings on a day.

    Registers are read only when an attendance rule is among ``rules``, as far back as
    its window; the signs, incidents and suspensions likewise only for their rules."""
    kinds = {rule.kind: rule for rule in rules}
    settings = partnership_settings(partnership)
    calendar_of_setting = {s.pk: s.calendar_id for s in settings}
    roll: dict[int, tuple[int, int, int]] = {}
    for enrolment_id, pupil_id, setting_id in (
        Enrolment.objects.current(on)
        .filter(setting_id__in=list(calendar_of_setting))
        .order_by("start_date", "pk")
        .values_list("pk", "pupil_id", "setting_id")
    ):
        calendar_id = calendar_of_setting[setting_id]
        if calendar_id is not None:
            roll.setdefault(pupil_id, (enrolment_id, setting_id, calendar_id))
    this_year = start_year_of(on)
    calendars = school_days_for(
        {c for c in calendar_of_setting.values() if c is not None}, [this_year - 1, this_year]
    )
    year_start = datetime.date(this_year, 9, 1)
    setting_ids = list(calendar_of_setting)

    windows: tuple[RegisterWindow, ...] = ()
    attendance = [r for r in rules if r.kind == triggers.ATTENDANCE_BELOW]
    if attendance:
        wanted = max(r.window_school_days or 30 for r in attendance)
        windows = register_windows(roll, on, wanted)

    signs: list[SignalFact] = []
    sign_kinds = [k for k in (triggers.NEWLY_PERSISTENT, triggers.PENALTY_THRESHOLD) if k in kinds]
    if sign_kinds:
        roll_enrolments = {e for e, _, _ in roll.values()}
        for enrolment_id, pupil_id, kind, sign_uuid, first_seen, evidence in (
            Signal.objects.filter(
                cleared_on__isnull=True,
                kind__in=sign_kinds,
                enrolment__setting_id__in=setting_ids,
                first_seen__lte=on,
            )
            .filter(Q(enrolment__end_date__isnull=True) | Q(enrolment__end_date__gte=on))
            .order_by("pk")
            .values_list(
                "enrolment_id", "enrolment__pupil_id", "kind", "uuid", "first_seen", "evidence"
            )
        ):
            if enrolment_id in roll_enrolments:
                signs.append(SignalFact(pupil_id, kind, str(sign_uuid), first_seen, evidence))

    incidents: list[IncidentFact] = []
    if triggers.INCIDENTS in kinds:
        since = timezone.make_aware(datetime.datetime.combine(year_start, datetime.time.min))
        until = timezone.make_aware(
            datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time.min)
        )
        for pupil_id, incident_uuid, day in (
            IncidentPupil.objects.filter(
                incident__deleted_at__isnull=True,
                incident__setting_id__in=setting_ids,
                incident__occurred_at__gte=since,
                incident__occurred_at__lt=until,
                role__in=COUNTED_ROLES,
            )
            .order_by("pk")
            # The day in the current time zone, worked out in the database.
            .annotate(day=TruncDate("incident__occurred_at"))
            .values_list("pupil_id", "incident__uuid", "day")
        ):
            if pupil_id in roll:
                incidents.append(IncidentFact(pupil_id, str(incident_uuid), day))

    suspensions: list[SuspensionFact] = []
    if triggers.SUSPENSION in kinds or triggers.REPEAT_SUSPENSION in kinds:
        for pupil_id, exclusion_uuid, start, sessions in (
            Exclusion.objects.filter(
                kind=Exclusion.Kind.SUSPENSION,
                cancelled_on__isnull=True,
                enrolment__setting_id__in=setting_ids,
                start_date__gte=year_start,
                start_date__lte=on,
            )
            .order_by("pk")
            .values_list("pupil_id", "uuid", "start_date", "sessions")
        ):
            if pupil_id in roll:
                suspensions.append(SuspensionFact(pupil_id, str(exclusion_uuid), start, sessions))

    moves: list[MoveFact] = []
    if triggers.MANAGED_MOVE in kinds:
        for pupil_id, move_uuid, starts_on, trial_ends_on in (
            ManagedMove.objects.filter(
                status=ManagedMove.Status.TRIAL,
                from_setting_id__in=setting_ids,
                starts_on__lte=on,
            )
            .order_by("pk")
            .values_list("pupil_id", "uuid", "starts_on", "trial_ends_on")
        ):
            if pupil_id in roll:
                moves.append(MoveFact(pupil_id, str(move_uuid), starts_on, trial_ends_on))

    return TriggerFacts(
        on=on,
        roll={p: setting_id for p, (_, setting_id, _) in roll.items()},
        calendar_of={p: calendar_id for p, (_, _, calendar_id) in roll.items()},
        calendars=calendars,
        registers=windows,
        signals=tuple(signs),
        incidents=tuple(incidents),
        suspensions=tuple(suspensions),
        moves=tuple(moves),
    )
