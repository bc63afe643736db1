"""The demo cases' before/after measures, read for many cases at once.

Each case's intervention is judged by its attendance rate, incidents and scaling over
``INTERVENTION_WEEKS`` weeks before it and during it (``case_rules.measure_windows``).
The figures are those ``case_queries.measure_value`` gives, for one case at a time, and
``case_services.case_measures_read`` stores when a window ends or a case closes: the
same registers (the DfE method, summed over enrolments), incidents not withdrawn, and
the scaling of the case's reviews. Here the registers, enrolments and incidents of
every case's pupil are read in a few queries and the session maps shared, so a large
demo's cases cost seconds, not minutes. Like the rest of the demo: no audit rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone

from knotwork.analytics.attendance import percentage, sessions_of
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps, start_year_of
from knotwork.attendance.register import as_array
from knotwork.behaviour.models import IncidentPupil
from knotwork.casework.case_models import Case, CaseMeasure
from knotwork.casework.case_rules import (
    INTERVENTION_WEEKS,
    count_in,
    measure_due,
    measure_windows,
    scale_at,
)
from knotwork.pupils.models import Enrolment

Date = datetime.date
KINDS = (CaseMeasure.Kind.ATTENDANCE, CaseMeasure.Kind.INCIDENTS, CaseMeasure.Kind.SCALING)
CHUNK = 2000  # pupils asked about in one query


class Figures:
    """The registers, enrolments and incident days of a set of pupils, to read measures."""

    def __init__(self, pupil_ids: Iterable[int]) -> None:
        ids = sorted(set(pupil_ids))
        self.maps = SessionMaps()
        self.enrolments: dict[int, list[Enrolment]] = defaultdict(list)
        self.marks: dict[tuple[int, int], bytes] = {}
        self.incidents: dict[int, list[Date]] = defaultdict(list)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for e in Enrolment.objects.filter(pupil_id__in=chunk).select_related("setting"):
                self.enrolments[e.pupil_id].append(e)
            for enrolment_id, year, marks in Register.objects.filter(
                enrolment__pupil_id__in=chunk
            ).values_list("enrolment_id", "academic_year__start_year", "marks"):
                self.marks[(enrolment_id, year)] = bytes(marks)
            for pupil_id, at in IncidentPupil.objects.filter(
                pupil_id__in=chunk, incident__deleted_at__isnull=True
            ).values_list("pupil_id", "incident__occurred_at"):
                self.incidents[pupil_id].append(timezone.localtime(at).date())

    def attendance(self, pupil_id: int, first: Date, last: Date) -> Decimal | None:
        """As ``case_queries.attendance_rate``."""
        if last < first:
            return None
        possible = attending = 0
        for enrolment in self.enrolments[pupil_id]:
            if enrolment.start_date > last or (
                enrolment.end_date is not None and enrolment.end_date < first
            ):
                continue
            for start_year in range(start_year_of(first), start_year_of(last) + 1):
                found = self.maps.for_setting(enrolment.setting, start_year)
                raw = self.marks.get((enrolment.pk, start_year))
                if found is None or raw is None:
                    continue
                marks = as_array(raw, len(found.sessions))
                counted = sessions_of(marks[found.sessions.window(first, last)][None, :])
                possible += int(counted.possible[0])
                attending += int(counted.attending[0])
        return percentage(attending, possible, places=1)

    def value(
        self,
        measure: CaseMeasure,
        first: Date,
        last: Date,
        points: Sequence[tuple[Date, int]],
        *,
        before: bool,
    ) -> Decimal | None:
        """As ``case_queries.measure_value``, with the case's scaling points given."""
        pupil_id = measure.case.pupil_id
        if measure.kind == CaseMeasure.Kind.ATTENDANCE:
            return self.attendance(pupil_id, first, last)
        if measure.kind == CaseMeasure.Kind.INCIDENTS:
            return Decimal(count_in(self.incidents[pupil_id], first, last))
        if before:
            score = scale_at(points, first, measure.starts_on)
            if score is None:
                during = [p for p in points if p[0] > measure.starts_on]
                score = during[0][1] if during else None
        else:
            score = scale_at(points, measure.starts_on + datetime.timedelta(days=1), last)
        return None if score is None else Decimal(score)


def _read_at(day: Date, now: datetime.datetime) -> datetime.datetime:
    """When the nightly run read a window ending on ``day``: early the next morning."""
    stamp = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(2, 0))
    return min(timezone.make_aware(stamp), now)


def measures_demo(
    cases: Sequence[Case], points: dict[int, list[tuple[Date, int]]], today: Date
) -> int:
    """Each case's three measures from the day it opened, the before figures read then
    (scaling's at the first review), the after figures where the window has ended or the
    case closed; answers how many were read. ``points`` holds each case's (day, scale)
    by case id."""
    figures = Figures(c.pupil_id for c in cases)
    now = timezone.now()
    made = []
    read = 0
    for case in cases:
        case_points = sorted(points.get(case.pk, []))
        opening = measure_windows(case.opened_on, INTERVENTION_WEEKS)
        for kind in KINDS:
            m = CaseMeasure(case=case, kind=kind, starts_on=case.opened_on)
            if kind != CaseMeasure.Kind.SCALING:
                m.before = figures.value(
                    m, opening.before_first, opening.before_last, case_points, before=True
                )
            if measure_due(m.starts_on, m.weeks, today, case.closed_on):
                windows = measure_windows(m.starts_on, m.weeks, case.closed_on)
                if m.before is None:
                    m.before = figures.value(
                        m, windows.before_first, windows.before_last, case_points, before=True
                    )
                m.after = figures.value(
                    m, windows.after_first, windows.after_last, case_points, before=False
                )
                m.after_to = windows.after_last
                m.read_at = _read_at(case.closed_on or windows.after_last, now)
                read += 1
            made.append(m)
    CaseMeasure.objects.bulk_create(made, batch_size=1000)
    return read
