"""Managed move services: agreeing a move starts a dual-registered trial; its outcome
moves the roll; success is then read from the enrolments."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.models import AuditEntry
from knotwork.placements import move_services as s
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.move_queries import success_of
from knotwork.placements.tests.panel_helpers import NOW
from knotwork.pupils.access import visible_among
from knotwork.pupils.models import Enrolment

pytestmark = pytest.mark.django_db
D = datetime.date
START = D(2026, 9, 14)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def agree(cast, **overrides):
    values = {
        "actor": cast.coordinator,
        "pupil": cast.pupil_a,
        "from_setting": cast.school_a,
        "to_setting": cast.school_b,
        "reason": "A fresh start.",
        "support": "A mentor.",
        "parent_agreed_on": D(2026, 9, 7),
        "pupil_agreed_on": D(2026, 9, 7),
        "starts_on": START,
    }
    values.update(overrides)
    return s.move_agree(**values)


def test_agreeing_starts_a_six_week_trial_with_dual_registration(cast):
    move = agree(cast)
    assert move.status == "trial" and move.trial_ends_on == D(2026, 10, 26)
    home = Enrolment.objects.get(pupil=cast.pupil_a, setting=cast.school_a)
    trial = Enrolment.objects.get(pupil=cast.pupil_a, setting=cast.school_b)
    assert (home.registration, trial.registration, trial.start_date) == ("M", "S", START)
    # Both schools' staff now see the pupil.
    assert cast.pupil_a.pk in visible_among(cast.outsider, [cast.pupil_a.pk])
    assert AuditEntry.objects.filter(object_id=str(move.uuid), action="create").exists()


def test_a_trial_shorter_than_six_weeks_or_without_the_parents_is_refused(cast):
    with pytest.raises(ValidationError) as short:
        agree(cast, trial_ends_on=D(2026, 10, 25))
    assert "trial_ends_on" in short.value.message_dict
    with pytest.raises(ValidationError) as parents:
        agree(cast, parent_agreed_on=None)
    assert "parent_agreed_on" in parents.value.message_dict
    assert not ManagedMove.objects.exists()
    assert Enrolment.objects.filter(pupil=cast.pupil_a).get().registration == "C"


def test_staff_without_edit_rights_cannot_agree_a_move(cast):
    with pytest.raises(PermissionDenied):
        agree(cast, actor=cast.head_of_year)


def test_made_permanent_the_pupil_is_on_the_new_roll_alone(cast):
    move = agree(cast)
    s.move_review_record(
        actor=cast.coordinator, move=move, held_on=D(2026, 10, 5), progress="going_well"
    )
    s.move_outcome_record(actor=cast.coordinator, move=move, status="permanent", on=D(2026, 10, 26))
    rows = {
        (e.setting_id, e.registration): (e.start_date, e.end_date)
        for e in Enrolment.objects.filter(pupil=cast.pupil_a)
    }
    assert rows[(cast.school_a.pk, "M")] == (D(2024, 9, 1), D(2026, 10, 25))
    assert rows[(cast.school_b.pk, "S")] == (START, D(2026, 10, 25))
    assert rows[(cast.school_b.pk, "C")] == (D(2026, 10, 26), None)
    move.refresh_from_db()
    assert (move.status, move.finalised_on) == ("permanent", D(2026, 10, 26))
    assert cast.pupil_a.pk not in visible_among(cast.officer, [cast.pupil_a.pk])


def test_not_made_permanent_before_the_trial_ends(cast):
    move = agree(cast)
    with pytest.raises(ValidationError):
        s.move_outcome_record(
            actor=cast.coordinator, move=move, status="permanent", on=D(2026, 10, 19)
        )


def test_returned_the_subsidiary_roll_ends_and_home_stays_the_main_registration(cast):
    move = agree(cast)
    s.move_outcome_record(actor=cast.coordinator, move=move, status="returned", on=D(2026, 10, 1))
    home = Enrolment.objects.get(pupil=cast.pupil_a, setting=cast.school_a)
    trial = Enrolment.objects.get(pupil=cast.pupil_a, setting=cast.school_b)
    assert (home.registration, home.end_date) == ("M", None)
    assert trial.end_date == D(2026, 9, 30)
    assert success_of(move, list(Enrolment.objects.all()), NOW.date()) is False


@pytest.mark.parametrize(("days_ago", "still_on_roll", "expected"), [
    (364, True, None),  # finalised 364 days ago: not yet judged
    (366, True, True),  # 366 days ago and still on roll: a success
    (366, False, False),  # 366 days ago, left the new school after ten months
])  # fmt: skip
def test_success_is_read_from_the_enrolments(cast, days_ago, still_on_roll, expected):
    today = NOW.date()
    finalised = today - datetime.timedelta(days=days_ago)
    start = finalised - datetime.timedelta(weeks=6)
    with time_machine.travel(datetime.datetime(start.year, start.month, start.day, 9), tick=False):
        move = agree(cast, parent_agreed_on=start, pupil_agreed_on=start, starts_on=start)
        s.move_outcome_record(actor=cast.coordinator, move=move, status="permanent", on=finalised)
    if not still_on_roll:
        Enrolment.objects.filter(
            pupil=cast.pupil_a, setting=cast.school_b, registration="C"
        ).update(end_date=finalised + datetime.timedelta(days=300))
    move.refresh_from_db()
    assert success_of(move, list(Enrolment.objects.all()), today) is expected


def test_a_move_in_its_trial_raises_a_concern_at_the_home_school(cast):
    from knotwork.casework.concern_services import trigger_rules_adopt_defaults, triggers_run
    from knotwork.casework.models import Concern

    move = agree(cast)
    trigger_rules_adopt_defaults(partnership=cast.partnership)
    triggers_run(partnership=cast.partnership, on=NOW.date())
    triggers_run(partnership=cast.partnership, on=NOW.date())  # once per move
    concern = Concern.objects.get(rule__kind="managed_move")
    assert (concern.pupil, concern.setting_id, concern.fired_on) == (
        cast.pupil_a,
        cast.school_a.pk,
        START,
    )
    assert concern.evidence["move"] == str(move.uuid)
