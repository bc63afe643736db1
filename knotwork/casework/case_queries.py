"""What the case pages read: who may see or change a case, the case page with its team,
plan, reviews and measures, the figures measures are read from (attendance from the
registers, incidents from behaviour, scaling from reviews), caseloads, and key workers
to suggest as a lead.

Who may see a case: staff and partnership officers who may see the pupil; agency
practitioners only while they lead the case or are on its team, whatever other link
they have to the pupil. Who may change it: those who may change the pupil's record,
and the case's lead; the team's own records (plan actions, reviews) also its members.
"""

from __future__ import annotations

import datetime
import uuid as uuid_module
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.analytics.attendance import percentage, sessions_of
from knotwork.attendance.models import Register
from knotwork.attendance.queries import SessionMaps, start_year_of
from knotwork.attendance.register import as_array
from knotwork.behaviour.incident_queries import day_start
from knotwork.behaviour.models import IncidentPupil
from knotwork.casework.case_models import (
    Case,
    CaseEvent,
    CaseMeasure,
    CaseMember,
    PlanAction,
    Review,
)
from knotwork.casework.case_rules import (
    Candidate,
    Caseload,
    Clock,
    Windows,
    change,
    count_in,
    intervention_clock,
    measure_due,
    measure_windows,
    scale_at,
    suggestions,
)
from knotwork.casework.consent_models import Section
from knotwork.directory.models import Organisation, PartnershipMember, Setting
from knotwork.pupils.access import pupil_sections, visible_among
from knotwork.pupils.models import Enrolment, Pupil
from knotwork.termdates.models import Term

#: Roles whose holders may see a case through the pupil alone.
STAFF_ROLES = frozenset({Role.SCHOOL_STAFF, Role.BA_LEADER, Role.COORDINATOR, Role.LA_OFFICER})
#: Roles whose holders may lead a case.
LEAD_ROLES = frozenset(
    {Role.SCHOOL_STAFF, Role.BA_LEADER, Role.COORDINATOR, Role.LA_OFFICER, Role.AGENCY_PRACTITIONER}
)


# --- Access -------------------------------------------------------------------------------------


def active_members(case: Case, on: datetime.date) -> QuerySet[CaseMember]:
    return case.members.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


def on_team(user: User | AnonymousUser, case: Case, on: datetime.date) -> bool:
    """Whether the user leads the case or is on its team on the day."""
    if not user.is_authenticated or user.pk is None:
        return False
    if case.lead_id == user.pk and case.is_open:
        return True
    return active_members(case, on).filter(user_id=user.pk).exists()


def _staff(user: User | AnonymousUser) -> bool:
    if user.pk is None:
        return False
    return Membership.objects.filter(user_id=user.pk, role__in=STAFF_ROLES).exists()


def may_see_case(user: User | AnonymousUser, case: Case, on: datetime.date) -> bool:
    if not user.is_authenticated or Section.CASEWORK not in pupil_sections(user, case.pupil, on):
        return False
    return _staff(user) or on_team(user, case, on)


def may_edit_pupil(user: User | AnonymousUser, pupil: Pupil, on: datetime.date) -> bool:
    return bool(visible_among(user, [pupil.pk], on, for_edit=True))


def may_manage_case(user: User | AnonymousUser, case: Case, on: datetime.date) -> bool:
    """Open, close, re-open, change the lead and the team: edit rights or the lead."""
    return may_edit_pupil(user, case.pupil, on) or (
        user.is_authenticated and case.lead_id == user.pk
    )


def may_work_on_case(user: User | AnonymousUser, case: Case, on: datetime.date) -> bool:
    """Add and update the plan's actions and record reviews: also the team's members."""
    return may_manage_case(user, case, on) or on_team(user, case, on)


def case_for_user(user: User | AnonymousUser, case_uuid: uuid_module.UUID | str) -> Case:
    """The case if the user may see it; 404 when not, so existence never leaks."""
    case = (
        Case.objects.filter(uuid=case_uuid)
        .select_related("pupil", "setting", "lead", "referral", "concern")
        .first()
    )
    if case is None or not may_see_case(user, case, timezone.localdate()):
        raise Http404("No such case")
    return case


def cases_of_pupil(user: User | AnonymousUser, pupil: Pupil, on: datetime.date) -> list[Case]:
    """The pupil's cases the user may see, newest first."""
    cases = list(Case.objects.filter(pupil=pupil).select_related("lead", "setting"))
    if _staff(user):
        return cases
    return [c for c in cases if on_team(user, c, on)]


# --- Figures measures are read from -------------------------------------------------------------


