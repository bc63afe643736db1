"""The managed-move monitor's chart: moves sent and received by each setting, as Altair
(Vega-Lite) for ``core.charts.chart_context``. The page's table gives the same figures."""

from __future__ import annotations

import altair as alt

from knotwork.core.charts import Chart, chart_context
from knotwork.placements.move_queries import Monitor


def monitor_chart(m: Monitor) -> Chart | None:
    """None when the partnership has no moves."""
    values = [
        {"setting": row.setting.name, "way": way, "moves": count}
        for row in m.settings
        for way, count in (("Sent", row.sent), ("Received", row.received))
    ]
    if not m.moves:
        return None
    chart = (
        alt.Chart({"values": values}, title="Managed moves sent and received, by setting")
        .mark_bar()
        .encode(
            y=alt.Y("setting:N", title=None, sort=[r.setting.name for r in m.settings]),
            yOffset=alt.YOffset("way:N", sort=["Sent", "Received"]),
            x=alt.X("moves:Q", title="Managed moves", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "way:N",
                title=None,
                sort=["Sent", "Received"],
                scale=alt.Scale(range=["#1d70b8", "#28a197"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["setting:N", "way:N", "moves:Q"],
        )
        .properties(width="container")
    )
    description = (
        f"Managed moves sent and received by each of {len(m.settings)} settings, "
        f"{m.moves} in all. The table below gives the same figures."
    )
    return chart_context(chart, element_id="moves-chart", description=description)
