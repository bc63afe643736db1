"""Demo panel meetings and managed moves, on top of the built demo partnership.

``panels_demo(partnership=..., today=..., actor=..., seed=...)`` makes the partnership's
inclusion panel (every setting, the pupil referral unit, the LA service and the police's
Safer Schools officer as members), a year of monthly meetings (the third Wednesday, none
in August) with who came (a few apologies and absences, one school missing more than one),
agendas of cases put forward with the panel's decisions, and actions with their owners;
and managed moves with mixed outcomes:

- made permanent more than a year ago (so judged: successful while the pupil is still on
  the new school's roll), and within the last year (not yet judged). These are the demo's
  pupils who already changed school within the partnership (``directory.demo``), so their
  rolls need no change: the trial starts the day they joined the new school and the move
  is finalised six weeks later;
- returned to the home school or broken down, which are not successful, and in their
  trial today: the home enrolment is the main registration, with a subsidiary one at the
  receiving school for the trial (ended, for those that returned or broke down).

Moves that started in the year of meetings are put forward to the meeting before. Like
the rest of the demo this is a loader, not a user action: no audit rows, no access
checks, a few bulk writes whatever the number of pupils, and the same seed gives the
same records.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import Membership, User
from knotwork.directory.models import Agency, Partnership, PartnershipMember, Setting
from knotwork.placements.move_models import ManagedMove, ManagedMoveReview
from knotwork.placements.panel_models import (
    AgendaItem,
    MeetingAttendance,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
)
from knotwork.pupils.models import Enrolment

Date = datetime.date
DAY = datetime.timedelta(days=1)
TRIAL = datetime.timedelta(weeks=6)
YEAR = 365

_REASONS = [
    "The relationship with the school has broken down after repeated incidents with one group.",
    "An alternative to permanent exclusion: a fresh start agreed by both headteachers.",
    "Friendship difficulties and bullying; the family asked for a new start.",
    "Persistent disruption in lessons despite a pastoral support programme.",
]
_SUPPORT = [
    "A key worker from the behaviour and attendance service for the first six weeks.",
    "A mentor at the receiving school and a weekly call home.",
    "A reduced start (mornings for the first week) and a learning mentor.",
]
_SUMMARIES = {
    AgendaItem.Kind.FAIR_ACCESS: "In-year admission under the fair access protocol.",
    AgendaItem.Kind.AP_REFERRAL: "Referral for a part-time place at alternative provision.",
    AgendaItem.Kind.LA_SERVICE: "Request for the behaviour and attendance service.",
    AgendaItem.Kind.HARD_TO_PLACE: "Hard to place: no school place offered for four weeks.",
}
_ACTIONS = [
    "Share the pupil's support plan with the receiving school",
    "Arrange the reintegration meeting with the family",
    "Report back to the next meeting on the placement",
    "Send the fair access request to admissions",
]


@dataclass(frozen=True)
class PanelsDemo:
    panels: int
    members: int
    meetings: int
    held: int
    missed: int  # member-meetings missed (apologies or absent)
    items: int
    decided: int
    actions: int
    moves: int
    in_trial: int
    permanent: int
    judged_permanent: int
    returned: int
    broke_down: int


@dataclass(frozen=True)
class _Roll:
    pupil_id: int
    setting_id: int
    start: Date
    end: Date | None
    enrolment_id: int


def _third_wednesdays(first: Date, last: Date) -> list[Date]:
    days = []
    month = Date(first.year, first.month, 1)
    while month <= last:
        offset = (2 - month.weekday()) % 7  # the first Wednesday
        day = month + datetime.timedelta(days=offset + 14)
        if month.month != 8 and first <= day <= last:
            days.append(day)
        month = Date(month.year + (month.month // 12), month.month % 12 + 1, 1)
    return days


def _rolls(school_ids: list[int]) -> tuple[list[tuple[_Roll, _Roll]], list[_Roll]]:
    """Pupils who moved between two of the schools (left one, joined the other), and
    pupils on one school's roll alone, from one read of the schools' enrolments."""
    by_pupil: dict[int, list[_Roll]] = defaultdict(list)
    rows = (
        Enrolment.objects.filter(setting_id__in=school_ids)
        .order_by("pupil_id", "start_date")
        .values_list("pupil_id", "setting_id", "start_date", "end_date", "registration", "pk")
    )
    other = set(
        Enrolment.objects.exclude(setting_id__in=school_ids).values_list("pupil_id", flat=True)
    )
    for pupil_id, setting_id, start, end, registration, pk in rows.iterator(chunk_size=5000):
        if registration == "C":
            by_pupil[pupil_id].append(_Roll(pupil_id, setting_id, start, end, pk))
    movers, singles = [], []
    for pupil_id, rolls in by_pupil.items():
        if pupil_id in other:
            continue
        if len(rolls) == 1 and rolls[0].end is None:
            singles.append(rolls[0])
        elif (
            len(rolls) == 2 and rolls[0].setting_id != rolls[1].setting_id and rolls[1].end is None
        ):
            movers.append((rolls[0], rolls[1]))
    return movers, singles


@transaction.atomic
def panels_demo(*, partnership: Partnership, today: Date, actor: User, seed: int = 1) -> PanelsDemo:
    """The partnership's panel, a year of its meetings, and its managed moves (see the
    module); ``actor`` (the coordinator) chairs, puts cases forward and proposes moves."""
    rng = random.Random(seed)
    members_of = list(
        PartnershipMember.objects.filter(partnership=partnership).select_related("organisation")
    )
    org_ids = [m.organisation_id for m in members_of]
    settings = list(Setting.objects.filter(pk__in=org_ids).order_by("name"))
    schools = [s for s in settings if s.setting_type != Setting.Type.PRU]
    school_ids = [s.pk for s in schools]
    police = list(
        Agency.objects.filter(pk__in=org_ids, agency_type=Agency.Type.POLICE_SSP).order_by("pk")
    )
    la_services = [m.organisation for m in members_of if m.organisation.kind == "la_service"]

    panel = Panel.objects.create(
        partnership=partnership, name="Inclusion panel", frequency="monthly"
    )
    seats = [
        PanelMember(
            panel=panel,
            organisation_id=s.pk,
            role=PanelMember.Role.PRU if s.setting_type == Setting.Type.PRU else "setting",
        )
        for s in settings
    ]
    seats += [PanelMember(panel=panel, organisation=o, role="la") for o in la_services]
    seats += [PanelMember(panel=panel, organisation=a, role="police") for a in police]
    members = PanelMember.objects.bulk_create(seats)

    days = _third_wednesdays(
        today - datetime.timedelta(days=YEAR - 1), today + datetime.timedelta(days=35)
    )
    meetings = PanelMeeting.objects.bulk_create(
        PanelMeeting(
            panel=panel,
            held_on=day,
            chair=actor,
            status=PanelMeeting.Status.HELD if day < today else PanelMeeting.Status.PLANNED,
        )
        for day in days
    )
    held = [m for m in meetings if m.status == PanelMeeting.Status.HELD]
    # Attendance: most come; one school (chosen by the seed) misses two meetings.
    often_away = members[rng.randrange(len(schools))] if schools else None
    away_at = set(rng.sample(range(len(held)), min(2, len(held))))
    attendance = []
    for i, meeting in enumerate(held):
        for member in members:
            chance = rng.random()
            status = "attended"
            if member is often_away and i in away_at:
                status = "apologies" if i == min(away_at) else "absent"
            elif member is not often_away and chance < 0.05:
                status = "apologies"
            attendance.append(MeetingAttendance(meeting=meeting, member=member, status=status))
    MeetingAttendance.objects.bulk_create(attendance, batch_size=1000)

    movers, singles = _rolls(school_ids)
    rng.shuffle(singles)
    movers.sort(key=lambda pair: (pair[1].start, pair[1].pupil_id))
    moves, items, extra_enrolments = _plan_moves(
        rng, today, movers, singles, school_ids, actor, meetings
    )
    # Other cases on each meeting's agenda, from pupils on roll that day.
    others = [s for s in singles if not any(m.pupil_id == s.pupil_id for m in moves)][:400]
    kinds = list(_SUMMARIES)
    for meeting in meetings:
        for _ in range(rng.randint(2, 4)):
            roll = others[rng.randrange(len(others))] if others else None
            if roll is None or roll.start > meeting.held_on:
                continue
            kind = kinds[rng.randrange(len(kinds))]
            items.append(
                AgendaItem(
                    meeting=meeting,
                    pupil_id=roll.pupil_id,
                    kind=kind,
                    put_forward_by_id=roll.setting_id,
                    put_forward_by_user=actor,
                    summary=_SUMMARIES[kind],
                )
            )
    by_meeting: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in items:
        by_meeting[item.meeting.pk].append(item)
    for meeting in meetings:
        for position, item in enumerate(by_meeting[meeting.pk], start=1):
            item.position = position
            if meeting.status == PanelMeeting.Status.HELD and not item.decision:
                chance = rng.random()
                item.decision = (
                    "agreed" if chance < 0.7 else "deferred" if chance < 0.9 else "not_agreed"
                )
                item.decided_at = _at(meeting.held_on)
    AgendaItem.objects.bulk_create(items, batch_size=1000)
    for move in moves:
        if move.agenda_item is not None:
            move.agenda_item_id = move.agenda_item.pk
    Enrolment.objects.bulk_create(extra_enrolments)
    ManagedMove.objects.bulk_create(moves)
    ManagedMoveReview.objects.bulk_create(
        ManagedMoveReview(
            move=move,
            held_on=min(move.starts_on + datetime.timedelta(weeks=3), today),
            progress=rng.choice(ManagedMoveReview.Progress.values),
            notes="Reviewed with the family and both schools.",
            recorded_by=actor,
        )
        for move in moves
        if move.starts_on + datetime.timedelta(weeks=3) <= today
    )
    owners = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(
                organisation_id__in=[m.organisation_id for m in members], can_edit=True
            ).values("user_id")
        ).order_by("pk")
    ) or [actor]
    actions = []
    for meeting in held:
        for _ in range(rng.randint(1, 3)):
            due = meeting.held_on + datetime.timedelta(days=14)
            actions.append(
                PanelAction(
                    meeting=meeting,
                    text=rng.choice(_ACTIONS),
                    owner=owners[rng.randrange(len(owners))],
                    due_on=due,
                    done_on=due - DAY if due < today and rng.random() < 0.8 else None,
                )
            )
    PanelAction.objects.bulk_create(actions)
    statuses = [m.status for m in moves]
    return PanelsDemo(
        panels=1,
        members=len(members),
        meetings=len(meetings),
        held=len(held),
        missed=sum(1 for a in attendance if a.status != "attended"),
        items=len(items),
        decided=sum(1 for i in items if i.decision),
        actions=len(actions),
        moves=len(moves),
        in_trial=statuses.count("trial"),
        permanent=statuses.count("permanent"),
        judged_permanent=sum(
            1
            for m in moves
            if m.finalised_on is not None
            and m.finalised_on + datetime.timedelta(days=YEAR) <= today
        ),
        returned=statuses.count("returned"),
        broke_down=statuses.count("broke_down"),
    )


def _at(day: Date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 16, 0))


def _meeting_before(meetings: list[PanelMeeting], day: Date) -> PanelMeeting | None:
    before = [m for m in meetings if m.held_on < day]
    return before[-1] if before else None


def _plan_moves(
    rng: random.Random,
    today: Date,
    movers: list[tuple[_Roll, _Roll]],
    singles: list[_Roll],
    school_ids: list[int],
    actor: User,
    meetings: list[PanelMeeting],
) -> tuple[list[ManagedMove], list[AgendaItem], list[Enrolment]]:
    """Moves, the agenda items that put them forward, and the enrolments for trials."""
    moves: list[ManagedMove] = []
    items: list[AgendaItem] = []
    enrolments: list[Enrolment] = []
    last_judged = today - datetime.timedelta(days=YEAR) - TRIAL  # joined by then: judged
    long_ago = [pair for pair in movers if pair[1].start <= last_judged - DAY]
    recent = [pair for pair in movers if last_judged < pair[1].start <= today - TRIAL]
    chosen = rng.sample(long_ago, min(rng.randint(4, 6), len(long_ago)))
    chosen += rng.sample(recent, min(rng.randint(5, 7), len(recent)))

    def add(move: ManagedMove) -> None:
        meeting = _meeting_before(meetings, move.starts_on)
        if meeting is not None:
            item = AgendaItem(
                meeting=meeting,
                pupil_id=move.pupil_id,
                kind=AgendaItem.Kind.MANAGED_MOVE,
                put_forward_by_id=move.from_setting_id,
                put_forward_by_user=actor,
                summary="Proposed managed move: " + move.reason[0].lower() + move.reason[1:],
                decision="agreed" if meeting.held_on < today else "",
                decided_at=_at(meeting.held_on) if meeting.held_on < today else None,
            )
            items.append(item)
            move.agenda_item = item
        moves.append(move)

    for old, new in chosen:
        ends = new.start + TRIAL
        add(
            ManagedMove(
                pupil_id=new.pupil_id,
                from_setting_id=old.setting_id,
                to_setting_id=new.setting_id,
                reason=rng.choice(_REASONS),
                support=rng.choice(_SUPPORT),
                parent_agreed_on=new.start - datetime.timedelta(days=rng.randint(3, 10)),
                pupil_agreed_on=new.start - datetime.timedelta(days=rng.randint(3, 10)),
                starts_on=new.start,
                trial_ends_on=ends,
                status=ManagedMove.Status.PERMANENT,
                ended_on=ends,
                finalised_on=ends,
                proposed_by=actor,
            )
        )
    # Trials that ended in a return or a breakdown, and trials running today.
    plans = [("returned", 120, 300)] * rng.randint(2, 3) + [("broke_down", 60, 250)] * 2
    plans += [("trial", 7, 35)] * rng.randint(3, 4)
    pool = iter(singles)
    dual: list[int] = []  # home enrolments, the main registration since the trial
    for status, least, most in plans:
        start = _weekday(today - datetime.timedelta(days=rng.randint(least, most)))
        roll = next((r for r in pool if r.start < start - datetime.timedelta(days=30)), None)
        if roll is None:
            break
        to_setting = rng.choice([s for s in school_ids if s != roll.setting_id])
        ended = None if status == "trial" else start + datetime.timedelta(days=rng.randint(14, 40))
        enrolments.append(
            Enrolment(
                pupil_id=roll.pupil_id,
                setting_id=to_setting,
                start_date=start,
                end_date=None if ended is None else ended - DAY,
                registration=Enrolment.Registration.SUBSIDIARY,
            )
        )
        dual.append(roll.enrolment_id)
        add(
            ManagedMove(
                pupil_id=roll.pupil_id,
                from_setting_id=roll.setting_id,
                to_setting_id=to_setting,
                reason=rng.choice(_REASONS),
                support=rng.choice(_SUPPORT),
                parent_agreed_on=start - datetime.timedelta(days=5),
                pupil_agreed_on=start - datetime.timedelta(days=5),
                starts_on=start,
                trial_ends_on=start + TRIAL,
                status=status,
                ended_on=ended,
                proposed_by=actor,
            )
        )
    Enrolment.objects.filter(pk__in=dual).update(registration=Enrolment.Registration.MAIN)
    return moves, items, enrolments


def _weekday(day: Date) -> Date:
    while day.weekday() >= 5:
        day -= DAY
    return day
