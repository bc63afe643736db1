"""The patterns page: incidents by place, time of day, weekday, year group and pupil group,
the same two pupils again, and withdrawals compared across pupil groups; each table as CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.dashboard_queries import Scope, dashboard_scope
from knotwork.behaviour import patterns as p
from knotwork.behaviour.incident_charts import heatmap_chart
from knotwork.behaviour.incident_forms import PatternFilterForm
from knotwork.behaviour.incident_pattern_queries import (
    ROLE_SETS,
    Patterns,
    incident_patterns,
    pupils_in_pairs,
    scope_label,
    scope_settings,
    table_rows,
)
from knotwork.behaviour.incident_queries import academic_year_start
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry


def _scope(request: AuthedRequest) -> Scope:
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied("Incident patterns are for settings and the partnership.")
    return scope


def _figures(request: AuthedRequest, scope: Scope) -> tuple[PatternFilterForm, Patterns | None]:
    today = timezone.localdate()
    everything = scope.partnership.name if scope.whole_partnership and scope.partnership else "All"
    form = PatternFilterForm(
        request.GET,
        settings=scope.settings,
        everything_label=everything,
        start=academic_year_start(today),
        end=today,
    )
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    figures = incident_patterns(
        request.user,
        scope_settings(scope, data["setting"]),
        data["start"],
        data["end"],
        kind=data["kind"],
        bullying_only=data["bullying"],
        counted=data["counted"],
    )
    return form, figures


def _audit(request: AuthedRequest, scope: Scope, figures: Patterns, action: str, what: str) -> None:
    target: Any = figures.settings[0] if len(figures.settings) == 1 else scope.partnership
    audit_record(actor=request.user, action=action, obj=target, what=what)
    for pupil in pupils_in_pairs(figures):
        audit_record(actor=request.user, action=action, pupil=pupil, what=what)


@require_http_methods(["GET"])
def patterns_page(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    form, figures = _figures(request, scope)
    context: dict[str, Any] = {"form": form, "scope": scope}
    if figures is not None:
        _audit(request, scope, figures, AuditEntry.Action.VIEW, "incident patterns")
        context |= {
            "figures": figures,
            "label": scope_label(scope, figures.settings),
            "counted_label": ROLE_SETS[figures.counted][0],
            "chart": heatmap_chart(
                [row.weekday for row in figures.heat_rows],
                figures.heat_bands,
                [row.counts for row in figures.heat_rows],
            ),
            "columns": p.COLUMNS,
            "minimum": p.SUPPRESS_BELOW,
            "query": request.GET.urlencode(),
        }
    return render(request, "behaviour/patterns.html", context)


@require_http_methods(["GET"])
def patterns_export(request: AuthedRequest, table: str) -> HttpResponse:
    scope = _scope(request)
    _, figures = _figures(request, scope)
    if figures is None:
        return redirect(f"{reverse('behaviour:incident-patterns')}?{request.GET.urlencode()}")
    rows = table_rows(figures, table)
    if rows is None:
        raise Http404("No such table")
    _audit(request, scope, figures, AuditEntry.Action.EXPORT, f"incident patterns, {table} CSV")
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows(rows)
    name = f"incident-patterns-{table}-{figures.first:%Y%m%d}-{figures.last:%Y%m%d}.csv"
    return HttpResponse(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
