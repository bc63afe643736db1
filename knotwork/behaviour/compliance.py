"""What the exclusions compliance page lists: every open clock of the suspensions and
permanent exclusions at a setting (for its staff) or across the partnership (for
coordinators and local authority officers), overdue first, in groups.

The page lists the exclusions since the start of the term before this one (and of
this academic year), and permanent exclusions still in progress. Reading is a fixed
number of queries however many pupils: who the user is and which settings; the
calendars' school days (three); one pass over the exclusions in the database that
finds the pupils who may have an open clock (``_candidate_pupils``: most pupils'
exclusions are all told, short and over); which of those the user may see; their
exclusions and enrolments; the names for the lines shown. Only those pupils' clocks
are worked out, in ``rules``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncDate
from django.urls import reverse

from knotwork.accounts.models import User
from knotwork.behaviour import rules
from knotwork.behaviour.exclusion_queries import (
    FACT_VALUES,
    calendars_for,
    compliance_roles,
    csv_text,
    facts_from_row,
)
from knotwork.behaviour.models import Exclusion
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import (
    PARTNERSHIP_ROLES,
    visible_pupils,
    visible_settings,
)
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.termdates.school_days import SchoolDays, start_year_of

Date = datetime.date

GROUP_TITLES: dict[rules.Group, str] = {
    rules.Group.PROVISION: "Education from the sixth day not arranged",
    rules.Group.BOARD: "Governing board meeting due",
    rules.Group.REVIEW: "Independent review window open",
    rules.Group.NOTICES: (
        "Not yet told: local authority, social worker, virtual school head, parents, governors"
    ),
    rules.Group.CAP: "Near the 45-day cap",
}


@dataclass(frozen=True)
class ComplianceScope:
    """The settings whose exclusions the page lists, and whether they are a partnership's."""

    settings: list[Setting]
    whole_partnership: bool
    chosen: Setting | None = None

    @property
    def shown(self) -> list[Setting]:
        return [self.chosen] if self.chosen is not None else self.settings

    @property
    def title(self) -> str:
        if self.chosen is not None or len(self.settings) == 1:
            return self.shown[0].name
        return "All settings in the partnership" if self.whole_partnership else "Your settings"


def compliance_scope(user: User, setting_uuid: str | None = None) -> ComplianceScope | None:
    """Setting staff and behaviour and attendance leaders: their settings. Partnership
    coordinators and local authority officers: every setting in their partnerships.
    Anyone else (agency practitioners, board members): None. A setting may be chosen
    from several; an unknown one gives None too."""
    roles = compliance_roles(user)
    if not roles:
        return None
    settings = list(visible_settings(user))
    if not settings:
        return None
    scope = ComplianceScope(settings, whole_partnership=bool(roles & PARTNERSHIP_ROLES))
    if not setting_uuid:
        return scope
    chosen = next((s for s in settings if str(s.uuid) == setting_uuid), None)
    return None if chosen is None else ComplianceScope(settings, scope.whole_partnership, chosen)


@dataclass(frozen=True)
class ComplianceItem:
    clock: rules.Clock
    pupil_uuid: Any
    pupil_name: str
    upn: str
    setting: str
    exclusion_uuid: Any | None  # None for the cap
    exclusion: str  # "Suspension from 23 Nov 2026"

    @property
    def pupil_url(self) -> str:
        return _PUPIL_URL.format(self.pupil_uuid)

    @property
    def exclusion_url(self) -> str:
        return _EXCLUSION_URL.format(self.exclusion_uuid) if self.exclusion_uuid else ""

    @property
    def due(self) -> str:
        due = self.clock.due
        return f"{due.day} {due:%b %Y}" if due else "\u2013"


_ANY = "00000000-0000-4000-8000-000000000000"


