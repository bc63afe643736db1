"""Builders for concern tests: the 2026/27 calendar as plain school days, register rows,
and the trigger facts of hand-built data."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np

from knotwork.attendance.codes import code_for
from knotwork.casework.models import Concern, TriggerRule
from knotwork.casework.triggers import RegisterWindow, TriggerFacts
from knotwork.termdates.rules import SessionMap, school_days
from knotwork.termdates.school_days import CalendarYear, SchoolDays

HALF_TERMS = (
    ("autumn", datetime.date(2026, 9, 2), datetime.date(2026, 10, 23)),
    ("autumn", datetime.date(2026, 11, 2), datetime.date(2026, 12, 18)),
    ("spring", datetime.date(2027, 1, 4), datetime.date(2027, 2, 12)),
    ("spring", datetime.date(2027, 2, 22), datetime.date(2027, 3, 26)),
    ("summer", datetime.date(2027, 4, 12), datetime.date(2027, 5, 28)),
    ("summer", datetime.date(2027, 6, 7), datetime.date(2027, 7, 21)),
)
CALENDAR_ID = 1
PUPIL = 10
SETTING = 20


def calendar_2026() -> SchoolDays:
    days = school_days([(a, b) for _, a, b in HALF_TERMS], [])
    return SchoolDays([CalendarYear(2026, SessionMap(days), HALF_TERMS)])


def days_to(last: datetime.date, n: int) -> tuple[datetime.date, ...]:
    days = [d for d in calendar_2026().days if d <= last]
    return tuple(days[-n:])


def marks_row(days: tuple[datetime.date, ...], absent_sessions: int, code: str = "O") -> np.ndarray:
    """Present every session but the first ``absent_sessions``, which carry ``code``."""
    row = []
    for i, day in enumerate(days):
        for half, present in ((0, "/"), (1, "\\")):
            row.append(code_for(code if 2 * i + half < absent_sessions else present, day).id)
    return np.asarray(row, dtype=np.uint8)


def facts(on: datetime.date, **parts: Any) -> TriggerFacts:
    return TriggerFacts(
        on=on,
        roll={PUPIL: SETTING},
        calendar_of={PUPIL: CALENDAR_ID},
        calendars={CALENDAR_ID: calendar_2026()},
        **parts,
    )


def window(days: tuple[datetime.date, ...], *rows: np.ndarray) -> RegisterWindow:
    pupils = tuple(PUPIL + i for i in range(len(rows)))
    return RegisterWindow(CALENDAR_ID, days, np.vstack(rows), pupils)


def make_rules(partnership: Any) -> dict[str, TriggerRule]:
    from knotwork.casework.concern_services import trigger_rules_adopt_defaults

    trigger_rules_adopt_defaults(partnership=partnership)
    return {r.kind: r for r in TriggerRule.objects.filter(partnership=partnership)}


def make_concern(pupil: Any, setting: Any, **overrides: Any) -> Concern:
    """A staff concern about a pupil at a setting, fired on Monday 23 November 2026."""
    values: dict[str, Any] = {
        "source": Concern.Source.STAFF,
        "sign": Concern.Sign.MORALE,
        "summary": "Raised by staff on 23 November 2026: low morale or withdrawn.",
        "note": "Quiet in lessons all week.",
        "fired_on": datetime.date(2026, 11, 23),
    }
    values.update(overrides)
    return Concern.objects.create(pupil=pupil, setting=setting, **values)
