"""Trigger points: the partnership's rules, each a plain function over plain facts.

``trigger_queries.trigger_facts`` loads what the rules read for a whole partnership (the
recent register bytes, the open attendance signs, this year's incidents and suspensions,
each setting's school days); ``evaluate`` runs one rule over them and answers the
firings. Each firing says which rule fired on what data (figures and dates only, never a
name), with the school day the data are from and a ``key``: the same facts give the same
key however often the rules run, and a concern is raised once per rule, pupil and key.

The kinds (``TriggerRule.Kind``; the values below are the same strings):

- **attendance below a rate**: attendance over the last N school days (30 by default, 6
  school weeks) under the rate (90%), by the DfE method (``analytics.attendance``).
  A pupil needs at least half the window's sessions possible to be judged. One concern a
  term: the key is the term of the window's last day;
- **newly persistent** and **penalty notice threshold**: the open attendance signs kept by
  ``knotwork attendance signals``; one concern for each episode (the sign's own record);
- **incidents**: N incidents (3) within M school days (10), counting school days only, so
  a half-term holiday does not break a run. Runs are taken in date order without
  overlapping: once N incidents make a run, the next run starts after them;
- **any suspension**: one concern for each suspension (not cancelled);
- **repeat suspension**: the Nth suspension (2) in one term (both halves and the
  half-term holiday between); one concern a term.

- **a managed move under way**: a pupil in the trial of a managed move
  (``placements.ManagedMove``), one concern for each move, on the worklist of the setting
  the pupil's concerns go to (the home school, the main registration during the trial).

A new kind joins by registering its evaluator here with ``@evaluator(KIND)``, with the
facts it needs added to ``TriggerFacts`` and loaded in ``trigger_queries``.
"""

from __future__ import annotations

import bisect
import datetime
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from knotwork.analytics.attendance import Marks, percentage, sessions_of
from knotwork.attendance import signals as attendance_signals
from knotwork.termdates.school_days import SchoolDays, TermSpan

ATTENDANCE_BELOW = "attendance_below"
NEWLY_PERSISTENT = "newly_persistent"
PENALTY_THRESHOLD = "penalty_threshold"
INCIDENTS = "incidents"
SUSPENSION = "suspension"
REPEAT_SUSPENSION = "repeat_suspension"
MANAGED_MOVE = "managed_move"


@dataclass(frozen=True)
class Rule:
    """A trigger rule's figures, as the evaluators read them."""

    id: int
    kind: str
    threshold: Decimal | None = None
    window_school_days: int | None = None


#: The partnership's starting rules: (kind, threshold, window in school days, active).
DEFAULT_RULES: tuple[tuple[str, Decimal | None, int | None, bool], ...] = (
    (ATTENDANCE_BELOW, Decimal(90), 30, True),
    (NEWLY_PERSISTENT, None, None, True),
    (PENALTY_THRESHOLD, None, None, True),
    (INCIDENTS, Decimal(3), 10, True),
    (SUSPENSION, None, None, True),
    (REPEAT_SUSPENSION, Decimal(2), None, True),
    (MANAGED_MOVE, None, None, True),
)
DEFAULTS = {kind: (threshold, window) for kind, threshold, window, _ in DEFAULT_RULES}


# --- the facts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterWindow:
    """Recent register marks of pupils on roll at settings sharing one calendar.

    ``days`` are the calendar's school days (a day with at least one session open),
    oldest first, up to the day asked about; ``marks`` has one row per pupil in
    ``pupils`` and two columns (AM, PM) per day."""

    calendar_id: int
    days: tuple[datetime.date, ...]
    marks: Marks
    pupils: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.marks.shape != (len(self.pupils), 2 * len(self.days)):
            raise ValueError("marks need one row a pupil and two columns a school day")


@dataclass(frozen=True)
class SignalFact:
    """An open attendance sign (``attendance.Signal``)."""

    pupil_id: int
    kind: str
    signal: str  # the sign's UUID
    first_seen: datetime.date
    evidence: dict[str, Any]


@dataclass(frozen=True)
class IncidentFact:
    pupil_id: int
    incident: str  # the incident's UUID
    day: datetime.date