class _Link:
    """A page's address with a uuid put in, reversed once (the page has hundreds)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._pattern: str | None = None

    def format(self, value: Any) -> str:
        if self._pattern is None:
            self._pattern = reverse(self.name, args=[_ANY]).replace(_ANY, "{}")
        return self._pattern.format(value)


_PUPIL_URL = _Link("behaviour:pupil-exclusions")
_EXCLUSION_URL = _Link("behaviour:exclusion")


@dataclass
class ComplianceGroup:
    group: rules.Group
    items: list[ComplianceItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return GROUP_TITLES[self.group]

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.clock.status == rules.Status.OVERDUE)

    @property
    def slug(self) -> str:
        return str(self.group)


@dataclass
class CompliancePage:
    scope: ComplianceScope
    today: Date
    groups: list[ComplianceGroup]
    pupils: int  # with something open
    since: Date  # exclusions from this day are listed (and permanent ones in progress)

    @property
    def items(self) -> list[ComplianceItem]:
        return [item for group in self.groups for item in group.items]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def overdue(self) -> int:
        return sum(group.overdue for group in self.groups)


# --- reading --------------------------------------------------------------------------------

#: Sessions of suspension in a term above which the board may have to meet (more than 5 days).
_BOARD_MAY_MEET = 2 * rules.BOARD_MEETS_IF_ASKED_ABOVE_DAYS
_BOARD_MUST_MEET = 2 * rules.BOARD_MUST_MEET_ABOVE_DAYS
#: A run of exclusion still going on today started within this many days (45 school days
#: of suspension, the most a year allows, with the longest holiday).
_RUN_WITHIN_DAYS = 130


def _live() -> Q:
    return Q(cancelled_on__isnull=True)


def _permanent_in_progress() -> Q:
    """A permanent exclusion, not cancelled, with a step perhaps still to take: the board
    to meet, its decision to send, the review route to run, its reconsideration, or the
    education from the sixth day (whatever its date, and whether or not its pupil has
    left the roll where excluded)."""
    upheld = Q(board_outcome=Exclusion.BoardOutcome.UPHELD)
    return (
        Q(kind=Exclusion.Kind.PERMANENT)
        & _live()
        & (
            Q(board_met_on__isnull=True)
            | (upheld & Q(board_decision_sent_on__isnull=True))
            | (upheld & Q(review_applied_on__isnull=True))
            | Q(
                review_outcome__in=[
                    Exclusion.ReviewOutcome.RECONSIDER,
                    Exclusion.ReviewOutcome.QUASHED,
                ],
                board_met_on__lt=F("review_decided_on"),
            )
            | Q(provision_from__isnull=True)
        )
    )


def _untold() -> Q:
    """The parents, the local authority or the governors not told of an exclusion not
    cancelled (a social worker or virtual school head: ``_social_care_untold``)."""
    return _live() & (
        Q(parents_told_on__isnull=True)
        | Q(la_told_on__isnull=True)
        | Q(governors_told_on__isnull=True)
    )


def _social_care_untold() -> Q:
    """A social worker or virtual school head not told, for a pupil in need or looked after
    (either: one look at pupils; with the pupil's flags, ``Candidate.social_care`` tells
    which is owed)."""
    social_care = Pupil.objects.social_care()
    return (
        _live()
        & (Q(social_worker_told_on__isnull=True) | Q(virtual_school_told_on__isnull=True))
        & Q(pupil_id__in=social_care.values("pk"))
    )


@dataclass(frozen=True)
class Candidate:
    """A pupil who may have an open clock, and why: any reason but a social worker or
    virtual school head not told, or one of those (which one, their flags tell)."""

    pupil_id: int
    other: bool
    social_worker: bool  # a listed exclusion with no social worker told
    virtual_school: bool  # ... with no virtual school head told

    def wanted(self, pupil: rules.PupilFacts) -> bool:
        return (
            self.other
            or (self.social_worker and pupil.child_in_need)
            or (self.virtual_school and pupil.looked_after)
        )


def _terms_since(
    calendars: dict[Any, SchoolDays], since: Date, today: Date
) -> list[tuple[Date, Date, bool]]:
    """The terms an exclusion listed may start in, by dates alone (the same term of several
    calendars taken together, from the earliest first day to the latest last), as
    (first, last, one term): each term begun by today, then every later one together."""
    spans: dict[tuple[int, str], tuple[Date, Date]] = {}
    for days in calendars.values():
        for term in days.terms:
            key = (term.start_year, term.name)
            first, last = spans.get(key, (term.first, term.last))
            spans[key] = (min(first, term.first), max(last, term.last))
    begun = sorted(span for span in spans.values() if span[1] >= since and span[0] <= today)
    found = [(first, last, True) for first, last in begun]
    later = begun[-1][1] + datetime.timedelta(days=1) if begun else since
    return [*found, (later, Date.max, False)]


#: Lengths (in sessions) of suspensions grouped to find those that may still be running:
#: one up to this many sessions ends at most (n + 1) // 2 school days after it starts.
_LENGTH_BANDS = (2, 4, 10, 20, 40, 2 * rules.CAP_DAYS)


def _running_on(calendars: dict[Any, SchoolDays], today: Date) -> Q:
    """Suspensions that may not have ended by today (or are still to start), by length: a
    start no earlier than as many school days before today as the longest in the band
    lasts, in the calendar that reaches back furthest."""
    bands = Q(sessions__gt=2 * rules.CAP_DAYS)
    shorter = 0
    for longest in _LENGTH_BANDS:
        lasts = (longest + 1) // 2 + 1
        starts = [days.school_day_before(today, lasts) for days in calendars.values()]
        since = min(
            (d for d in starts if d is not None),
            default=today - datetime.timedelta(days=_RUN_WITHIN_DAYS),
        )
        if None in starts:
            since = min(since, today - datetime.timedelta(days=_RUN_WITHIN_DAYS))
        bands |= Q(sessions__gt=shorter, sessions__lte=longest, start_date__gte=since)
        shorter = longest
    return bands


def listing_starts(calendars: dict[Any, SchoolDays], today: Date) -> Date:
    """The page lists the exclusions from the first day of the term before the current one
    (or of this academic year, if that is earlier: the cap counts the whole year), and
    permanent exclusions still in progress whenever they began."""
    year_start = datetime.date(start_year_of(today), 9, 1)
    firsts = []
    for days in calendars.values():
        begun = [t for t in days.terms if t.first <= today]
        if len(begun) >= 2:
            firsts.append(begun[-2].first)
    if not firsts:
        return datetime.date(start_year_of(today) - 1, 9, 1)
    return min(*firsts, year_start)


def listed(since: Date) -> Q:
    """The exclusions the page lists (see ``listing_starts``)."""
    return Q(start_date__gte=since) | _permanent_in_progress()


def _candidate_pupils(
    calendars: dict[Any, SchoolDays], today: Date, since: Date
) -> list[Candidate]:
    """Pupils whose listed exclusions may have an open clock, in one pass over the
    exclusions table, counted across all their settings, so never fewer than at one:

    - a notice not given;
    - a permanent exclusion with a step perhaps still to take;
    - more than 5 days in suspensions started in the last 130 days, one of them perhaps
      still running with no education arranged (the sixth day);
    - 35 days or more this year (the cap);
    - in a term, more than 15 days of suspension, or more than 5 with the parents'
      representations, unless the latest of them went to the board (at one setting;
      terms not yet begun are taken together, and kept).

    Only these pupils' clocks are worked out: every other pupil's are met, lapsed or
    never started."""
    rows = Exclusion.objects.filter(listed(since)).order_by()
    # Sessions as recorded: a cancelled suspension's served days still count, so its
    # length is an upper bound of them.
    suspension = Q(kind=Exclusion.Kind.SUSPENSION)
    lately = suspension & Q(start_date__gte=today - datetime.timedelta(days=_RUN_WITHIN_DAYS))
    this_year = datetime.date(start_year_of(today), 9, 1) - datetime.timedelta(
        days=_RUN_WITHIN_DAYS
    )
    board: dict[str, Any] = {
        "first_enrolment": Min("enrolment_id", filter=suspension),
        "last_enrolment": Max("enrolment_id", filter=suspension),
    }
    board_due = Q()
    for i, (first, last, one_term) in enumerate(_terms_since(calendars, since, today)):
        in_term = suspension & Q(start_date__range=(first, last))
        board |= {
            f"total{i}": Sum("sessions", filter=in_term),
            f"asked{i}": Count("parents_representations_on", filter=in_term),
            f"last{i}": Max("start_date", filter=in_term),
            f"met{i}": Max("start_date", filter=in_term & Q(board_met_on__isnull=False)),
        }
        over = Q(**{f"total{i}__gt": _BOARD_MUST_MEET}) | Q(
            **{f"total{i}__gt": _BOARD_MAY_MEET, f"asked{i}__gt": 0}
        )
        # Met for certain when the latest of them went to the board (all at one school).
        open_ = (
            Q(**{f"met{i}__isnull": True})
            | Q(**{f"last{i}__gt": F(f"met{i}")})
            | Q(last_enrolment__gt=F("first_enrolment"))
        )
        board_due |= over & open_ if one_term else over
    others = (
        Q(untold__gt=0)
        | Q(permanent__gt=0)
        | Q(lately__gt=_BOARD_MAY_MEET, running__gt=0)
        | Q(year__gte=2 * rules.CAP_APPROACHING_DAYS)
        | board_due
    )
    no_social_worker = _live() & Q(social_worker_told_on__isnull=True)
    no_virtual_school = _live() & Q(virtual_school_told_on__isnull=True)
    found = (
        rows.values("pupil_id")
        .annotate(
            untold=Count("pk", filter=_untold()),
            social_care=Count("pk", filter=_social_care_untold()),
            no_social_worker=Count("pk", filter=no_social_worker),
            no_virtual_school=Count("pk", filter=no_virtual_school),
            permanent=Count("pk", filter=_permanent_in_progress()),
            lately=Sum("sessions", filter=lately),
            running=Count(
                "pk",
                filter=lately & _running_on(calendars, today) & Q(provision_from__isnull=True),
            ),
            year=Sum("sessions", filter=suspension & Q(start_date__gte=this_year)),
            **board,
        )
        .filter(others | Q(social_care__gt=0))
        .annotate(other=Case(When(others, then=Value(True)), default=Value(False)))
        # Not "social_care": asked for twice, the look at pupils would be made twice. A
        # pupil here for no other reason is here for it.
        .values_list("pupil_id", "other", "no_social_worker", "no_virtual_school")
    )
    return [
        Candidate(pupil_id, other, bool(social_worker), bool(virtual_school))
        for pupil_id, other, social_worker, virtual_school in found
    ]


#: What the page reads of each exclusion: the facts, less its enrolment's (read apart).
_ROW_VALUES = tuple(
    name for name in FACT_VALUES if not name.startswith("enrolment__") and name != "recorded_at"
)


def _rows(
    user: User, calendars: dict[Any, SchoolDays], today: Date, since: Date
) -> tuple[list[dict[str, Any]], dict[int, rules.PupilFacts]]:
    """Every exclusion of the pupils the user may see whose listed exclusions may have
    open clocks (all of them: earlier ones count towards the sixth day and the cap), each
    marked whether it is listed; and those pupils' facts."""
    candidates = {c.pupil_id: c for c in _candidate_pupils(calendars, today, since)}
    if not candidates:
        return [], {}
    pupils: dict[int, rules.PupilFacts] = {}
    seen = visible_pupils(user, today).filter(pk__in=sorted(candidates))
    for pk, looked_after, in_need in seen.values_list("pk", "looked_after", "child_in_need"):
        facts = rules.PupilFacts(looked_after=looked_after, child_in_need=in_need)
        if candidates[pk].wanted(facts):
            pupils[pk] = facts
    if not pupils:
        return [], {}
    rows = list(
        Exclusion.objects.filter(pupil_id__in=sorted(pupils))
        .annotate(
            recorded_on=TruncDate("recorded_at"),
            listed=Case(When(listed(since), then=Value(True)), default=Value(False)),
        )
        .order_by("pupil_id", "start_date", "start_half", "pk")
        .values(*_ROW_VALUES, "recorded_on", "listed", "pupil_id", "enrolment_id")
    )
    enrolments = {
        pk: (setting_id, calendar_id, end_date)
        for pk, setting_id, calendar_id, end_date in Enrolment.objects.filter(
            pk__in=sorted({r["enrolment_id"] for r in rows})
        ).values_list("pk", "setting_id", "setting__calendar_id", "end_date")
    }
    for row in rows:
        setting_id, calendar_id, end_date = enrolments[row["enrolment_id"]]
        row["enrolment__setting_id"] = setting_id
        row["enrolment__setting__calendar_id"] = calendar_id
        row["enrolment__end_date"] = end_date
    return rows, pupils


