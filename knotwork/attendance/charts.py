"""Attendance charts as Altair (Vega-Lite) specifications, for ``core.charts.chart_context``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import altair as alt

from knotwork.core.charts import Chart, chart_context

#: The attendance rate below which a pupil misses a day a fortnight: the line the chart marks.
TARGET_LINE = 90


@dataclass(frozen=True)
class WeeklySeries:
    """One setting's attendance per school week."""

    name: str
    weeks: Sequence[tuple[datetime.date, Decimal | None]]


def weekly_attendance_chart(series: Sequence[WeeklySeries]) -> alt.LayerChart:
    """Attendance % per school week (a line per setting), with the 90% line marked."""
    values = [
        {
            "week": monday.isoformat(),
            "week_label": f"{monday:%-d %B %Y}",
            "attendance": float(rate),
            "setting": s.name,
        }
        for s in series
        for monday, rate in s.weeks
        if rate is not None
    ]
    # Dates are days, read as UTC midnight: a UTC scale keeps them on their day everywhere.
    x = alt.X(
        "week:T",
        title="Week beginning",
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%-d %b", labelAngle=0),
    )
    y = alt.Y("attendance:Q", title="Attendance (%)", scale=alt.Scale(domain=[0, 100]))
    line = (
        alt.Chart({"values": values})
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "setting:N",
                title="Setting",
                legend=alt.Legend(orient="bottom", direction="vertical"),
            ),
            tooltip=[
                alt.Tooltip("setting:N", title="Setting"),
                alt.Tooltip("week_label:N", title="Week beginning"),
                alt.Tooltip("attendance:Q", title="Attendance (%)", format=".1f"),
            ],
        )
    )
    target = {"values": [{"target": TARGET_LINE, "label": f"{TARGET_LINE}%"}]}
    rule = (
        alt.Chart(target)
        .mark_rule(color="#d4351c", strokeDash=[6, 4])
        .encode(y=alt.Y("target:Q", scale=alt.Scale(domain=[0, 100])))
    )
    label = (
        alt.Chart(target)
        .mark_text(align="left", dx=4, dy=-6, color="#d4351c")
        .encode(y="target:Q", x=alt.value(0), text="label:N")
    )
    return alt.LayerChart(layer=[line, rule, label]).properties(width="container", height=260)


def weekly_trend(series: Sequence[WeeklySeries], *, year_label: str) -> Chart | None:
    """The week-by-week chart for a page, with a text description; None with no weeks."""
    drawn = [s for s in series if any(rate is not None for _, rate in s.weeks)]
    if not drawn:
        return None
    parts = []
    for s in drawn:
        rated = [(monday, rate) for monday, rate in s.weeks if rate is not None]
        (first_week, first_rate), (last_week, last_rate) = rated[0], rated[-1]
        below = sum(1 for _, rate in rated if rate < TARGET_LINE)
        parts.append(
            f"{s.name}: {first_rate}% in the week of {first_week:%-d %B}, "
            f"{last_rate}% in the week of {last_week:%-d %B}; "
            f"{below} of {len(rated)} weeks below {TARGET_LINE}%"
        )
    description = f"Attendance per school week, {year_label}. " + ". ".join(parts) + "."
    return chart_context(
        weekly_attendance_chart(drawn), element_id="attendance-trend", description=description
    )
