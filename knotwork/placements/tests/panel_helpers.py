"""Builders for the panel and managed-move tests: the cast's partnership panel (School A,
the LA service and the police, not School B), a meeting with a pupil on its agenda, and
a managed move from School A to School B."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass
from typing import Any

from knotwork.accounts.models import Role, User
from knotwork.core.testing import Cast, make_agency, make_user
from knotwork.directory.models import Agency
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.panel_models import AgendaItem, Panel, PanelMeeting, PanelMember
from knotwork.pupils.models import Enrolment, Pupil

LONDON = zoneinfo.ZoneInfo("Europe/London")
#: A Monday morning in the autumn term, when the tests happen.
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
#: The meeting, three days on: its papers went out four days ago.
MEETING_DAY = datetime.date(2026, 11, 26)


@dataclass
class PanelWorld:
    panel: Panel
    meeting: PanelMeeting
    item: AgendaItem  # Amira (School A) put forward for a managed move
    police: Agency
    police_officer: User  # a Safer Schools officer: a member who does not see School A's roll


def make_panel(cast: Cast, **overrides: Any) -> Panel:
    values: dict[str, Any] = {"name": "Inclusion panel", "frequency": "monthly"}
    values.update(overrides)
    return Panel.objects.create(partnership=cast.partnership, **values)


def build_panel_world(cast: Cast, *, held_on: datetime.date = MEETING_DAY) -> PanelWorld:
    police = make_agency(
        name="East Marsh Police, Safer Schools", agency_type=Agency.Type.POLICE_SSP
    )
    police_officer = make_user(
        "police_officer",
        role=Role.AGENCY_PRACTITIONER,
        organisation=police,
        first_name="Pat",
    )
    panel = make_panel(cast)
    PanelMember.objects.create(panel=panel, organisation=cast.school_a, role="setting")
    PanelMember.objects.create(panel=panel, organisation=cast.la_service, role="la")
    PanelMember.objects.create(panel=panel, organisation=police, role="police")
    meeting = PanelMeeting.objects.create(panel=panel, held_on=held_on, chair=cast.coordinator)
    item = AgendaItem.objects.create(
        meeting=meeting,
        pupil=cast.pupil_a,
        kind=AgendaItem.Kind.MANAGED_MOVE,
        put_forward_by=cast.school_a,
        put_forward_by_user=cast.officer,
        summary="A fresh start at Beacon High after a breakdown with her year group.",
        position=1,
    )
    return PanelWorld(panel, meeting, item, police, police_officer)


def make_move(cast: Cast, pupil: Pupil | None = None, **overrides: Any) -> ManagedMove:
    """A move from School A to School B straight to the table (no enrolment changes)."""
    values: dict[str, Any] = {
        "pupil": pupil or cast.pupil_a,
        "from_setting": cast.school_a,
        "to_setting": cast.school_b,
        "reason": "A fresh start.",
        "support": "A mentor for the first six weeks.",
        "parent_agreed_on": datetime.date(2026, 9, 7),
        "starts_on": datetime.date(2026, 9, 14),
        "trial_ends_on": datetime.date(2026, 10, 26),
        "proposed_by": cast.coordinator,
    }
    values.update(overrides)
    return ManagedMove.objects.create(**values)


def enrol(pupil: Pupil, setting: Any, start: datetime.date, end: datetime.date | None = None,
          registration: str = "C") -> Enrolment:  # fmt: skip
    return Enrolment.objects.create(
        pupil=pupil, setting=setting, start_date=start, end_date=end, registration=registration
    )
