"""The demo's cases before they are written: the team around each child, the plan's
actions with owners on the team, and reviews whose scaling moves as the case goes on.
Nothing here touches the database; ``demo_cases`` writes what it plans."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone
from faker import Faker

from knotwork.accounts.models import User
from knotwork.casework.case_models import CaseMember, PlanAction, Review
from knotwork.casework.case_services import LEAD_ROLE
from knotwork.casework.demo_case_texts import ACTIONS, NEXT_STEPS, OTHERS_PRESENT, VIEWS, WORKING
from knotwork.casework.models import Concern, Referral
from knotwork.directory.models import Organisation

Date = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def weekday_on_or_before(day: Date) -> Date:
    while day.weekday() >= 5:
        day -= ONE_DAY
    return day


@dataclass
class Story:
    """One case before it is written."""

    pupil_id: int
    setting_id: int
    lead: User
    opened_on: Date
    closed_on: Date | None = None
    referral: Referral | None = None
    concern: Concern | None = None
    members: list[CaseMember] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    reviews: list[tuple[Review, list[int]]] = field(default_factory=list)


# --- Planning ------------------------------------------------------------------------------------


def _member(
    story: Story,
    *,
    role: str,
    starts: Date,
    user: User | None = None,
    name: str = "",
    organisation_id: int | None = None,
) -> CaseMember:
    member = CaseMember(
        user=user, name=name, organisation_id=organisation_id, role=role, starts_on=starts
    )
    if story.closed_on is not None:
        member.ends_on = story.closed_on
    story.members.append(member)
    return member


def story_team(
    story: Story,
    rng: random.Random,
    fake: Faker,
    who: dict[int, tuple[int, str, bool]],
    editors: dict[int, User],
    referred: list[Referral],
    front_door: Organisation | None,
) -> None:
    """The lead, the school's contact, the practitioners the pupil's referrals gave them,
    and sometimes a social worker or someone who has left."""
    org, _, _ = who[story.lead.pk]
    _member(story, role=LEAD_ROLE, starts=story.opened_on, user=story.lead, organisation_id=org)
    school = editors.get(story.setting_id)
    if school is not None and school.pk != story.lead.pk:
        _member(
            story,
            role="School contact",
            starts=story.opened_on,
            user=school,
            organisation_id=story.setting_id,
        )
    else:
        _member(
            story,
            role=rng.choice(("Head of year", "SENCO", "Pastoral lead")),
            starts=story.opened_on,
            name=fake.name(),
            organisation_id=story.setting_id,
        )
    seen = {story.lead.pk}
    end = story.closed_on or timezone.localdate()
    for referral in referred:
        user = referral.assigned_to
        if user is None or user.pk in seen or user.pk not in who or referral.answered_at is None:
            continue
        starts = max(story.opened_on, timezone.localdate(referral.answered_at))
        if starts > end:
            continue
        seen.add(user.pk)
        _member(
            story,
            role=who[user.pk][1] or "Practitioner",
            starts=starts,
            user=user,
            organisation_id=who[user.pk][0],
        )
    if front_door is not None and rng.random() < 0.2:
        _member(
            story,
            role="Social worker",
            starts=story.opened_on,
            name=fake.name(),
            organisation_id=front_door.pk,
        )
    if rng.random() < 0.2 and (end - story.opened_on).days > 30:
        left = _member(
            story,
            role="Learning mentor",
            starts=story.opened_on,
            name=fake.name(),
            organisation_id=story.setting_id,
        )
        left.ends_on = story.opened_on + datetime.timedelta(days=rng.randint(14, 30))


def story_actions(story: Story, rng: random.Random, today: Date) -> None:
    """Three to six actions with owners on the team, due over the intervention."""
    end = story.closed_on or today
    owners = [m for m in story.members if m.ends_on is None or m.ends_on >= end]
    for what, kind in rng.sample(ACTIONS, rng.randint(3, 6)):
        due = story.opened_on + datetime.timedelta(days=rng.randint(7, 70))
        owner = next((m for m in owners if kind == "lead" and m.role == LEAD_ROLE), None)
        if kind == "team":
            owner = rng.choice(owners)
        if kind == "school":
            owner = next((m for m in owners if m.organisation_id == story.setting_id), None)
        action = PlanAction(what=what, due_on=due)
        if owner is not None and owner.user is not None:
            action.owner = owner.user
        elif owner is not None:
            action.owner_name = f"{owner.name} ({owner.role.lower()})"
        else:
            action.owner_name = "Parent" if kind == "parent" else "The young person"
        if story.closed_on is not None:
            action.status = rng.choice(("done", "done", "done", "dropped"))
        elif due < today:
            action.status = rng.choices(
                ("done", "in_progress", "not_started", "dropped"), weights=(55, 22, 15, 8)
            )[0]
        else:
            action.status = rng.choice(("not_started", "in_progress"))
        story.actions.append(action)


def story_reviews(story: Story, rng: random.Random, today: Date) -> None:
    """Reviews every four to six weeks from the third week, the scaling moving."""
    end = story.closed_on or today
    held = story.opened_on + datetime.timedelta(days=rng.randint(18, 28))
    now, goal = rng.randint(2, 4), rng.choice((7, 8))
    while held <= end:
        held = weekday_on_or_before(held)
        step = min(len(VIEWS) - 1, max(0, now - 2) // 2)
        child, parent, other = VIEWS[step]
        present = [
            i
            for i, m in enumerate(story.members)
            if m.starts_on <= held
            and (m.ends_on is None or m.ends_on >= held)
            and (m.role == LEAD_ROLE or rng.random() < 0.75)
        ]
        review = Review(
            held_on=held,
            others_present=rng.choice(OTHERS_PRESENT),
            child_view=child,
            parent_view=parent,
            other_views=other,
            working=WORKING[step],
            goals=f"Get to {goal} out of 10: in school every day and settled in lessons.",
            scale_now=now,
            scale_goal=goal,
            next_steps=rng.choice(NEXT_STEPS),
            recorded_by=story.lead,
        )
        story.reviews.append((review, present))
        now = max(1, min(10, now + rng.choice((-1, 0, 1, 1, 1, 2))))
        held += datetime.timedelta(days=rng.randint(28, 42))
