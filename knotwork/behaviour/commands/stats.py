"""``knotwork exclusions stats --exclusions FILE.csv --roll FILE.csv --format json|csv
[--year 2026] [--min-count 5]``: suspension and permanent exclusion statistics from
two files, for data teams.

Needs no database. The exclusions file has ``upn, setting_urn, type (suspension |
permanent), start_date, days, reason1, reason2, reason3``; the roll file, the pupils on
roll on the census day, has ``upn, setting_urn, phase, gender, date_of_birth,
ethnicity, sen, fsm``. Each exclusion takes its pupil's characteristics from the roll
(by UPN; the phase is its setting's); a pupil not on the roll counts in "unknown".
The figures come from ``knotwork.analytics.exclusions``, as on the statistics pages:
the measures for all the exclusions, then ``by_setting`` and ``by_<characteristic>``
breakdowns and ``by_reason``. With ``--min-count N`` counts from 1 to N-1 (and what
would give them away) are shown as ``x``, as the pages do with 5.

Every line of both files is checked first; a bad file gets a report naming each line
and field, and no figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from knotwork.analytics.exclusions import (
    CHARACTERISTICS,
    KINDS,
    PERMANENT,
    SUSPENSION,
    Breakdown,
    Characteristics,
    Excluded,
    Figures,
    OnRoll,
    age_at_start,
    breakdown_tables,
    groups_of,
    reason_figures,
    reason_tally,
    value_of,
    year_of,
)
from knotwork.attendance.imports.marks_file import (
    ERROR_LIMIT,
    FileProblem,
    Problem,
    decode,
    error_lines,
    parse_date,
)
from knotwork.behaviour.reasons import REASONS, UnknownReason, most_reasons, reason_for
from knotwork.pupils.rules import normalise_upn

HELP = "Exclusion statistics from a CSV of exclusions and a CSV of the roll (no database needed)."
EXCLUSION_COLUMNS = (
    "upn",
    "setting_urn",
    "type",
    "start_date",
    "days",
    "reason1",
    "reason2",
    "reason3",
)
ROLL_COLUMNS = (
    "upn",
    "setting_urn",
    "phase",
    "gender",
    "date_of_birth",
    "ethnicity",
    "sen",
    "fsm",
)
#: The measures printed for the whole and for each group, in order.
MEASURES = (
    "suspensions",
    "pupils_with_suspension",
    "days",
    "average_length_days",
    "share_five_days_or_less",
    "suspension_rate",
    "one_or_more_rate",
    "permanent_exclusions",
    "permanent_exclusion_rate",
    "headcount",
    "suspensions_five_days_or_less",
    "pupils_with_two_or_more",
    "pupils_with_five_or_more",
)
GROUP_MEASURES = (*MEASURES, "share_of_suspensions", "share_of_permanent_exclusions")
REASON_MEASURES = (
    "suspension_reasons",
    "share_of_suspension_reasons",
    "permanent_exclusion_reasons",
    "share_of_permanent_exclusion_reasons",
)
UNKNOWN = "unknown"
MOST_DAYS = 45  # the most school days a pupil may be suspended in a year
_TYPES = {"suspension": SUSPENSION, "permanent": PERMANENT}
_GENDERS = {"f": "F", "female": "F", "m": "M", "male": "M"}
_SEN = {"n", "k", "e"}
_YES = {"true", "yes", "y", "1"}
_NO = {"false", "no", "n", "0"}


class Problems(list[Problem]):
    """What is wrong with the files, line by line, up to ``ERROR_LIMIT``."""

    total = 0

    def add(self, file: str, line: int | None, field: str, reason: str) -> None:
        self.total += 1
        if len(self) < ERROR_LIMIT:
            self.append(Problem(file, line, field, reason))


# --- Reading the files ----------------------------------------------------------------


def read_rows(
    content: bytes, file_name: str, columns: tuple[str, ...], problems: Problems
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each row of a CSV with the named columns (any order, any
    case, extra columns ignored); a FileProblem when it is not such a file."""
    text = decode(content, file_name)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    names = [h.strip().lower().replace(" ", "_") for h in header]
    missing = [c for c in columns if c not in names]
    if missing:
        raise FileProblem(
            Problem(
                file_name,
                1,
                missing[0],
                f"The header row has no {', '.join(missing)} column"
                f"{'s' if len(missing) > 1 else ''}: it needs {', '.join(columns)}.",
            )
        )
    positions = {c: names.index(c) for c in columns}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) < len(header):
            problems.add(
                file_name, line, "", f"This line has {len(values)} of {len(header)} columns."
            )
            continue
        yield line, {c: values[i].strip() for c, i in positions.items()}


