"""Who sees a panel, and whose names on its agenda, as a matrix: a member of the panel
(the police), a member whose setting has the pupil on roll (School A), a non-member
(School B's staff), the coordinator, a board member and an outsider from another
partnership; before the papers go, while they are out, and after the meeting."""

import datetime

import pytest

from knotwork.accounts.models import Role
from knotwork.core.testing import make_setting, make_user
from knotwork.placements.panel_access import names_shown, panel_rights, visible_panels
from knotwork.placements.tests.panel_helpers import MEETING_DAY, build_panel_world

pytestmark = pytest.mark.django_db

BEFORE = MEETING_DAY - datetime.timedelta(days=8)
PAPERS_OUT = MEETING_DAY - datetime.timedelta(days=7)
DURING = MEETING_DAY
AFTER = MEETING_DAY + datetime.timedelta(days=1)


@pytest.fixture
def world(cast):
    return build_panel_world(cast)


def _user(cast, world, who):
    if who == "police":
        return world.police_officer
    if who == "elsewhere":
        other = make_setting(name="Far Away School")
        return make_user("elsewhere", role=Role.SCHOOL_STAFF, organisation=other, can_edit=True)
    return getattr(cast, who)


@pytest.mark.parametrize(
    ("who", "sees", "named"),
    [
        # who, sees the meeting, named on: (before, papers out, meeting day, after)
        ("police_officer", True, (False, True, True, False)),
        ("officer", True, (True, True, True, True)),  # School A sees Amira anyway
        ("head_of_year", True, (True, True, True, True)),  # read only, still School A
        ("coordinator", True, (True, True, True, True)),  # the ordinary rule
        ("outsider", False, (False, False, False, False)),  # School B: not on the panel
        ("board_member", False, (False, False, False, False)),
        ("caseworker", False, (False, False, False, False)),
        ("elsewhere", False, (False, False, False, False)),
    ],
)
def test_the_matrix(cast, world, who, sees, named):
    user = world.police_officer if who == "police_officer" else _user(cast, world, who)
    rights = panel_rights(user, world.panel)
    assert rights.sees is sees
    assert (world.panel in visible_panels(user)) is sees
    for day, expected in zip((BEFORE, PAPERS_OUT, DURING, AFTER), named, strict=True):
        shown = names_shown(user, world.meeting, rights, [cast.pupil_a.pk], day)
        assert (cast.pupil_a.pk in shown) is expected, (who, day)


def test_a_member_sees_a_pupil_of_another_school_on_the_agenda_only_while_papers_are_out(
    cast, world
):
    rights = panel_rights(cast.officer, world.panel)
    assert cast.pupil_b.pk in names_shown(
        cast.officer, world.meeting, rights, [cast.pupil_b.pk], DURING
    )
    assert cast.pupil_b.pk not in names_shown(
        cast.officer, world.meeting, rights, [cast.pupil_b.pk], AFTER
    )


def test_who_runs_the_meeting_and_who_puts_cases_forward(cast, world):
    assert panel_rights(cast.coordinator, world.panel).runs
    assert not panel_rights(cast.officer, world.panel).runs
    assert panel_rights(cast.officer, world.panel).puts_forward
    assert not panel_rights(cast.head_of_year, world.panel).puts_forward
    assert not panel_rights(world.police_officer, world.panel).puts_forward
