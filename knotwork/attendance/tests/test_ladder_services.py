import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.loader import render_to_string

from knotwork.attendance.ladder import (
    StaleStep,
    ladder_panel,
    ladder_step_add,
    ladder_step_complete,
    ladder_step_withdraw,
    owner_choices,
    step_for_user,
)
from knotwork.attendance.models import LadderStep
from knotwork.attendance.signal_services import signals_refresh
from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil
from knotwork.pupils.models import Contact

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def mum(cast):
    return Contact.objects.create(
        pupil=cast.pupil_a,
        name="Maria Ahmed",
        relationship="Mother",
        parental_responsibility=True,
        preferred_channel=Contact.Channel.TEXT,
        phone="07700 900123",
    )


def add(cast, kind="letter_1", **overrides):
    values = {
        "actor": cast.officer,
        "pupil": cast.pupil_a,
        "kind": kind,
        "date": TODAY,
        "owner": cast.officer,
    }
    values.update(overrides)
    return ladder_step_add(**values)


def threshold_met(cast):
    marks = {}
    for day in (D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18), D(2026, 11, 19)):
        marks.update(whole_day(day, "O"))
    marks.update(whole_day(D(2026, 11, 20), "U"))
    fill_register(cast.pupil_a.enrolments.get(), 2026, through=TODAY, marks=marks)


def climb_to_panel(cast, mum):
    """Letters 1-3 and a panel, each added and marked done."""
    for kind in ("letter_1", "letter_2", "letter_3"):
        step = add(cast, kind, parent=mum, date=D(2026, 10, 1))
        ladder_step_complete(actor=cast.officer, step=step, outcome="Sent", expected_version=1)
    panel = add(
        cast,
        "panel",
        date=D(2026, 10, 20),
        review_on=D(2026, 12, 1),
        details={"target_attendance": "96.5", "agreed_actions": "Daily check-in"},
    )
    ladder_step_complete(actor=cast.officer, step=panel, outcome="Agreed", expected_version=1)


def test_a_letter_goes_to_the_parent_by_their_preferred_channel(cast, mum):
    step = add(cast, parent=mum)
    assert (step.status, step.parent, step.details) == ("planned", mum, {"channel": "text"})
    assert AuditEntry.objects.get(action="create").object_id == str(step.uuid)


def test_only_someone_with_edit_access_may_add_complete_or_withdraw(cast, mum):
    with pytest.raises(PermissionDenied):
        add(cast, actor=cast.head_of_year, parent=mum)
    with pytest.raises(PermissionDenied):
        add(cast, actor=cast.outsider, parent=mum)
    step = add(cast, parent=mum)
    with pytest.raises(PermissionDenied):
        ladder_step_complete(actor=cast.head_of_year, step=step, outcome="x", expected_version=1)
    with pytest.raises(PermissionDenied):
        ladder_step_withdraw(actor=cast.caseworker, step=step, reason="x", expected_version=1)
    assert LadderStep.objects.get().status == "planned"


def test_the_coordinator_may_act_on_any_pupil_in_the_partnership(cast, mum):
    step = add(cast, actor=cast.coordinator, owner=cast.coordinator, parent=mum)
    assert step.owner == cast.coordinator


def test_the_owner_must_be_able_to_change_the_record(cast, mum):
    with pytest.raises(ValidationError) as refused:
        add(cast, owner=cast.head_of_year, parent=mum)
    assert "owner" in refused.value.message_dict


def test_a_letter_needs_a_parent_of_this_pupil_with_parental_responsibility(cast, mum):
    other = Contact.objects.create(
        pupil=cast.pupil_b, name="X", relationship="Mother", preferred_channel="email"
    )
    for parent in (None, other):
        with pytest.raises(ValidationError) as refused:
            add(cast, parent=parent)
        assert "parent" in refused.value.message_dict
    assert not LadderStep.objects.exists()


def test_a_review_date_before_the_step_is_refused(cast, mum):
    with pytest.raises(ValidationError):
        add(cast, parent=mum, review_on=D(2026, 11, 1))


def test_a_panel_keeps_its_targets(cast, mum):
    climb_to_panel(cast, mum)
    panel = LadderStep.objects.get(kind="panel")
    assert panel.details == {
        "target_attendance": "96.5",
        "agreed_actions": "Daily check-in",
        "contract_agreed": False,
    }
    with pytest.raises(ValidationError) as refused:
        add(cast, "panel", details={"target_attendance": "120"})
    assert set(refused.value.message_dict) == {"target_attendance", "agreed_actions", "review_on"}
    assert LadderStep.objects.filter(kind="panel").count() == 1