@dataclass(frozen=True)
class ExclusionLine:
    line: int
    upn: str
    urn: str
    kind: str
    start: datetime.date
    sessions: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class RollLine:
    line: int
    upn: str
    urn: str
    phase: str
    gender: str
    born: datetime.date
    ethnicity: str
    sen: str
    fsm: bool


def parse_exclusions(content: bytes, name: str, problems: Problems) -> list[ExclusionLine]:
    found = []
    for line, row in read_rows(content, name, EXCLUSION_COLUMNS, problems):
        before = problems.total

        def bad(field: str, reason: str, line: int = line) -> None:
            problems.add(name, line, field, reason)

        for field in ("upn", "setting_urn"):
            if not row[field]:
                bad(field, "This is empty.")
        kind = _TYPES.get(row["type"].lower())
        if kind is None:
            bad("type", "Give suspension or permanent.")
        start = parse_date(row["start_date"])
        if start is None:
            bad("start_date", "Give a date as YYYY-MM-DD or DD/MM/YYYY.")
        sessions = _sessions(row["days"], kind, bad)
        reasons = _reasons(row, start, bad) if start is not None else ()
        if problems.total == before and kind is not None and start is not None:
            found.append(
                ExclusionLine(
                    line,
                    normalise_upn(row["upn"]),
                    row["setting_urn"],
                    kind,
                    start,
                    sessions,
                    reasons,
                )
            )
    return found


def _sessions(text: str, kind: str | None, bad: Any) -> int:
    """A suspension's length in sessions from its days (whole or half days)."""
    if kind != SUSPENSION:
        return 0  # a permanent exclusion has no length; any days given are not used
    if not text:
        bad("days", "A suspension needs its length in days (half days allowed, as 0.5).")
        return 0
    try:
        halves = Decimal(text) * 2
    except ArithmeticError:
        bad("days", "Give the length in days as a number, such as 2 or 1.5.")
        return 0
    if halves != halves.to_integral_value() or halves <= 0:
        bad("days", "Give the length in whole or half days (0.5, 1, 1.5...).")
        return 0
    if halves > 2 * MOST_DAYS:
        bad("days", f"A pupil may be suspended for at most {MOST_DAYS} school days a year.")
        return 0
    return int(halves)


def _reasons(row: dict[str, str], start: datetime.date, bad: Any) -> tuple[str, ...]:
    codes: list[str] = []
    for position, field in enumerate(("reason1", "reason2", "reason3"), start=1):
        text = row[field]
        if not text:
            if position == 1:
                bad(field, "Give at least one reason code (DB, PA, VA...).")
            continue
        try:
            code = reason_for(text, start).code
        except UnknownReason as exc:
            bad(field, f"{exc}.")
            continue
        if position > most_reasons(start):
            bad(field, "Exclusions before 2020/21 carry one reason only.")
        elif code in codes:
            bad(field, f"{code} is given already.")
        else:
            codes.append(code)
    return tuple(codes)


def parse_roll(content: bytes, name: str, problems: Problems) -> list[RollLine]:
    found = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in read_rows(content, name, ROLL_COLUMNS, problems):
        before = problems.total

        def bad(field: str, reason: str, line: int = line) -> None:
            problems.add(name, line, field, reason)

        for field in ("upn", "setting_urn", "phase"):
            if not row[field]:
                bad(field, "This is empty.")
        key = (normalise_upn(row["upn"]), row["setting_urn"])
        if all(key) and key in seen:
            bad("upn", f"This pupil is on line {seen[key]} already at this setting.")
        seen.setdefault(key, line)
        gender = _GENDERS.get(row["gender"].lower())
        if gender is None:
            bad("gender", "Give F or M.")
        born = parse_date(row["date_of_birth"])
        if born is None:
            bad("date_of_birth", "Give a date as YYYY-MM-DD or DD/MM/YYYY.")
        ethnicity = row["ethnicity"].upper()
        if not (len(ethnicity) == 4 and ethnicity.isalpha()):
            bad("ethnicity", "Give the DfE four-letter code (WBRI, BCRB, NOBT...).")
        sen = row["sen"].lower()
        if sen not in _SEN:
            bad("sen", "Give N (none), K (SEN support) or E (EHC plan).")
        fsm = row["fsm"].lower()
        if fsm not in _YES | _NO:
            bad("fsm", "Give true or false.")
        if problems.total == before and gender is not None and born is not None:
            found.append(
                RollLine(
                    line,
                    key[0],
                    key[1],
                    row["phase"].lower(),
                    gender,
                    born,
                    ethnicity,
                    sen.upper(),
                    fsm in _YES,
                )
            )
    return found