@dataclass(frozen=True)
class SuspensionFact:
    pupil_id: int
    exclusion: str  # the suspension's UUID
    start: datetime.date
    sessions: int | None


@dataclass(frozen=True)
class MoveFact:
    """A managed move in its trial."""

    pupil_id: int
    move: str  # the move's UUID
    starts_on: datetime.date
    trial_ends_on: datetime.date


@dataclass(frozen=True)
class TriggerFacts:
    """Everything the rules read for a partnership on a day.

    ``roll`` maps each pupil on roll at one of its settings to the setting whose worklist
    their concerns go on, and ``calendar_of`` that pupil to the setting's calendar id,
    whose school days are in ``calendars``."""

    on: datetime.date
    roll: dict[int, int]
    calendar_of: dict[int, int]
    calendars: dict[int, SchoolDays]
    registers: tuple[RegisterWindow, ...] = ()
    signals: tuple[SignalFact, ...] = ()
    incidents: tuple[IncidentFact, ...] = ()
    suspensions: tuple[SuspensionFact, ...] = ()
    moves: tuple[MoveFact, ...] = ()


@dataclass(frozen=True)
class Firing:
    """A rule that fired for a pupil: the concern it raises, before it is written."""

    rule_id: int
    pupil_id: int
    setting_id: int
    key: str
    summary: str
    fired_on: datetime.date
    evidence: dict[str, Any] = field(default_factory=dict)


Evaluator = Callable[[Rule, TriggerFacts], list[Firing]]

#: kind -> the function that evaluates rules of that kind.
EVALUATORS: dict[str, Evaluator] = {}


def evaluator(kind: str) -> Callable[[Evaluator], Evaluator]:
    """Register the function that evaluates rules of ``kind``."""

    def register(function: Evaluator) -> Evaluator:
        if kind in EVALUATORS:
            raise ValueError(f"{kind} already has an evaluator")
        EVALUATORS[kind] = function
        return function

    return register


def evaluate(rule: Rule, facts: TriggerFacts) -> list[Firing]:
    """Every firing of the rule on the facts; none for a kind with no evaluator yet."""
    found = EVALUATORS.get(rule.kind)
    return [] if found is None else found(rule, facts)


# --- words -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2048)
def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _days(sessions: int) -> str:
    whole, half = divmod(sessions, 2)
    return f"{whole}.5" if half else f"{whole}"


def _figure(rule: Rule, default: Decimal) -> Decimal:
    return rule.threshold if rule.threshold is not None else default


def _window(rule: Rule, default: int) -> int:
    return rule.window_school_days or default


def term_key(term: TermSpan | None, day: datetime.date) -> str:
    """A term as a key: ``2026-autumn``; outside every term, the calendar month."""
    if term is None:
        return f"{day:%Y-%m}"
    return f"{term.start_year}-{term.name}"


def _setting(facts: TriggerFacts, pupil_id: int) -> int | None:
    return facts.roll.get(pupil_id)


# --- attendance under a rate over recent school days --------------------------------------


@evaluator(ATTENDANCE_BELOW)
def attendance_below(rule: Rule, facts: TriggerFacts) -> list[Firing]:
    rate = Fraction(_figure(rule, Decimal(90)))
    n = _window(rule, 30)
    found: list[Firing] = []
    for window in facts.registers:
        days = window.days[-n:]
        if not days:
            continue
        marks = window.marks[:, window.marks.shape[1] - 2 * len(days) :]
        counted = sessions_of(marks)
        attending = counted.attending.astype(np.int64)
        possible = counted.possible.astype(np.int64)
        absent = counted.absent  # a sum over every row: worked out once, not once a firing
        # attending / possible < rate%, exactly; at least half the window's sessions possible.
        under = (attending * 100 * rate.denominator < possible * rate.numerator) & (
            possible >= len(days)
        )
        calendar = facts.calendars.get(window.calendar_id)
        last = days[-1]
        key = term_key(calendar.term_of(last) if calendar else None, last)
        for row in np.flatnonzero(under):
            pupil_id = window.pupils[row]
            setting_id = _setting(facts, pupil_id)
            if setting_id is None:
                continue
            got, could = int(attending[row]), int(possible[row])
            shown = percentage(got, could, 1)
            missed = int(absent[row])
            found.append(
                Firing(
                    rule_id=rule.id,
                    pupil_id=pupil_id,
                    setting_id=setting_id,
                    key=f"term:{key}",
                    fired_on=last,
                    summary=(
                        f"Attendance {shown}% over the {len(days)} school days to "
                        f"{long_date(last)} (possible {could}, missed {_days(missed)} days); "
                        f"the rule is under {rate}%."
                    ),
                    evidence={
                        "rate": str(shown),
                        "attending": got,
                        "possible": could,
                        "absent_sessions": missed,
                        "from": days[0].isoformat(),
                        "to": last.isoformat(),
                        "school_days": len(days),
                        "threshold": str(rate),
                    },
                )
            )
    return found


