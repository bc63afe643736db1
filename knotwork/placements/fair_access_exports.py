"""The fair access list and the fair share table as CSV, and the fair share chart."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from fractions import Fraction

import altair as alt

from knotwork.core.charts import Chart, chart_context
from knotwork.placements.fair_access_queries import FairAccessRow, ShareRow
from knotwork.placements.workbook_exports import Sheet, workbook

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def table_csv(header: Sequence[str], lines: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe(v) for v in line] for line in lines])
    return out.getvalue()


LIST_HEADER = [
    "Pupil",
    "UPN",
    "Category",
    "Out of school from",
    "Placed at",
    "Agreed on",
    "Started on",
    "School days missed",
    "Sessions missed",
    "Sessions in the partnership this year",
    "Sessions received",
    "Proportionate number of 380",
    "Reached 380 (or proportionate)",
    "Highest band reached",
]


def list_lines(rows: Iterable[FairAccessRow]) -> list[list[str]]:
    def line(r: FairAccessRow) -> list[str]:
        p, y = r.placement, r.year
        return [
            p.pupil.display_name,
            p.pupil.upn,
            p.category,
            p.out_of_school_from.isoformat(),
            p.placed_at.name,
            p.placed_on.isoformat(),
            p.started_on.isoformat() if p.started_on else "",
            str(r.missed.days),
            str(r.missed.sessions),
            str(y.in_partnership),
            str(y.received),
            str(y.proportionate(y.target)),
            "yes" if y.reached_target else "no",
            str(y.band or "below 350"),
        ]

    return [line(r) for r in rows]


def list_csv(rows: Iterable[FairAccessRow]) -> str:
    return table_csv(LIST_HEADER, list_lines(rows))


def list_xlsx(rows: Iterable[FairAccessRow], year_label: str) -> bytes:
    sheet = Sheet(
        "Fair access",
        LIST_HEADER,
        list_lines(rows),
        numbers=frozenset({7, 8, 9, 10, 11}),
        dates=frozenset({3, 5, 6}),
    )
    return workbook([sheet], [("School year", year_label), *LIST_NOTES])


LIST_NOTES = [
    ("Note", "Only the pupils you may see are listed."),
    (
        "Note",
        "Sessions are counted from the placing school's calendar: weekdays in term, less "
        "bank holidays and closures.",
    ),
]


SHARE_HEADER = ["School", "Weight", "Taken", "Fair share", "Taken less share"]


def _one_place(value: Fraction) -> str:
    return f"{float(value):.1f}"


def share_lines(rows: Iterable[ShareRow]) -> list[list[str]]:
    return [
        [
            r.setting.name,
            str(r.line.weight) if r.line else "no weight agreed",
            str(r.taken),
            _one_place(r.line.share) if r.line else "",
            _one_place(r.line.difference) if r.line else "",
        ]
        for r in rows
    ]


def share_csv(rows: Iterable[ShareRow]) -> str:
    return table_csv(SHARE_HEADER, share_lines(rows))


def share_xlsx(rows: Iterable[ShareRow], year_label: str) -> bytes:
    sheet = Sheet("Fair share", SHARE_HEADER, share_lines(rows), numbers=frozenset({1, 2, 3, 4}))
    return workbook(
        [sheet],
        [
            ("School year", year_label),
            ("Note", "A school's fair share is the placements taken by weighted schools times "
             "its weight over the sum of the weights."),
        ],
    )  # fmt: skip


def share_chart(rows: Sequence[ShareRow], year_label: str) -> Chart | None:
    """Placements taken by each school beside its fair share; None with nothing to draw."""
    weighted = [r for r in rows if r.line is not None]
    if not weighted:
        return None
    values = [
        {"school": r.setting.name, "series": series, "placements": value}
        for r in weighted
        for series, value in (("Taken", r.taken), ("Fair share", float(r.line.share)))  # type: ignore[union-attr]
    ]
    chart = (
        alt.Chart({"values": values})
        .mark_bar()
        .encode(
            y=alt.Y("school:N", title=None, sort=[r.setting.name for r in weighted]),
            yOffset=alt.YOffset("series:N", sort=["Taken", "Fair share"]),
            x=alt.X("placements:Q", title="Fair access placements"),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=["Taken", "Fair share"], range=["#1d70b8", "#b1b4b6"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["school:N", "series:N", alt.Tooltip("placements:Q", format=".1f")],
        )
        .properties(width="container", height=alt.Step(14))
    )
    over = [r.setting.name for r in weighted if r.line and r.line.difference > 0]
    description = (
        f"Fair access placements agreed in {year_label} at {len(weighted)} schools, each "
        f"beside its fair share by agreed weight. Above their share: "
        f"{', '.join(over) if over else 'none'}. The table gives the same figures."
    )
    return chart_context(chart, element_id="fair-share-chart", description=description)
