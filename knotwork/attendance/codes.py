"""The national attendance register codes, each with its statistical category.

Two code sets: the one in force from 19 August 2024 (School Attendance
(Pupil Registration) (England) Regulations 2024, reg 10; categories as
"Working together to improve school attendance" 2024 classifies them) and the
one before it (2006 regulations as amended). Each code has a one-byte id,
which is what a register stores per session (0 is "no mark yet"). A code's
id fixes its category, so old marks keep the category they had when they were
made: ``J`` (interview, before 2024) is an approved educational activity,
``J1`` (interview, since 2024) is authorised absence.

Source: ../shared/domain/england.md sections 1.2-1.4.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass


class Category(enum.IntEnum):
    """Statistical category of a session mark. NO_MARK is the empty session (id 0)."""

    NO_MARK = 0
    PRESENT = 1
    APPROVED_ACTIVITY = 2
    AUTHORISED = 3
    UNAUTHORISED = 4
    NOT_POSSIBLE = 5  # D, X, Y1-Y7, Q: neither attendance nor absence
    ADMINISTRATIVE = 6  # Z, #: not a possible session either

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def is_possible(self) -> bool:
        """Whether a session with this mark counts in possible sessions."""
        return self in POSSIBLE_CATEGORIES

    @property
    def is_absence(self) -> bool:
        return self in (Category.AUTHORISED, Category.UNAUTHORISED)


_CATEGORY_LABELS = {
    Category.NO_MARK: "No mark",
    Category.PRESENT: "Present",
    Category.APPROVED_ACTIVITY: "Approved educational activity",
    Category.AUTHORISED: "Authorised absence",
    Category.UNAUTHORISED: "Unauthorised absence",
    Category.NOT_POSSIBLE: "Not a possible session",
    Category.ADMINISTRATIVE: "Administrative",
}
POSSIBLE_CATEGORIES = frozenset(
    {Category.PRESENT, Category.APPROVED_ACTIVITY, Category.AUTHORISED, Category.UNAUTHORISED}
)
CATEGORY_COUNT = len(Category)

#: The day the 2024 regulations replaced the old code set.
NEW_CODES_FROM = datetime.date(2024, 8, 19)


class Regime(enum.Enum):
    BOTH = "both"
    SINCE_2024 = "since_2024"
    BEFORE_2024 = "before_2024"


@dataclass(frozen=True)
class Code:
    id: int
    code: str
    meaning: str
    category: Category
    regime: Regime = Regime.BOTH

    def valid_on(self, day: datetime.date) -> bool:
        """Whether a register may carry this code for a session on that day."""
        if self.regime is Regime.SINCE_2024:
            return day >= NEW_CODES_FROM
        if self.regime is Regime.BEFORE_2024:
            return day < NEW_CODES_FROM
        return True

    @property
    def is_late(self) -> bool:
        return self.code in LATE_CODES


P, AEA, AUTH, UNAUTH, NOT_POSS, ADMIN = (
    Category.PRESENT,
    Category.APPROVED_ACTIVITY,
    Category.AUTHORISED,
    Category.UNAUTHORISED,
    Category.NOT_POSSIBLE,
    Category.ADMINISTRATIVE,
)
NEW, OLD = Regime.SINCE_2024, Regime.BEFORE_2024

# Ids are stored in registers: never renumber, only append.
CODES: tuple[Code, ...] = (
    Code(1, "/", "Present (morning)", P),
    Code(2, "\\", "Present (afternoon)", P),
    Code(3, "L", "Late, arrived before the register closed", P),
    Code(4, "K", "Attending education provision arranged by the local authority", AEA, NEW),
    Code(5, "V", "Educational visit or trip", AEA),
    Code(6, "P", "Approved sporting activity", AEA),
    Code(7, "W", "Work experience", AEA),
    Code(8, "B", "Other approved educational activity", AEA),
    Code(9, "D", "Dual registered: attending the other school", NOT_POSS),
    Code(10, "C1", "Leave: regulated performance or employment abroad", AUTH, NEW),
    Code(11, "M", "Leave: medical or dental appointment", AUTH),
    Code(12, "J1", "Leave: interview for employment or a place elsewhere", AUTH, NEW),
    Code(13, "S", "Leave: study for a public examination", AUTH),
    Code(14, "X", "Not of compulsory school age, not required to attend", NOT_POSS),
    Code(15, "C2", "Leave: agreed temporary part-time timetable", AUTH, NEW),
    Code(16, "C", "Leave: exceptional circumstances", AUTH),
    Code(17, "T", "Parent travelling for occupational purposes", AUTH),
    Code(18, "R", "Religious observance", AUTH),
    Code(19, "I", "Illness", AUTH),
    Code(20, "E", "Suspended or excluded, no alternative provision", AUTH),
    Code(21, "Y1", "Unable to attend: transport not available", NOT_POSS, NEW),
    Code(22, "Y2", "Unable to attend: widespread travel disruption", NOT_POSS, NEW),
    Code(23, "Y3", "Unable to attend: part of the premises out of use", NOT_POSS, NEW),
    Code(24, "Y4", "Unable to attend: whole site unexpectedly closed", NOT_POSS, NEW),
    Code(25, "Y5", "Unable to attend: in criminal justice detention", NOT_POSS, NEW),
    Code(26, "Y6", "Unable to attend: public health guidance or law", NOT_POSS, NEW),
    Code(27, "Y7", "Unable to attend: any other unavoidable cause", NOT_POSS, NEW),
    Code(28, "Q", "Unable to attend: no access arrangements made", NOT_POSS, NEW),
    Code(29, "G", "Holiday not granted by the school", UNAUTH),
    Code(30, "N", "Reason not yet established", UNAUTH),
    Code(31, "O", "Absent in other or unknown circumstances", UNAUTH),
    Code(32, "U", "Arrived after the register closed", UNAUTH),
    Code(33, "Z", "Prospective pupil, not yet on roll", ADMIN),
    Code(34, "#", "Planned whole-school closure", ADMIN),
    # Before 19 August 2024 only, each in its category of the time.
    Code(35, "H", "Holiday agreed by the head (before 2024)", AUTH, OLD),
    Code(36, "F", "Agreed extended family holiday (before 2024)", AUTH, OLD),
    Code(37, "J", "Interview (before 2024)", AEA, OLD),
    Code(38, "Y", "Unable to attend: exceptional circumstances (before 2024)", NOT_POSS, OLD),
)

#: Codes for lateness: L (before the register closed) and U (after).
LATE_CODES = frozenset({"L", "U"})
#: Codes counted towards the penalty notice threshold (national framework 2024).
PENALTY_CODES = frozenset({"G", "N", "O", "U"})
#: The code for an absence whose reason is not yet known (first-day contact list).
NOT_YET_KNOWN = "N"

#: Lookup width: every id fits below this.
ID_SPACE = 64

BY_ID: dict[int, Code] = {c.id: c for c in CODES}
BY_CODE: dict[tuple[str, Regime], Code] = {(c.code, c.regime): c for c in CODES}
_BY_LETTERS: dict[str, list[Code]] = {}
for _c in CODES:
    _BY_LETTERS.setdefault(_c.code, []).append(_c)

#: category id per code id (index = code id); unused ids are NO_MARK.
CATEGORY_OF_ID: tuple[int, ...] = tuple(
    int(BY_ID[i].category) if i in BY_ID else int(Category.NO_MARK) for i in range(ID_SPACE)
)


class UnknownCode(ValueError):
    """A register code that is not in the national set for the date."""


def code_for(letters: str, day: datetime.date) -> Code:
    """The code a register may carry on that day; UnknownCode when there is none."""
    text = letters.strip().upper()
    candidates = _BY_LETTERS.get(text)
    if not candidates:
        raise UnknownCode(f"{letters!r} is not a national register code")
    for candidate in candidates:
        if candidate.valid_on(day):
            return candidate
    when = "from 19 August 2024" if day >= NEW_CODES_FROM else "before 19 August 2024"
    raise UnknownCode(f"{text!r} is not a register code {when}")


def ids_of(codes: frozenset[str]) -> tuple[int, ...]:
    """Every id whose code is one of these letters (old and new alike)."""
    return tuple(sorted(c.id for c in CODES if c.code in codes))
