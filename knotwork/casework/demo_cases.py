"""Demo cases: open cases around pupils with concerns, suspensions or poor attendance,
each with its assessment, the team around the child across agencies, a lead
professional, the outcomes it serves, a plan with owners and due dates (some overdue),
reviews with each person's view and a 1-10 scaling that moves, and some cases already
closed with a reason, an exit summary and their before/after measures read.

About 50 open cases for the demo's 6,000 pupils, in proportion for other sizes. Key
workers carry varied caseloads against ``KNOTWORK_CASELOAD_LIMIT``: the demo's own
practitioner sign-in a good handful, one (two in a large demo) over the limit, a few
light, the rest within it. Some cases came from a referral (a key worker's service took
it on) and a couple from the trigger points' recent concerns.

The demo writes the past (cases opened weeks ago), so cases are written straight to the
tables as the rest of the demo is, keeping what ``case_services`` keeps: the lead on the
team from the day the case opened, a practitioner member's ``PupilLink`` (reason "case",
the case's basis) for as long as they are a member, every member and link ending the
day a case closed, owners of actions on the team, reviews between opening and today
(or closure), and the measures chosen at opening with their before figures read then.
The after figures are read where a window has ended or a case closed, as
``case_measures_read`` reads them (``demo_case_measures``, for many cases at once).
Called after ``referrals_demo`` (``demo_build`` does).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from knotwork.accounts.models import Membership, Role, User
from knotwork.casework import referral_rules
from knotwork.casework.case_models import (
    Case,
    CaseEvent,
    CaseMember,
    PlanAction,
    Review,
)
from knotwork.casework.case_queries import caseload_limit
from knotwork.casework.demo_case_measures import measures_demo
from knotwork.casework.demo_case_stories import (
    Story,
    story_actions,
    story_reviews,
    story_team,
    weekday_on_or_before,
)
from knotwork.casework.demo_case_texts import (
    APPROACH,
    ASSESSMENTS,
    CLOSURES,
)
from knotwork.casework.demo_referrals import flagged_pupils
from knotwork.casework.demo_staff import demo_staff_add, slug
from knotwork.casework.models import Concern, Referral
from knotwork.casework.trigger_queries import partnership_settings
from knotwork.directory.models import Agency, Organisation, Outcome, Partnership, Setting
from knotwork.pupils.access import SETTING_ROLES
from knotwork.pupils.models import PupilLink

Date = datetime.date
ONE_DAY = datetime.timedelta(days=1)

#: Open cases for every 120 pupils (50 for the demo's 6,000), and the fewest a small demo
#: with pupils to spare still gets.
PUPILS_PER_CASE = 120
MIN_CASES = 8
#: Closed cases, as a share of the open ones.
CLOSED_SHARE = 0.25
#: Where key workers come from, in turn, once the demo's own practitioners are placed.
_KEY_WORKER_PLACES = (
    ("la", Role.LA_OFFICER, "Behaviour and attendance key worker"),
    (Agency.Type.MAST, Role.AGENCY_PRACTITIONER, "Family support worker"),
    (Agency.Type.EWS, Role.AGENCY_PRACTITIONER, "Education welfare officer"),
)


@dataclass(frozen=True)
class CasesDemo:
    open: int
    closed: int
    key_workers: int
    caseloads: dict[str, int]  # username: open cases led
    limit: int
    from_referrals: int
    from_concerns: int
    reviews: int
    actions: int
    overdue_actions: int
    measures_read: int


def open_case_count(pupils: int) -> int:
    return max(round(pupils / PUPILS_PER_CASE), min(MIN_CASES, pupils // 50))


def caseload_plan(open_cases: int, limit: int, rng: random.Random) -> list[int]:
    """How many open cases each key worker leads, the demo's practitioner first: a good
    handful for them, one over the limit (two past 15 full caseloads), two light, the
    rest within the limit."""
    loads = [max(1, round(limit * 0.6)), limit + max(1, limit // 6)]
    if open_cases >= 15 * limit:
        loads.append(limit + 1)
    loads += [max(1, limit // 6), max(1, limit // 5)]
    plan: list[int] = []
    left = open_cases
    for load in loads:
        if left <= 0:
            break
        plan.append(min(load, left))
        left -= plan[-1]
    while left > 0:
        plan.append(min(left, rng.randint(max(1, round(limit * 0.6)), limit)))
        left -= plan[-1]
    return plan


def _at(day: Date, hour: int, now: datetime.datetime) -> datetime.datetime:
    stamp = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))
    return min(stamp, now)


# --- Who ----------------------------------------------------------------------------------------


def _key_workers(
    needed: int, first: User | None, organisations: dict[str, Organisation], fake: Faker
) -> list[User]:
    """The demo's practitioner, then the practitioners the referrals gave the key
    workers' services, then new ones there in turn, until there are ``needed``."""
    workers = [first] if first is not None else []
    places = [organisations[key] for key, _, _ in _KEY_WORKER_PLACES if key in organisations]
    existing = (
        Membership.objects.filter(
            organisation__in=places,
            can_edit=False,
            role__in=[Role.LA_OFFICER, Role.AGENCY_PRACTITIONER],
            user__username__contains="-",
        )
        .select_related("user")
        .order_by("pk")
    )
    workers += [m.user for m in existing if m.user not in workers]
    turn = 0
    while len(workers) < needed:
        key, role, title = _KEY_WORKER_PLACES[turn % len(_KEY_WORKER_PLACES)]
        turn += 1
        if key not in organisations:
            continue
        workers += demo_staff_add(
            organisations[key],
            count=1,
            role=role,
            job_title=title,
            prefix=f"{slug(organisations[key])}-kw-",
            fake=fake,
        )
    return workers[:needed]


