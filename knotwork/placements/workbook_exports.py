"""The partnership's tables as Excel workbooks, beside their CSV: the same header and
lines (so the same suppression, ``x`` staying text), with figures as numbers a
spreadsheet can sum, days as dates, and a sheet of notes. Written with openpyxl, as
casework's waiting times and tracking grid are."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | datetime.date | None


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _number(text: str) -> Cell:
    """A figure as a number; blank is empty; anything else (``x``, "no weight agreed")
    stays text."""
    if text == "":
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _safe(text)
    return int(value) if value == value.to_integral_value() and "." not in text else value


def _date(text: str) -> Cell:
    if text == "":
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return _safe(text)


@dataclass(frozen=True)
class Sheet:
    """One table: its title, header and lines as the CSV has them, and which columns
    (by index) hold figures and which days."""

    title: str
    header: Sequence[str]
    lines: Iterable[Sequence[str]]
    numbers: frozenset[int] = field(default_factory=frozenset)
    dates: frozenset[int] = field(default_factory=frozenset)

    def cells(self, line: Sequence[str]) -> list[Cell]:
        return [
            _number(v) if i in self.numbers else _date(v) if i in self.dates else _safe(v)
            for i, v in enumerate(line)
        ]


def workbook(sheets: Sequence[Sheet], notes: Sequence[tuple[str, str]] = ()) -> bytes:
    """The sheets in order, each with a bold, frozen header, then the notes if any."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for table in sheets:
        sheet = book.create_sheet(table.title[:31])
        sheet.append([_safe(h) for h in table.header])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for line in table.lines:
            sheet.append(table.cells(line))
            for i in table.dates:
                sheet.cell(row=sheet.max_row, column=i + 1).number_format = "DD/MM/YYYY"
        sheet.freeze_panes = "B2"
        for i, heading in enumerate(table.header, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = max(12, min(44, len(heading) + 2))
    if notes:
        about = book.create_sheet("Notes")
        for name, text in notes:
            about.append([_safe(name), _safe(text)])
        about.column_dimensions["A"].width = 24
        about.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
