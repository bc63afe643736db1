"""The tracking grid taken elsewhere, as CSV and XLSX: a row per pupil, a column per
agency, each cell its involvements one to a line ("Contact: line")."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from knotwork.casework.grid_queries import Grid, Involvement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIXED = ["Pupil", "Year", "Setting"]

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _cell(involvements: Sequence[Involvement]) -> str:
    return "\n".join(i.text for i in involvements)


def header(grid: Grid) -> list[str]:
    return FIXED + [c.name for c in grid.columns]


def lines(grid: Grid) -> list[list[str | int]]:
    """Each pupil's row: name, year group, settings on roll today, then a cell per agency."""
    out: list[list[str | int]] = []
    for row in grid.rows:
        fixed: list[str | int] = [row.pupil.display_name, row.year, "; ".join(row.settings)]
        out.append(fixed + [_cell(cell) for cell in row.cells])
    return out


def grid_csv(grid: Grid) -> str:
    """The grid as CSV, with a byte order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_safe(h) for h in header(grid)])
    for values in lines(grid):
        writer.writerow([_safe(v) if isinstance(v, str) else v for v in values])
    return out.getvalue()


def grid_xlsx(grid: Grid, notes: Sequence[tuple[str, str]]) -> bytes:
    """The grid as an Excel workbook, then a sheet of the agencies' contacts and notes."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Tracking grid"
    sheet.append([_safe(h) for h in header(grid)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for values in lines(grid):
        sheet.append([_safe(v) if isinstance(v, str) else v for v in values])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 6
    sheet.column_dimensions["C"].width = 28
    for index in range(len(FIXED) + 1, len(FIXED) + len(grid.columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40
    about = book.create_sheet("Agencies and notes")
    about.append(["Agency", "Contact", "Telephone"])
    for cell in about[1]:
        cell.font = Font(bold=True)
    for column in grid.columns:
        about.append([_safe(column.name), _safe(column.contact), _safe(column.phone)])
    about.append([])
    for name, text in notes:
        about.append([_safe(name), _safe(text)])
    about.column_dimensions["A"].width = 44
    about.column_dimensions["B"].width = 60
    about.column_dimensions["C"].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