def _organisation_of(users: Sequence[User]) -> dict[int, tuple[int, str, bool]]:
    """Each user's first organisation, job title and whether they are a practitioner."""
    found: dict[int, tuple[int, str, bool]] = {}
    ids = sorted({u.pk for u in users})
    for m in Membership.objects.filter(user_id__in=ids).order_by("pk"):
        found.setdefault(
            m.user_id, (m.organisation_id, m.job_title, m.role == Role.AGENCY_PRACTITIONER)
        )
    return found


# --- Writing ------------------------------------------------------------------------------------


def _stamp(model: type[models.Model], names: list[str], rows: Sequence[models.Model]) -> None:
    """Put the past into timestamps Django sets to now on insert (``auto_now_add``), with
    one executemany UPDATE: ``bulk_update``'s CASE expressions cost more than the rest."""
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(name)} = %s" for name in names)  # columns named as fields
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote('id')} = %s"
    values = [
        [*(connection.ops.adapt_datetimefield_value(getattr(r, n)) for n in names), r.pk]
        for r in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _write(
    stories: list[Story],
    rng: random.Random,
    today: Date,
    opened_by: dict[int, User],
    who: dict[int, tuple[int, str, bool]],
    outcomes: list[Outcome],
) -> tuple[list[Case], int]:
    now = timezone.now()
    cases = []
    for s in stories:
        texts = ASSESSMENTS[rng.randrange(len(ASSESSMENTS))]
        reason, summary = rng.choice(CLOSURES) if s.closed_on is not None else ("", "")
        cases.append(
            Case(
                pupil_id=s.pupil_id,
                setting_id=s.setting_id,
                opened_on=s.opened_on,
                referral=s.referral,
                concern=s.concern,
                lawful_basis=PupilLink.LawfulBasis.CONSENT
                if rng.random() < 0.85
                else PupilLink.LawfulBasis.PUBLIC_TASK,
                lead=s.lead,
                intervention_started_on=s.opened_on,
                status=Case.Status.CLOSED if s.closed_on else Case.Status.OPEN,
                closed_on=s.closed_on,
                closure_reason=reason,
                exit_summary=summary,
                opened_by=opened_by[s.setting_id],
                version=2 if s.closed_on else 1,
                **texts,
                **APPROACH,
            )
        )
    cases = Case.objects.bulk_create(cases, batch_size=500)
    for case in cases:
        case.created_at = _at(case.opened_on, 16, now)
    _stamp(Case, ["created_at"], cases)
    Through = Case.outcomes.through
    Through.objects.bulk_create(
        Through(case_id=case.pk, outcome_id=o.pk)
        for case in cases
        for o in rng.sample(outcomes, rng.randint(min(2, len(outcomes)), len(outcomes)))
    )
    # Practitioner members' links, then the members with them.
    links = []
    for story, case in zip(stories, cases, strict=True):
        for m in story.members:
            m.case = case
            if m.user is not None and who[m.user.pk][2]:
                m.link = PupilLink(
                    pupil_id=case.pupil_id,
                    user=m.user,
                    reason=PupilLink.Reason.CASE,
                    lawful_basis=case.lawful_basis,
                    starts_on=m.starts_on,
                    ends_on=m.ends_on,
                )
                links.append(m.link)
    PupilLink.objects.bulk_create(links, batch_size=1000)
    members = [m for s in stories for m in s.members]
    for m in members:
        if m.link is not None:
            m.link_id = m.link.pk
    CaseMember.objects.bulk_create(members, batch_size=1000)
    actions = []
    for story, case in zip(stories, cases, strict=True):
        for a in story.actions:
            a.case = case
            actions.append(a)
    PlanAction.objects.bulk_create(actions, batch_size=1000)
    for a in actions:
        a.created_at = _at(a.case.opened_on, 17, now)
        a.updated_at = _at(min(a.due_on, a.case.closed_on or today, today), 12, now)
    _stamp(PlanAction, ["created_at", "updated_at"], actions)
    reviews = []
    for story, case in zip(stories, cases, strict=True):
        for r, _ in story.reviews:
            r.case = case
            reviews.append(r)
    Review.objects.bulk_create(reviews, batch_size=1000)
    for r in reviews:
        r.recorded_at = _at(r.held_on, 17, now)
    _stamp(Review, ["recorded_at"], reviews)
    Attended = Review.attendees.through
    Attended.objects.bulk_create(
        Attended(review_id=r.pk, casemember_id=story.members[i].pk)
        for story in stories
        for r, present in story.reviews
        for i in present
    )
    events = []
    for case in cases:
        events.append(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.OPENED,
                on=case.opened_on,
                by=case.opened_by,
                lead=case.lead,
            )
        )
        if case.closed_on is not None:
            events.append(
                CaseEvent(
                    case=case,
                    kind=CaseEvent.Kind.CLOSED,
                    on=case.closed_on,
                    by=case.lead,
                    lead=case.lead,
                    closure_reason=case.closure_reason,
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    for e in events:
        e.at = _at(e.on, 16, now)
    _stamp(CaseEvent, ["at"], events)
    return cases, sum(1 for a in actions if a.status in PlanAction.OUTSTANDING and a.due_on < today)


# --- The demo -----------------------------------------------------------------------------------


def _linked_referrals(pupil_ids: Sequence[int]) -> dict[int, list[Referral]]:
    """The referrals a practitioner holds for each of these pupils, oldest first. All the
    demo's are read and sorted here: a large demo's pupils are too many to name in SQL."""
    wanted = set(pupil_ids)
    found: dict[int, list[Referral]] = {}
    for r in (
        Referral.objects.filter(status__in=sorted(referral_rules.LINKED))
        .select_related("assigned_to", "service")
        .order_by("sent_at", "pk")
    ):
        if r.pupil_id in wanted:
            found.setdefault(r.pupil_id, []).append(r)
    return found


@transaction.atomic
def cases_demo(
    *,
    partnership: Partnership,
    today: Date,
    actor: User,
    pupils: int,
    key_worker: User | None = None,
    seed: int = 1,
) -> CasesDemo:
    """About ``open_case_count(pupils)`` open cases and a quarter as many closed, led by
    key workers with the caseloads ``caseload_plan`` gives, ``key_worker`` (the demo's
    practitioner sign-in) first; ``actor`` (the coordinator) opens cases at settings with
    no member of staff who may."""
    rng = random.Random(seed * 104729 + 11)
    fake = Faker("en_GB")
    fake.seed_instance(seed + 900)
    now = timezone.now()
    limit = caseload_limit()
    settings: list[Setting] = partnership_settings(partnership)
    members = Organisation.objects.filter(partnership_memberships__partnership=partnership)
    agencies = {a.agency_type: a for a in Agency.objects.filter(pk__in=members.values("pk"))}
    organisations: dict[str, Organisation] = dict(agencies)
    la = members.filter(kind=Organisation.Kind.LA_SERVICE).order_by("pk").first()
    if la is not None:
        organisations["la"] = la
    flagged = flagged_pupils(settings, today)
    order = list(flagged)
    rng.shuffle(order)
    n_open = min(open_case_count(pupils), len(order))
    n_closed = min(round(n_open * CLOSED_SHARE), len(order) - n_open)
    loads = caseload_plan(n_open, limit, rng)
    workers = _key_workers(len(loads), key_worker, organisations, fake)
    who = _organisation_of(workers)
    editors: dict[int, User] = {}
    for m in (
        Membership.objects.filter(
            organisation__in=settings, can_edit=True, role__in=sorted(SETTING_ROLES)
        )
        .select_related("user")
        .order_by("pk")
    ):
        editors.setdefault(m.organisation_id, m.user)
    opened_by = {s.pk: editors.get(s.pk, actor) for s in settings}
    referrals = _linked_referrals(order)
    # Pupils whose referral a key worker took on come first, to that key worker.
    by_worker: dict[int, list[int]] = {}
    for pupil_id in order:
        for r in referrals.get(pupil_id, []):
            if r.assigned_to_id is not None:
                by_worker.setdefault(r.assigned_to_id, []).append(pupil_id)
    taken: set[int] = set()
    pool = iter(order)

    def next_pupil(worker: User) -> int | None:
        for pupil_id in by_worker.get(worker.pk, []):
            if pupil_id not in taken:
                taken.add(pupil_id)
                return pupil_id
        for pupil_id in pool:
            if pupil_id not in taken:
                taken.add(pupil_id)
                return pupil_id
        return None

    concerns = list(
        Concern.objects.filter(
            setting__in=settings,
            source=Concern.Source.TRIGGER,
            status=Concern.Status.OPEN,
            fired_on__gte=today - datetime.timedelta(days=21),
            fired_on__lte=today - datetime.timedelta(days=2),
            raised_at__gte=now - ONE_DAY,
        ).order_by("-pk")[: max(1, n_open // 20)]
    )
    stories: list[Story] = []
    for worker, load in zip(workers, loads, strict=True):
        for _ in range(load):
            chosen = next_pupil(worker)
            if chosen is None:
                break
            setting_id, since = flagged[chosen]
            earliest = max(since, today - datetime.timedelta(days=160))
            back = rng.randint(5, 100) if rng.random() < 0.85 else rng.randint(100, 160)
            opened = max(earliest, weekday_on_or_before(today - datetime.timedelta(days=back)))
            stories.append(Story(chosen, setting_id, worker, min(opened, today)))
    # A couple of recent concerns became cases a few days after they fired.
    for concern, story in zip(concerns, reversed(stories), strict=False):
        if concern.pupil_id in taken:
            continue
        taken.add(concern.pupil_id)
        setting_id, since = flagged.get(concern.pupil_id, (concern.setting_id, concern.fired_on))
        if setting_id != concern.setting_id:
            continue
        story.pupil_id, story.setting_id, story.concern = concern.pupil_id, setting_id, concern
        story.opened_on = min(today, max(since, concern.fired_on + datetime.timedelta(days=2)))
    for _ in range(n_closed):
        worker = rng.choice(workers)
        chosen = next_pupil(worker)
        if chosen is None:
            break
        setting_id, since = flagged[chosen]
        opened = weekday_on_or_before(today - datetime.timedelta(days=rng.randint(100, 320)))
        closed = opened + datetime.timedelta(weeks=rng.randint(10, 16))
        if opened < since or closed >= today:
            continue
        stories.append(
            Story(chosen, setting_id, worker, opened, closed_on=weekday_on_or_before(closed))
        )
    referred = _linked_referrals([s.pupil_id for s in stories])
    assigned = [r.assigned_to for rs in referred.values() for r in rs if r.assigned_to]
    who = _organisation_of([*workers, *assigned, *editors.values()])
    front_door = agencies.get(Agency.Type.SOCIAL_CARE)
    for story in stories:
        mine = referred.get(story.pupil_id, [])
        taken_on = [
            r
            for r in mine
            if r.answered_at is not None and timezone.localdate(r.answered_at) <= story.opened_on
        ]
        lead_org = who[story.lead.pk][0]
        story.referral = next(
            (r for r in taken_on if r.to_organisation_id == lead_org), None
        ) or next((r for r in taken_on if r.assigned_to_id == story.lead.pk), None)
        story_team(story, rng, fake, who, editors, mine, front_door)
        story_actions(story, rng, today)
        story_reviews(story, rng, today)
    cases, overdue = _write(stories, rng, today, opened_by, who, list(Outcome.objects.all()))
    for story in stories:
        if story.concern is None:
            continue
        raised = _at(story.concern.fired_on, 18, now)
        Concern.objects.filter(pk=story.concern.pk).update(
            status=Concern.Status.CASE_OPENED,
            acted_by=opened_by[story.setting_id],
            acted_at=_at(story.opened_on, 15, now),
            raised_at=min(raised, _at(story.opened_on, 15, now)),
            version=F("version") + 1,
        )
    points = {
        case.pk: [(r.held_on, r.scale_now) for r, _ in story.reviews]
        for story, case in zip(stories, cases, strict=True)
    }
    read = measures_demo(cases, points, today)
    loads_found = Counter(c.lead.username for c in cases if c.closed_on is None and c.lead)
    return CasesDemo(
        open=sum(1 for c in cases if c.closed_on is None),
        closed=sum(1 for c in cases if c.closed_on is not None),
        key_workers=len(workers),
        caseloads=dict(loads_found),
        limit=limit,
        from_referrals=sum(1 for c in cases if c.referral_id is not None),
        from_concerns=sum(1 for c in cases if c.concern_id is not None),
        reviews=sum(len(s.reviews) for s in stories),
        actions=sum(len(s.actions) for s in stories),
        overdue_actions=overdue,
        measures_read=read,
    )
