"""The partnership's waiting-times page with its chart, and the table as CSV and XLSX:
figures only, never a pupil."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.casework.waiting_charts import waiting_chart
from knotwork.casework.waiting_exports import (
    HEADER,
    XLSX,
    table_lines,
    waiting_csv,
    waiting_xlsx,
)
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


@require_http_methods(["GET"])
def waiting_page(request: AuthedRequest) -> HttpResponse:
    times = _figures(request)
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, what="waiting times")
    context = {
        "times": times,
        "header": HEADER,
        "lines": table_lines(times),
        "form": WindowForm(request.GET),
        "chart": waiting_chart(times),
    }
    return render(request, "casework/waiting_times.html", context)


@require_http_methods(["GET"])
def waiting_export(request: AuthedRequest, file_format: str = "csv") -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such format")
    times = _figures(request)
    what = f"waiting times {file_format.upper()}"
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, what=what)
    if file_format == "csv":
        response = HttpResponse(waiting_csv(times), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(waiting_xlsx(times), content_type=XLSX)
    name = f"waiting-times-{times.last:%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
