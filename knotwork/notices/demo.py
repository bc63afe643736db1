"""Demo notices and parent contacts, written straight to the tables as the demo's other
records are (no email is sent).

- ``notices_demo``: each open case's team has been told of its plan's actions and
  reviews (and, for some, a suspension or the pupil missing from school) over the last
  weeks, for the purposes the rules give; older notices are mostly read; the team's
  members have chosen a mix of email rhythms.
- ``parent_contacts_demo``: pupils with a case, a concern or a suspension have a few
  contacts with home in the school's log, newest in the last days.

Both run after the demo's cases, concerns and exclusions are built.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.behaviour.models import Exclusion
from knotwork.casework.case_models import Case
from knotwork.casework.models import Concern
from knotwork.notices.models import Notice, NoticePreference, Rhythm
from knotwork.notices.queries import team_seats
from knotwork.notices.rules import email_state, who_is_told
from knotwork.pupils.access import visible_among
from knotwork.pupils.models import Contact, Enrolment
from knotwork.pupils.parent_contact_models import ParentContact

#: Of the demo's users on case teams: how they chose to get their notices by email.
RHYTHM_WEIGHTS: dict[str, int] = {
    Rhythm.IMMEDIATELY: 4,
    Rhythm.DAILY: 3,
    Rhythm.WEEKLY: 2,
    Rhythm.NEVER: 1,
}
#: What happened on a case, and how often, over the demo's last weeks.
KIND_WEIGHTS: dict[str, int] = {
    Notice.Kind.ACTION_ADDED: 5,
    Notice.Kind.ACTION_CHANGED: 4,
    Notice.Kind.REVIEW_RECORDED: 2,
    Notice.Kind.REVIEW_BOOKED: 1,
    Notice.Kind.SUSPENDED: 1,
    Notice.Kind.MISSING: 1,
}
EVENTS_PER_CASE = (2, 6)
DAYS_BACK = 28
#: Notices older than this many days are read, mostly.
READ_AFTER_DAYS = 5

#: Pupils given a contact log at most, and how many contacts each.
MOST_LOGGED_PUPILS = 600
CONTACTS_PER_PUPIL = (1, 5)
_CHANNEL_WEIGHTS: dict[str, int] = {
    ParentContact.Channel.PHONE: 8,
    ParentContact.Channel.EMAIL: 4,
    ParentContact.Channel.TEXT: 3,
    ParentContact.Channel.LETTER: 2,
    ParentContact.Channel.MEETING: 2,
    ParentContact.Channel.HOME_VISIT: 1,
}
_NOTES: dict[str, tuple[str, ...]] = {
    ParentContact.Channel.PHONE: (
        "Called about this morning's absence; parent says unwell, will send a note.",
        "Rang to share a good week: targets met on the report card.",
        "Parent called, worried about the journey to school; agreed to meet.",
        "No answer; left a message asking for a call back.",
    ),
    ParentContact.Channel.EMAIL: (
        "Sent the plan's actions agreed at the last review.",
        "Parent emailed asking how the week went; replied with the report card.",
    ),
    ParentContact.Channel.TEXT: (
        "Text reminder of the meeting on Thursday.",
        "Text: arrived on time every day this week.",
    ),
    ParentContact.Channel.LETTER: (
        "Letter about attendance this half term and the support on offer.",
        "Letter inviting parents to the review meeting.",
    ),
    ParentContact.Channel.MEETING: (
        "Met in school with the head of year; agreed a morning check-in.",
        "Review meeting in school; parent's view recorded on the case.",
    ),
    ParentContact.Channel.HOME_VISIT: (
        "Home visit after no contact for two days; spoke to parent at the door.",
    ),
}


@dataclass(frozen=True)
class NoticesDemo:
    cases: int
    notices: int
    read: int
    preferences: int


def _weighted(rng: random.Random, weights: Mapping[str, int]) -> str:
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])


@transaction.atomic
def notices_demo(*, seed: int, today: datetime.date) -> NoticesDemo:
    """Notices for the open cases' teams, and a mix of email rhythms among them."""
    rng = random.Random(seed)
    now = timezone.now()
    cases = list(
        Case.objects.filter(status=Case.Status.OPEN).select_related("pupil").order_by("pk")
    )
    users: dict[int, User] = {}
    sees: dict[tuple[int, int], bool] = {}
    rows: list[Notice] = []
    for case in cases:
        seats = team_seats(case, today)
        for seat in seats:
            if seat.user_id not in users:
                users[seat.user_id] = User.objects.get(pk=seat.user_id)
        may_see = set()
        for seat in seats:
            key = (seat.user_id, case.pupil_id)
            if key not in sees:
                sees[key] = bool(visible_among(users[seat.user_id], [case.pupil_id], today))
            if sees[key]:
                may_see.add(seat.user_id)
        for _ in range(rng.randint(*EVENTS_PER_CASE)):
            actor_id = rng.choice(seats).user_id if seats else None
            kind = _weighted(rng, KIND_WEIGHTS)
            days = rng.randint(0, DAYS_BACK)
            at = now - datetime.timedelta(days=days, minutes=rng.randint(0, 600))
            for user_id, purpose in who_is_told(seats, actor_id=actor_id, may_see=may_see).items():
                read = days > READ_AFTER_DAYS and rng.random() < 0.85
                rows.append(
                    Notice(
                        recipient_id=user_id,
                        case=case,
                        pupil_id=case.pupil_id,
                        kind=kind,
                        purpose=purpose,
                        by_id=actor_id,
                        read_at=at + datetime.timedelta(hours=rng.randint(1, 48)) if read else None,
                        email=Notice.Email.NONE,
                    )
                )
                rows[-1].created_at = at  # set after bulk_create: auto_now_add overrides
    chosen = {user_id: _weighted(rng, RHYTHM_WEIGHTS) for user_id in sorted(users)}
    NoticePreference.objects.bulk_create(
        [NoticePreference(user_id=user_id, rhythm=rhythm) for user_id, rhythm in chosen.items()],
        ignore_conflicts=True,
    )
    times = [n.created_at for n in rows]
    Notice.objects.bulk_create(rows, batch_size=2000)
    for notice, at in zip(rows, times, strict=True):
        notice.created_at = at
        rhythm = chosen.get(notice.recipient_id, Rhythm.IMMEDIATELY)
        state = email_state(rhythm, bool(users[notice.recipient_id].email))
        recent = now - at < datetime.timedelta(days=1 if rhythm == Rhythm.DAILY else 7)
        if state == Notice.Email.PENDING and not (rhythm != Rhythm.IMMEDIATELY and recent):
            notice.email, notice.emailed_at = Notice.Email.SENT, at
        else:
            notice.email = state
    Notice.objects.bulk_update(rows, ["created_at", "email", "emailed_at"], batch_size=2000)
    return NoticesDemo(
        cases=len(cases),
        notices=len(rows),
        read=sum(n.read_at is not None for n in rows),
        preferences=len(chosen),
    )


