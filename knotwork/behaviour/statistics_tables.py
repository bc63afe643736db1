"""Exclusion statistics as tables of text: for the page, and as CSV and XLSX files.

Every rate stands beside its count; a hidden figure is ``x`` (seed 003's mark).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from knotwork.analytics.exclusions import SUPPRESSED, Figures, ReasonFigures, Value
from knotwork.behaviour.statistics_queries import Statistics, Table, Year

# --- Cells ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    measure: str
    heading: str
    kind: str  # count, rate, share, days


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False


COLUMNS = (
    Column("headcount", "Pupils on roll", "count"),
    Column("suspensions", "Suspensions", "count"),
    Column("share_of_suspensions", "Share of all suspensions (%)", "share"),
    Column("suspension_rate", "Suspension rate (per 100 pupils)", "rate"),
    Column("pupils_with_suspension", "Pupils with one or more suspensions", "count"),
    Column("one_or_more_rate", "One or more suspension rate (per 100 pupils)", "rate"),
    Column("days", "Days lost", "days"),
    Column("average_length_days", "Average length (days)", "rate"),
    Column("suspensions_five_days_or_less", "Suspensions of five days or less", "count"),
    Column("share_five_days_or_less", "Share of five days or less (%)", "share"),
    Column("pupils_with_two_or_more", "Pupils with two or more suspensions", "count"),
    Column("pupils_with_five_or_more", "Pupils with five or more suspensions", "count"),
    Column("permanent_exclusions", "Permanent exclusions", "count"),
    Column("share_of_permanent_exclusions", "Share of all permanent exclusions (%)", "share"),
    Column("permanent_exclusion_rate", "Permanent exclusion rate (per 100 pupils)", "rate"),
)
#: The columns the page shows for a breakdown by a pupil characteristic.
GROUP_COLUMNS = tuple(
    c
    for c in COLUMNS
    if c.measure
    in {
        "headcount",
        "suspensions",
        "share_of_suspensions",
        "suspension_rate",
        "pupils_with_suspension",
        "one_or_more_rate",
        "permanent_exclusions",
        "share_of_permanent_exclusions",
        "permanent_exclusion_rate",
    }
)
#: The by-setting table leaves out the shares (every setting's own rates matter more).
SETTING_COLUMNS = tuple(c for c in COLUMNS if c.kind != "share")
REASON_HEADER = [
    "Reason code",
    "Reason",
    "Academic year",
    "Suspension reasons",
    "Share of suspension reasons (%)",
    "Permanent exclusion reasons",
    "Share of permanent exclusion reasons (%)",
]


#: Shown where there is no figure (no one on roll, no suspension to average).
NONE = "\u2013"


def text(value: Value, kind: str) -> str:
    """A figure as the page shows it: counts with thousands separators, rates to two
    places, shares to one, days to one; a dash where there is none; x where hidden."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None:
        return NONE
    if kind == "count":
        return f"{value:,}"
    number = Decimal(value)
    if kind == "days":  # whole or half days
        return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.1f}"
    places = {"rate": "0.01", "share": "0.1"}[kind]
    return f"{number.quantize(Decimal(places)):,}"


def cell(value: Value, kind: str) -> Cell:
    return Cell(text(value, kind), value == SUPPRESSED)


@dataclass(frozen=True)
class DisplayYear:
    label: str
    cells: list[Cell]


@dataclass(frozen=True)
class DisplayRow:
    label: str
    years: list[DisplayYear]
    detail: bool
    total: bool


@dataclass(frozen=True)
class DisplayTable:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: list[DisplayRow]


def shown_years(statistics: Statistics) -> list[int]:
    """Positions of the years with any records (the chosen year always)."""
    return [i for i, y in enumerate(statistics.years) if i == 0 or y.has_records]


def display_table(statistics: Statistics, table: Table) -> DisplayTable:
    columns = SETTING_COLUMNS if table.slug == "setting" else GROUP_COLUMNS
    years = shown_years(statistics)
    rows = [
        DisplayRow(
            row.label,
            [
                DisplayYear(
                    statistics.years[i].label,
                    [cell(row.years[i].value(c.measure), c.kind) for c in columns],
                )
                for i in years
            ],
            row.detail,
            row.total,
        )
        for row in table.rows
    ]
    return DisplayTable(table.slug, table.title, columns, rows)


