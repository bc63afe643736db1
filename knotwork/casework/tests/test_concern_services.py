"""Raising a concern by hand and acting on one: access-checked, versioned, audited."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.casework.concern_services import (
    StaleConcern,
    concern_acknowledge,
    concern_dismiss,
    concern_mark_referred,
    concern_raise,
)
from knotwork.casework.models import Concern, Referral
from knotwork.casework.tests.concern_helpers import make_concern
from knotwork.core.models import AuditEntry

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def trail(concern):
    return list(
        AuditEntry.objects.filter(object_id=str(concern.uuid)).values_list("action", "what")
    )


def test_staff_raise_a_concern_on_the_pupils_setting(cast):
    concern = concern_raise(
        actor=cast.officer,
        pupil=cast.pupil_a,
        sign="friendships",
        note="Alone at break.",
        today=TODAY,
    )
    assert (concern.setting, concern.source, concern.raised_by) == (
        cast.school_a,
        "staff",
        cast.officer,
    )
    assert concern.summary == "Raised by staff on 24 November 2026: change in friendships."
    assert trail(concern) == [("create", "concern")]


def test_a_concern_needs_a_sign_and_a_note(cast):
    with pytest.raises(ValidationError) as error:
        concern_raise(actor=cast.officer, pupil=cast.pupil_a, sign="nope", note=" ", today=TODAY)
    assert set(error.value.message_dict) == {"sign", "note"}
    assert not Concern.objects.exists()


def test_a_read_only_user_may_not_raise_one(cast):
    with pytest.raises(PermissionDenied):
        concern_raise(
            actor=cast.head_of_year, pupil=cast.pupil_a, sign="morale", note="x", today=TODAY
        )


def test_acknowledging_records_who_and_moves_the_version_on(cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    done = concern_acknowledge(actor=cast.officer, concern=concern, expected_version=1)
    assert (done.status, done.acted_by, done.version) == ("acknowledged", cast.officer, 2)
    assert trail(concern) == [("update", "concern acknowledged")]


def test_a_stale_version_is_refused(cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    concern_acknowledge(actor=cast.officer, concern=concern, expected_version=1)
    with pytest.raises(StaleConcern):
        concern_dismiss(actor=cast.officer, concern=concern, expected_version=1, reason="Fine")
    assert Concern.objects.get().status == "acknowledged"


def test_dismissing_needs_a_reason_and_keeps_it(cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    with pytest.raises(ValidationError):
        concern_dismiss(actor=cast.officer, concern=concern, expected_version=1, reason="  ")
    done = concern_dismiss(
        actor=cast.officer, concern=concern, expected_version=1, reason="Spoke to parent."
    )
    assert (done.status, done.dismissed_reason) == ("dismissed", "Spoke to parent.")
    assert trail(concern) == [("update", "concern dismissed")]


def test_a_dismissed_concern_cannot_be_acted_on_again(cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    concern_dismiss(actor=cast.officer, concern=concern, expected_version=1, reason="Fine")
    with pytest.raises(ValidationError, match="no longer open"):
        concern_acknowledge(actor=cast.officer, concern=concern, expected_version=2)


def test_an_outsider_may_not_act_on_a_concern(cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    with pytest.raises(PermissionDenied):
        concern_acknowledge(actor=cast.outsider, concern=concern, expected_version=1)


def test_marking_a_concern_referred_takes_the_referral(cast):
    concern = make_concern(cast.pupil_a, cast.school_a)
    referral = Referral.objects.create(
        pupil=cast.pupil_a,
        from_organisation=cast.school_a,
        to_organisation=cast.camhs,
        concern=concern,
        reason="Low mood",
        lawful_basis="consent",
        basis_decided_by=cast.officer,
        sent_at=datetime.datetime(2026, 11, 24, 10, 0, tzinfo=datetime.UTC),
        sent_by=cast.officer,
    )
    done = concern_mark_referred(actor=cast.officer, concern=concern, referral=referral)
    assert (done.status, done.acted_by) == ("referred", cast.officer)
    assert trail(concern) == [("update", "concern referred")]
    other = make_concern(cast.linked_pupil, cast.school_a)
    with pytest.raises(ValidationError):
        concern_mark_referred(actor=cast.officer, concern=other, referral=referral)
