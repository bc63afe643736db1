"""What the exclusion pages read: a pupil's suspensions and permanent exclusions with
their clocks (``rules``), one exclusion for a user, and the summary other pages include
as ``behaviour/_exclusions_panel.html`` (``exclusions_panel``).

Visibility follows the pupil's (``pupils.access``). Clocks are worked out on the
school days of each exclusion's setting's calendar (``termdates.school_days``).
"""

from __future__ import annotations

import csv
import datetime
import io
import uuid as uuid_module
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.behaviour import rules
from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.reasons import BY_CODE
from knotwork.casework.consent_models import Section
from knotwork.pupils.access import (
    PARTNERSHIP_ROLES,
    SETTING_ROLES,
    Access,
    may_enrol_at,
    pupil_access,
    pupil_sections,
    visible_pupils,
)
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.termdates.queries import school_days_for
from knotwork.termdates.school_days import SchoolDays, start_year_of

Date = datetime.date

# --- facts for the rules --------------------------------------------------------------

#: ExclusionFacts field -> the Exclusion field it is read from (the same name unless given).
_SAME = (
    "start_half",
    "sessions",
    "parents_told_on",
    "parents_told_how",
    "la_told_on",
    "social_worker_told_on",
    "virtual_school_told_on",
    "governors_told_on",
    "provision_by",
    "provision_where",
    "provision_from",
    "board_met_on",
    "board_outcome",
    "board_decision_sent_on",
    "review_applied_on",
    "review_outcome",
    "review_decided_on",
    "cancelled_on",
)
#: What ``facts_from_row`` needs from ``Exclusion.objects.values(...)``.
FACT_VALUES = (
    "pk",
    "kind",
    "start_date",
    "recorded_at",
    "parents_representations_on",
    "enrolment__setting_id",
    "enrolment__setting__calendar_id",
    "enrolment__end_date",
    *_SAME,
)


def _local_day(moment: datetime.datetime | None) -> Date | None:
    return None if moment is None else timezone.localdate(moment)


def facts_from_row(row: Mapping[str, Any]) -> rules.ExclusionFacts:
    """The facts of one exclusion from a ``values(*FACT_VALUES)`` row (or one with the day
    it was recorded as ``recorded_on`` in place of ``recorded_at``)."""
    permanent = row["kind"] == Exclusion.Kind.PERMANENT
    return rules.ExclusionFacts(
        ref=row["pk"],
        calendar=row["enrolment__setting__calendar_id"],
        setting=row["enrolment__setting_id"],
        permanent=permanent,
        start=row["start_date"],
        recorded_on=row["recorded_on"] if "recorded_on" in row else _local_day(row["recorded_at"]),
        representations_on=row["parents_representations_on"],
        off_roll_on=row["enrolment__end_date"] if permanent else None,
        **{name: row[name] for name in _SAME},
    )


def facts_of(exclusion: Exclusion) -> rules.ExclusionFacts:
    """The facts of one exclusion read with its enrolment and setting."""
    enrolment = exclusion.enrolment
    row: dict[str, Any] = {name: getattr(exclusion, name) for name in _SAME}
    row.update(
        pk=exclusion.pk,
        kind=exclusion.kind,
        start_date=exclusion.start_date,
        recorded_at=exclusion.recorded_at,
        parents_representations_on=exclusion.parents_representations_on,
        enrolment__setting_id=enrolment.setting_id,
        enrolment__setting__calendar_id=enrolment.setting.calendar_id,
        enrolment__end_date=enrolment.end_date,
    )
    return facts_from_row(row)


def pupil_facts(pupil: Pupil) -> rules.PupilFacts:
    return rules.PupilFacts(looked_after=pupil.looked_after, child_in_need=pupil.child_in_need)


def years_to_load(starts: Iterable[Date], today: Date) -> range:
    """Academic years whose school days the clocks may need: from the earliest exclusion's
    to the one after today's (deadlines run into the next year)."""
    this_year = start_year_of(today)
    first = min([start_year_of(day) for day in starts] + [this_year - 1])
    return range(first, max(this_year, *(start_year_of(d) for d in starts), first) + 2)


