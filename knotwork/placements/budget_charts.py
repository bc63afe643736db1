"""The budget page's chart: where the money went, spent and committed by category, as
Altair (Vega-Lite) for ``core.charts.chart_context``. The page shows the same figures
as a table."""

from __future__ import annotations

import altair as alt

from knotwork.core.charts import Chart, chart_context
from knotwork.placements.budget_rules import Statement


def budget_chart(statement: Statement) -> Chart | None:
    """None when nothing has been spent or committed."""
    # Vega-Lite draws numbers; the amounts are exact in the table beside it.
    values = [
        {"category": line.label, "what": "Spent", "amount": float(line.amount)}
        for line in statement.spending
    ] + [
        {"category": line.label, "what": "Committed", "amount": float(line.amount)}
        for line in statement.commitments
    ]
    if not values:
        return None
    chart = (
        alt.Chart({"values": values}, title="Spending and commitments by category")
        .mark_bar()
        .encode(
            y=alt.Y("category:N", title=None, sort="-x"),
            x=alt.X("sum(amount):Q", title="£", stack="zero"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(domain=["Spent", "Committed"], range=["#1d70b8", "#b1b4b6"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["category:N", "what:N", alt.Tooltip("amount:Q", format=",.2f")],
        )
        .properties(width="container", height=40 * max(2, len({v["category"] for v in values})))
    )
    description = (
        f"£{statement.spent:,.2f} spent and £{statement.committed:,.2f} committed of "
        f"£{statement.contributed:,.2f} contributed, by category. The tables below give the "
        "same figures."
    )
    return chart_context(chart, element_id="budget-chart", description=description)
