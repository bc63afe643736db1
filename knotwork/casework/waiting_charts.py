"""The waiting-times page's chart: for each agency, the median and 90th percentile days
from referral to acceptance and to the first session, as Altair (Vega-Lite) for
``core.charts.chart_context``. Agencies whose figures the page hides are left out; the
page's table gives the same figures."""

from __future__ import annotations

from fractions import Fraction

import altair as alt

from knotwork.casework.waiting_queries import WaitingTimes
from knotwork.core.charts import Chart, chart_context

#: The four bars of an agency, in the order they are drawn.
MEASURES = [
    "Median to acceptance",
    "90th percentile to acceptance",
    "Median to first session",
    "90th percentile to first session",
]


def _days(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 1)


def chart_values(times: WaitingTimes) -> list[dict[str, object]]:
    """One value per agency shown and measure with a figure."""
    values: list[dict[str, object]] = []
    for row, shown in times.rows:
        if not row.is_agency or not shown:
            continue
        f = row.figures
        figures = [
            f.to_acceptance_median,
            f.to_acceptance_p90,
            f.to_service_median,
            f.to_service_p90,
        ]
        for measure, value in zip(MEASURES, figures, strict=True):
            days = _days(value)
            if days is not None:
                values.append({"agency": row.agency, "measure": measure, "days": days})
    return values


def waiting_chart(times: WaitingTimes) -> Chart | None:
    """None when no agency has a waiting time to draw."""
    values = chart_values(times)
    if not values:
        return None
    agencies = list(dict.fromkeys(str(v["agency"]) for v in values))
    chart = (
        alt.Chart({"values": values}, title="Days waiting, by agency")
        .mark_bar()
        .encode(
            y=alt.Y("agency:N", title=None, sort=agencies),
            yOffset=alt.YOffset("measure:N", sort=MEASURES),
            x=alt.X("days:Q", title="Days from referral"),
            color=alt.Color(
                "measure:N",
                title=None,
                sort=MEASURES,
                scale=alt.Scale(range=["#1d70b8", "#003078", "#28a197", "#005a30"]),
                legend=alt.Legend(orient="bottom", columns=2),
            ),
            tooltip=["agency:N", "measure:N", "days:Q"],
        )
        .properties(width="container")
    )
    description = (
        f"Median and 90th percentile days from referral to acceptance and to the first "
        f"session, for {len(agencies)} agenc{'y' if len(agencies) == 1 else 'ies'}. "
        "The table below gives the same figures."
    )
    return chart_context(chart, element_id="waiting-chart", description=description)
