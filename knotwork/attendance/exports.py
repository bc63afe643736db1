"""Attendance dashboard tables taken elsewhere: CSV and XLSX, suppressed as on the page.

One row per group and year (this year, then the same window last year), with
every rate beside its counts. A suppressed group's figures are ``x``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from knotwork.attendance.dashboard_queries import Dashboard, Figures, Row, Table
from knotwork.attendance.dashboard_rules import Window

SUPPRESSED = "x"

HEADER = [
    "Group",
    "Academic year",
    "From",
    "To",
    "Enrolments",
    "Possible sessions",
    "Absence sessions",
    "Authorised absence sessions",
    "Unauthorised absence sessions",
    "Overall absence rate (%)",
    "Authorised absence rate (%)",
    "Unauthorised absence rate (%)",
    "Persistently absent enrolments",
    "Persistent absence rate (%)",
    "Severely absent enrolments",
    "Severe absence rate (%)",
]
_FIGURE_COLUMNS = len(HEADER) - 4
_RATE_COLUMNS = {9, 10, 11, 13, 15}

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | None


def _figures(figures: Figures) -> list[Cell]:
    if not figures.shown:
        return [SUPPRESSED] * _FIGURE_COLUMNS
    s = figures.summary
    return [
        s.enrolments,
        s.possible,
        s.absent,
        s.authorised,
        s.unauthorised,
        s.absence_rate,
        s.authorised_rate,
        s.unauthorised_rate,
        s.persistent,
        s.persistent_rate,
        s.severe,
        s.severe_rate,
    ]


def _label(table: Table, index: int) -> str:
    row = table.rows[index]
    if not row.detail:
        return row.label
    parent = next(r for r in reversed(table.rows[:index]) if not r.detail)
    return f"{parent.label}: {row.label}"


def export_rows(dashboard: Dashboard, table: Table) -> Iterator[list[Cell]]:
    """The table as rows of cells (no header): each group this year, then last year."""
    years: list[tuple[str, Window, bool]] = [(dashboard.year_label, dashboard.window, True)]
    if dashboard.last_year_has_data:
        years.append((dashboard.last_year_label, dashboard.last_window, False))
    for index, row in enumerate(table.rows):
        for label, window, this_year in years:
            figures = row.this_year if this_year else _last(row)
            yield [
                _label(table, index),
                label,
                window.first.isoformat(),
                window.last.isoformat(),
                *_figures(figures),
            ]


def _last(row: Row) -> Figures:
    if row.last_year is None:
        raise ValueError("no figures for last year")
    return row.last_year


def notes(dashboard: Dashboard) -> list[str]:
    """What the figures mean, for the page and the spreadsheet."""
    return [
        "Figures follow the DfE method: each enrolment counts once at its setting (a pupil "
        "who moved school counts at each); possible sessions leave out sessions that are not "
        "counted (D, X, Y1-Y7, Q, Z, #); rates are sums of sessions, not averages of pupils.",
        f"Persistently absent: an enrolment that missed {dashboard.threshold_label} or more of "
        "its own possible sessions in the window. Severely absent: 50% or more.",
        f"{SUPPRESSED}: figures for fewer than {dashboard.minimum} enrolments are not shown, nor "
        "a group's whose figures could be worked out from the total less the groups shown.",
        "Ethnicity: each major group is followed by the detail within it (indented on the "
        "page; in a download, named after the group and a colon).",
    ]


def _safe(value: Cell) -> str:
    if value is None:
        return ""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def table_csv(dashboard: Dashboard, table: Table) -> str:
    """The table as CSV, with a byte order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in export_rows(dashboard, table):
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def table_xlsx(dashboard: Dashboard, table: Table) -> bytes:
    """The table as an Excel workbook: the figures, then a sheet of notes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in export_rows(dashboard, table):
        sheet.append([_safe(v) if isinstance(v, str) else v for v in values])
        for column in _RATE_COLUMNS:
            if isinstance(values[column], Decimal):
                sheet.cell(row=sheet.max_row, column=column + 1).number_format = "0.00"
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 44
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 12
    about = book.create_sheet("Notes")
    scope = dashboard.scope
    about.append(["Settings", "; ".join(s.name for s in scope.settings)])
    if scope.partnership is not None:
        about.append(["Partnership", scope.partnership.name])
    about.append(
        [
            "Window",
            f"{dashboard.window.first:%d/%m/%Y} to {dashboard.window.last:%d/%m/%Y} "
            f"({dashboard.year_label})",
        ]
    )
    if dashboard.last_year_has_data:
        about.append(
            [
                "Compared with",
                f"{dashboard.last_window.first:%d/%m/%Y} to {dashboard.last_window.last:%d/%m/%Y} "
                f"({dashboard.last_year_label})",
            ]
        )
    for note in notes(dashboard):
        about.append(["Note", note])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
