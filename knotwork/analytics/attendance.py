"""Attendance measures by the DfE method, over arrays of register marks.

Input is a matrix of code ids, one row per enrolment and one column per
session (``uint8``; 0 is "no mark"). Everything is a sum of sessions:

- possible sessions: marks whose category counts (present, approved
  educational activity, authorised or unauthorised absence); D, X, Y*, Q, Z
  and # are not possible sessions, nor is a session with no mark;
- overall absence rate: (authorised + unauthorised) / possible x 100;
- persistent absence: an enrolment whose own absence is at least the
  threshold (10% since 2015/16) of its own possible sessions; severe: 50%;
- enrolments with no possible sessions are left out of every figure.

Rates of a group are its summed sessions over its summed possible sessions,
never an average of pupils' rates. Source: ../shared/domain/england.md §2.

No database here: the pages, the exports and ``knotwork attendance
measures`` all call these functions, so they agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from knotwork.attendance.codes import (
    CATEGORY_COUNT,
    CATEGORY_OF_ID,
    ID_SPACE,
    LATE_CODES,
    PENALTY_CODES,
    Category,
    ids_of,
)

Marks = npt.NDArray[np.uint8]
Counts = npt.NDArray[np.int64]

#: Persistent absence since 2015/16 (the seeds' 2010 figure was 20%).
PERSISTENT_THRESHOLD = Fraction(10)
#: Severe absence.
SEVERE_THRESHOLD = Fraction(50)

#: Rows counted at a time: keeps the working copy small (about 1.5 MB a chunk).
_CHUNK_ROWS = 4096

_CATEGORY_ONE_HOT: Counts = np.zeros((ID_SPACE, CATEGORY_COUNT), dtype=np.int64)
_CATEGORY_ONE_HOT[np.arange(ID_SPACE), np.asarray(CATEGORY_OF_ID)] = 1
_LATE_IDS = list(ids_of(LATE_CODES))
_PENALTY_IDS = list(ids_of(PENALTY_CODES))


def code_counts(marks: Marks) -> Counts:
    """Sessions of each code id per row: an (enrolments x ID_SPACE) matrix.

    One bincount per chunk of rows, over ids shifted by ``row * ID_SPACE``,
    so no Python loop runs per enrolment or per session.
    """
    marks = np.asarray(marks, dtype=np.uint8)
    if marks.ndim != 2:
        raise ValueError("marks must be a 2-D matrix: enrolments x sessions")
    rows = marks.shape[0]
    out = np.zeros((rows, ID_SPACE), dtype=np.int64)
    if rows == 0 or marks.shape[1] == 0:
        return out
    if int(marks.max()) >= ID_SPACE:
        raise ValueError(f"a mark id is outside 0-{ID_SPACE - 1}")
    for start in range(0, rows, _CHUNK_ROWS):
        chunk = marks[start : start + _CHUNK_ROWS]
        n = chunk.shape[0]
        offsets = (np.arange(n, dtype=np.int32) * ID_SPACE)[:, None]
        shifted = chunk.astype(np.int32) + offsets
        out[start : start + n] = np.bincount(shifted.ravel(), minlength=n * ID_SPACE).reshape(
            n, ID_SPACE
        )
    return out


@dataclass(frozen=True)
class Sessions:
    """Session counts per row (an enrolment, or a group once summed)."""

    possible: Counts
    present: Counts
    approved_activity: Counts
    authorised: Counts
    unauthorised: Counts
    late: Counts
    penalty_unauthorised: Counts
    by_code: Counts = field(repr=False)

    @property
    def absent(self) -> Counts:
        return self.authorised + self.unauthorised

    @property
    def attending(self) -> Counts:
        return self.present + self.approved_activity

    def __len__(self) -> int:
        return int(self.possible.shape[0])


def sessions_from_code_counts(by_code: Counts) -> Sessions:
    """Category totals per row from per-code counts."""
    by_code = np.asarray(by_code, dtype=np.int64)
    per_category = by_code @ _CATEGORY_ONE_HOT
    present = per_category[:, Category.PRESENT]
    approved = per_category[:, Category.APPROVED_ACTIVITY]
    authorised = per_category[:, Category.AUTHORISED]
    unauthorised = per_category[:, Category.UNAUTHORISED]
    return Sessions(
        possible=present + approved + authorised + unauthorised,
        present=present,
        approved_activity=approved,
        authorised=authorised,
        unauthorised=unauthorised,
        late=by_code[:, _LATE_IDS].sum(axis=1),
        penalty_unauthorised=by_code[:, _PENALTY_IDS].sum(axis=1),
        by_code=by_code,
    )


def sessions_of(marks: Marks) -> Sessions:
    """Session counts for every row of a marks matrix."""
    return sessions_from_code_counts(code_counts(marks))


def at_or_above(absent: Counts, possible: Counts, threshold: Fraction) -> npt.NDArray[np.bool_]:
    """absent / possible >= threshold%, exactly (integer arithmetic; 0 possible is never)."""
    absent = np.asarray(absent, dtype=np.int64)
    possible = np.asarray(possible, dtype=np.int64)
    threshold = Fraction(threshold)
    if not 0 <= threshold <= 100 or threshold.denominator > 1000:
        raise ValueError(f"a threshold is a per cent between 0 and 100, not {threshold}")
    hit: npt.NDArray[np.bool_] = (absent * 100 * threshold.denominator) >= (
        possible * threshold.numerator
    )
    return hit & (possible > 0)


def persistent(
    sessions: Sessions, threshold: Fraction = PERSISTENT_THRESHOLD
) -> npt.NDArray[np.bool_]:
    return at_or_above(sessions.absent, sessions.possible, threshold)


def severe(sessions: Sessions, threshold: Fraction = SEVERE_THRESHOLD) -> npt.NDArray[np.bool_]:
    return at_or_above(sessions.absent, sessions.possible, threshold)


def percentage(part: int, whole: int, places: int = 2) -> Decimal | None:
    """part / whole x 100, rounded half up to ``places``; None when whole is 0."""
    if whole == 0:
        return None
    exact = Decimal(int(part) * 100) / Decimal(int(whole))
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """A group's figures: summed sessions, and enrolments counted by the exact method."""

    enrolments: int
    possible: int
    present: int
    approved_activity: int
    authorised: int
    unauthorised: int
    late: int
    persistent: int
    severe: int

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    @property
    def absence_rate(self) -> Decimal | None:
        return percentage(self.absent, self.possible)

    @property
    def authorised_rate(self) -> Decimal | None:
        return percentage(self.authorised, self.possible)

    @property
    def unauthorised_rate(self) -> Decimal | None:
        return percentage(self.unauthorised, self.possible)

    @property
    def attendance_rate(self) -> Decimal | None:
        return percentage(self.present + self.approved_activity, self.possible)

    @property
    def persistent_rate(self) -> Decimal | None:
        return percentage(self.persistent, self.enrolments)

    @property
    def severe_rate(self) -> Decimal | None:
        return percentage(self.severe, self.enrolments)