# --- Putting them together ---------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    exclusions: list[Excluded]
    roll: list[OnRoll]
    start_year: int
    outside_year: int  # exclusions left out: not in the year
    not_on_roll: int  # exclusions of pupils the roll does not hold


def choose_year(lines: list[ExclusionLine], year: int | None, problems: Problems, name: str) -> int:
    if year is not None:
        return year
    years = sorted({year_of(e.start) for e in lines})
    if len(years) == 1:
        return years[0]
    if not years:
        problems.add(
            name, None, "start_date", "There are no exclusions: give the year with --year."
        )
    else:
        listed = ", ".join(f"{y}/{str(y + 1)[-2:]}" for y in years)
        problems.add(
            name, None, "start_date", f"The exclusions span {listed}: choose one with --year."
        )
    return 0


def join(
    lines: list[ExclusionLine],
    roll_lines: list[RollLine],
    start_year: int,
    problems: Problems,
    roll_name: str,
) -> Rows:
    """The exclusions of the year with their pupils' characteristics, and the roll."""
    phases: dict[str, tuple[str, int]] = {}
    for r in roll_lines:
        first = phases.setdefault(r.urn, (r.phase, r.line))
        if first[0] != r.phase:
            problems.add(
                roll_name,
                r.line,
                "phase",
                f"This setting's phase is {first[0]} on line {first[1]}: a setting has one phase.",
            )
    pupils: dict[str, RollLine] = {}
    for r in roll_lines:
        pupils.setdefault(r.upn, r)
        age = age_at_start(r.born, start_year)
        if not 2 <= age <= 25:
            problems.add(
                roll_name,
                r.line,
                "date_of_birth",
                f"This pupil would be {age} on 31 August {start_year}: check the date.",
            )

    def characteristics(r: RollLine, phase: str | None) -> Characteristics:
        age = age_at_start(r.born, start_year)
        return Characteristics(phase, r.gender, age, r.ethnicity, r.sen, r.fsm)

    exclusions, outside, missing = [], 0, 0
    for e in lines:
        if year_of(e.start) != start_year:
            outside += 1
            continue
        phase = phases[e.urn][0] if e.urn in phases else None
        pupil = pupils.get(e.upn)
        if pupil is None:
            missing += 1
        group = Characteristics(phase) if pupil is None else characteristics(pupil, phase)
        exclusions.append(Excluded(e.upn, e.urn, e.kind, e.sessions, e.reasons, group))
    cells: dict[tuple[str, Characteristics], int] = {}
    for r in roll_lines:
        key = (r.urn, characteristics(r, r.phase))
        cells[key] = cells.get(key, 0) + 1
    roll = [OnRoll(urn, group, n) for (urn, group), n in cells.items()]
    return Rows(exclusions, roll, start_year, outside, missing)


# --- The figures ---------------------------------------------------------------------------


def statistics(rows: Rows, minimum: int) -> dict[str, Any]:
    """Every measure, by setting and each characteristic, and the reasons, as named fields."""
    everyone: list[Excluded | OnRoll] = [*rows.exclusions, *rows.roll]
    values: dict[str, set[Hashable]] = {
        field: {value_of(r, field) for r in everyone} for field in ("setting", *CHARACTERISTICS)
    }
    breakdowns = [Breakdown(field, groups_of(found)) for field, found in values.items()]
    whole, tables = breakdown_tables(rows.exclusions, rows.roll, breakdowns, minimum)
    out: dict[str, Any] = {
        "academic_year": f"{rows.start_year}/{str(rows.start_year + 1)[-2:]}",
        "min_count": minimum,
        **_measures(whole, MEASURES),
    }
    for table in tables:
        out[f"by_{table.field}"] = {
            _key(group.values): _measures(figures, GROUP_MEASURES)
            for group, figures in zip(table.groups, table.rows, strict=False)
        }
    recorded = reason_tally(rows.exclusions)
    codes = [r.code for r in REASONS if any(r.code in recorded[k] for k in KINDS)]
    reasons, total = reason_figures(recorded, codes, minimum)
    out["by_reason"] = {
        r.code: dict(
            zip(
                REASON_MEASURES,
                map(_json, (r.suspensions, r.suspension_share, r.permanent, r.permanent_share)),
                strict=True,
            )
        )
        for r in reasons
    }
    out["reasons_recorded"] = {
        "suspensions": _json(total.suspensions),
        "permanent_exclusions": _json(total.permanent),
    }
    return out


