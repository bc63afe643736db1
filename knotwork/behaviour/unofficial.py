"""The watch for unofficial exclusion: pupils whose attendance marks suggest they were
sent home, or kept on a part-time timetable, without a suspension being recorded.

Sending a child home to "cool off", or keeping them part time as a sanction, is an
exclusion without its safeguards and is unlawful (england.md §4.1, §5.3-5.4). It
shows in the register as:

- a part-time timetable (``C2``) running longer than the partnership's policy allows
  (``PART_TIME_POLICY_DAYS``: six school weeks);
- leave for exceptional circumstances (``C``) or an off-site activity (``B``) on
  several days close together (``SENT_HOME_DAYS`` within ``SENT_HOME_WINDOW_DAYS``
  school days) with no suspension recorded for those sessions.

These are patterns to look at, not findings: the page lists them with their evidence
for a person to check. The detection functions are plain functions over one
register's row of marks and its session map; ``watch_list`` reads the registers a
user may see and runs them.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from knotwork.accounts.models import Membership, User
from knotwork.attendance.codes import BY_ID, ids_of
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps
from knotwork.behaviour.models import Exclusion
from knotwork.core.models import AuditEntry
from knotwork.core.request_context import current_origin
from knotwork.directory.models import Setting
from knotwork.pupils.access import (
    PARTNERSHIP_ROLES,
    SETTING_ROLES,
    visible_pupils,
    visible_settings,
)
from knotwork.pupils.models import Pupil
from knotwork.termdates.models import AcademicYear
from knotwork.termdates.rules import SessionMap

Date = datetime.date
Marks = npt.NDArray[np.uint8]

#: The longest a part-time timetable may run under the partnership's policy (six school
#: weeks): longer, and the watch lists the pupil.
PART_TIME_POLICY_DAYS = 30
#: C2 days at most this many school days apart belong to the same timetable (a pupil
#: part time on some days of the week still has C2 every week).
PART_TIME_GAP_DAYS = 5
#: C or B marks on this many school days or more ...
SENT_HOME_DAYS = 3
#: ... within this many school days (two weeks), with no suspension recorded for them.
SENT_HOME_WINDOW_DAYS = 10

PART_TIME = "part_time"
SENT_HOME = "sent_home"
PATTERN_LABELS = {
    PART_TIME: "Part-time timetable longer than the policy allows",
    SENT_HOME: "Sent home: C or B marks with no suspension recorded",
}
PATTERN_TAGS = {PART_TIME: "Part time too long", SENT_HOME: "Sent home?"}
PART_TIME_IDS = ids_of(frozenset({"C2"}))
SENT_HOME_IDS = ids_of(frozenset({"C", "B"}))


# --- Detection (no database) ---------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One pattern in a register: its dates, how many school days and sessions carry the
    marks, which codes, and whether it runs up to the latest mark."""

    pattern: str
    first: Date
    last: Date
    span_days: int  # school days from the first to the last, both counted
    marked_days: int  # school days with one of the marks
    sessions: int  # sessions with one of the marks
    codes: tuple[str, ...]
    ongoing: bool

    @property
    def label(self) -> str:
        return PATTERN_LABELS[self.pattern]

    @property
    def tag(self) -> str:
        return PATTERN_TAGS[self.pattern]

    @property
    def weeks(self) -> Decimal:
        """The span in school weeks, to one place."""
        return (Decimal(self.span_days) / 5).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def summary(self) -> str:
        codes = " and ".join(self.codes)
        dates = f"{self.first:%-d %b %Y} to {self.last:%-d %b %Y}"
        if self.pattern == PART_TIME:
            still = ", still running" if self.ongoing else ""
            return (
                f"{codes} on {self.marked_days} school days, {dates}: {self.span_days} school "
                f"days (about {self.weeks} weeks; the policy allows "
                f"{PART_TIME_POLICY_DAYS // 5}){still}"
            )
        return (
            f"{codes} in {self.sessions} sessions on {self.marked_days} school days, {dates}; "
            "no suspension recorded for them"
        )


def covered_sessions(
    exclusions: Iterable[tuple[Date, str, int | None]], sessions: SessionMap
) -> npt.NDArray[np.bool_]:
    """Sessions a recorded exclusion covers: (start date, "AM"/"PM", length in sessions,
    None for a permanent exclusion, which covers the rest of the year)."""
    covered = np.zeros(len(sessions), dtype=np.bool_)
    for start, half, length in exclusions:
        first = 2 * bisect.bisect_left(sessions.days, start)
        if half == "PM" and sessions.is_school_day(start):
            first += 1
        stop = len(sessions) if length is None else first + length
        covered[first:stop] = True
    return covered