def attendance_rate(pupil: Pupil, first: datetime.date, last: datetime.date) -> Decimal | None:
    """The pupil's attendance rate over first..last from their registers, by the DfE method
    (attending over possible sessions, summed over enrolments); None with no possible
    session."""
    if last < first:
        return None
    enrolments = list(
        Enrolment.objects.filter(pupil=pupil, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("setting")
    )
    years = range(start_year_of(first), start_year_of(last) + 1)
    registers = {
        (r.enrolment_id, r.academic_year.start_year): r
        for r in Register.objects.filter(
            enrolment__in=enrolments, academic_year__start_year__in=list(years)
        ).select_related("academic_year")
    }
    maps = SessionMaps()
    possible = attending = 0
    for enrolment in enrolments:
        for start_year in years:
            found = maps.for_setting(enrolment.setting, start_year)
            register = registers.get((enrolment.pk, start_year))
            if found is None or register is None:
                continue
            marks = as_array(register.marks, len(found.sessions))
            counted = sessions_of(marks[found.sessions.window(first, last)][None, :])
            possible += int(counted.possible[0])
            attending += int(counted.attending[0])
    return percentage(attending, possible, places=1)


def incident_days(pupil: Pupil, first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The days of the pupil's incidents (not withdrawn) within first..last."""
    stamps = IncidentPupil.objects.filter(
        pupil=pupil,
        incident__deleted_at__isnull=True,
        incident__occurred_at__gte=day_start(first),
        incident__occurred_at__lt=day_start(last + datetime.timedelta(days=1)),
    ).values_list("incident__occurred_at", flat=True)
    return [timezone.localtime(at).date() for at in stamps]


def scaling_points(case: Case) -> list[tuple[datetime.date, int]]:
    return list(case.reviews.order_by("held_on", "pk").values_list("held_on", "scale_now"))


def measure_value(
    measure: CaseMeasure, first: datetime.date, last: datetime.date, *, before: bool
) -> Decimal | None:
    """One figure of a measure over a window. Scaling before an intervention is the
    latest score up to its first day, else the first one recorded during it."""
    case = measure.case
    if measure.kind == CaseMeasure.Kind.ATTENDANCE:
        return attendance_rate(case.pupil, first, last)
    if measure.kind == CaseMeasure.Kind.INCIDENTS:
        return Decimal(count_in(incident_days(case.pupil, first, last), first, last))
    points = scaling_points(case)
    if before:
        score = scale_at(points, first, measure.starts_on)
        if score is None:
            during = [p for p in points if p[0] > measure.starts_on]
            score = during[0][1] if during else None
    else:
        score = scale_at(points, measure.starts_on + datetime.timedelta(days=1), last)
    return None if score is None else Decimal(score)


@dataclass(frozen=True)
class MeasureRow:
    measure: CaseMeasure
    windows: Windows
    before: Decimal | None
    after: Decimal | None
    read: bool
    due: bool

    @property
    def change(self) -> Decimal | None:
        return change(self.before, self.after)


def measure_rows(case: Case, today: datetime.date) -> list[MeasureRow]:
    """Each measure with its windows and figures: as read, or the before figure so far."""
    rows = []
    for measure in case.measures.all():
        windows = measure_windows(measure.starts_on, measure.weeks, case.closed_on)
        due = measure_due(measure.starts_on, measure.weeks, today, case.closed_on)
        read = measure.read_at is not None
        rows.append(
            MeasureRow(measure, windows, measure.before, measure.after if read else None, read, due)
        )
    return rows


# --- The case page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionRow:
    action: PlanAction
    overdue: bool


@dataclass(frozen=True)
class HalfTerm:
    label: str
    first: datetime.date
    last: datetime.date
    attendance: Decimal | None
    incidents: int


@dataclass
class CasePage:
    case: Case
    members: list[CaseMember]
    former_members: list[CaseMember]
    actions: list[ActionRow]
    reviews: list[Review]
    events: list[CaseEvent]
    measures: list[MeasureRow]
    clock: Clock | None
    half_terms: list[HalfTerm] = field(default_factory=list)

    @property
    def overdue_actions(self) -> int:
        return sum(1 for row in self.actions if row.overdue)


def half_terms(case: Case, today: datetime.date) -> list[HalfTerm]:
    """The half terms of the case's setting's calendar from the one before the case opened
    to today, with the pupil's attendance rate and incidents in each."""
    terms = list(
        Term.objects.filter(
            academic_year__calendar_id=case.setting.calendar_id,
            ends_on__gte=case.opened_on - datetime.timedelta(weeks=8),
            starts_on__lte=today,
        ).order_by("starts_on")
    )
    if not terms:
        return []
    days = incident_days(case.pupil, terms[0].starts_on, min(terms[-1].ends_on, today))
    out = []
    for term in terms:
        last = min(term.ends_on, today)
        out.append(
            HalfTerm(
                f"{term.get_name_display()} {term.half} {term.starts_on:%Y}",
                term.starts_on,
                last,
                attendance_rate(case.pupil, term.starts_on, last),
                count_in(days, term.starts_on, last),
            )
        )
    return out


def case_page(case: Case, today: datetime.date) -> CasePage:
    members = list(case.members.select_related("user", "organisation"))
    current = [m for m in members if m.ends_on is None or m.ends_on >= today]
    actions = [
        ActionRow(a, a.status in PlanAction.OUTSTANDING and a.due_on < today)
        for a in case.actions.select_related("owner")
    ]
    reviews = list(case.reviews.prefetch_related("attendees__user"))
    events = list(case.events.select_related("by", "lead"))
    clock = intervention_clock(case.intervention_started_on, today) if case.is_open else None
    return CasePage(
        case=case,
        members=current,
        former_members=[m for m in members if m not in current],
        actions=actions,
        reviews=reviews,
        events=events,
        measures=measure_rows(case, today),
        clock=clock,
        half_terms=half_terms(case, today),
    )


# --- Caseloads ----------------------------------------------------------------------------------


def caseload_limit() -> int:
    return int(django_settings.KNOTWORK_CASELOAD_LIMIT)


@dataclass(frozen=True)
class CaseloadRow:
    case: Case
    clock: Clock
    last_review: datetime.date | None
    overdue_actions: int


def caseload_cases(lead: User) -> QuerySet[Case]:
    """The worker's open cases as lead whose pupil's casework they may see today (a
    practitioner's link ended or its consent withdrawn hides the case, as on its page),
    the longest-running intervention first, each with its last review and overdue
    actions counted in the same query."""
    today = timezone.localdate()
    cases = Case.objects.filter(lead=lead, status=Case.Status.OPEN)
    pupil_ids = cases.values_list("pupil_id", flat=True)
    seen = visible_among(lead, pupil_ids, today, section=Section.CASEWORK)
    return (
        cases.filter(pupil_id__in=sorted(seen))
        .select_related("pupil", "setting")
        .annotate(
            last_review=Max("reviews__held_on"),
            overdue_actions=Count(
                "actions",
                filter=Q(actions__status__in=PlanAction.OUTSTANDING, actions__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("intervention_started_on", "pk")
    )


def caseload_rows(cases: Iterable[Case], today: datetime.date) -> list[CaseloadRow]:
    return [
        CaseloadRow(
            c,
            intervention_clock(c.intervention_started_on, today),
            getattr(c, "last_review", None),
            getattr(c, "overdue_actions", 0),
        )
        for c in cases
    ]


def caseload_of(lead: User) -> Caseload:
    return Caseload(
        Case.objects.filter(lead=lead, status=Case.Status.OPEN).count(), caseload_limit()
    )


# --- Suggestions when allocating a lead ---------------------------------------------------------


def partnership_organisations(setting: Setting) -> QuerySet[Organisation]:
    """The setting and the organisations in the partnerships it belongs to."""
    partnerships = PartnershipMember.objects.filter(organisation=setting).values("partnership_id")
    ids = PartnershipMember.objects.filter(partnership_id__in=partnerships).values(
        "organisation_id"
    )
    return Organisation.objects.filter(Q(pk__in=ids) | Q(pk=setting.pk))


def lead_candidates(setting: Setting) -> QuerySet[User]:
    """Who may lead a case at the setting: active members of its partnership's
    organisations in a role that works with children (not board members)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__in=partnership_organisations(setting),
            memberships__role__in=LEAD_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def lead_suggestions(setting: Setting, *, limit: int | None = None) -> list[Candidate]:
    """Every candidate lead, in the order ``case_rules.suggestions`` explains: room on their
    caseload, already working with the setting, the same area, fewest cases."""
    limit = caseload_limit() if limit is None else limit
    users = list(lead_candidates(setting))
    ids = [u.pk for u in users]
    loads = dict(
        Case.objects.filter(lead_id__in=ids, status=Case.Status.OPEN)
        .values_list("lead_id")
        .annotate(n=Count("pk"))
        .values_list("lead_id", "n")
    )
    at_setting = set(
        Membership.objects.filter(user_id__in=ids, organisation_id=setting.pk).values_list(
            "user_id", flat=True
        )
    ) | set(
        Case.objects.filter(lead_id__in=ids, setting=setting, status=Case.Status.OPEN).values_list(
            "lead_id", flat=True
        )
    )
    in_area = set(
        Membership.objects.filter(
            user_id__in=ids, organisation__local_authority_id=setting.local_authority_id
        ).values_list("user_id", flat=True)
    )
    return suggestions(
        [
            Candidate(
                user_id=u.pk,
                name=u.get_full_name() or u.get_username(),
                open_cases=loads.get(u.pk, 0),
                limit=limit,
                same_setting=u.pk in at_setting,
                same_area=u.pk in in_area,
            )
            for u in users
        ]
    )
