"""The managed-move monitor taken elsewhere, as CSV and XLSX: the per-setting table and
the pupil-group tables, figures only, never a pupil, with hidden figures as ``x``."""

from __future__ import annotations

import csv
import io

from knotwork.placements.move_queries import MONITOR_HEADER, Monitor, monitor_lines
from knotwork.placements.workbook_exports import Sheet, workbook

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

GROUP_HEADER = ["Pupils on roll", "Managed moves", "Per 100 on roll", "Flagged"]


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def group_lines(m: Monitor) -> list[tuple[str, list[str]]]:
    """Each group table's title with each of its rows, as the page shows them."""
    return [
        (
            table.title,
            [
                row.label,
                str(row.cells["on_roll"]),
                str(row.cells["uses"]),
                str(row.cells["uses_rate"]),
                "yes" if row.label in table.flagged else "",
            ],
        )
        for table in m.groups
        for row in table.rows
    ]


def monitor_csv(m: Monitor) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(MONITOR_HEADER)
    writer.writerows([[_safe(v) for v in line] for line in monitor_lines(m)])
    for table in m.groups:
        writer.writerow([])
        writer.writerow([table.title, *GROUP_HEADER])
        writer.writerows([line for title, line in group_lines(m) if title == table.title])
    return out.getvalue()


def monitor_xlsx(m: Monitor, success_days: int) -> bytes:
    settings_sheet = Sheet(
        "Settings", MONITOR_HEADER, monitor_lines(m), numbers=frozenset({1, 2, 3, 4, 5, 6})
    )
    groups_sheet = Sheet(
        "Pupil groups",
        ["Grouping", "Group", *GROUP_HEADER],
        [[title, *line] for title, line in group_lines(m)],
        numbers=frozenset({2, 3, 4}),
    )
    notes = [
        ("Partnership", m.partnership.name),
        ("On", f"{m.today:%d/%m/%Y}"),
        (
            "Success",
            f"A permanent move is judged {success_days} days after it was finalised: a "
            "success if the pupil stayed on the receiving school's roll throughout.",
        ),
        (
            "Note",
            f"x: figures for groups of fewer than {m.minimum} pupils are not shown, nor any "
            "that could be worked out from the rest.",
        ),
    ]
    return workbook([settings_sheet, groups_sheet], notes)
