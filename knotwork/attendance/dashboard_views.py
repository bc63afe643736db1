"""The partnership's attendance dashboard: figures by setting, year group and pupil group,
this year against last, and each table as CSV or XLSX. Figures only, never a pupil."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import altair as alt
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.dashboard_forms import DashboardFilterForm
from knotwork.attendance.dashboard_queries import (
    TABLE_SLUGS,
    Dashboard,
    Scope,
    attendance_dashboard,
    dashboard_scope,
    dashboard_years,
    default_start_year,
    default_threshold,
)
from knotwork.attendance.exports import notes, table_csv, table_xlsx
from knotwork.core.audit import audit_record
from knotwork.core.charts import Chart, chart_context
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request: AuthedRequest) -> Scope:
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied("The attendance dashboard is for settings and the partnership.")
    return scope


def _filters(request: AuthedRequest, scope: Scope) -> DashboardFilterForm:
    years = dashboard_years(scope)
    today = timezone.localdate()
    default_year = default_start_year(years, today)
    if default_year is None:
        raise Http404("No school calendar covers these settings.")
    return DashboardFilterForm(
        request.GET, years=years, default_year=default_year, threshold=default_threshold(scope)
    )


def _dashboard(scope: Scope, form: DashboardFilterForm, only: str | None = None) -> Dashboard:
    data = form.cleaned_data
    return attendance_dashboard(
        scope,
        start_year=data["year"],
        period=data["period"],
        today=timezone.localdate(),
        threshold=Fraction(data["pa"]),
        first=data.get("start"),
        last=data.get("end"),
        only=only,
    )


@require_http_methods(["GET"])
def dashboard(request: AuthedRequest) -> HttpResponse:
    scope = _scope(request)
    form = _filters(request, scope)
    context: dict[str, Any] = {"form": form, "scope": scope}
    if form.is_valid():
        figures = _dashboard(scope, form)
        context |= {
            "dashboard": figures,
            "notes": notes(figures),
            "chart": setting_chart(figures),
            "query": request.GET.urlencode(),
        }
    return render(request, "attendance/dashboard.html", context)


@require_http_methods(["GET"])
def export(request: AuthedRequest, table: str, file_format: str) -> HttpResponse:
    if table not in TABLE_SLUGS or file_format not in ("csv", "xlsx"):
        raise Http404("No such table")
    scope = _scope(request)
    form = _filters(request, scope)
    if not form.is_valid():
        return redirect(f"{reverse('attendance:dashboard')}?{request.GET.urlencode()}")
    figures = _dashboard(scope, form, only=table)
    chosen = figures.tables[0]
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        obj=scope.partnership,
        what=f"attendance dashboard, {table} ({file_format})",
    )
    name = f"attendance-{table}-{figures.start_year}-{figures.window.first:%Y%m%d}"
    if file_format == "csv":
        content: str | bytes = table_csv(figures, chosen)
        content_type = "text/csv; charset=utf-8"
    else:
        content, content_type = table_xlsx(figures, chosen), XLSX
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


def setting_chart(figures: Dashboard) -> Chart | None:
    """Overall absence and persistent absence by setting, this year beside last year."""
    table = figures.table("setting")
    if table is None:
        return None
    values = []
    rows = table.rows if len(table.rows) > 2 else table.rows[:1]  # one setting: no total
    for row in rows:
        years = [(figures.year_label, row.this_year), (figures.last_year_label, row.last_year)]
        for year, cell in years:
            if cell is None or not cell.shown or cell.empty:
                continue
            for measure, rate in (
                ("Overall absence", cell.summary.absence_rate),
                ("Persistent absence", cell.summary.persistent_rate),
            ):
                if rate is not None:
                    values.append(
                        {
                            "setting": row.label,
                            "year": year,
                            "measure": measure,
                            "rate": float(rate),
                        }
                    )
    if not values:
        return None
    chart = (
        alt.Chart({"values": values})
        .mark_bar()
        .encode(
            y=alt.Y("setting:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            yOffset=alt.YOffset("year:N", sort=[figures.last_year_label, figures.year_label]),
            x=alt.X("rate:Q", title="Per cent"),
            color=alt.Color(
                "year:N",
                title="Academic year",
                sort=[figures.last_year_label, figures.year_label],
                scale=alt.Scale(range=["#b1b4b6", "#1d70b8"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("setting:N", title="Setting"),
                alt.Tooltip("year:N", title="Year"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("rate:Q", title="Per cent", format=".1f"),
            ],
        )
        .properties(width=420, height=alt.Step(12))
        .facet(
            row=alt.Row(
                "measure:N",
                title=None,
                sort=None,
                header=alt.Header(
                    labelAngle=0, labelAlign="left", labelOrient="top", labelFontWeight="bold"
                ),
            )
        )
        .resolve_scale(x="independent")
    )
    described = (
        f"Bar chart: overall absence rate and persistent absence rate by setting, "
        f"{figures.year_label} beside {figures.last_year_label}, for the dates chosen. "
        "The table below gives the same figures with their counts."
    )
    return chart_context(chart, element_id="chart-by-setting", description=described)