def calendars_for(
    calendar_ids: Iterable[int], starts: Iterable[Date], today: Date
) -> dict[Hashable, SchoolDays]:
    """The school days of each calendar over the years the clocks may need."""
    dates = list(starts)
    loaded = school_days_for(calendar_ids, years_to_load(dates, today))
    found: dict[Hashable, SchoolDays] = {key: days for key, days in loaded.items()}
    return found


# --- one pupil ----------------------------------------------------------------------------


def exclusions_for_pupil(pupil: Pupil) -> QuerySet[Exclusion]:
    """Every suspension and permanent exclusion of a pupil, at every setting, latest first."""
    return Exclusion.objects.filter(pupil=pupil).select_related(
        "enrolment__setting", "recorded_by", "pupil"
    )


def exclusion_for_user(
    user: User, exclusion_uuid: uuid_module.UUID | str, *, write: bool = False
) -> Exclusion:
    """An exclusion if the user may see its pupil: 404 when not (existence never leaks),
    403 when they may see it but asked to change it without edit access."""
    exclusion = (
        Exclusion.objects.filter(uuid=exclusion_uuid, pupil__in=visible_pupils(user).values("pk"))
        .select_related("pupil", "enrolment__setting", "recorded_by")
        .first()
    )
    if exclusion is None or Section.BEHAVIOUR not in pupil_sections(user, exclusion.pupil):
        raise Http404("No such exclusion")
    if write and pupil_access(user, exclusion.pupil) < Access.EDIT:
        raise PermissionDenied("You may see this pupil's exclusions but not change them.")
    return exclusion


def clocks_of(
    exclusions: list[Exclusion], pupil: Pupil, today: Date
) -> tuple[rules.PupilClocks, dict[Hashable, SchoolDays]]:
    """The clocks of a pupil's exclusions (all of them, at every setting), given today."""
    calendars = calendars_for(
        {x.enrolment.setting.calendar_id for x in exclusions},
        [x.start_date for x in exclusions],
        today,
    )
    facts = [facts_of(x) for x in exclusions]
    return rules.pupil_clocks(calendars, facts, pupil_facts(pupil), today), calendars


def compliance_roles(user: User) -> set[str]:
    """The user's roles that open the compliance page: setting staff and leaders, for
    their settings; coordinators and local authority officers, for the partnership."""
    roles = set(Membership.objects.filter(user=user).values_list("role", flat=True))
    return roles & (SETTING_ROLES | PARTNERSHIP_ROLES)


def issuing_enrolments(pupil: Pupil, user: User, on: Date) -> list[Enrolment]:
    """The pupil's enrolments on the day at settings the user acts for (may enrol at)."""
    current = Enrolment.objects.current(on).filter(pupil=pupil).select_related("setting")
    return [e for e in current if may_enrol_at(user, e.setting)]


def reason_labels(exclusion: Exclusion) -> list[str]:
    return [
        f"{code}: {BY_CODE[code].label}" if code in BY_CODE else code for code in exclusion.reasons
    ]


def length_text(exclusion: Exclusion) -> str:
    if exclusion.sessions is None:
        return "Permanent"
    sessions = exclusion.sessions
    return f"{rules.days_text(sessions)} ({sessions} session{'s' if sessions != 1 else ''})"


@dataclass(frozen=True)
class ExclusionRow:
    """One exclusion as the pupil's page and the exclusion's page show it."""

    exclusion: Exclusion
    clocks: list[rules.Clock]
    last_day: Date | None
    reasons: list[str]
    length: str

    @property
    def overdue(self) -> int:
        return sum(1 for c in self.clocks if c.is_open and c.status == rules.Status.OVERDUE)

    @property
    def open(self) -> list[rules.Clock]:
        return [c for c in self.clocks if c.is_open]

    @property
    def status(self) -> str:
        x = self.exclusion
        if x.cancelled_on:
            return f"Cancelled on {x.cancelled_on:%-d %B %Y}"
        if x.board_outcome == Exclusion.BoardOutcome.REINSTATED:
            return "Reinstatement directed by the governing board"
        if x.kind == Exclusion.Kind.PERMANENT and x.enrolment.end_date:
            return f"Off roll from {x.enrolment.end_date:%-d %B %Y}"
        return ""


