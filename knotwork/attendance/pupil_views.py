"""A pupil's attendance: the register grid, the measures and the trend for one academic year."""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.charts import WeeklySeries, weekly_trend
from knotwork.attendance.ladder import ladder_panel
from knotwork.attendance.pupil_queries import WEEKDAYS, pupil_attendance_year
from knotwork.attendance.queries import start_year_of
from knotwork.casework.consent_models import Section
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import get_pupil_for_user

#: How many years back the page goes: registers are kept six years (Regs 2024).
YEARS_KEPT = 6


def year_asked(value: str | None, today: datetime.date) -> int:
    """The academic year in ``?year=`` (its first calendar year); this year when absent or odd."""
    current = start_year_of(today)
    try:
        year = int(value or current)
    except ValueError:
        return current
    return year if current - YEARS_KEPT <= year <= current else current


@require_http_methods(["GET"])
def pupil_attendance(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.ATTENDANCE)
    today = timezone.localdate()
    start_year = year_asked(request.GET.get("year"), today)
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="attendance")
    year = pupil_attendance_year(pupil, start_year, today)
    series = [
        WeeklySeries(item.enrolment.setting.name, [(w.monday, w.rate) for w in item.weeks])
        for item in year.enrolment_years
    ]
    context = {
        "pupil": pupil,
        "year": year,
        "weekdays": WEEKDAYS,
        "has_earlier_year": start_year > year.current_year - YEARS_KEPT,
        "chart": weekly_trend(series, year_label=year.label),
        "ladder_panel": ladder_panel(pupil, request.user, today),
    }
    return render(request, "attendance/pupil_attendance.html", context)
