"""Register marks as bytes: reading and changing one register's row of marks.

Plain functions over ``bytes`` and session indices; the services use them
to decide what an import or an edit changes, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from knotwork.attendance.codes import BY_ID


def empty_marks(sessions: int) -> bytes:
    return bytes(sessions)


def fit(marks: bytes, sessions: int) -> bytes:
    """The marks padded with empty sessions (or cut) to the year's length."""
    if len(marks) >= sessions:
        return bytes(marks[:sessions])
    return bytes(marks) + bytes(sessions - len(marks))


def as_array(marks: bytes | memoryview, sessions: int) -> npt.NDArray[np.uint8]:
    return np.frombuffer(fit(bytes(marks), sessions), dtype=np.uint8)


@dataclass
class MarkChanges:
    """What writing some marks into a register does: session -> (old id, new id)."""

    entries: dict[int, int] = field(default_factory=dict)  # empty session -> new id
    amendments: dict[int, tuple[int, int]] = field(default_factory=dict)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.entries or self.amendments)


def plan_changes(marks: bytes, new_marks: Mapping[int, int]) -> MarkChanges:
    """Compare new marks with a register: first entries, amendments, and marks already there."""
    changes = MarkChanges()
    for index, new in new_marks.items():
        if new not in BY_ID:
            raise ValueError(f"code id {new} is not a register code")
        if not 0 <= index < len(marks):
            raise IndexError(f"session {index} is outside the register (0-{len(marks) - 1})")
        old = marks[index]
        if old == new:
            changes.unchanged += 1
        elif old == 0:
            changes.entries[index] = new
        else:
            changes.amendments[index] = (old, new)
    return changes


def apply_changes(marks: bytes, changes: MarkChanges) -> bytes:
    row = bytearray(marks)
    for index, new in changes.entries.items():
        row[index] = new
    for index, (_, new) in changes.amendments.items():
        row[index] = new
    return bytes(row)


def stack(rows: Iterable[bytes | memoryview], sessions: int) -> npt.NDArray[np.uint8]:
    """Registers of one calendar year as a matrix: one row each, one column per session."""
    rows = list(rows)
    matrix = np.zeros((len(rows), sessions), dtype=np.uint8)
    for i, row in enumerate(rows):
        data = np.frombuffer(bytes(row)[:sessions], dtype=np.uint8)
        matrix[i, : data.shape[0]] = data
    return matrix