def summarise(
    sessions: Sessions,
    *,
    pa_threshold: Fraction = PERSISTENT_THRESHOLD,
    severe_threshold: Fraction = SEVERE_THRESHOLD,
) -> Summary:
    """One group's figures from its enrolments' sessions (zero-possible rows left out)."""
    counted = sessions.possible > 0
    return Summary(
        enrolments=int(counted.sum()),
        possible=int(sessions.possible.sum()),
        present=int(sessions.present.sum()),
        approved_activity=int(sessions.approved_activity.sum()),
        authorised=int(sessions.authorised.sum()),
        unauthorised=int(sessions.unauthorised.sum()),
        late=int(sessions.late.sum()),
        persistent=int(persistent(sessions, pa_threshold).sum()),
        severe=int(severe(sessions, severe_threshold).sum()),
    )


def summarise_groups(
    sessions: Sessions,
    keys: npt.NDArray[np.integer],
    groups: int,
    *,
    pa_threshold: Fraction = PERSISTENT_THRESHOLD,
    severe_threshold: Fraction = SEVERE_THRESHOLD,
) -> list[Summary]:
    """Figures for each group 0..groups-1, where ``keys[i]`` is row i's group."""
    keys = np.asarray(keys, dtype=np.int64)
    if keys.shape[0] != len(sessions):
        raise ValueError("one group key per row")

    def per_group(values: npt.NDArray[np.generic]) -> list[int]:
        summed = np.bincount(keys, weights=values.astype(np.float64), minlength=groups)
        counts: list[int] = np.rint(summed[:groups]).astype(np.int64).tolist()
        return counts

    columns = {
        "enrolments": per_group(sessions.possible > 0),
        "possible": per_group(sessions.possible),
        "present": per_group(sessions.present),
        "approved_activity": per_group(sessions.approved_activity),
        "authorised": per_group(sessions.authorised),
        "unauthorised": per_group(sessions.unauthorised),
        "late": per_group(sessions.late),
        "persistent": per_group(persistent(sessions, pa_threshold)),
        "severe": per_group(severe(sessions, severe_threshold)),
    }
    return [Summary(**{name: values[g] for name, values in columns.items()}) for g in range(groups)]


def concatenate(parts: list[Sessions]) -> Sessions:
    """Rows of several matrices (say, settings on different calendars) as one."""
    if not parts:
        return sessions_from_code_counts(np.zeros((0, ID_SPACE), dtype=np.int64))
    return sessions_from_code_counts(np.concatenate([p.by_code for p in parts]))
