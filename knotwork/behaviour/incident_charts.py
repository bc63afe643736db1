"""Behaviour charts as Altair (Vega-Lite) specifications, for ``core.charts.chart_context``.
Each page shows the same figures as a table beside its chart."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import altair as alt

from knotwork.core.charts import Chart, chart_context


def heatmap_chart(
    weekdays: Sequence[str], bands: Sequence[str], counts: Sequence[Sequence[int]]
) -> Chart | None:
    """Incidents by weekday (rows) and time of day (columns), darker for more; None with none."""
    values: list[dict[str, Any]] = [
        {"weekday": day, "band": band, "incidents": count}
        for day, row in zip(weekdays, counts, strict=True)
        for band, count in zip(bands, row, strict=True)
    ]
    total = sum(int(v["incidents"]) for v in values)
    if not total:
        return None
    base = alt.Chart({"values": values}).encode(
        x=alt.X("band:N", title="Time of day", sort=list(bands), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("weekday:N", title=None, sort=list(weekdays)),
    )
    cells = base.mark_rect(stroke="#ffffff").encode(
        color=alt.Color(
            "incidents:Q",
            title="Incidents",
            scale=alt.Scale(scheme="blues"),
            legend=alt.Legend(orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("weekday:N", title="Day"),
            alt.Tooltip("band:N", title="Time of day"),
            alt.Tooltip("incidents:Q", title="Incidents"),
        ],
    )
    busiest = max(values, key=lambda v: int(v["incidents"]))
    labels = base.mark_text(baseline="middle").encode(
        text=alt.Text("incidents:Q"),
        color=alt.condition(
            alt.datum.incidents > int(busiest["incidents"]) / 2,
            alt.value("#ffffff"),
            alt.value("#0b0c0c"),
        ),
    )
    chart = alt.LayerChart(layer=[cells, labels]).properties(
        width="container", height=40 * len(weekdays)
    )
    description = (
        f"Heat map of {total} incidents by weekday and time of day. The most, "
        f"{busiest['incidents']}, were on {busiest['weekday']} at {busiest['band'].lower()}. "
        "The table below gives the same figures."
    )
    return chart_context(chart, element_id="incident-heatmap", description=description)


def months_chart(
    months: Sequence[datetime.date], incidents: Sequence[int], withdrawals: Sequence[int]
) -> Chart | None:
    """A pupil's incidents and withdrawals per month, side by side; None with neither."""
    if not any(incidents) and not any(withdrawals):
        return None
    values = [
        {"month": f"{month:%b %Y}", "what": what, "count": count}
        for month, i, w in zip(months, incidents, withdrawals, strict=True)
        for what, count in (("Incidents", i), ("Withdrawals", w))
    ]
    order = [f"{m:%b %Y}" for m in months]
    chart = (
        alt.Chart({"values": values})
        .mark_bar()
        .encode(
            x=alt.X("month:N", title=None, sort=order, axis=alt.Axis(labelAngle=-45)),
            xOffset=alt.XOffset("what:N", sort=["Incidents", "Withdrawals"]),
            y=alt.Y("count:Q", title="Number", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "what:N",
                title=None,
                sort=["Incidents", "Withdrawals"],
                scale=alt.Scale(range=["#1d70b8", "#f47738"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip("what:N", title="What"),
                alt.Tooltip("count:Q", title="Number"),
            ],
        )
        .properties(width="container", height=220)
    )
    description = (
        f"Bar chart of incidents ({sum(incidents)}) and withdrawals from lessons "
        f"({sum(withdrawals)}) per month, {months[0]:%B %Y} to {months[-1]:%B %Y}. "
        "The table below gives the same figures."
    )
    return chart_context(chart, element_id="behaviour-months", description=description)