# --- The headline --------------------------------------------------------------------------

#: The headline's measures: (name, count measure, rate measure and what it is "per").
HEADLINE = (
    ("Pupils on roll", "headcount", None, ""),
    ("Suspensions", "suspensions", "suspension_rate", "per 100 pupils"),
    (
        "Pupils with one or more suspensions",
        "pupils_with_suspension",
        "one_or_more_rate",
        "per 100 pupils",
    ),
    ("Days lost to suspensions", "days", None, ""),
    ("Average length of a suspension", "average_length_days", None, "days"),
    (
        "Suspensions of five days or less",
        "suspensions_five_days_or_less",
        "share_five_days_or_less",
        "of suspensions",
    ),
    ("Pupils with two or more suspensions", "pupils_with_two_or_more", None, ""),
    ("Pupils with five or more suspensions", "pupils_with_five_or_more", None, ""),
    (
        "Permanent exclusions",
        "permanent_exclusions",
        "permanent_exclusion_rate",
        "per 100 pupils",
    ),
)
_KIND = {
    "days": "days",
    "average_length_days": "rate",
    "suspension_rate": "rate",
    "one_or_more_rate": "rate",
    "share_five_days_or_less": "share",
    "permanent_exclusion_rate": "rate",
}


@dataclass(frozen=True)
class HeadlineCell:
    count: Cell
    rate: Cell | None
    per: str


@dataclass(frozen=True)
class HeadlineRow:
    name: str
    years: list[HeadlineCell]


def headline(statistics: Statistics) -> list[HeadlineRow]:
    """Each measure for the chosen settings, year by year, its count beside its rate."""
    years = [statistics.years[i] for i in shown_years(statistics)]
    rows = []
    for name, count, rate, per in HEADLINE:
        cells = []
        for year in years:
            whole = year.whole
            count_cell = cell(whole.value(count), _KIND.get(count, "count"))
            rate_cell = None if rate is None else cell(whole.value(rate), _KIND[rate])
            if rate and _KIND[rate] == "share" and rate_cell and not rate_cell.hidden:
                rate_cell = Cell(f"{rate_cell.text}%")
            cells.append(HeadlineCell(count_cell, rate_cell, per))
        rows.append(HeadlineRow(name, cells))
    return rows


# --- Notes ---------------------------------------------------------------------------------


def notes(statistics: Statistics) -> list[str]:
    """What the figures mean, for the page and the spreadsheet."""
    found = []
    for year in (statistics.years[i] for i in shown_years(statistics)):
        if year.on_census_day:
            found.append(
                f"{year.label}: pupils on roll on the spring census day, "
                f"{year.headcount_day:%-d %B %Y} (the third Thursday of January)."
            )
        else:
            found.append(
                f"{year.label} is under way and its census day is still to come: pupils on "
                f"roll on {year.headcount_day:%-d %B %Y}, and exclusions recorded so far."
            )
    return [
        "Rates are per 100 pupils on roll. Pupils on roll are counted on the spring census "
        "day, the third Thursday of January, as the DfE counts the headcount for exclusion "
        "rates: it is the roll the rest of the year's figures are published against. Each "
        "pupil counts once, at their main setting (a second, subsidiary registration, at a "
        "pupil referral unit say, is not counted again).",
        *found,
        "Suspensions are those starting in the academic year (1 September to 31 August). "
        "Lengths count half days (a lunchtime is half a day), so days lost may end in .5. "
        "Five days or less means ten sessions or fewer.",
        "Pupils with one or more suspensions are counted as the DfE counts them, by "
        "enrolment: a pupil suspended at two settings counts at each.",
        "Permanent exclusions counted are those the governing board upheld and those it has "
        "not yet decided. An exclusion the headteacher cancelled is not counted (suspension "
        "or permanent exclusion), nor a permanent exclusion where the governing board "
        "directed reinstatement.",
        "Reasons: each of the up to three reasons an exclusion records counts once; shares "
        "are of all the reasons recorded for that kind of exclusion.",
        "Pupils' characteristics are those on their record now. Age is age on 31 August "
        "before the academic year.",
        f"{SUPPRESSED}: fewer than {statistics.minimum}, or a rate based on fewer than "
        f"{statistics.minimum} (as the local authority's tables mark them), and any figure "
        "from which a hidden one could be worked out (a total less the figures shown).",
    ]