def _days_with(flags: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
    """Positions of the school days with a flagged session (AM or PM)."""
    by_day = flags[: len(flags) // 2 * 2].reshape(-1, 2).any(axis=1)
    found: npt.NDArray[np.int64] = np.flatnonzero(by_day).astype(np.int64)
    return found


def _codes(marks: Marks, days: Sequence[int], ids: Sequence[int]) -> tuple[str, ...]:
    chosen = np.concatenate([marks[2 * d : 2 * d + 2] for d in days]) if days else marks[:0]
    found = sorted({int(i) for i in chosen if int(i) in ids})
    return tuple(BY_ID[i].code for i in found)


def _last_marked_day(marks: Marks) -> int:
    marked = np.flatnonzero(marks)
    return int(marked[-1]) // 2 if len(marked) else -1


def part_time_runs(
    marks: Marks,
    sessions: SessionMap,
    *,
    policy_days: int = PART_TIME_POLICY_DAYS,
    gap_days: int = PART_TIME_GAP_DAYS,
) -> list[Evidence]:
    """Part-time timetables (runs of C2 days, gaps of up to ``gap_days`` school days
    between them) lasting longer than ``policy_days`` school days."""
    flags = np.isin(marks, PART_TIME_IDS)
    days = _days_with(flags)
    if not len(days):
        return []
    breaks = np.flatnonzero(np.diff(days) > gap_days) + 1
    last_marked = _last_marked_day(marks)
    found = []
    for run in np.split(days, breaks):
        first, last = int(run[0]), int(run[-1])
        span = last - first + 1
        if span <= policy_days:
            continue
        found.append(
            Evidence(
                PART_TIME,
                sessions.days[first],
                sessions.days[last],
                span,
                len(run),
                int(flags[2 * first : 2 * last + 2].sum()),
                _codes(marks, run.tolist(), PART_TIME_IDS),
                last_marked - last <= gap_days,
            )
        )
    return found


def sent_home_clusters(
    marks: Marks,
    sessions: SessionMap,
    covered: npt.NDArray[np.bool_] | None = None,
    *,
    least_days: int = SENT_HOME_DAYS,
    window_days: int = SENT_HOME_WINDOW_DAYS,
) -> list[Evidence]:
    """C or B marks on ``least_days`` school days or more within ``window_days``, in
    sessions no recorded exclusion covers; close clusters run together."""
    flags = np.isin(marks, SENT_HOME_IDS)
    if covered is not None:
        flags &= ~covered[: len(flags)]
    days = _days_with(flags)
    if len(days) < least_days:
        return []
    close = np.zeros(len(days), dtype=np.bool_)
    for j in range(len(days) - least_days + 1):
        if days[j + least_days - 1] - days[j] < window_days:
            close[j : j + least_days] = True
    chosen = days[close]
    if not len(chosen):
        return []
    breaks = np.flatnonzero(np.diff(chosen) >= window_days) + 1
    last_marked = _last_marked_day(marks)
    found = []
    for cluster in np.split(chosen, breaks):
        first, last = int(cluster[0]), int(cluster[-1])
        found.append(
            Evidence(
                SENT_HOME,
                sessions.days[first],
                sessions.days[last],
                last - first + 1,
                len(cluster),
                int(sum(flags[2 * d : 2 * d + 2].sum() for d in cluster.tolist())),
                _codes(marks, cluster.tolist(), SENT_HOME_IDS),
                last_marked - last < window_days,
            )
        )
    return found


def watch_evidence(
    marks: Marks,
    sessions: SessionMap,
    exclusions: Iterable[tuple[Date, str, int | None]] = (),
) -> list[Evidence]:
    """Every pattern in one register, in date order."""
    covered = covered_sessions(exclusions, sessions)
    found = part_time_runs(marks, sessions) + sent_home_clusters(marks, sessions, covered)
    return sorted(found, key=lambda e: (e.first, e.pattern))


# --- Reading the registers -----------------------------------------------------------------


def watch_settings(user: User) -> list[Setting] | None:
    """The settings whose pupils the watch may list for this user: their own (setting
    staff) or the partnership's (coordinators, local authority officers); None for
    anyone else (board members and agency practitioners see no pupils here)."""
    if not may_watch(user):
        return None
    return list(visible_settings(user).select_related("calendar"))


def may_watch(user: User) -> bool:
    """Whether the user is a setting's staff or works for the partnership."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return bool(roles & (SETTING_ROLES | PARTNERSHIP_ROLES))


@dataclass(frozen=True)
class Watched:
    """A pupil on the watch at a setting, with the evidence and their suspensions
    recorded there this year."""

    pupil: Pupil
    setting: Setting
    evidence: list[Evidence]
    suspensions: int

    @property
    def first(self) -> Date:
        return min(e.first for e in self.evidence)


def _exclusions_of(
    enrolment_ids: list[int], start_year: int
) -> tuple[dict[int, list[tuple[Date, str, int | None]]], dict[int, int]]:
    """Each enrolment's exclusions in the year (their sessions), and its suspensions."""
    covering: dict[int, list[tuple[Date, str, int | None]]] = defaultdict(list)
    suspensions: dict[int, int] = defaultdict(int)
    rows: Iterable[tuple[Any, ...]] = (
        Exclusion.objects.filter(
            enrolment_id__in=enrolment_ids,
            start_date__range=(Date(start_year, 9, 1), Date(start_year + 1, 8, 31)),
        )
        .order_by()
        .values_list("enrolment_id", "kind", "start_date", "start_half", "sessions")
    )
    for enrolment, kind, start, half, length in rows:
        permanent = kind == Exclusion.Kind.PERMANENT
        covering[enrolment].append((start, half, None if permanent else length))
        suspensions[enrolment] += not permanent
    return covering, suspensions


def watch_list(user: User, settings: Sequence[Setting], start_year: int) -> list[Watched]:
    """Pupils the user may see at the settings whose registers for the year show a
    pattern, sorted by setting and name.

    Registers are read as bytes; only those holding a C, C2 or B mark are looked at
    further, so the work follows the pupils with those marks, not the roll.
    """
    by_id = {s.pk: s for s in settings}
    watched = bytes(PART_TIME_IDS + SENT_HOME_IDS)
    rows: Iterable[tuple[Any, ...]] = (
        Register.objects.filter(
            academic_year__start_year=start_year,
            enrolment__setting_id__in=sorted(by_id),
            enrolment__pupil__in=visible_pupils(user).values("pk"),
        )
        .order_by()
        .values_list("enrolment_id", "enrolment__pupil_id", "enrolment__setting_id", "marks")
    )
    candidates = []
    for enrolment, pupil, setting, raw in rows:
        marks = bytes(raw)
        if any(code in marks for code in watched):
            candidates.append((enrolment, pupil, setting, marks))
    if not candidates:
        return []
    covering, suspensions = _exclusions_of([c[0] for c in candidates], start_year)
    maps = SessionMaps()
    found: list[tuple[int, int, int, list[Evidence]]] = []
    for enrolment, pupil, setting, marks in candidates:
        year = maps.for_setting(by_id[setting], start_year)
        if year is None:
            continue
        row = np.frombuffer(marks[: len(year.sessions)], dtype=np.uint8)
        evidence = watch_evidence(row, year.sessions, covering.get(enrolment, ()))
        if evidence:
            found.append((enrolment, pupil, setting, evidence))
    pupils = Pupil.objects.in_bulk([f[1] for f in found])
    listed = [
        Watched(pupils[p], by_id[s], evidence, suspensions.get(e, 0)) for e, p, s, evidence in found
    ]
    return sorted(listed, key=lambda w: (w.setting.name, w.pupil.surname, w.pupil.forename))


def watch_audit(*, actor: User, listed: Iterable[Watched], action: str, what: str) -> None:
    """One audit row per pupil listed (or exported), written together."""
    origin = current_origin()
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor,
                action=action,
                pupil=w.pupil,
                object_type=Pupil._meta.label_lower,
                object_id=str(w.pupil.uuid),
                what=what[:120],
                request_id=origin.request_id,
                ip_address=origin.ip_address,
            )
            for w in listed
        ]
    )


def watch_years(settings: Sequence[Setting]) -> list[int]:
    """Academic years (first calendar year) the settings' calendars hold, latest first."""
    years = AcademicYear.objects.filter(calendar_id__in={s.calendar_id for s in settings})
    return sorted(set(years.values_list("start_year", flat=True)), reverse=True)


WATCH_HEADER = [
    "UPN",
    "Surname",
    "Forename",
    "Setting",
    "Pattern",
    "From",
    "To",
    "School days with the marks",
    "Sessions with the marks",
    "Codes",
    "Still running",
    "Suspensions recorded this year",
]


def watch_csv(listed: Iterable[Watched]) -> str:
    """One line per pattern found, with the pupil and the evidence."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(WATCH_HEADER)
    for w in listed:
        for e in w.evidence:
            writer.writerow(
                [
                    w.pupil.upn,
                    _safe(w.pupil.surname),
                    _safe(w.pupil.forename),
                    _safe(w.setting.name),
                    e.label,
                    e.first.isoformat(),
                    e.last.isoformat(),
                    e.marked_days,
                    e.sessions,
                    " ".join(e.codes),
                    "yes" if e.ongoing else "no",
                    w.suspensions,
                ]
            )
    return out.getvalue()


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return f"'{text}" if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
