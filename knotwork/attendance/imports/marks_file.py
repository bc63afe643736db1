"""Reading a file of register marks with no database: the lines of a CSV file (or the
marks of a CTF, see ``ctf.py``) as columns, each field checked on its own, and
duplicate marks for one session found.

The import checks the lines further against knotwork's records (``checks.py``);
``knotwork attendance measures`` needs nothing more.

A school's year is about 380,000 lines, so nothing here runs Python per line
where it can help it: a column's values are numbered once (a dict, in C), each
distinct value is checked once, and the per-line work is numpy indexing.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt

from knotwork.attendance.codes import NEW_CODES_FROM, UnknownCode, code_for
from knotwork.pupils.rules import normalise_upn

#: The columns of a marks file, in the order the error report lists them.
FIELDS = ("UPN", "URN", "date", "session", "code")
#: How many errors a report lists; the rest are counted.
ERROR_LIMIT = 200

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Problem:
    """One line of an error report. The reason never repeats a pupil's details."""

    file: str
    line: int | None
    field: str
    reason: str

    def as_dict(self) -> dict[str, str | int | None]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}


class FileProblem(Exception):
    """The file cannot be read as marks at all: empty, not text, not CSV, not a CTF..."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.reason)
        self.problem = problem


@dataclass
class MarkLines:
    """The marks of a file as columns of text, one entry per mark, with where each came from."""

    file_name: str
    upn: Sequence[str]
    urn: Sequence[str]
    date: Sequence[str]
    session: Sequence[str]
    code: Sequence[str]
    line: Ints
    #: Where a mark sits within its line, when a line holds many (a CTF's marks string).
    where: Sequence[str] | None = None
    #: What the file calls each field, for the report ("AttendanceMarks" in a CTF).
    labels: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.line)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


class Problems:
    """Errors found in a file, kept as groups (marks, field, reason) until reported."""

    def __init__(self, marks: MarkLines | None = None, file_name: str = "") -> None:
        self.marks = marks
        self.file_name = marks.file_name if marks is not None else file_name
        self._groups: list[tuple[Ints, str, str, Ints | None]] = []
        self._loose: list[Problem] = []

    def add(
        self,
        positions: npt.ArrayLike,
        field_name: str,
        reason: str,
        others: npt.ArrayLike | None = None,
    ) -> None:
        """The marks at ``positions`` have this problem. ``{other}`` in the reason is
        filled with the line of the mark at the same place in ``others``."""
        found = np.asarray(positions, dtype=np.int64).ravel()
        if found.size:
            paired = None if others is None else np.asarray(others, dtype=np.int64).ravel()
            self._groups.append((found, field_name, reason, paired))

    def add_problem(self, problem: Problem) -> None:
        """A problem with no mark to point at (a line that could not be split into fields)."""
        self._loose.append(problem)

    @property
    def count(self) -> int:
        return len(self._loose) + sum(len(g[0]) for g in self._groups)

    def __bool__(self) -> bool:
        return self.count > 0

    def report(self, limit: int = ERROR_LIMIT) -> list[dict[str, str | int | None]]:
        """The first ``limit`` problems by line, then a row counting the rest, if any."""
        rows = [
            (p.line or 0, 0, FIELDS.index(p.field) if p.field in FIELDS else 9, p)
            for p in self._loose
        ]
        if self._groups and self.marks is not None:
            positions = np.concatenate([g[0] for g in self._groups])
            group = np.concatenate([np.full(len(g[0]), i) for i, g in enumerate(self._groups)])
            order_of_field = np.array(
                [FIELDS.index(g[1]) if g[1] in FIELDS else 9 for g in self._groups]
            )[group]
            lines = self.marks.line[positions]
            first = np.lexsort((order_of_field, positions, lines))[:limit]
            offsets = np.cumsum([0] + [len(g[0]) for g in self._groups])
            for i in first.tolist():
                g = int(group[i])
                position = int(positions[i])
                _, name, reason, others = self._groups[g]
                if others is not None:
                    other = int(others[i - offsets[g]])
                    reason = reason.format(other=int(self.marks.line[other]))
                label = self.marks.label(name)
                if self.marks.where is not None:
                    label = f"{label}, {self.marks.where[position]}"
                problem = Problem(self.file_name, int(lines[i]), label, reason)
                rows.append((int(lines[i]), position, int(order_of_field[i]), problem))
        rows.sort(key=lambda row: row[:3])
        listed = [row[3].as_dict() for row in rows[:limit]]
        rest = self.count - len(listed)
        if rest > 0:
            more = Problem(self.file_name, None, "", f"{rest:,} more problems not listed")
            listed.append({**more.as_dict(), "more": rest})
        return listed


def error_lines(errors: list[dict[str, str | int | None]]) -> list[str]:
    """An error report as lines of text: ``file:line: field: reason``."""
    lines = []
    for error in errors:
        where = f"{error['file']}:{error['line']}" if error.get("line") else str(error["file"])
        field_name = f" {error['field']}:" if error.get("field") else ""
        lines.append(f"{where}:{field_name} {error['reason']}")
    return lines


# --- Reading a CSV file -------------------------------------------------------------------


def decode(content: bytes, file_name: str) -> str:
    """The file as text: UTF-8 (with or without a byte order mark), or a FileProblem."""
    if not content.strip():
        raise FileProblem(Problem(file_name, None, "", "The file is empty."))
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem(
            Problem(
                file_name,
                None,
                "",
                "The file is UTF-16 text ('Unicode text'): save it as CSV UTF-8 and try again.",
            )
        )
    if content.startswith(b"PK\x03\x04") or b"\x00" in content[:4096]:
        raise FileProblem(
            Problem(
                file_name,
                None,
                "",
                "This is not a text file (a spreadsheet, perhaps): save it as CSV and try again.",
            )
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise FileProblem(
            Problem(
                file_name,
                line,
                "",
                "This line is not UTF-8 text: save the file as CSV UTF-8 and try again.",
            )
        ) from None


def _header_positions(header_line: str, file_name: str) -> tuple[int, dict[str, int]]:
    """(number of columns, position of each field) from the header row, or a FileProblem."""
    try:
        names = next(csv.reader([header_line]))
    except (csv.Error, StopIteration):
        names = []
    wanted = {name.lower(): name for name in FIELDS}
    positions: dict[str, int] = {}
    for i, name in enumerate(names):
        key = name.strip().lower()
        if key in wanted:
            if wanted[key] in positions:
                raise FileProblem(
                    Problem(file_name, 1, wanted[key], "The header names this column twice.")
                )
            positions[wanted[key]] = i
    missing = [name for name in FIELDS if name not in positions]
    if missing:
        raise FileProblem(
            Problem(
                file_name,
                1,
                ", ".join(missing),
                "The first line must be a header naming the columns UPN, URN, date, session "
                f"and code; it has no {', '.join(missing)} column.",
            )
        )
    return len(names), positions


def _unquote(value: str) -> str | None:
    """A field as the csv module would read it, or None when only the csv module can tell."""
    if '"' not in value:
        return value
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        inner = value[1:-1]
        if '"' not in inner.replace('""', ""):
            return inner.replace('""', '"')
    return None


def read_csv(content: bytes, file_name: str, problems: Problems | None = None) -> MarkLines:
    """The marks of a CSV file (header row, then one mark a line).

    Lines that cannot be split into the header's columns are added to ``problems``
    and left out; a file that cannot be read at all raises FileProblem.
    """
    text = decode(content, file_name)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines[0].strip():
        raise FileProblem(
            Problem(file_name, 1, "", "The first line must be a header: UPN,URN,date,session,code.")
        )
    width, positions = _header_positions(lines[0], file_name)
    body = lines[1:]
    numbers = np.arange(2, len(lines) + 1, dtype=np.int64)
    loose: list[Problem] = []
    columns: list[Sequence[str]] | None = None
    quoted = '"' in text
    if not quoted or text.count('"') % 2 == 0:
        columns, numbers = _split_simply(body, numbers, width, positions, file_name, loose, quoted)
    if columns is None:
        loose = []
        columns, numbers = _split_with_csv(body, width, positions, file_name, loose)
    if problems is not None:
        for problem in loose:
            problems.add_problem(problem)
    if not len(numbers) and not loose:
        raise FileProblem(Problem(file_name, None, "", "The file has a header but no marks."))
    upn, urn, date, session, code = columns
    return MarkLines(file_name, upn, urn, date, session, code, numbers)


def _split_simply(
    body: list[str],
    numbers: Ints,
    width: int,
    positions: dict[str, int],
    file_name: str,
    loose: list[Problem],
    quoted: bool,
) -> tuple[list[Sequence[str]] | None, Ints]:
    """Columns by splitting on commas, when no field holds a comma or a line break.

    None when quoting makes that unsafe: the csv module reads the file instead.
    """
    commas = np.fromiter(map(str.count, body, repeat(",")), dtype=np.int64, count=len(body))
    bad = np.flatnonzero(commas != width - 1)
    if bad.size:
        if any('"' in body[i] for i in bad.tolist()):
            return None, numbers
        keep = np.ones(len(body), dtype=bool)
        for i in bad.tolist():
            keep[i] = False
            if body[i].strip():
                loose.append(
                    Problem(
                        file_name,
                        int(numbers[i]),
                        "",
                        f"Expected {width} fields separated by commas; this line has "
                        f"{int(commas[i]) + 1}.",
                    )
                )
        body = [line for line, kept in zip(body, keep.tolist(), strict=True) if kept]
        numbers = numbers[keep]
    flat = ",".join(body).split(",") if body else []
    columns: list[Sequence[str]] = []
    for name in FIELDS:
        column = flat[positions[name] :: width]
        if quoted and any('"' in value for value in set(column)):
            unquoted = {value: _unquote(value) for value in set(column)}
            if any(value is None for value in unquoted.values()):
                return None, numbers
            column = [unquoted[value] or "" for value in column]
        columns.append(column)
    return columns, numbers


def _split_with_csv(
    body: list[str], width: int, positions: dict[str, int], file_name: str, loose: list[Problem]
) -> tuple[list[Sequence[str]], Ints]:
    """Columns read by the csv module: quoted commas and line breaks inside fields."""
    reader = csv.reader(io.StringIO("\n".join(body)))
    rows: list[list[str]] = []
    numbers: list[int] = []
    line = 2
    try:
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                pass
            elif len(row) != width:
                loose.append(
                    Problem(
                        file_name,
                        line,
                        "",
                        f"Expected {width} fields separated by commas; this line has {len(row)}.",
                    )
                )
            else:
                rows.append(row)
                numbers.append(line)
            line = reader.line_num + 2
    except csv.Error as exc:
        raise FileProblem(
            Problem(file_name, line, "", f"This line cannot be read as CSV ({exc}).")
        ) from None
    columns: list[Sequence[str]] = [[row[positions[name]] for row in rows] for name in FIELDS]
    return columns, np.asarray(numbers, dtype=np.int64)


# --- Checking each field ------------------------------------------------------------------


def numbered(values: Sequence[str]) -> tuple[list[str], npt.NDArray[np.int32]]:
    """(distinct values in order of appearance, each value's number in that list)."""
    distinct = list(dict.fromkeys(values))
    number = {value: i for i, value in enumerate(distinct)}
    ids = np.fromiter(map(number.__getitem__, values), dtype=np.int32, count=len(values))
    return distinct, ids


def _renumbered(
    raw_ids: npt.NDArray[np.int32], distinct: list[str], normal: Callable[[str], str | None]
) -> tuple[list[str], npt.NDArray[np.int32], list[int]]:
    """Distinct normalised values, each line's number among them (-1 when the value is
    not usable), and the raw numbers that were not usable."""
    values: dict[str, int] = {}
    table = np.full(len(distinct) + 1, -1, dtype=np.int32)
    unusable: list[int] = []
    for i, value in enumerate(distinct):
        found = normal(value)
        if found is None:
            unusable.append(i)
        else:
            table[i] = values.setdefault(found, len(values))
    return list(values), table[raw_ids], unusable


def parse_date(text: str) -> datetime.date | None:
    """A date written YYYY-MM-DD or DD/MM/YYYY; None when it is neither."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _iso_date(text: str) -> str | None:
    found = parse_date(text)
    return None if found is None else found.isoformat()


def _code_exists(letters: str) -> bool:
    for day in (NEW_CODES_FROM, NEW_CODES_FROM - datetime.timedelta(days=1)):
        try:
            code_for(letters, day)
        except UnknownCode:
            continue
        return True
    return False


def add_grouped(
    problems: Problems, ids: npt.NDArray[np.integer], reasons: dict[int, str], field_name: str
) -> None:
    """Report every line whose id has a reason, one group per reason."""
    if not reasons:
        return
    table = np.full(max(int(ids.max(initial=0)), max(reasons)) + 1, -1, dtype=np.int64)
    texts = sorted(set(reasons.values()))
    for key, reason in reasons.items():
        table[key] = texts.index(reason)
    found = table[ids]
    hit = np.flatnonzero(found >= 0)
    order = hit[np.argsort(found[hit], kind="stable")]
    groups = np.split(order, np.flatnonzero(np.diff(found[order])) + 1)
    for group in groups:
        if group.size:
            problems.add(group, field_name, texts[int(found[group[0]])])


@dataclass
class ParsedMarks:
    """The marks with each field checked: numbers into lists of distinct values, -1
    (or code 0) where the field is not usable (and a problem says why)."""

    marks: MarkLines
    upns: list[str]
    upn: npt.NDArray[np.int32]
    urns: list[str]
    urn: npt.NDArray[np.int32]
    days: list[datetime.date]
    day: npt.NDArray[np.int32]
    half: npt.NDArray[np.int8]
    code: npt.NDArray[np.uint8]

    @property
    def usable(self) -> npt.NDArray[np.bool_]:
        """Lines whose every field is usable."""
        return (
            (self.upn >= 0) & (self.urn >= 0) & (self.day >= 0) & (self.half >= 0) & (self.code > 0)
        )


def parse_marks(marks: MarkLines, problems: Problems) -> ParsedMarks:
    """Check each field of every line on its own; problems for those that are wrong."""
    upn_raw, upn_ids = numbered(marks.upn)
    upns, upn, bad = _renumbered(upn_ids, upn_raw, lambda v: normalise_upn(v) or None)
    add_grouped(problems, upn_ids, {i: "No UPN is given." for i in bad}, "UPN")

    urn_raw, urn_ids = numbered(marks.urn)
    urns, urn, bad = _renumbered(urn_ids, urn_raw, lambda v: v.strip() or None)
    add_grouped(problems, urn_ids, {i: "No URN is given." for i in bad}, "URN")

    date_raw, date_ids = numbered(marks.date)
    parsed_dates = [parse_date(v) for v in date_raw]
    day_texts, day, bad = _renumbered(date_ids, date_raw, _iso_date)
    days = [datetime.date.fromisoformat(v) for v in day_texts]
    add_grouped(
        problems,
        date_ids,
        {
            i: f"{date_raw[i].strip()!r} is not a date: write dates as YYYY-MM-DD or DD/MM/YYYY."
            if date_raw[i].strip()
            else "No date is given."
            for i in bad
        },
        "date",
    )

    session_raw, session_ids = numbered(marks.session)
    half_table = np.full(len(session_raw) + 1, -1, dtype=np.int8)
    bad_sessions: dict[int, str] = {}
    for i, value in enumerate(session_raw):
        text = value.strip().upper()
        if text in ("AM", "PM"):
            half_table[i] = 0 if text == "AM" else 1
        else:
            bad_sessions[i] = (
                f"{value.strip()!r} is not a session: write AM or PM."
                if value.strip()
                else "No session is given."
            )
    half = half_table[session_ids]
    add_grouped(problems, session_ids, bad_sessions, "session")

    code = _codes(marks, problems, date_ids, parsed_dates)
    return ParsedMarks(marks, upns, upn, urns, urn, days, day, half, code)


def _codes(
    marks: MarkLines,
    problems: Problems,
    date_ids: npt.NDArray[np.int32],
    parsed_dates: list[datetime.date | None],
) -> npt.NDArray[np.uint8]:
    """Each line's code id (0 where the code is unknown, or not a code on that date)."""
    code_raw, code_ids = numbered(marks.code)
    # 0: before 19 August 2024, 1: from then, 2: no usable date
    regime_of_date = np.array(
        [2 if d is None else int(d >= NEW_CODES_FROM) for d in parsed_dates] + [2], dtype=np.int64
    )
    regime = regime_of_date[date_ids]
    table = np.zeros((len(code_raw) + 1, 3), dtype=np.uint8)
    reasons: dict[int, str] = {}
    sample_day = {0: NEW_CODES_FROM - datetime.timedelta(days=1), 1: NEW_CODES_FROM}
    for i, letters in enumerate(code_raw):
        if not letters.strip():
            reasons[3 * i] = reasons[3 * i + 1] = reasons[3 * i + 2] = "No code is given."
            continue
        for r, day in sample_day.items():
            try:
                table[i, r] = code_for(letters, day).id
            except UnknownCode as exc:
                reasons[3 * i + r] = f"{exc}."
        if not _code_exists(letters):
            reasons[3 * i + 2] = reasons[3 * i]
    key = code_ids.astype(np.int64) * 3 + regime
    add_grouped(problems, key, reasons, "code")
    code: npt.NDArray[np.uint8] = table[code_ids, np.minimum(regime, 1)]
    code[regime == 2] = 0
    return code


def first_of_each_session(
    parsed: ParsedMarks, problems: Problems, usable: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Lines to keep: one per pupil, setting and session.

    Two lines for the same session with the same code are one mark; with
    different codes, both lines are reported, each naming the other.
    """
    keep = usable.copy()
    rows = np.flatnonzero(usable)
    if rows.size < 2:
        return keep
    key = (
        (parsed.upn[rows].astype(np.int64) * (len(parsed.urns) + 1) + parsed.urn[rows])
        * (len(parsed.days) + 1)
        + parsed.day[rows]
    ) * 2 + parsed.half[rows]
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = sorted_key[1:] != sorted_key[:-1]
    first = rows[order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]]
    later = rows[order]
    repeated = ~starts
    keep[later[repeated]] = False
    clash = repeated & (parsed.code[later] != parsed.code[first])
    if clash.any():
        reason = "The same session is also on line {other}, with a different code."
        problems.add(later[clash], "code", reason, others=first[clash])
        problems.add(first[clash], "code", reason, others=later[clash])
    return keep
