"""The waiting-times table as the page shows it, and as CSV and XLSX: figures only, never
a pupil, with hidden figures as ``x``."""

from __future__ import annotations

import csv
import io
from fractions import Fraction

from openpyxl import Workbook
from openpyxl.styles import Font

from knotwork.casework.waiting_queries import WaitingTimes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HIDDEN = "x"

HEADER = [
    "Agency",
    "Service",
    "Sent",
    "Accepted",
    "Declined",
    "Taken on (%)",
    "Median days to acceptance",
    "90th percentile days to acceptance",
    "Median days to first session",
    "90th percentile days to first session",
    "Unanswered",
    "Past the target",
]

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _days(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value):.1f}"


def table_lines(times: WaitingTimes) -> list[list[str]]:
    """Each agency, then each of its services, as the page's text."""
    lines = []
    for row, shown in times.rows:
        f = row.figures
        if not shown:
            lines.append([row.agency, row.service] + [HIDDEN] * (len(HEADER) - 2))
            continue
        share = "" if f.taken_on is None else f"{float(f.taken_on) * 100:.1f}"
        lines.append(
            [
                row.agency,
                row.service,
                str(f.sent),
                str(f.accepted),
                str(f.declined),
                share,
                _days(f.to_acceptance_median),
                _days(f.to_acceptance_p90),
                _days(f.to_service_median),
                _days(f.to_service_p90),
                str(f.unanswered),
                str(f.overdue),
            ]
        )
    return lines


def waiting_csv(times: WaitingTimes) -> str:
    """The table as CSV, with a byte order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows([[_safe(v) for v in line] for line in table_lines(times)])
    return out.getvalue()


def _number(text: str) -> str | int | float | None:
    """A figure as a number a spreadsheet can sum; ``x`` stays text, blank is empty."""
    if text == "":
        return None
    if text == HIDDEN:
        return text
    return float(text) if "." in text else int(text)


def waiting_xlsx(times: WaitingTimes) -> bytes:
    """The table as an Excel workbook with figures as numbers, then a sheet of notes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Waiting times"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in table_lines(times):
        sheet.append([_safe(line[0]), _safe(line[1]), *(_number(v) for v in line[2:])])
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 32
    about = book.create_sheet("Notes")
    about.append(["Referrals sent", f"{times.first:%d/%m/%Y} to {times.last:%d/%m/%Y}"])
    if times.minimum:
        about.append(
            [
                "Note",
                f"x: figures for fewer than {times.minimum} referrals are not shown, nor any "
                "that could be worked out from the rest.",
            ]
        )
    about.append(
        [
            "Note",
            "Medians and 90th percentiles interpolate between the closest ranks (an even "
            "count's median is the mean of the middle two).",
        ]
    )
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