def _logged_pupils(today: datetime.date, rng: random.Random) -> list[int]:
    since = today - datetime.timedelta(days=365)
    ids = set(Case.objects.values_list("pupil_id", flat=True))
    ids.update(Concern.objects.filter(fired_on__gte=since).values_list("pupil_id", flat=True))
    ids.update(
        Exclusion.objects.filter(kind=Exclusion.Kind.SUSPENSION, start_date__gte=since).values_list(
            "pupil_id", flat=True
        )
    )
    chosen = sorted(ids)
    if len(chosen) > MOST_LOGGED_PUPILS:
        chosen = sorted(rng.sample(chosen, MOST_LOGGED_PUPILS))
    return chosen


@transaction.atomic
def parent_contacts_demo(*, seed: int, today: datetime.date) -> int:
    """A few contacts with home for pupils with a case, a concern or a suspension, made
    by staff who may edit at the pupil's school; returns how many were written."""
    rng = random.Random(seed)
    pupil_ids = _logged_pupils(today, rng)
    contacts: dict[int, Contact] = {}
    for contact in Contact.objects.filter(pupil_id__in=pupil_ids).order_by("priority", "pk"):
        contacts.setdefault(contact.pupil_id, contact)
    settings = dict(
        Enrolment.objects.current(today)
        .filter(pupil_id__in=pupil_ids)
        .order_by("pupil_id", "start_date")
        .values_list("pupil_id", "setting_id")
    )
    staff: dict[int, list[int]] = {}
    for org_id, user_id in (
        Membership.objects.filter(
            organisation_id__in=set(settings.values()),
            can_edit=True,
            role__in=[Role.SCHOOL_STAFF, Role.BA_LEADER],
        )
        .filter(user__is_active=True)
        .order_by("pk")
        .values_list("organisation_id", "user_id")
    ):
        staff.setdefault(org_id, []).append(user_id)
    noon = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12, 0)))
    rows = []
    for pupil_id in pupil_ids:
        found, setting_id = contacts.get(pupil_id), settings.get(pupil_id)
        if found is None or setting_id is None or not staff.get(setting_id):
            continue
        for _ in range(rng.randint(*CONTACTS_PER_PUPIL)):
            channel = _weighted(rng, _CHANNEL_WEIGHTS)
            incoming = channel in (ParentContact.Channel.PHONE, ParentContact.Channel.EMAIL)
            at = noon - datetime.timedelta(days=rng.randint(1, 60), minutes=rng.randint(-210, 240))
            rows.append(
                ParentContact(
                    pupil_id=pupil_id,
                    contact=found,
                    setting_id=setting_id,
                    channel=channel,
                    direction=ParentContact.Direction.FROM_PARENT
                    if incoming and rng.random() < 0.3
                    else ParentContact.Direction.TO_PARENT,
                    at=at,
                    note=rng.choice(_NOTES[channel]),
                    made_by_id=rng.choice(staff[setting_id]),
                )
            )
    ParentContact.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
