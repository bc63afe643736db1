"""Demo concerns: the partnership's default trigger points run as of the demo's today,
and a handful of concerns staff raised by hand, some acknowledged, some dismissed, some
left so long that they stand out on the worklist.

Called after ``demo_build`` (attendance and behaviour are in place by then). The signs
in the registers are worked out first (``signals_refresh``), so the newly persistent and
penalty notice rules have something to read. Staff concerns are written as the demo's
other records are, straight to the tables; the trigger points go through
``triggers_run`` as ``knotwork casework triggers`` does.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from knotwork.accounts.models import Membership, Role, User
from knotwork.attendance.signal_services import signals_refresh
from knotwork.casework.concern_services import trigger_rules_adopt_defaults, triggers_run
from knotwork.casework.models import Concern
from knotwork.casework.trigger_queries import partnership_settings
from knotwork.casework.triggers import long_date
from knotwork.directory.models import Partnership
from knotwork.pupils.models import Enrolment

#: Staff concerns a setting, and what was noticed (no names: the demo's own words).
STAFF_CONCERNS = 4
_NOTES = {
    Concern.Sign.APPEARANCE: "Uniform unwashed most days this fortnight; hungry at break.",
    Concern.Sign.FRIENDSHIPS: "Has fallen out with the usual group; alone at lunch.",
    Concern.Sign.MORALE: "Quiet and withdrawn in lessons; said they are not sleeping.",
    Concern.Sign.WORK: "Homework not handed in for three weeks; was reliable before.",
    Concern.Sign.HOME: "Mentioned that things are difficult at home since half term.",
}
_REASONS = (
    "Spoke to parent: a family bereavement, school already supporting.",
    "Checked with the form tutor: already picked up by the pastoral team.",
    "Absence explained by a hospital appointment; no further concern.",
)


@dataclass(frozen=True)
class ConcernsDemo:
    rules: int
    raised: int
    staff: int
    acknowledged: int
    dismissed: int
    stale: int


def _editor(setting_id: int, fallback: User) -> User:
    m = (
        Membership.objects.filter(
            organisation_id=setting_id,
            can_edit=True,
            role__in=[Role.SCHOOL_STAFF, Role.BA_LEADER],
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return m.user if m is not None else fallback


@transaction.atomic
def concerns_demo(
    *, partnership: Partnership, today: datetime.date, actor: User, seed: int = 1
) -> ConcernsDemo:
    """Default rules, the trigger points run on ``today``, and staff concerns; ``actor``
    (the coordinator) acts where a setting has no member who may edit."""
    rng = random.Random(seed)
    rules = trigger_rules_adopt_defaults(partnership=partnership, actor=actor)
    signals_refresh(on=today, settings=partnership_settings(partnership))
    run = triggers_run(partnership=partnership, on=today)
    now = timezone.now()
    counts = {"staff": 0, "acknowledged": 0, "dismissed": 0, "stale": 0}
    signs = list(_NOTES)
    for setting in partnership_settings(partnership):
        editor = _editor(setting.pk, actor)
        pupils = list(
            Enrolment.objects.current(today)
            .filter(setting=setting)
            .order_by("pk")
            .values_list("pupil_id", flat=True)[:200]
        )
        for i, pupil_id in enumerate(rng.sample(pupils, min(STAFF_CONCERNS, len(pupils)))):
            sign = signs[rng.randrange(len(signs))]
            back = [0, 3, 12, 16][i % 4]  # the last two are stale: nobody has acted
            day = today - datetime.timedelta(days=back)
            concern = Concern.objects.create(
                pupil_id=pupil_id,
                setting=setting,
                source=Concern.Source.STAFF,
                sign=sign,
                note=_NOTES[sign],
                summary=f"Raised by staff on {long_date(day)}: {sign.label.lower()}.",
                fired_on=day,
                raised_by=editor,
            )
            Concern.objects.filter(pk=concern.pk).update(
                raised_at=now - datetime.timedelta(days=back)
            )
            counts["staff"] += 1
            counts["stale"] += back >= 10
            if i == 1:
                Concern.objects.filter(pk=concern.pk).update(
                    status=Concern.Status.ACKNOWLEDGED, acted_by=editor, acted_at=now, version=2
                )
                counts["acknowledged"] += 1
        # Of the trigger concerns: a few acknowledged, a few dismissed, a few left stale.
        fired = list(
            Concern.objects.filter(setting=setting, source=Concern.Source.TRIGGER)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rng.shuffle(fired)
        for pk in fired[:3]:
            Concern.objects.filter(pk=pk).update(
                status=Concern.Status.ACKNOWLEDGED, acted_by=editor, acted_at=now, version=2
            )
            counts["acknowledged"] += 1
        for pk in fired[3:5]:
            Concern.objects.filter(pk=pk).update(
                status=Concern.Status.DISMISSED,
                dismissed_reason=rng.choice(_REASONS),
                acted_by=editor,
                acted_at=now,
                version=2,
            )
            counts["dismissed"] += 1
        for pk in fired[5:8]:
            Concern.objects.filter(pk=pk).update(raised_at=now - datetime.timedelta(days=14))
            counts["stale"] += 1
    return ConcernsDemo(
        rules=len(rules),
        raised=sum(run.raised.values()),
        **counts,
    )