# --- the attendance signs ----------------------------------------------------------------------


def _signal_firings(kind: str, label: str) -> Evaluator:
    def signs(rule: Rule, facts: TriggerFacts) -> list[Firing]:
        found: list[Firing] = []
        for sign in facts.signals:
            setting_id = _setting(facts, sign.pupil_id)
            if sign.kind != kind or setting_id is None or sign.first_seen > facts.on:
                continue
            try:
                said = attendance_signals.describe(
                    attendance_signals.SignalResult(kind, sign.evidence)
                )
            except KeyError:  # evidence from an older version of the sign
                said = ""
            found.append(
                Firing(
                    rule_id=rule.id,
                    pupil_id=sign.pupil_id,
                    setting_id=setting_id,
                    key=f"signal:{sign.signal}",
                    fired_on=sign.first_seen,
                    summary=f"{label} on {long_date(sign.first_seen)}: {said}".rstrip(": "),
                    evidence={"signal": sign.signal, **sign.evidence},
                )
            )
        return found

    signs.__name__ = kind
    return signs


evaluator(NEWLY_PERSISTENT)(_signal_firings(NEWLY_PERSISTENT, "Newly persistently absent"))
evaluator(PENALTY_THRESHOLD)(_signal_firings(PENALTY_THRESHOLD, "Penalty notice threshold reached"))


# --- incidents within a number of school days ------------------------------------------------


