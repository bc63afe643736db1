"""Demo referrals: the services the demo's agencies and the local authority's service
take referrals for, their practitioners, and referrals from the demo's settings to most
of them over the last year, with the waits each service is known for.

CAMHS waits are long: an answer within a few weeks, then months on a waiting list before
the first session. The education welfare service and the local authority's service
answer in days and start within a few weeks. Some referrals are declined with a reason,
some still wait for an answer past the service's target, and every state is there
(sent, accepted, declined, waiting, service started, closed), each change timed by a
``ReferralEvent``. A few of the trigger points' recent concerns became referrals.

The demo writes the past (sent weeks ago), so referrals are written straight to the
tables as the rest of the demo is, keeping what ``referral_services`` keeps: the legal
moves of ``referral_rules``, a timed event for each, a sender who may change the pupil's
record from a setting the pupil is on roll at (the partnership coordinator, from the
local authority's service, for the schools with no staff of their own in the demo), the
basis decided by a member of the sending organisation, and, from acceptance, the
assigned practitioner's ``PupilLink`` (reason "referral", the referral's basis), ended
the day before the referral closed. Like the rest of the demo: no audit rows.

Called after ``concerns_demo`` (``demo_build`` does).
"""

from __future__ import annotations

import datetime
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from knotwork.accounts.models import Membership, Role, User
from knotwork.attendance.models import Signal
from knotwork.behaviour.models import Exclusion
from knotwork.casework import referral_rules
from knotwork.casework.demo_referral_services import (
    CLOSED,
    EVIDENCE,
    LA,
    NOT_CONSENT,
    SERVICES,
    WITHDRAWN,
    ServicePlan,
)
from knotwork.casework.demo_staff import demo_staff_add, slug
from knotwork.casework.models import AgencyService, Concern, Referral, ReferralEvent
from knotwork.casework.trigger_queries import partnership_settings
from knotwork.directory.models import Agency, Organisation, Partnership, Setting
from knotwork.pupils.access import SETTING_ROLES
from knotwork.pupils.models import Enrolment, PupilLink

Date = datetime.date
Status = Referral.Status
Basis = PupilLink.LawfulBasis

#: Referrals in a year for every 100 pupils, and the fewest a small demo still gets.
REFERRALS_PER_100 = 3.5
MIN_REFERRALS = 30
#: How far back the demo's referrals go: the start of last school year.
HISTORY_START = Date(2025, 9, 3)
#: Referrals a practitioner holds, roughly, when the demo decides how many a service has.
PER_PRACTITIONER = 40


@dataclass(frozen=True)
class ReferralsDemo:
    services: int
    referrals: int
    by_status: dict[str, int]
    overdue: int
    from_concerns: int
    practitioners: int
    links: int


@dataclass
class _Plan:
    pupil_id: int
    sender: User
    from_organisation_id: int
    service: AgencyService
    plan: ServicePlan
    status: str
    sent_at: datetime.datetime
    answered_at: datetime.datetime | None = None
    waiting_at: datetime.datetime | None = None
    started_on: Date | None = None
    closed_at: datetime.datetime | None = None
    withdrawn: bool = False
    concern: Concern | None = None
    urgent: bool = False
    assigned: User | None = None
    answerer: User | None = None
    events: list[tuple[str, datetime.datetime]] = field(default_factory=list)


# --- Days and times ------------------------------------------------------------------------------


