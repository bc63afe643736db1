"""``knotwork attendance measures --marks FILE.csv [--from D] [--to D] [--pa-threshold 10]
--format json|csv``: the DfE measures per enrolment from a file of marks, for data teams.

Needs no database: the file (the import's columns: UPN, URN, date, session,
code) is all there is. Each enrolment (a UPN at a URN) becomes a row of code
ids over the sessions the file marks, and the measures come from
``knotwork.analytics.attendance``, as on the pages. One row per enrolment,
sorted by setting then UPN, then a row of totals (``TOTAL`` at ``ALL``): sessions
summed, the absence rate of the sums, and how many enrolments are persistently
and severely absent.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from knotwork.analytics.attendance import (
    PERSISTENT_THRESHOLD,
    percentage,
    persistent,
    sessions_of,
    severe,
    summarise,
)
from knotwork.attendance.imports.marks_file import (
    FileProblem,
    MarkLines,
    Problems,
    error_lines,
    first_of_each_session,
    parse_date,
    parse_marks,
    read_csv,
)

HELP = "Attendance measures per enrolment from a CSV file of marks (no database needed)."
COLUMNS = (
    "upn",
    "setting",
    "possible",
    "present",
    "approved_activity",
    "authorised",
    "unauthorised",
    "absence_rate",
    "persistent",
    "severe",
)


@dataclass(frozen=True)
class MeasureRow:
    upn: str
    setting: str
    possible: int
    present: int
    approved_activity: int
    authorised: int
    unauthorised: int
    absence_rate: Decimal | None
    persistent: bool | int
    severe: bool | int


def enrolment_measures(
    marks: MarkLines,
    problems: Problems,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    pa_threshold: Fraction = PERSISTENT_THRESHOLD,
) -> list[MeasureRow]:
    """One row per enrolment in the file, then the totals; [] when the file has problems.

    Every line is checked, inside the window or not; only marks from ``first``
    to ``last`` (inclusive) are counted.
    """
    parsed = parse_marks(marks, problems)
    keep = first_of_each_session(parsed, problems, parsed.usable)
    if problems:
        return []
    lines = np.flatnonzero(keep)
    pair = parsed.upn[lines].astype(np.int64) * len(parsed.urns) + parsed.urn[lines]
    enrolments, enrolment_of_line = np.unique(pair, return_inverse=True)
    ordinal = np.array([d.toordinal() for d in parsed.days], dtype=np.int64)[parsed.day[lines]]
    inside = np.ones(len(lines), dtype=bool)
    if first is not None:
        inside &= ordinal >= first.toordinal()
    if last is not None:
        inside &= ordinal <= last.toordinal()
    # Columns: the sessions the file marks inside the window, in date order.
    days_used = np.unique(parsed.day[lines][inside])
    column_of_day = np.full(len(parsed.days) + 1, -1, dtype=np.int64)
    by_date = sorted(days_used.tolist(), key=lambda d: parsed.days[d])
    column_of_day[by_date] = np.arange(len(by_date))
    matrix = np.zeros((len(enrolments), 2 * len(by_date)), dtype=np.uint8)
    chosen = lines[inside]
    matrix[
        enrolment_of_line[inside], 2 * column_of_day[parsed.day[chosen]] + parsed.half[chosen]
    ] = parsed.code[chosen]

    sessions = sessions_of(matrix)
    is_persistent = persistent(sessions, pa_threshold)
    is_severe = severe(sessions)
    urns = len(parsed.urns)
    names = [(parsed.urns[int(key) % urns], parsed.upns[int(key) // urns]) for key in enrolments]
    rows = []
    for i in sorted(range(len(enrolments)), key=lambda i: names[i]):
        possible = int(sessions.possible[i])
        rows.append(
            MeasureRow(
                upn=names[i][1],
                setting=names[i][0],
                possible=possible,
                present=int(sessions.present[i]),
                approved_activity=int(sessions.approved_activity[i]),
                authorised=int(sessions.authorised[i]),
                unauthorised=int(sessions.unauthorised[i]),
                absence_rate=percentage(int(sessions.absent[i]), possible),
                persistent=bool(is_persistent[i]),
                severe=bool(is_severe[i]),
            )
        )
    total = summarise(sessions, pa_threshold=pa_threshold)
    rows.append(
        MeasureRow(
            upn="TOTAL",
            setting="ALL",
            possible=total.possible,
            present=total.present,
            approved_activity=total.approved_activity,
            authorised=total.authorised,
            unauthorised=total.unauthorised,
            absence_rate=total.absence_rate,
            persistent=total.persistent,
            severe=total.severe,
        )
    )
    return rows


def as_json(rows: list[MeasureRow]) -> str:
    def value(row: MeasureRow, name: str) -> Any:
        found = getattr(row, name)
        return float(found) if isinstance(found, Decimal) else found

    return json.dumps([{name: value(row, name) for name in COLUMNS} for row in rows], indent=2)


def as_csv(rows: list[MeasureRow]) -> str:
    def text(found: object) -> str:
        if found is None:
            return ""
        if isinstance(found, bool):
            return "true" if found else "false"
        return str(found)

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([text(getattr(row, name)) for name in COLUMNS])
    return out.getvalue()


def _date(text: str) -> datetime.date:
    found = parse_date(text)
    if found is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD or DD/MM/YYYY)")
    return found


def _threshold(text: str) -> Fraction:
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 100 or value.denominator > 1000:
        raise argparse.ArgumentTypeError("the threshold is a per cent above 0 and up to 100")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--marks", required=True, metavar="FILE.csv", help="CSV: UPN, URN, date, session, code"
    )
    parser.add_argument("--from", dest="first", type=_date, metavar="D", help="first day counted")
    parser.add_argument("--to", dest="last", type=_date, metavar="D", help="last day counted")
    parser.add_argument(
        "--pa-threshold",
        type=_threshold,
        default=PERSISTENT_THRESHOLD,
        metavar="PER_CENT",
        help="persistent absence threshold, per cent of possible sessions (default 10)",
    )
    parser.add_argument("--format", choices=["json", "csv"], required=True)


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    path = Path(options["marks"])
    first, last = options.get("first"), options.get("last")
    if first and last and first > last:
        raise CommandError("--from must not be after --to.")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
    problems = Problems(file_name=path.name)
    try:
        marks = read_csv(content, path.name, problems)
    except FileProblem as exc:
        command.stderr.write(error_lines([exc.problem.as_dict()])[0])
        raise CommandError(f"{path.name} cannot be read as marks.") from None
    problems.marks = marks
    rows = enrolment_measures(
        marks, problems, first=first, last=last, pa_threshold=options["pa_threshold"]
    )
    if problems:
        for line in error_lines(problems.report()):
            command.stderr.write(line)
        raise CommandError(f"{path.name} has {problems.count:,} problems; no measures worked out.")
    output = as_json(rows) + "\n" if options["format"] == "json" else as_csv(rows)
    command.stdout.write(output, ending="")
