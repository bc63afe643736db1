"""Reading the attendance part of a Common Transfer File (CTF) as lines of marks.

A CTF (``CTfile``) names its source school in ``Header/SourceSchool`` (LEA,
Estab, URN) and, per pupil (``CTFpupilData/Pupil``, keyed by ``UPN``), holds
``Attendance/YearData`` blocks, one per year per school, each with
``AttendSessions`` giving ``AttendanceStartDate`` and ``AttendanceMarks``: a
string of register marks from that date (../shared/domain/england.md §7.1).

How the string is laid out is read as follows (the DfE specification was not
to hand when this was written, so this is a stated reading, not a quotation):

- one character per session, two per calendar day (morning, then afternoon),
  weekends and holidays included, starting with the morning of the start date;
- ``-`` or a space is "no mark" and is skipped; a ``#`` on a day the setting
  is shut is skipped by the import's checks;
- one character can hold only the one-letter codes, so the 2024 codes ``C1``,
  ``J1`` and ``Y1``-``Y7`` cannot be sent this way: use the CSV import for them.

A ``YearData`` block belongs to the source school when it has the source
school's LEA and Estab numbers (or its own ``URN`` child names the setting);
blocks for a pupil's earlier schools are not the source school's to import and
are left out. The XML is parsed with defusedxml (no entities, no external
references, no DTD tricks).
"""

from __future__ import annotations

import datetime
import xml.sax
from dataclasses import dataclass, field

import numpy as np
from defusedxml import DefusedXmlException
from defusedxml.sax import parseString

from knotwork.attendance.imports.marks_file import FileProblem, MarkLines, Problem, Problems

#: Characters in AttendanceMarks that mean "no mark for this session".
NO_MARK = frozenset("- ")
#: A mark's date, session and code all come from its place in AttendanceMarks.
LABELS = {"date": "AttendanceMarks", "session": "AttendanceMarks", "code": "AttendanceMarks"}


@dataclass
class _YearData:
    line: int
    lea: str = ""
    estab: str = ""
    urn: str = ""
    sessions: list[tuple[int, str, int, str]] = field(default_factory=list)  # start, marks...


@dataclass
class _Pupil:
    line: int
    upn: str = ""
    years: list[_YearData] = field(default_factory=list)


class _Handler(xml.sax.handler.ContentHandler):
    """Collects the header's source school and each pupil's attendance year data."""

    def __init__(self) -> None:
        super().__init__()
        self.path: list[str] = []
        self.text: list[str] = []
        self.source: dict[str, str] = {}
        self.pupils: list[_Pupil] = []
        self.root = ""
        self._start: tuple[str, int] = ("", 0)
        self._marks_line = 0
        self._locator: xml.sax.xmlreader.Locator | None = None

    def setDocumentLocator(self, locator: xml.sax.xmlreader.Locator) -> None:
        self._locator = locator

    def _line(self) -> int:
        line = self._locator.getLineNumber() if self._locator is not None else None
        return line or 0

    def startElement(self, name: str, attrs: object) -> None:
        if not self.path:
            self.root = name
        self.path.append(name)
        self.text = []
        if self.path[-2:] == ["CTFpupilData", "Pupil"]:
            self.pupils.append(_Pupil(self._line()))
        elif name == "YearData" and self.pupils and "Attendance" in self.path:
            self.pupils[-1].years.append(_YearData(self._line()))
        elif name == "AttendanceMarks":
            self._marks_line = self._line()

    def characters(self, content: str) -> None:
        self.text.append(content)

    def endElement(self, name: str) -> None:
        raw = "".join(self.text)
        value = raw.strip()
        parent = self.path[-2] if len(self.path) > 1 else ""
        if parent == "SourceSchool" and "Header" in self.path:
            self.source[name] = value
        elif self.pupils and parent == "Pupil" and name == "UPN":
            self.pupils[-1].upn = value
        elif self.pupils and self.pupils[-1].years and "YearData" in self.path:
            year = self.pupils[-1].years[-1]
            if parent == "YearData" and name in ("LEA", "Estab", "URN"):
                setattr(year, name.lower(), value)
            elif name == "AttendanceStartDate":
                self._start = (value, self._line())
            elif name == "AttendanceMarks":
                start, start_line = self._start
                year.sessions.append((start_line, start, self._marks_line, raw))
                self._start = ("", 0)
        self.path.pop()
        self.text = []


def _parse(content: bytes, file_name: str) -> _Handler:
    handler = _Handler()
    try:
        parseString(content, handler)
    except xml.sax.SAXParseException as exc:
        raise FileProblem(
            Problem(
                file_name,
                exc.getLineNumber(),
                "",
                f"This is not well-formed XML ({exc.getMessage()}), so not a Common Transfer File.",
            )
        ) from None
    except DefusedXmlException:
        raise FileProblem(
            Problem(
                file_name,
                None,
                "",
                "The XML uses entities or external references, which a CTF never needs.",
            )
        ) from None
    if handler.root != "CTfile":
        raise FileProblem(
            Problem(file_name, 1, "", "This XML is not a Common Transfer File (no CTfile root).")
        )
    return handler


def read_ctf(content: bytes, file_name: str, problems: Problems) -> MarkLines:
    """The source school's marks in a CTF, one line per session marked."""
    handler = _parse(content, file_name)
    source_urn = handler.source.get("URN", "")
    source = (handler.source.get("LEA", ""), handler.source.get("Estab", ""))
    columns: dict[str, list[str]] = {name: [] for name in ("upn", "urn", "date", "session", "code")}
    lines: list[int] = []
    where: list[str] = []
    for pupil in handler.pupils:
        for year in pupil.years:
            urn = year.urn or (source_urn if (year.lea, year.estab) == source else "")
            if not urn:
                continue
            if not pupil.upn:
                problems.add_problem(Problem(file_name, pupil.line, "UPN", "The pupil has no UPN."))
                continue
            for start_line, start_text, marks_line, marks in year.sessions:
                try:
                    start = datetime.date.fromisoformat(start_text)
                except ValueError:
                    problems.add_problem(
                        Problem(
                            file_name,
                            start_line or marks_line,
                            "AttendanceStartDate",
                            "The start date is missing or is not a date written YYYY-MM-DD.",
                        )
                    )
                    continue
                for position, letter in enumerate(marks):
                    if letter in NO_MARK:
                        continue
                    day = start + datetime.timedelta(days=position // 2)
                    half = "AM" if position % 2 == 0 else "PM"
                    columns["upn"].append(pupil.upn)
                    columns["urn"].append(urn)
                    columns["date"].append(day.isoformat())
                    columns["session"].append(half)
                    columns["code"].append(letter)
                    lines.append(marks_line)
                    where.append(f"mark {position + 1} ({day:%d/%m/%Y} {half})")
    if not lines and not problems:
        raise FileProblem(
            Problem(
                file_name,
                None,
                "",
                "The file has no attendance marks for its source school "
                "(Attendance/YearData with AttendanceMarks).",
            )
        )
    return MarkLines(
        file_name,
        columns["upn"],
        columns["urn"],
        columns["date"],
        columns["session"],
        columns["code"],
        np.asarray(lines, dtype=np.int64),
        where=where,
        labels=LABELS,
    )