def _rows(
    exclusions: list[Exclusion], found: rules.PupilClocks, calendars: Mapping[Hashable, SchoolDays]
) -> list[ExclusionRow]:
    rows = []
    for x in exclusions:
        calendar = calendars.get(x.enrolment.setting.calendar_id)
        rows.append(
            ExclusionRow(
                exclusion=x,
                clocks=found.by_exclusion.get(x.pk, []),
                last_day=None if calendar is None else rules.last_day(calendar, facts_of(x)),
                reasons=reason_labels(x),
                length=length_text(x),
            )
        )
    return rows


@dataclass
class ExclusionsPage:
    pupil: Pupil
    today: Date
    rows: list[ExclusionRow]
    cap: rules.Clock | None
    used: int
    can_edit: bool
    may_issue: bool
    may_see_compliance: bool = False

    @property
    def used_text(self) -> str:
        return rules.days_text(self.used)

    @property
    def open_clocks(self) -> list[tuple[ExclusionRow | None, rules.Clock]]:
        """Every open clock, overdue first, with its exclusion (None for the cap)."""
        found: list[tuple[ExclusionRow | None, rules.Clock]] = [
            (row, c) for row in self.rows for c in row.open
        ]
        if self.cap is not None and self.cap.is_open:
            found.append((None, self.cap))
        return sorted(found, key=lambda item: (item[1].urgency, item[1].due or Date.max))

    @property
    def overdue(self) -> int:
        return sum(1 for _, c in self.open_clocks if c.status == rules.Status.OVERDUE)


def pupil_exclusions_page(pupil: Pupil, user: User, today: Date) -> ExclusionsPage:
    """Everything the pupil's exclusions page shows, for a user who may see the pupil."""
    exclusions = list(exclusions_for_pupil(pupil))
    found, calendars = clocks_of(exclusions, pupil, today)
    can_edit = pupil_access(user, pupil, today) >= Access.EDIT
    return ExclusionsPage(
        pupil=pupil,
        today=today,
        rows=_rows(exclusions, found, calendars),
        cap=found.cap,
        used=found.used,
        can_edit=can_edit,
        may_issue=can_edit and bool(issuing_enrolments(pupil, user, today)),
        may_see_compliance=bool(compliance_roles(user)),
    )


def exclusion_row(exclusion: Exclusion, today: Date) -> ExclusionRow:
    """One exclusion with its clocks (worked out beside the pupil's others, which count
    together for the sixth day and the board's duties)."""
    exclusions = list(exclusions_for_pupil(exclusion.pupil))
    found, calendars = clocks_of(exclusions, exclusion.pupil, today)
    return next(
        row for row in _rows(exclusions, found, calendars) if row.exclusion.pk == exclusion.pk
    )


@dataclass(frozen=True)
class ExclusionsPanel:
    """The summary ``behaviour/_exclusions_panel.html`` shows (as ``panel``)."""

    pupil: Pupil
    used: int  # sessions of suspension served this academic year, across schools
    cap: rules.Clock | None
    suspensions_this_year: int
    permanent_this_year: int
    open_clocks: list[rules.Clock]
    overdue: int
    url: str
    can_edit: bool

    @property
    def used_text(self) -> str:
        return rules.days_text(self.used)

    @property
    def cap_sessions(self) -> int:
        return 2 * rules.CAP_DAYS

    @property
    def recorded_text(self) -> str:
        """ "2 suspensions and 1 permanent exclusion this year", or "None this year"."""
        said = [
            f"{n} {what}{'s' if n != 1 else ''}"
            for n, what in (
                (self.suspensions_this_year, "suspension"),
                (self.permanent_this_year, "permanent exclusion"),
            )
            if n
        ]
        return f"{' and '.join(said)} this year" if said else "None this year"


