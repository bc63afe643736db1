"""Charts as Vega-Lite specifications, made with Altair and drawn in the page by vega-embed.

A view builds an Altair chart and passes ``chart_context(...)`` to the template,
which includes ``includes/chart.html``. Every chart has a text description
for screen readers, and its page shows the same figures as a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import altair as alt


@dataclass(frozen=True)
class Chart:
    element_id: str
    spec: dict[str, Any]
    description: str


def chart_context(chart: alt.TopLevelMixin, *, element_id: str, description: str) -> Chart:
    """What ``includes/chart.html`` needs: the spec as a dict, an id, a description."""
    spec = chart.to_dict()
    spec.setdefault("description", description)
    return Chart(element_id=element_id, spec=spec, description=description)