_SHOWN_VALUES = (
    "pk",
    "uuid",
    "kind",
    "start_date",
    "pupil_id",
    "pupil__uuid",
    "pupil__legal_forename",
    "pupil__preferred_forename",
    "pupil__legal_surname",
    "pupil__preferred_surname",
    "pupil__upn",
)


def _name(row: dict[str, Any]) -> str:
    forename = row["pupil__preferred_forename"] or row["pupil__legal_forename"]
    surname = row["pupil__preferred_surname"] or row["pupil__legal_surname"]
    return f"{forename} {surname}"


def _exclusion_text(row: dict[str, Any]) -> str:
    kind = "Permanent exclusion" if row["kind"] == Exclusion.Kind.PERMANENT else "Suspension"
    return f"{kind} from {row['start_date']:%-d %b %Y}"


def _with_calendars(
    calendars: dict[Any, SchoolDays], rows: list[dict[str, Any]], today: Date
) -> dict[Any, SchoolDays]:
    """The calendars the rows need beyond those loaded (a previous school's, or the year
    of an old permanent exclusion still in progress): read only when there are some."""
    wanted = {r["enrolment__setting__calendar_id"] for r in rows}
    earliest = min((start_year_of(r["start_date"]) for r in rows), default=start_year_of(today))
    if wanted <= calendars.keys() and earliest >= start_year_of(today) - 1:
        return calendars
    return {**calendars, **calendars_for(wanted, [r["start_date"] for r in rows], today)}