def _key(values: tuple[Hashable, ...]) -> str:
    value = values[0] if len(values) == 1 else None
    if value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _measures(figures: Figures, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: _json(figures.value(name)) for name in names}


def _json(value: object) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def as_csv(figures: dict[str, Any]) -> str:
    """One line per figure: breakdown, group, measure, value (``all`` for the whole)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["breakdown", "group", "measure", "value"])
    for name, value in figures.items():
        if isinstance(value, dict):
            for group, measures in value.items():
                if isinstance(measures, dict):
                    for measure, found in measures.items():
                        writer.writerow([name, group, measure, _text(found)])
                else:
                    writer.writerow([name, "all", group, _text(measures)])
        else:
            writer.writerow(["all", "all", name, _text(value)])
    return out.getvalue()


def _text(value: object) -> str:
    return "" if value is None else str(value)


# --- The command ---------------------------------------------------------------------------


def _year(text: str) -> int:
    try:
        value = int(text.split("/")[0])
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a year such as 2026 or 2026/27"
        ) from None
    if not 1990 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"{value} is not a school year knotwork can count")
    return value


def _minimum(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the smallest count shown is 1 or more")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--exclusions",
        required=True,
        metavar="FILE.csv",
        help="CSV: " + ", ".join(EXCLUSION_COLUMNS),
    )
    parser.add_argument(
        "--roll",
        required=True,
        metavar="FILE.csv",
        help="CSV of pupils on roll on the census day: " + ", ".join(ROLL_COLUMNS),
    )
    parser.add_argument("--format", choices=["json", "csv"], required=True)
    parser.add_argument(
        "--year",
        type=_year,
        metavar="YEAR",
        help="the academic year, as 2026 or 2026/27 (by default the one the exclusions are in); "
        "exclusions in other years are left out",
    )
    parser.add_argument(
        "--min-count",
        type=_minimum,
        default=1,
        metavar="N",
        help="show counts from 1 to N-1, and what would give them away, as x "
        "(5 as on the pages; by default every figure is shown)",
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    exclusions_path, roll_path = Path(options["exclusions"]), Path(options["roll"])
    problems = Problems()
    try:
        lines = parse_exclusions(_read(exclusions_path), exclusions_path.name, problems)
        roll_lines = parse_roll(_read(roll_path), roll_path.name, problems)
    except FileProblem as exc:
        command.stderr.write(error_lines([exc.problem.as_dict()])[0])
        raise CommandError(f"{exc.problem.file} cannot be read as a CSV file.") from None
    start_year = choose_year(lines, options.get("year"), problems, exclusions_path.name)
    rows = join(lines, roll_lines, start_year, problems, roll_path.name) if not problems else None
    if problems or rows is None:
        for line in error_lines([p.as_dict() for p in problems]):
            command.stderr.write(line)
        more = problems.total - len(problems)
        if more > 0:
            command.stderr.write(f"... and {more:,} more.")
        raise CommandError(f"The files have {problems.total:,} problems; no figures worked out.")
    year = f"{start_year}/{str(start_year + 1)[-2:]}"
    if rows.outside_year:
        command.stderr.write(f"{rows.outside_year:,} exclusions outside {year} are left out.")
    if rows.not_on_roll:
        command.stderr.write(
            f"{rows.not_on_roll:,} exclusions are of pupils not in the roll: their "
            "characteristics count as unknown."
        )
    figures = statistics(rows, options["min_count"])
    output = (
        json.dumps(figures, indent=2) + "\n" if options["format"] == "json" else as_csv(figures)
    )
    command.stdout.write(output, ending="")
