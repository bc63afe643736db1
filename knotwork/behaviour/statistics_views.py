"""Suspension and permanent exclusion statistics: the partnership, each setting and any
group of settings, a year beside the two before it, and each table as CSV or XLSX.
Figures only, never a pupil."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import altair as alt
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.dashboard_queries import (
    Scope,
    dashboard_scope,
    dashboard_years,
    default_start_year,
)
from knotwork.behaviour.statistics_forms import StatisticsFilterForm
from knotwork.behaviour.statistics_queries import TABLE_SLUGS, Statistics, exclusion_statistics
from knotwork.behaviour.statistics_tables import (
    display_reasons,
    display_table,
    headline,
    notes,
    shown_years,
    table_csv,
    table_xlsx,
)
from knotwork.behaviour.unofficial import may_watch
from knotwork.core.audit import audit_record
from knotwork.core.charts import Chart, chart_context
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_scope(request: AuthedRequest) -> Scope:
    """The settings whose figures the user may see: 403 for anyone without (agencies)."""
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied("Exclusion statistics are for settings and the partnership.")
    return scope


def statistics_form(request: AuthedRequest, scope: Scope) -> StatisticsFilterForm:
    """The filters; 404 when the query names a setting the user may not see."""
    years = dashboard_years(scope)
    default_year = default_start_year(years, timezone.localdate())
    if default_year is None:
        raise Http404("No school calendar covers these settings.")
    form = StatisticsFilterForm(
        request.GET, years=years, default_year=default_year, settings=scope.settings
    )
    if form.unknown_settings():
        raise Http404("No such setting")
    return form


def _statistics(scope: Scope, form: StatisticsFilterForm) -> Statistics:
    return exclusion_statistics(
        scope,
        start_year=form.cleaned_data["year"],
        today=timezone.localdate(),
        chosen=form.chosen(),
        known_years=form.years,
    )


@require_http_methods(["GET"])
def statistics(request: AuthedRequest) -> HttpResponse:
    scope = statistics_scope(request)
    form = statistics_form(request, scope)
    context: dict[str, Any] = {"form": form, "scope": scope, "may_watch": may_watch(request.user)}
    if form.is_valid():
        figures = _statistics(scope, form)
        context |= {
            "statistics": figures,
            "headline": headline(figures),
            "years_shown": [figures.years[i] for i in shown_years(figures)],
            "tables": [display_table(figures, t) for t in figures.tables],
            "reasons": display_reasons(figures),
            "chart": rate_chart(figures),
            "notes": notes(figures),
            "query": request.GET.urlencode(),
        }
    return render(request, "behaviour/statistics.html", context)


@require_http_methods(["GET"])
def export(request: AuthedRequest, table: str, file_format: str) -> HttpResponse:
    if table not in TABLE_SLUGS or file_format not in ("csv", "xlsx"):
        raise Http404("No such table")
    scope = statistics_scope(request)
    form = statistics_form(request, scope)
    if not form.is_valid():
        return redirect(f"{reverse('behaviour:statistics')}?{request.GET.urlencode()}")
    figures = _statistics(scope, form)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        obj=scope.partnership if scope.whole_partnership else scope.settings[0],
        what=f"exclusion statistics, {table} ({file_format})",
    )
    name = f"exclusions-{table}-{figures.year.start_year}"
    if file_format == "csv":
        content: str | bytes = table_csv(figures, table)
        content_type = "text/csv; charset=utf-8"
    else:
        content, content_type = table_xlsx(figures, table), XLSX
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'},
    )


def rate_chart(figures: Statistics) -> Chart | None:
    """Suspension rate by setting, year beside year; for one setting, by year."""
    years = [figures.years[i] for i in shown_years(figures)]
    order = [y.label for y in reversed(years)]
    table = figures.table("setting")
    if table is None:
        return None
    by_setting = len(table.rows) > 2
    rows = table.rows[:-1] if by_setting else table.rows[-1:]
    values = []
    for row in rows:
        for year, cell in zip(years, row.years, strict=False):
            rate, count = cell.value("suspension_rate"), cell.value("suspensions")
            if isinstance(rate, Decimal) and isinstance(count, int):
                values.append(
                    {"setting": row.label, "year": year.label, "rate": float(rate), "count": count}
                )
    if not values:
        return None
    colour = alt.Color(
        "year:N",
        title="Academic year",
        sort=order,
        scale=alt.Scale(range=["#d2e2f1", "#5694ca", "#1d70b8"][-len(order) :]),
        legend=alt.Legend(orient="bottom"),
    )
    tooltip = [
        alt.Tooltip("setting:N", title="Setting"),
        alt.Tooltip("year:N", title="Year"),
        alt.Tooltip("rate:Q", title="Suspensions per 100 pupils", format=".2f"),
        alt.Tooltip("count:Q", title="Suspensions"),
    ]
    x = alt.X("rate:Q", title="Suspensions per 100 pupils on roll")
    if by_setting:
        chart = (
            alt.Chart({"values": values})
            .mark_bar()
            .encode(
                y=alt.Y("setting:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
                yOffset=alt.YOffset("year:N", sort=order),
                x=x,
                color=colour,
                tooltip=tooltip,
            )
            .properties(width=420, height=alt.Step(12))
        )
        described = (
            "Bar chart: the suspension rate (suspensions per 100 pupils on roll) of each "
            f"setting, {', '.join(order)}. The table by setting gives the same figures with "
            "their counts."
        )
    else:
        chart = (
            alt.Chart({"values": values})
            .mark_bar()
            .encode(y=alt.Y("year:N", title=None, sort=order), x=x, color=colour, tooltip=tooltip)
            .properties(width=420, height=alt.Step(24))
        )
        described = (
            "Bar chart: the suspension rate (suspensions per 100 pupils on roll) year by year, "
            f"{', '.join(order)}. The table by setting gives the same figures with their counts."
        )
    return chart_context(chart, element_id="chart-suspension-rate", description=described)
