"""The demo's children new to the area: on no roll in the partnership, each agreed a fair
access placement at the panel's last meeting and waiting for their first day, so the
partnership's officers see them through the placement alone (``pupils.access``).

Built after ``demo_panels`` and ``demo_provision``: a handful of rows, written in bulk."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db.models import Max

from knotwork.accounts.models import User
from knotwork.directory.models import Organisation, Partnership, Setting
from knotwork.placements.fair_access_models import FairAccessCategory, FairAccessPlacement
from knotwork.placements.panel_models import AgendaItem, PanelMeeting
from knotwork.pupils.models import Pupil, Sex
from knotwork.pupils.rules import birth_dates_for_year_group, temporary_upn

Date = datetime.date

#: New to the area, and the protocol's categories that fit them best (england.md §5.2).
_CHILDREN = (
    ("Noor", "Haddad", FairAccessCategory.I),
    ("Kacper", "Nowak", FairAccessCategory.L),
    ("Esme", "Fairweather", FairAccessCategory.B),
    ("Tomasz", "Lewandowski", FairAccessCategory.K),
    ("Ruby", "Lovell", FairAccessCategory.I),
)


#: How many children new to the area the demo records.
NEW_TO_AREA = len(_CHILDREN)


def _born(rng: random.Random, today: Date) -> Date:
    """A date of birth in a secondary year group (7 to 11) this school year."""
    first, last = birth_dates_for_year_group(rng.randint(7, 11), today)
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


@dataclass(frozen=True)
class AccessDemo:
    new_to_area: int  # children on no roll with a fair access placement waiting
    decided_at_panel: int  # of them, placements recorded from an agreed agenda item


def access_demo(*, partnership: Partnership, today: Date, actor: User, seed: int) -> AccessDemo:
    """Record the demo's children new to the area with their fair access placements, each
    from an agreed item of the panel's last meeting held by today (when there is one).
    ``actor`` (the coordinator) records them."""
    rng = random.Random(f"access-{seed}")
    schools = list(
        Setting.objects.filter(
            partnership_memberships__partnership=partnership,
            setting_type=Setting.Type.SECONDARY,
        ).order_by("pk")
    )
    service = Organisation.objects.filter(
        partnership_memberships__partnership=partnership, kind=Organisation.Kind.LA_SERVICE
    ).first()
    meeting = (
        PanelMeeting.objects.filter(
            panel__partnership=partnership,
            held_on__lte=today,
            held_on__gte=today - datetime.timedelta(days=42),
        )
        .exclude(status=PanelMeeting.Status.CANCELLED)
        .order_by("-held_on")
        .first()
    )
    la_code = partnership.local_authority.code
    taken = set(
        Pupil.objects.filter(upn__contains=f"{la_code}0000{today.year % 100:02d}").values_list(
            "upn", flat=True
        )
    )
    upns = (
        u for u in (temporary_upn(la_code, today.year, n) for n in range(2300)) if u not in taken
    )
    children = Pupil.objects.bulk_create(
        [
            Pupil(
                upn=next(upns),
                legal_forename=forename,
                legal_surname=surname,
                date_of_birth=_born(rng, today),
                sex=Sex.FEMALE if forename in {"Noor", "Esme", "Ruby"} else Sex.MALE,
                eal=surname in {"Haddad", "Nowak", "Lewandowski"},
            )
            for forename, surname, _ in _CHILDREN
        ]
    )
    items: list[AgendaItem | None] = [None] * len(children)
    if meeting is not None and service is not None:
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("position"))["n"] or 0
        decided = datetime.datetime.combine(meeting.held_on, datetime.time(12), datetime.UTC)
        items = list(
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(
                        meeting=meeting,
                        pupil=child,
                        kind=AgendaItem.Kind.FAIR_ACCESS,
                        put_forward_by=service,
                        put_forward_by_user=actor,
                        summary="New to the area with no school place: in-year admission "
                        "under the fair access protocol.",
                        decision=AgendaItem.Decision.AGREED,
                        decided_at=decided,
                        position=last + n + 1,
                    )
                    for n, child in enumerate(children)
                ]
            )
        )
    rows = []
    for child, (_, _, category), item in zip(children, _CHILDREN, items, strict=True):
        arrived = today - datetime.timedelta(days=rng.randint(15, 40))
        placed_on = item.meeting.held_on if item is not None else today
        rows.append(
            FairAccessPlacement(
                partnership=partnership,
                pupil=child,
                category=category,
                arrived_on=arrived,
                out_of_school_from=min(arrived, placed_on),
                placed_at=rng.choice(schools),
                placed_on=placed_on,
                decided_at=item,
                recorded_by=actor,
            )
        )
    FairAccessPlacement.objects.bulk_create(rows)
    return AccessDemo(
        new_to_area=len(rows), decided_at_panel=sum(item is not None for item in items)
    )