_Found = tuple[rules.Clock, int, str]  # a clock, the pk of its row for names, the setting


def _open_clocks(
    rows: list[dict[str, Any]],
    pupils: dict[int, rules.PupilFacts],
    calendars: dict[Any, SchoolDays],
    shown: dict[int, str],
    today: Date,
) -> tuple[list[_Found], list[_Found]]:
    """The open clocks of the listed exclusions at the shown settings (id -> name), and
    the pupils near the cap who were suspended there this year."""
    by_pupil: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_pupil[row["pupil_id"]].append(row)
    found: list[_Found] = []
    caps: list[_Found] = []
    this_year = start_year_of(today)
    for pupil_id, pupil_rows in by_pupil.items():
        here = [r for r in pupil_rows if r["listed"] and r["enrolment__setting_id"] in shown]
        if not here:
            continue
        facts = [facts_from_row(r) for r in pupil_rows]
        clocks = rules.pupil_clocks(calendars, facts, pupils[pupil_id], today, open_only=True)
        for row in here:
            setting = shown[row["enrolment__setting_id"]]
            found += [(c, row["pk"], setting) for c in clocks.by_exclusion[row["pk"]] if c.is_open]
        suspended = [
            r
            for r in here
            if r["kind"] == Exclusion.Kind.SUSPENSION
            and start_year_of(r["start_date"]) == this_year
        ]
        if clocks.cap is not None and clocks.cap.is_open and suspended:
            where = ", ".join(sorted({shown[r["enrolment__setting_id"]] for r in suspended}))
            caps.append((clocks.cap, suspended[0]["pk"], where))
    return found, caps


