"""The case page's chart: the scaling line over time above the pupil's attendance rate
and incidents by half term, as Altair (Vega-Lite) for ``core.charts.chart_context``.
The page shows the same figures as tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt

from knotwork.casework.case_models import Review
from knotwork.casework.case_queries import HalfTerm
from knotwork.core.charts import Chart, chart_context


def case_chart(reviews: Sequence[Review], halves: Sequence[HalfTerm]) -> Chart | None:
    """None when there is nothing to draw."""
    if not reviews and not halves:
        return None
    charts: list[Any] = []
    if reviews:
        points = [
            {"day": r.held_on.isoformat(), "score": r.scale_now, "series": "Where we are now"}
            for r in reviews
        ] + [
            {"day": r.held_on.isoformat(), "score": r.scale_goal, "series": "Where we want to be"}
            for r in reviews
        ]
        charts.append(
            alt.Chart({"values": points}, title="Scaling at each review")
            .mark_line(point=True)
            .encode(
                x=alt.X("day:T", title="Review"),
                y=alt.Y("score:Q", title="Scale (1-10)", scale=alt.Scale(domain=[1, 10])),
                color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
                tooltip=["day:T", "series:N", "score:Q"],
            )
            .properties(width="container", height=160)
        )
    if halves:
        values = [
            {
                "half": h.label,
                "attendance": float(h.attendance) if h.attendance is not None else None,
                "incidents": h.incidents,
            }
            for h in halves
        ]
        order = [h.label for h in halves]
        base = alt.Chart({"values": values}).encode(
            x=alt.X("half:N", title="Half term", sort=order, axis=alt.Axis(labelAngle=0))
        )
        charts.append(
            base.mark_line(point=True, color="#1d70b8")
            .encode(
                y=alt.Y("attendance:Q", title="Attendance (%)", scale=alt.Scale(domain=[0, 100])),
                tooltip=["half:N", "attendance:Q"],
            )
            .properties(width="container", height=140, title="Attendance by half term")
        )
        charts.append(
            base.mark_bar(color="#d4351c")
            .encode(y=alt.Y("incidents:Q", title="Incidents"), tooltip=["half:N", "incidents:Q"])
            .properties(width="container", height=100, title="Incidents by half term")
        )
    chart = alt.vconcat(*charts) if len(charts) > 1 else charts[0]
    latest = reviews[-1] if reviews else None
    said = (
        f"Scaling over {len(reviews)} review{'s' if len(reviews) != 1 else ''}, latest "
        f"{latest.scale_now} of 10 aiming for {latest.scale_goal}. "
        if latest
        else ""
    )
    description = (
        f"{said}Attendance rate and incidents in {len(halves)} half terms. "
        "The tables below give the same figures."
    )
    return chart_context(chart, element_id="case-chart", description=description)