def exclusions_panel(pupil: Pupil, user: User, today: Date | None = None) -> ExclusionsPanel:
    """The pupil's exclusions in brief: this year's suspensions and permanent exclusions
    (those not cancelled, by the year they start), the days used of the 45, and the open
    clocks of all of them.

    The page that includes the panel has already checked access and written its audit row;
    this refuses a user who may not see the pupil."""
    today = today or timezone.localdate()
    access = pupil_access(user, pupil, today)
    if access < Access.READ:
        raise PermissionDenied("You may not see this pupil.")
    exclusions = list(exclusions_for_pupil(pupil))
    found, _ = clocks_of(exclusions, pupil, today)
    year = start_year_of(today)
    this_year = [
        x for x in exclusions if not x.cancelled_on and start_year_of(x.start_date) == year
    ]
    open_clocks = found.open()
    return ExclusionsPanel(
        pupil=pupil,
        used=found.used,
        cap=found.cap,
        suspensions_this_year=sum(1 for x in this_year if x.kind == Exclusion.Kind.SUSPENSION),
        permanent_this_year=sum(1 for x in this_year if x.kind == Exclusion.Kind.PERMANENT),
        open_clocks=open_clocks,
        overdue=sum(1 for c in open_clocks if c.status == rules.Status.OVERDUE),
        url=reverse("behaviour:pupil-exclusions", args=[pupil.uuid]),
        can_edit=access >= Access.EDIT,
    )


# --- CSV -------------------------------------------------------------------------------------

# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_text(header: list[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a byte order mark so spreadsheets read UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


PUPIL_CSV_HEADER = [
    "Kind",
    "Setting",
    "Start date",
    "Start",
    "Last day",
    "Length in sessions",
    "Reasons",
    "Decided by",
    "Parents told",
    "Local authority told",
    "Provision from",
    "Governing board met",
    "Board outcome",
    "Review outcome",
    "Cancelled on",
    "Open clocks",
]


def _iso(day: Date | None) -> str:
    return day.isoformat() if day else ""


def pupil_exclusions_csv(page: ExclusionsPage) -> str:
    rows = []
    for row in page.rows:
        x = row.exclusion
        rows.append(
            [
                x.get_kind_display(),
                x.enrolment.setting.name,
                _iso(x.start_date),
                x.get_start_half_display(),
                _iso(row.last_day),
                x.sessions if x.sessions is not None else "",
                " ".join(x.reasons),
                x.decided_by,
                _iso(x.parents_told_on),
                _iso(x.la_told_on),
                _iso(x.provision_from),
                _iso(x.board_met_on),
                x.get_board_outcome_display() if x.board_outcome else "",
                x.get_review_outcome_display() if x.review_outcome else "",
                _iso(x.cancelled_on),
                "; ".join(f"{c.title}: {c.tag_text}" for c in row.open),
            ]
        )
    return csv_text(PUPIL_CSV_HEADER, rows)


# --- what may be done to an exclusion now ---------------------------------------------------


def exclusion_actions(exclusion: Exclusion) -> set[str]:
    """The forms the exclusion's page offers someone who may change it."""
    x = exclusion
    actions = {"notice"}
    if x.cancelled_on is not None:
        return actions
    off_roll = x.kind == Exclusion.Kind.PERMANENT and x.enrolment.end_date is not None
    if not off_roll:
        actions |= {"provision", "board"}
    if x.board_met_on is None and not off_roll:
        actions.add("cancel")
    decided = x.board_outcome == Exclusion.BoardOutcome.UPHELD and x.board_decision_sent_on
    if x.kind == Exclusion.Kind.PERMANENT and decided:
        if x.review_applied_on is not None or not off_roll:
            actions.add("review")
        if x.review_applied_on is None and not off_roll:
            actions.add("off_roll")
    return actions