def incident_runs(positions: list[int], at_least: int, within: int) -> list[tuple[int, int]]:
    """Runs of ``at_least`` incidents within ``within`` school days, as (first, last)
    indices into ``positions`` (each incident's school day's place in the calendar,
    in order). Runs do not overlap: the next starts after the last one's incidents."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i + at_least - 1 < len(positions):
        last = i + at_least - 1
        if positions[last] - positions[i] < within:
            runs.append((i, last))
            i = last + 1
        else:
            i += 1
    return runs


@evaluator(INCIDENTS)
def incidents(rule: Rule, facts: TriggerFacts) -> list[Firing]:
    at_least = max(1, int(_figure(rule, Decimal(3))))
    within = _window(rule, 10)
    by_pupil: dict[int, list[IncidentFact]] = defaultdict(list)
    for incident in facts.incidents:
        if incident.day <= facts.on:
            by_pupil[incident.pupil_id].append(incident)
    found: list[Firing] = []
    for pupil_id, theirs in by_pupil.items():
        setting_id = _setting(facts, pupil_id)
        calendar = facts.calendars.get(facts.calendar_of.get(pupil_id, -1))
        if setting_id is None or calendar is None:
            continue
        theirs.sort(key=lambda x: (x.day, x.incident))
        # A day that is not a school day (a trip in the holiday) counts as the next one.
        positions = [bisect.bisect_left(calendar.days, x.day) for x in theirs]
        for first, last in incident_runs(positions, at_least, within):
            run = theirs[first : last + 1]
            span = positions[last] - positions[first] + 1
            found.append(
                Firing(
                    rule_id=rule.id,
                    pupil_id=pupil_id,
                    setting_id=setting_id,
                    key=f"incidents:{run[0].incident}",
                    fired_on=run[-1].day,
                    summary=(
                        f"{len(run)} incidents in {span} school day{'s' if span != 1 else ''}, "
                        f"{long_date(run[0].day)} to {long_date(run[-1].day)}; the rule is "
                        f"{at_least} within {within} school days."
                    ),
                    evidence={
                        "incidents": [x.incident for x in run],
                        "days": [x.day.isoformat() for x in run],
                        "school_days": span,
                        "threshold": at_least,
                        "window_school_days": within,
                    },
                )
            )
    return found


# --- suspensions -----------------------------------------------------------------------------


def _length(sessions: int | None) -> str:
    if not sessions:
        return ""
    return f" for {_days(sessions)} day{'s' if sessions != 2 else ''}"


@evaluator(SUSPENSION)
def suspension(rule: Rule, facts: TriggerFacts) -> list[Firing]:
    found: list[Firing] = []
    for x in facts.suspensions:
        setting_id = _setting(facts, x.pupil_id)
        if setting_id is None or x.start > facts.on:
            continue
        found.append(
            Firing(
                rule_id=rule.id,
                pupil_id=x.pupil_id,
                setting_id=setting_id,
                key=f"exclusion:{x.exclusion}",
                fired_on=x.start,
                summary=f"Suspended{_length(x.sessions)} from {long_date(x.start)}.",
                evidence={
                    "exclusion": x.exclusion,
                    "start": x.start.isoformat(),
                    "sessions": x.sessions,
                },
            )
        )
    return found


@evaluator(REPEAT_SUSPENSION)
def repeat_suspension(rule: Rule, facts: TriggerFacts) -> list[Firing]:
    nth = max(2, int(_figure(rule, Decimal(2))))
    by_term: dict[tuple[int, str], list[SuspensionFact]] = defaultdict(list)
    terms: dict[tuple[int, str], TermSpan | None] = {}
    for x in facts.suspensions:
        calendar = facts.calendars.get(facts.calendar_of.get(x.pupil_id, -1))
        if calendar is None or x.start > facts.on:
            continue
        term = calendar.term_of(x.start)
        which = (x.pupil_id, term_key(term, x.start))
        by_term[which].append(x)
        terms[which] = term
    found: list[Firing] = []
    for (pupil_id, key), theirs in by_term.items():
        setting_id = _setting(facts, pupil_id)
        if setting_id is None or len(theirs) < nth:
            continue
        theirs.sort(key=lambda x: (x.start, x.exclusion))
        counted = theirs[:nth]
        term = terms[(pupil_id, key)]
        where = f"the {term.label}" if term is not None else "one term"
        dates = ", ".join(long_date(x.start) for x in counted[:-1])
        found.append(
            Firing(
                rule_id=rule.id,
                pupil_id=pupil_id,
                setting_id=setting_id,
                key=f"term:{key}",
                fired_on=counted[-1].start,
                summary=(
                    f"{ordinal(nth)} suspension in {where}: from {long_date(counted[-1].start)}, "
                    f"after {dates}."
                ),
                evidence={
                    "exclusions": [x.exclusion for x in counted],
                    "starts": [x.start.isoformat() for x in counted],
                    "term": key,
                    "threshold": nth,
                },
            )
        )
    return found


@evaluator(MANAGED_MOVE)
def managed_move(rule: Rule, facts: TriggerFacts) -> list[Firing]:
    found: list[Firing] = []
    for x in facts.moves:
        setting_id = _setting(facts, x.pupil_id)
        if setting_id is None or x.starts_on > facts.on:
            continue
        found.append(
            Firing(
                rule_id=rule.id,
                pupil_id=x.pupil_id,
                setting_id=setting_id,
                key=f"move:{x.move}",
                fired_on=x.starts_on,
                summary=f"In the trial of a managed move from {long_date(x.starts_on)} "
                f"to {long_date(x.trial_ends_on)}.",
                evidence={
                    "move": x.move,
                    "starts_on": x.starts_on.isoformat(),
                    "trial_ends_on": x.trial_ends_on.isoformat(),
                },
            )
        )
    return found
