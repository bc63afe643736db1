"""The partnership's waiting-times page and its CSV: figures only, never a pupil."""

from __future__ import annotations

import csv
import datetime
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.casework.waiting_queries import WaitingTimes, waiting_scope, waiting_times
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry


class WindowForm(forms.Form):
    first = forms.DateField(label="From", required=False)
    last = forms.DateField(label="To", required=False)


def _figures(request: AuthedRequest) -> WaitingTimes:
    scope = waiting_scope(request.user)
    if scope is None:
        raise PermissionDenied("Waiting times are for the partnership's coordinators and board.")
    today = timezone.localdate()
    form = WindowForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    start = datetime.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    first, last = data.get("first") or start, data.get("last") or today
    return waiting_times(scope[0], first=first, last=last, today=today, suppressed=scope[1])


def _days(value: object) -> str:
    return "" if value is None else f"{float(value):.1f}"  # type: ignore[arg-type]


HEADER = [
    "Agency",
    "Service",
    "Sent",
    "Accepted",
    "Declined",
    "Taken on (%)",
    "Median days to acceptance",
    "90th percentile days to acceptance",
    "Median days to first session",
    "90th percentile days to first session",
    "Unanswered",
    "Past the target",
]


def _cells(times: WaitingTimes) -> list[list[str]]:
    lines = []
    for row, shown in times.rows:
        f = row.figures
        if not shown:
            lines.append([row.agency, row.service] + ["x"] * (len(HEADER) - 2))
            continue
        share = "" if f.taken_on is None else f"{float(f.taken_on) * 100:.1f}"
        lines.append(
            [
                row.agency,
                row.service,
                str(f.sent),
                str(f.accepted),
                str(f.declined),
                share,
                _days(f.to_acceptance_median),
                _days(f.to_acceptance_p90),
                _days(f.to_service_median),
                _days(f.to_service_p90),
                str(f.unanswered),
                str(f.overdue),
            ]
        )
    return lines


@require_http_methods(["GET"])
def waiting_page(request: AuthedRequest) -> HttpResponse:
    times = _figures(request)
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, what="waiting times")
    context = {
        "times": times,
        "header": HEADER,
        "lines": _cells(times),
        "form": WindowForm(request.GET),
    }
    return render(request, "casework/waiting_times.html", context)


@require_http_methods(["GET"])
def waiting_export(request: AuthedRequest) -> HttpResponse:
    times = _figures(request)
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, what="waiting times CSV")
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_cells(times))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="waiting-times-{times.last:%Y%m%d}.csv"'
    )
    return response