# --- Files ---------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FileValue = str | int | Decimal | None


def group_header() -> list[str]:
    return ["Group", "Academic year", "Pupils counted on", *(c.heading for c in COLUMNS)]


def group_rows(statistics: Statistics, table: Table) -> Iterator[list[FileValue]]:
    """A table's rows for a file: each group year by year, every measure."""
    years = shown_years(statistics)
    parent = ""
    for row in table.rows:
        parent = row.label if not row.detail else parent
        label = f"{parent}: {row.label}" if row.detail else row.label
        for i in years:
            yield [label, *_year_cells(statistics.years[i]), *_measures(row.years[i])]


def headline_rows(statistics: Statistics) -> Iterator[list[FileValue]]:
    label = "All settings chosen"
    for i in shown_years(statistics):
        year = statistics.years[i]
        yield [label, *_year_cells(year), *_measures(year.whole)]


def _year_cells(year: Year) -> list[FileValue]:
    return [year.label, year.headcount_day.isoformat()]


def _measures(figures: Figures) -> list[FileValue]:
    return [figures.value(c.measure) for c in COLUMNS]


def reason_rows(statistics: Statistics) -> Iterator[list[FileValue]]:
    years = shown_years(statistics)
    for row in statistics.reasons:
        for i in years:
            found: ReasonFigures = row.years[i]
            yield [
                row.code or "All",
                row.label,
                statistics.years[i].label,
                found.suspensions,
                found.suspension_share,
                found.permanent,
                found.permanent_share,
            ]


def file_table(statistics: Statistics, slug: str) -> tuple[str, list[str], list[list[FileValue]]]:
    """(title, header, rows) of a table for a file."""
    if slug == "headline":
        return "Headline figures", group_header(), list(headline_rows(statistics))
    if slug == "reason":
        return "By reason", REASON_HEADER, list(reason_rows(statistics))
    table = statistics.table(slug)
    if table is None:
        raise KeyError(slug)
    return table.title, group_header(), list(group_rows(statistics, table))


def _safe(value: FileValue) -> str:
    if value is None:
        return ""
    found = str(value)
    return f"'{found}" if found.startswith(_FORMULA_STARTS) else found


def table_csv(statistics: Statistics, slug: str) -> str:
    """A table as CSV, with a byte order mark so spreadsheets read it as UTF-8."""
    _, header, rows = file_table(statistics, slug)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()


def table_xlsx(statistics: Statistics, slug: str) -> bytes:
    """A table as an Excel workbook: the figures, then a sheet of notes."""
    title, header, rows = file_table(statistics, slug)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(header)
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    for values in rows:
        sheet.append([_safe(v) if isinstance(v, str) else v for v in values])
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 44
    about = book.create_sheet("Notes")
    about.append(["Settings", "; ".join(s.name for s in statistics.chosen)])
    if statistics.scope.partnership is not None:
        about.append(["Partnership", statistics.scope.partnership.name])
    for note in notes(statistics):
        about.append(["Note", note])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- Reasons on the page -------------------------------------------------------------------


@dataclass(frozen=True)
class DisplayReason:
    code: str
    label: str
    years: list[DisplayYear]
    total: bool


def display_reasons(statistics: Statistics) -> list[DisplayReason]:
    """Each reason recorded, year by year: suspension reasons and their share, then
    permanent exclusion reasons and theirs."""
    years = shown_years(statistics)
    out = []
    for row in statistics.reasons:
        cells = []
        for i in years:
            found = row.years[i]
            cells.append(
                DisplayYear(
                    statistics.years[i].label,
                    [
                        cell(found.suspensions, "count"),
                        cell(found.suspension_share, "share"),
                        cell(found.permanent, "count"),
                        cell(found.permanent_share, "share"),
                    ],
                )
            )
        out.append(DisplayReason(row.code, row.label, cells, row.total))
    return out