def _weekday_before(day: Date) -> Date:
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _at(day: Date, rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A time in the working day, never later than now."""
    moment = datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 15), rng.choice((0, 10, 20, 30, 40, 50)))
    )
    return min(timezone.make_aware(moment), now)


def _days(span: tuple[int, int], rng: random.Random) -> int:
    return rng.randint(*span)


# --- Organisations, services, practitioners ------------------------------------------------------


def _organisation_for(
    plan: ServicePlan, agencies: Sequence[Agency], la: Organisation
) -> Organisation | None:
    if plan.organisation == LA:
        return la
    for agency in agencies:
        if agency.agency_type == plan.organisation and plan.keyword in agency.name.lower():
            return agency
    return None


def services_demo(
    agencies: Sequence[Agency], la_service: Organisation
) -> list[tuple[AgencyService, ServicePlan]]:
    """The demo's referral services, each with how it answers."""
    found = []
    for plan in SERVICES:
        organisation = _organisation_for(plan, agencies, la_service)
        if organisation is None:
            continue
        service, _ = AgencyService.objects.get_or_create(
            organisation_id=organisation.pk,
            name=plan.name,
            defaults={"target_days": plan.target_days},
        )
        found.append((service, plan))
    return found


def _practitioners(
    organisation: Organisation, plans: list[ServicePlan], wanted: int, fake: Faker
) -> tuple[list[User], int]:
    """Who takes the organisation's referrals on: its practitioners (the demo's own
    first), and new ones until there are enough; and how many are new."""
    existing = [
        m.user
        for m in Membership.objects.filter(organisation_id=organisation.pk, can_edit=False)
        .exclude(role=Role.BOARD_MEMBER)
        .select_related("user")
        .order_by("pk")
        if m.role in (Role.AGENCY_PRACTITIONER, Role.LA_OFFICER)
    ]
    if organisation.kind == Organisation.Kind.LA_SERVICE:
        existing = []  # the LA's officers and coordinator do not hold referrals
    missing = max(0, wanted - len(existing))
    la = organisation.kind == Organisation.Kind.LA_SERVICE
    new = demo_staff_add(
        organisation,
        count=missing,
        role=Role.LA_OFFICER if la else Role.AGENCY_PRACTITIONER,
        job_title=plans[0].role,
        prefix=f"{slug(organisation)}-",
        fake=fake,
    )
    return existing + new, len(new)


def _answerer(organisation: Organisation, actor: User, fake: Faker) -> User:
    """Who answers the organisation's referrals: a member who may (``can_edit``); the
    coordinator for the local authority's service, a new service manager for an agency
    with none."""
    if organisation.kind == Organisation.Kind.LA_SERVICE:
        return actor
    m = (
        Membership.objects.filter(organisation_id=organisation.pk, can_edit=True)
        .exclude(role=Role.BOARD_MEMBER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if m is not None:
        return m.user
    return demo_staff_add(
        organisation,
        count=1,
        role=Role.AGENCY_PRACTITIONER,
        job_title="Service manager",
        prefix=f"{slug(organisation)}-manager-",
        fake=fake,
        can_edit=True,
    )[0]


# --- Planning ------------------------------------------------------------------------------------


def referral_count(pupils: int) -> int:
    return max(round(pupils * REFERRALS_PER_100 / 100), min(MIN_REFERRALS, pupils // 10))


def flagged_pupils(settings: Sequence[Setting], today: Date) -> dict[int, tuple[int, Date]]:
    """Pupils on roll today with a concern, a suspension or an attendance sign, with the
    setting they are on roll at and since when; in a stable order."""
    roll = {
        pupil_id: (setting_id, start)
        for pupil_id, setting_id, start in Enrolment.objects.current(today)
        .filter(setting__in=settings)
        .order_by("pupil_id", "start_date")
        .values_list("pupil_id", "setting_id", "start_date")
    }
    flagged = set(Concern.objects.values_list("pupil_id", flat=True))
    flagged |= set(
        Exclusion.objects.filter(kind="suspension", cancelled_on__isnull=True).values_list(
            "pupil_id", flat=True
        )
    )
    flagged |= set(
        Signal.objects.filter(cleared_on__isnull=True).values_list("enrolment__pupil_id", flat=True)
    )
    return {p: roll[p] for p in sorted(flagged) if p in roll}


def _timeline(
    p: _Plan,
    status: str,
    rng: random.Random,
    today: Date,
    earliest: Date,
    *,
    overdue: bool,
    now: datetime.datetime,
) -> bool:
    """Give the plan dates that end in ``status`` today; False when they cannot fit after
    ``earliest``."""
    plan = p.plan
    a, s = _days(plan.answer, rng), _days(plan.start, rng)
    if status == Status.SENT:
        back = (
            plan.target_days + rng.randint(1, 25) if overdue else rng.randint(0, plan.target_days)
        )
    elif status == Status.DECLINED:
        back = a + rng.randint(0, 60)
    elif status in (Status.ACCEPTED, Status.WAITING):
        back = a + rng.randint(0, max(0, s - 1))
    elif status == Status.STARTED:
        back = a + s + rng.randint(0, 80)
    elif p.withdrawn:
        back = rng.randint(5, 60)
    else:
        back = a + s + rng.randint(14, 110)
    sent_on = _weekday_before(today - datetime.timedelta(days=back))
    if sent_on < earliest:
        return False
    if status == Status.SENT and overdue and (today - sent_on).days <= plan.target_days:
        return False
    p.status = status
    p.sent_at = _at(sent_on, rng, now)
    p.events = [(Status.SENT, p.sent_at)]
    if status == Status.SENT:
        return True
    if p.withdrawn and status == Status.CLOSED:
        closed_on = min(today, sent_on + datetime.timedelta(days=rng.randint(1, max(1, back))))
        p.closed_at = max(_at(closed_on, rng, now), p.sent_at)
        p.events.append((Status.CLOSED, p.closed_at))
        return True
    answered_on = min(today, sent_on + datetime.timedelta(days=a))
    p.answered_at = max(_at(answered_on, rng, now), p.sent_at)
    if status == Status.DECLINED:
        p.events.append((Status.DECLINED, p.answered_at))
        return True
    p.events.append((Status.ACCEPTED, p.answered_at))
    if plan.waiting_list:
        p.waiting_at = p.answered_at + datetime.timedelta(minutes=rng.randint(5, 90))
        p.waiting_at = min(p.waiting_at, now)
        p.events.append((Status.WAITING, p.waiting_at))
    if status in (Status.ACCEPTED, Status.WAITING):
        return True
    started_on = answered_on + datetime.timedelta(days=s)
    if started_on > today:
        return False
    p.started_on = started_on
    started_at = max(_at(started_on, rng, now), p.waiting_at or p.answered_at)
    p.events.append((Status.STARTED, started_at))
    if status == Status.STARTED:
        return True
    closed_on = started_on + datetime.timedelta(days=rng.randint(14, 110))
    if closed_on > today:
        return False
    p.closed_at = max(_at(closed_on, rng, now), started_at)
    p.events.append((Status.CLOSED, p.closed_at))
    return True


#: The states a referral is given, weighted; the first few referrals take one of each.
_STATES = (
    [Status.SENT] * 12 + [Status.DECLINED] * 10 + [Status.ACCEPTED] * 8 + [Status.WAITING] * 15
    + [Status.STARTED] * 30 + [Status.CLOSED] * 25
)  # fmt: skip
_FIRST = (Status.WAITING, Status.SENT, Status.DECLINED, Status.STARTED, Status.CLOSED,
          Status.ACCEPTED, Status.STARTED)  # fmt: skip
_FIRST_CAMHS = (0, 3, 6)  # of those, the ones to CAMHS
_FALLBACK = (Status.STARTED, Status.WAITING, Status.ACCEPTED, Status.DECLINED, Status.SENT)


def _as_listed(status: str, plan: ServicePlan) -> str:
    """Accepted referrals to a service with a waiting list wait; others do not."""
    if status == Status.WAITING and not plan.waiting_list:
        return Status.ACCEPTED
    if status == Status.ACCEPTED and plan.waiting_list:
        return Status.WAITING
    return status


def _place(
    p: _Plan,
    wanted: str,
    rng: random.Random,
    today: Date,
    earliest: Date,
    *,
    overdue: bool,
    strict: bool,
    now: datetime.datetime,
) -> bool:
    """Dates for the state wanted or, unless ``strict``, the first that fits."""
    order = [wanted] if strict else [wanted, *[s for s in _FALLBACK if s != wanted]]
    for status in order:
        status = _as_listed(status, p.plan)
        p.withdrawn = status == Status.CLOSED and rng.random() < 0.2
        late = overdue and status == Status.SENT
        if _timeline(p, status, rng, today, earliest, overdue=late, now=now):
            return True
    return False


# --- Writing -------------------------------------------------------------------------------------


def _editors(settings: Sequence[Setting]) -> dict[int, User]:
    """Each setting's first member of staff who may change its pupils' records."""
    found: dict[int, User] = {}
    for m in (
        Membership.objects.filter(
            organisation__in=settings, can_edit=True, role__in=sorted(SETTING_ROLES)
        )
        .select_related("user")
        .order_by("pk")
    ):
        found.setdefault(m.organisation_id, m.user)
    return found


def _link_ends(p: _Plan) -> tuple[Date, Date | None] | None:
    """The assigned practitioner's link, as ``referral_services`` leaves it: from the
    day of acceptance to the day before the referral closed (none if it closed that day)."""
    if p.answered_at is None or p.status == Status.DECLINED:
        return None
    starts = timezone.localdate(p.answered_at)
    if p.closed_at is None:
        return starts, None
    ends = timezone.localdate(p.closed_at) - datetime.timedelta(days=1)
    return (starts, ends) if ends >= starts else None


def _from_concerns(
    settings: Sequence[Setting], today: Date, now: datetime.datetime, wanted: int
) -> list[Concern]:
    """Recent open trigger concerns, of days before today, not left to go stale."""
    return list(
        Concern.objects.filter(
            setting__in=settings,
            source=Concern.Source.TRIGGER,
            status=Concern.Status.OPEN,
            fired_on__gte=today - datetime.timedelta(days=21),
            fired_on__lte=today - datetime.timedelta(days=3),
            raised_at__gte=now - datetime.timedelta(days=1),
        ).order_by("pk")[:wanted]
    )


@transaction.atomic
def referrals_demo(
    *, partnership: Partnership, today: Date, actor: User, pupils: int, seed: int = 1
) -> ReferralsDemo:
    """Services, practitioners and about ``referral_count(pupils)`` referrals up to
    ``today``; ``actor`` (the partnership coordinator) sends for the settings with no
    member of staff who may, from the local authority's service, and answers for it."""
    rng = random.Random(seed * 7919 + 5)
    fake = Faker("en_GB")
    fake.seed_instance(seed + 500)
    now = timezone.now()
    settings = partnership_settings(partnership)
    members = Organisation.objects.filter(partnership_memberships__partnership=partnership)
    agencies = list(Agency.objects.filter(pk__in=members.values("pk")).order_by("pk"))
    la_service = members.filter(kind=Organisation.Kind.LA_SERVICE).order_by("pk").first()
    if la_service is None:
        raise ValueError("The partnership has no local authority service.")
    services = services_demo(agencies, la_service)
    editors = _editors(settings)
    flagged = flagged_pupils(settings, today)
    order = list(flagged)
    rng.shuffle(order)
    total = min(referral_count(pupils), len(order) * 2)
    plans: list[_Plan] = []
    held: set[tuple[int, int]] = set()  # (pupil, organisation): one referral each

    def plan_for(
        pupil_id: int, wanted: str, *, overdue: bool, strict: bool, camhs: bool
    ) -> _Plan | None:
        setting_id, since = flagged[pupil_id]
        from_id = setting_id if setting_id in editors else la_service.pk
        choices = [
            (service, plan)
            for service, plan in services
            if (pupil_id, service.organisation_id) not in held
            and not (from_id == la_service.pk and service.organisation_id == la_service.pk)
            and (not camhs or plan.organisation == Agency.Type.CAMHS)
        ]
        if not choices:
            return None
        service, plan = rng.choices(choices, weights=[c[1].weight for c in choices])[0]
        p = _Plan(pupil_id, editors.get(setting_id, actor), from_id, service, plan, wanted, now)
        p.urgent = rng.random() < 0.1
        earliest = max(since, HISTORY_START)
        if not _place(p, wanted, rng, today, earliest, overdue=overdue, strict=strict, now=now):
            return None
        held.add((pupil_id, service.organisation_id))
        return p

    # A few of the recent concerns became referrals, a day or three after they fired.
    for concern in _from_concerns(settings, today, now, max(1, total // 25)):
        if concern.pupil_id not in flagged:
            continue
        p = plan_for(concern.pupil_id, Status.SENT, overdue=False, strict=True, camhs=False)
        if p is None:
            continue
        sent_on = min(today, concern.fired_on + datetime.timedelta(days=rng.randint(1, 3)))
        p.sent_at = _at(sent_on, rng, now)
        p.events = [(Status.SENT, p.sent_at)]
        p.concern = concern
        plans.append(p)
    i = 0
    while len(plans) < total and i < len(order) * 2:
        pupil_id = order[i % len(order)]
        second = i >= len(order)
        i += 1
        if second and rng.random() > 0.3:
            continue  # about a third of the pupils referred have a second referral
        n = len(plans)
        first = n < len(_FIRST)
        p = plan_for(
            pupil_id,
            _FIRST[n] if first else rng.choice(_STATES),
            overdue=rng.random() < 0.5,
            strict=first,
            camhs=n in _FIRST_CAMHS,
        )
        if p is not None:
            plans.append(p)

    # Who answers, and who takes each referral on: the organisation's own practitioners
    # first, then enough new ones.
    by_org: dict[int, list[_Plan]] = {}
    for p in plans:
        by_org.setdefault(p.service.organisation_id, []).append(p)
    organisations = {o.pk: o for o in [*agencies, la_service]}
    practitioners = 0
    for org_id, taken in sorted(by_org.items()):
        organisation = organisations[org_id]
        answerer = _answerer(organisation, actor, fake)
        taking = [p for p in taken if p.answered_at is not None and p.status != Status.DECLINED]
        wanted = max(1, math.ceil(len(taking) / PER_PRACTITIONER))
        staff, new = _practitioners(organisation, [p.plan for p in taken], wanted, fake)
        practitioners += new
        for p in taken:
            p.answerer = answerer
        for n, p in enumerate(taking):
            p.assigned = staff[n % len(staff)]
    plans.sort(key=lambda p: p.sent_at)
    return _write(plans, services, practitioners, today)


def _write(
    plans: list[_Plan],
    services: list[tuple[AgencyService, ServicePlan]],
    practitioners: int,
    today: Date,
) -> ReferralsDemo:
    rows = []
    for p in plans:
        basis = p.plan.basis
        rows.append(
            Referral(
                pupil_id=p.pupil_id,
                from_organisation_id=p.from_organisation_id,
                to_organisation_id=p.service.organisation_id,
                service=p.service,
                concern=p.concern,
                reason=p.plan.reason,
                evidence=EVIDENCE[p.pupil_id % len(EVIDENCE)],
                urgency=Referral.Urgency.URGENT if p.urgent else Referral.Urgency.ROUTINE,
                lawful_basis=basis,
                basis_decided_by=p.sender,
                basis_note="" if basis == Basis.CONSENT else NOT_CONSENT,
                status=p.status,
                sent_at=p.sent_at,
                sent_by=p.sender,
                answered_at=p.answered_at,
                declined_reason=p.plan.declined if p.status == Status.DECLINED else "",
                started_on=p.started_on,
                closed_at=p.closed_at,
                close_reason=(
                    (WITHDRAWN if p.withdrawn else CLOSED[p.pupil_id % len(CLOSED)])
                    if p.status == Status.CLOSED
                    else ""
                ),
                assigned_to=p.assigned,
                version=len(p.events),
            )
        )
    referrals = Referral.objects.bulk_create(rows, batch_size=1000)
    events = []
    links = []
    for p, referral in zip(plans, referrals, strict=True):
        for status, at in p.events:
            by = p.sender if status == Status.SENT or p.withdrawn else p.answerer or p.sender
            events.append(ReferralEvent(referral=referral, status=status, at=at, by=by))
        span = _link_ends(p)
        if span is not None and p.assigned is not None:
            links.append(
                PupilLink(
                    pupil_id=p.pupil_id,
                    user=p.assigned,
                    reason=PupilLink.Reason.REFERRAL,
                    lawful_basis=referral.lawful_basis,
                    starts_on=span[0],
                    ends_on=span[1],
                )
            )
    ReferralEvent.objects.bulk_create(events, batch_size=1000)
    PupilLink.objects.bulk_create(links, batch_size=1000)
    # The concerns that became referrals: raised the evening of the day the data are from
    # (as the trigger points would have run then), acted on when the referral was sent.
    for p, referral in zip(plans, referrals, strict=True):
        if p.concern is None:
            continue
        raised = timezone.make_aware(
            datetime.datetime.combine(p.concern.fired_on, datetime.time(18, 0))
        )
        Concern.objects.filter(pk=p.concern.pk).update(
            status=Concern.Status.REFERRED,
            acted_by=p.sender,
            acted_at=referral.sent_at,
            raised_at=min(raised, referral.sent_at),
            version=F("version") + 1,
        )
    by_status = Counter(p.status for p in plans)
    overdue = sum(
        referral_rules.is_overdue(
            status=p.status,
            sent_on=timezone.localdate(p.sent_at),
            today=today,
            target_days=p.service.target_days,
        )
        for p in plans
    )
    return ReferralsDemo(
        services=len(services),
        referrals=len(plans),
        by_status={s: by_status.get(s, 0) for s in Status.values},
        overdue=overdue,
        from_concerns=sum(p.concern is not None for p in plans),
        practitioners=practitioners,
        links=len(links),
    )