def test_a_penalty_notice_needs_the_threshold_and_gets_its_amount(cast, mum):
    climb_to_panel(cast, mum)
    with pytest.raises(ValidationError) as refused:
        add(cast, "penalty_notice", parent=mum)
    assert "threshold is not met" in refused.value.message_dict["parent"][0]
    threshold_met(cast)
    notice = add(cast, "penalty_notice", parent=mum)
    assert notice.details == {
        "notice_number": 1,
        "amount": "160",
        "pay_by": "2026-12-22",
        "early_amount": "80",
        "pay_early_by": "2026-12-15",
        "channel": "text",
    }


def test_a_withdrawn_notice_does_not_count_towards_the_limit(cast, mum):
    climb_to_panel(cast, mum)
    threshold_met(cast)
    for day in (D(2025, 3, 3), D(2026, 1, 12)):
        LadderStep.objects.create(
            pupil=cast.pupil_a,
            kind="penalty_notice",
            status="done",
            date=day,
            owner=cast.officer,
            created_by=cast.officer,
            parent=mum,
        )
    with pytest.raises(ValidationError) as refused:
        add(cast, "penalty_notice", parent=mum)
    assert "A third is not allowed" in refused.value.message_dict["parent"][0]
    second = LadderStep.objects.get(kind="penalty_notice", date=D(2026, 1, 12))
    ladder_step_withdraw(
        actor=cast.officer, step=second, reason="Paid in error", expected_version=1
    )
    notice = add(cast, "penalty_notice", parent=mum)
    assert (notice.details["notice_number"], notice.details["amount"]) == (2, "160")
    assert notice.details["early_amount"] is None


def test_completing_refuses_a_stale_version_and_a_second_completion(cast, mum):
    step = add(cast, parent=mum)
    ladder_step_complete(actor=cast.officer, step=step, outcome="Sent", expected_version=1)
    with pytest.raises(StaleStep):
        ladder_step_complete(actor=cast.officer, step=step, outcome="Again", expected_version=1)
    with pytest.raises(ValidationError, match="already done"):
        ladder_step_complete(actor=cast.officer, step=step, outcome="Again", expected_version=2)
    step.refresh_from_db()
    assert (step.outcome, step.version) == ("Sent", 2)


def test_step_for_user_follows_the_pupil_s_access(cast, mum):
    step = add(cast, parent=mum)
    assert step_for_user(cast.head_of_year, step.uuid) == step
    with pytest.raises(PermissionDenied):
        step_for_user(cast.head_of_year, step.uuid, write=True)
    with pytest.raises(Http404):
        step_for_user(cast.outsider, step.uuid)


def test_owners_are_the_people_who_may_change_the_record(cast):
    owners = set(owner_choices(cast.pupil_a, TODAY))
    assert owners == {cast.officer, cast.coordinator}


# --- the panel another page includes -----------------------------------------------------


def test_the_panel_says_where_the_pupil_is_what_is_next_and_the_signs(cast, mum):
    threshold_met(cast)
    signals_refresh(on=D(2026, 11, 20))
    step = add(cast, parent=mum, date=D(2026, 11, 2), review_on=D(2026, 11, 23))
    ladder_step_complete(actor=cast.officer, step=step, outcome="Sent", expected_version=1)
    panel = ladder_panel(cast.pupil_a, cast.head_of_year)
    assert panel.position == "Letter, stage 1"
    assert (panel.next_kind, panel.next_due_on, panel.next_overdue) == (
        "Letter, stage 2",
        D(2026, 11, 23),
        True,
    )
    assert panel.can_edit is False
    penalty = next(s for s in panel.signals if s.kind == "penalty_threshold")
    assert penalty.since == D(2026, 11, 20)
    html = render_to_string("attendance/_ladder_panel.html", {"panel": panel})
    assert "Letter, stage 2, due 23 November 2026" in html
    assert f'href="/attendance/ladder/pupils/{cast.pupil_a.uuid}/"' in html
    assert "Penalty notice threshold reached" in html and "Overdue" in html


def test_the_panel_of_a_pupil_with_nothing_going_on(cast):
    pupil = make_pupil(setting=cast.school_a)
    panel = ladder_panel(pupil, cast.officer)
    assert (panel.position, panel.next_kind, panel.signals) == ("Not on the ladder yet", "", [])
    html = render_to_string("attendance/_ladder_panel.html", {"panel": panel})
    assert "Nothing is due" in html and "Open the ladder" in html


def test_the_panel_refuses_someone_who_may_not_see_the_pupil(cast):
    with pytest.raises(PermissionDenied):
        ladder_panel(cast.pupil_a, cast.outsider)