def compliance_page(user: User, scope: ComplianceScope, today: Date) -> CompliancePage:
    """Every open clock of the exclusions at the scope's settings, grouped, overdue first."""
    shown = {s.pk: s.name for s in scope.shown}
    calendars = calendars_for({s.calendar_id for s in scope.shown}, [], today)
    since = listing_starts(calendars, today)
    rows, pupils = _rows(user, calendars, today, since)
    calendars = _with_calendars(calendars, rows, today)
    found, caps = _open_clocks(rows, pupils, calendars, shown, today)
    wanted = sorted({pk for _, pk, _ in found + caps})
    names = {
        r["pk"]: r
        for r in (Exclusion.objects.filter(pk__in=wanted).values(*_SHOWN_VALUES) if wanted else [])
    }
    groups = {group: ComplianceGroup(group) for group in rules.Group}
    for clock, pk, setting in found:
        row = names[pk]
        item = _item(clock, row, setting, _exclusion_text(row), row["uuid"])
        groups[clock.group].items.append(item)
    for clock, pk, setting in caps:
        groups[rules.Group.CAP].items.append(_item(clock, names[pk], setting, "", None))
    for group in groups.values():
        group.items.sort(
            key=lambda i: (i.clock.urgency, i.clock.due or Date.max, i.pupil_name, i.setting)
        )
    pupils_open = len({i.pupil_uuid for g in groups.values() for i in g.items})
    return CompliancePage(scope, today, list(groups.values()), pupils_open, since)


def _item(
    clock: rules.Clock, row: dict[str, Any], setting: str, exclusion: str, exclusion_uuid: Any
) -> ComplianceItem:
    return ComplianceItem(
        clock=clock,
        pupil_uuid=row["pupil__uuid"],
        pupil_name=_name(row),
        upn=row["pupil__upn"],
        setting=setting,
        exclusion_uuid=exclusion_uuid,
        exclusion=exclusion,
    )


CSV_HEADER = [
    "Group",
    "Status",
    "Due",
    "Pupil",
    "UPN",
    "Setting",
    "Exclusion",
    "What",
    "Who acts",
    "What needs doing",
]


def compliance_csv(page: CompliancePage) -> str:
    rows: list[list[object]] = []
    for group in page.groups:
        for item in group.items:
            clock = item.clock
            rows.append(
                [
                    group.title,
                    clock.tag_text,
                    clock.due.isoformat() if clock.due else "",
                    item.pupil_name,
                    item.upn,
                    item.setting,
                    item.exclusion,
                    clock.title,
                    clock.who,
                    clock.line,
                ]
            )
    return csv_text(CSV_HEADER, rows)


def compliance_export_audit(*, actor: User, pupil_uuids: Iterable[Any]) -> None:
    """One EXPORT row on each listed pupil's trail for the list taken away as a file."""
    for pupil in Pupil.objects.filter(uuid__in=sorted(set(pupil_uuids), key=str)):
        audit_record(
            actor=actor, action=AuditEntry.Action.EXPORT, pupil=pupil, what="exclusion compliance"
        )
