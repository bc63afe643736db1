"""pupils.access and break glass: read, never edit, only while the window is open, only
for the one pupil and the one user."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from knotwork.privacy.tests.helpers import NOW, make_break_glass, now  # noqa: F401
from knotwork.pupils.access import (
    Access,
    get_pupil_for_user,
    pupil_access,
    visible_among,
    visible_pupils,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


def sees(user, pupil):
    """Every shape of the access rule, which must agree."""
    answers = {
        pupil in visible_pupils(user),
        pupil.pk in visible_among(user, [pupil.pk]),
        pupil_access(user, pupil) >= Access.READ,
    }
    assert len(answers) == 1, answers
    return answers.pop()


def test_without_break_glass_another_setting_sees_nothing(cast):
    assert not sees(cast.outsider, cast.pupil_a)


def test_an_open_window_grants_read_of_that_pupil(cast):
    make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    assert sees(cast.outsider, cast.pupil_a)
    assert pupil_access(cast.outsider, cast.pupil_a) == Access.READ
    assert get_pupil_for_user(cast.outsider, cast.pupil_a.uuid) == cast.pupil_a


def test_break_glass_never_grants_edit(cast):
    make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    assert cast.pupil_a not in visible_pupils(cast.outsider, for_edit=True)
    assert not visible_among(cast.outsider, [cast.pupil_a.pk], for_edit=True)
    with pytest.raises(PermissionDenied):
        get_pupil_for_user(cast.outsider, cast.pupil_a.uuid, write=True)


def test_it_opens_only_that_pupil_to_only_that_user(cast):
    make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    assert not sees(cast.outsider, cast.linked_pupil)
    assert not sees(cast.caseworker, cast.pupil_a)


def test_the_window_ends(cast):
    make_break_glass(cast.outsider, cast.pupil_a, cast.partnership, hours=24)
    with time_machine.travel(NOW + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert sees(cast.outsider, cast.pupil_a)
    with time_machine.travel(NOW + datetime.timedelta(hours=24), tick=False):
        assert not sees(cast.outsider, cast.pupil_a)
        with pytest.raises(Http404):
            get_pupil_for_user(cast.outsider, cast.pupil_a.uuid)


def test_a_window_not_yet_open_grants_nothing(cast):
    make_break_glass(
        cast.outsider, cast.pupil_a, cast.partnership, opened_at=NOW + datetime.timedelta(hours=1)
    )
    assert not sees(cast.outsider, cast.pupil_a)


def test_a_practitioner_with_an_ended_link_sees_the_pupil_again_by_breaking_glass(cast):
    cast.linked_pupil.links.update(ends_on=datetime.date(2026, 10, 1))
    assert not sees(cast.caseworker, cast.linked_pupil)
    make_break_glass(cast.caseworker, cast.linked_pupil, cast.partnership)
    assert sees(cast.caseworker, cast.linked_pupil)


def test_the_rule_asks_about_break_glass_only_of_those_with_a_window_open(cast):
    """Staff and officers without a window get the roll test alone, which the database
    plans as a semi-join; with a window the break-glass clause joins it."""
    plain = str(visible_pupils(cast.coordinator).query)
    assert "privacy_breakglass" not in plain
    make_break_glass(cast.outsider, cast.pupil_a, cast.partnership)
    assert "privacy_breakglass" in str(visible_pupils(cast.outsider).query)
    assert "privacy_breakglass" not in str(visible_pupils(cast.outsider, for_edit=True).query)
