"""The demo's behaviour records between being made and being written: exclusions as
plans, the rest as columns of arrays."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from knotwork.behaviour.demo.tables import SCHOOL_PROVISION

Date = datetime.date
Ints = npt.NDArray[np.int64]


@dataclass
class ExclusionPlan:
    """A suspension or permanent exclusion, with the register sessions it covers."""

    row: int  # index into the roll
    year_row: int  # index among the enrolments on roll in its year
    kind: str
    start: Date
    start_half: str
    sessions: int | None
    reasons: tuple[str, ...]
    incident: int  # index of the incident behind it, within its year's incidents
    covered: Ints  # register sessions, in order
    provided_from: int  # position in ``covered`` from which provision is marked (-1: none)
    provision_code: int = SCHOOL_PROVISION
    notices: dict[str, Any] = field(default_factory=dict)
    off_roll_on: Date | None = None  # a permanent exclusion's pupil's last day on roll


@dataclass
class Columns:
    """Columns of rows to write, as arrays, put together a part at a time."""

    parts: dict[str, list[npt.NDArray[Any]]] = field(default_factory=dict)

    def add(self, **columns: npt.NDArray[Any]) -> None:
        for name, values in columns.items():
            self.parts.setdefault(name, []).append(np.asarray(values))

    def __getitem__(self, name: str) -> npt.NDArray[Any]:
        return np.concatenate(self.parts[name]) if name in self.parts else np.zeros(0)

    def __len__(self) -> int:
        first = next(iter(self.parts.values()), [])
        return sum(part.shape[0] for part in first)


@dataclass
class Records:
    incidents: Columns = field(default_factory=Columns)
    roles: Columns = field(default_factory=Columns)
    withdrawals: Columns = field(default_factory=Columns)
    exclusions: list[ExclusionPlan] = field(default_factory=list)
    registers: dict[int, bytes] = field(default_factory=dict)  # register id -> new marks


@dataclass(frozen=True)
class BehaviourCounts:
    incidents: int = 0
    incident_pupils: int = 0
    withdrawals: int = 0
    suspensions: int = 0
    permanent_exclusions: int = 0
    registers_changed: int = 0
