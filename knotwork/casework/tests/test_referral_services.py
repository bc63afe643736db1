"""Sending a referral and every move after it: access, legal moves, versions, events,
audit rows and the link that lets the assigned practitioner see the pupil."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.casework.models import Referral, ReferralEvent
from knotwork.casework.referral_services import (
    StaleReferral,
    referral_accept,
    referral_close,
    referral_decline,
    referral_start,
    referral_wait,
)
from knotwork.casework.tests.referral_helpers import (
    NOW,
    TODAY,
    accepted,
    make_lead,
    make_service,
    send,
)
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import visible_pupils
from knotwork.pupils.models import PupilLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(cast):
    return make_service(cast.camhs)


@pytest.fixture
def lead(cast):
    return make_lead(cast)


def test_it_sends_a_referral_with_its_first_event_and_an_audit_row(cast, service):
    referral = send(cast, service, urgency="urgent")
    assert (referral.status, referral.to_organisation_id, referral.urgency) == (
        "sent",
        cast.camhs.pk,
        "urgent",
    )
    assert referral.sent_at == NOW and referral.sent_by == cast.officer
    event = ReferralEvent.objects.get(referral=referral)
    assert (event.status, event.at, event.by) == ("sent", NOW, cast.officer)
    audit = AuditEntry.objects.get(object_id=str(referral.uuid))
    assert (audit.action, audit.pupil, audit.what) == ("create", cast.pupil_a, "referral sent")
    assert "mood" not in audit.what


def test_it_sends_a_referral_to_the_panel(cast):
    referral = send(cast)
    assert referral.panel == cast.partnership and referral.to_organisation is None


def test_the_coordinator_refers_for_the_panel_from_the_la_service(cast, service):
    referral = send(
        cast,
        service,
        actor=cast.coordinator,
        from_organisation=cast.la_service,
        basis_decided_by=cast.coordinator,
    )
    assert referral.from_organisation_id == cast.la_service.pk


@pytest.mark.parametrize("who", ["head_of_year", "outsider", "caseworker", "board_member"])
def test_only_someone_who_may_change_the_pupils_record_refers(cast, service, who):
    with pytest.raises(PermissionDenied):
        send(cast, service, actor=getattr(cast, who))
    assert not Referral.objects.exists()


def test_staff_refer_only_from_a_setting_the_pupil_is_on_roll_at(cast, service):
    with pytest.raises(PermissionDenied):
        send(cast, service, from_organisation=cast.school_b)


def test_a_referral_needs_a_reason_a_basis_and_one_destination(cast, service):
    with pytest.raises(ValidationError) as caught:
        send(cast, service, panel=cast.partnership, reason=" ", lawful_basis="hunch")
    assert set(caught.value.message_dict) == {"destination", "reason", "lawful_basis"}
    assert not Referral.objects.exists()


def test_who_decided_the_basis_must_be_from_the_referring_organisation(cast, service):
    with pytest.raises(ValidationError) as caught:
        send(cast, service, basis_decided_by=cast.outsider)
    assert "basis_decided_by" in caught.value.message_dict


def test_a_closed_service_takes_no_referrals(cast, service):
    service.active = False
    service.save()
    with pytest.raises(ValidationError):
        send(cast, service)


def test_accepting_assigns_the_practitioner_and_links_them_to_the_pupil(cast, service, lead):
    referral = send(cast, service)
    assert cast.pupil_a not in visible_pupils(lead)
    referral = referral_accept(actor=lead, referral=referral, expected_version=1, assigned_to=lead)
    assert (referral.status, referral.assigned_to, referral.answered_at) == ("accepted", lead, NOW)
    assert referral.version == 2
    link = PupilLink.objects.get(user=lead)
    assert (link.reason, link.lawful_basis, link.starts_on, link.ends_on) == (
        "referral",
        "public_task",
        TODAY,
        None,
    )
    assert cast.pupil_a in visible_pupils(lead)
    assert list(referral.events.values_list("status", flat=True)) == ["sent", "accepted"]
    audit = AuditEntry.objects.filter(object_id=str(referral.uuid)).first()
    assert (audit.actor, audit.action, audit.what) == (lead, "update", "referral accepted")


def test_the_practitioner_assigned_must_belong_to_the_receiving_organisation(cast, service, lead):
    referral = send(cast, service)
    with pytest.raises(ValidationError):
        referral_accept(
            actor=lead, referral=referral, expected_version=1, assigned_to=cast.outsider
        )
    assert not PupilLink.objects.filter(user=cast.outsider).exists()


@pytest.mark.parametrize("who", ["caseworker", "officer", "outsider", "board_member"])
def test_only_the_receiving_side_with_edit_rights_accepts(cast, service, who):
    referral = send(cast, service)
    with pytest.raises(PermissionDenied):
        referral_accept(
            actor=getattr(cast, who),
            referral=referral,
            expected_version=1,
            assigned_to=cast.caseworker,
        )
    assert Referral.objects.get().status == "sent"


def test_a_stale_version_is_refused(cast, service, lead):
    referral = send(cast, service)
    referral_wait_ready = referral_accept(
        actor=lead, referral=referral, expected_version=1, assigned_to=lead
    )
    with pytest.raises(StaleReferral):
        referral_wait(actor=lead, referral=referral_wait_ready, expected_version=1)


def test_an_illegal_move_is_refused(cast, service, lead):
    referral = send(cast, service)
    with pytest.raises(ValidationError):
        referral_start(actor=lead, referral=referral, expected_version=1, started_on=TODAY)
    assert Referral.objects.get().status == "sent"


def test_declining_needs_a_reason_and_records_it(cast, service, lead):
    referral = send(cast, service)
    with pytest.raises(ValidationError):
        referral_decline(actor=lead, referral=referral, expected_version=1, reason="")
    referral = referral_decline(
        actor=lead, referral=referral, expected_version=1, reason="Below our threshold."
    )
    assert (referral.status, referral.declined_reason, referral.answered_at) == (
        "declined",
        "Below our threshold.",
        NOW,
    )
    assert AuditEntry.objects.filter(what="referral declined", pupil=cast.pupil_a).exists()


def test_waiting_then_starting_records_the_first_session(cast, service, lead):
    referral = accepted(cast, service, lead)
    referral = referral_wait(actor=lead, referral=referral, expected_version=2)
    first = TODAY - datetime.timedelta(days=0)
    referral = referral_start(actor=lead, referral=referral, expected_version=3, started_on=first)
    assert (referral.status, referral.started_on) == ("started", first)
    assert list(referral.events.values_list("status", flat=True)) == [
        "sent",
        "accepted",
        "waiting",
        "started",
    ]


def test_the_first_session_is_not_in_the_future_nor_before_the_referral(cast, service, lead):
    referral = accepted(cast, service, lead)
    for day in (TODAY + datetime.timedelta(days=1), TODAY - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            referral_start(actor=lead, referral=referral, expected_version=2, started_on=day)


def test_the_link_an_accepted_referral_gives_ends_when_it_is_closed(cast, service, lead):
    referral = accepted(cast, service, lead)
    later = NOW + datetime.timedelta(days=30)
    with time_machine.travel(later, tick=False):
        assert cast.pupil_a in visible_pupils(lead)
        referral = referral_close(
            actor=lead, referral=referral, expected_version=2, reason="Work finished."
        )
        assert cast.pupil_a not in visible_pupils(lead)
    link = PupilLink.objects.get(user=lead)
    assert link.ends_on == later.date() - datetime.timedelta(days=1)
    assert (referral.status, referral.close_reason, referral.closed_at) == (
        "closed",
        "Work finished.",
        later,
    )


def test_closing_on_the_day_of_acceptance_removes_the_link_at_once(cast, service, lead):
    referral = accepted(cast, service, lead)
    referral_close(actor=lead, referral=referral, expected_version=2, reason="Sent in error.")
    assert not PupilLink.objects.filter(user=lead).exists()
    assert cast.pupil_a not in visible_pupils(lead)


def test_the_link_stays_while_another_referral_still_holds_it(cast, service, lead):
    first = accepted(cast, service, lead)
    accepted(cast, make_service(cast.camhs, name="Therapy"), lead)
    with time_machine.travel(NOW + datetime.timedelta(days=3), tick=False):
        referral_close(actor=lead, referral=first, expected_version=2, reason="Merged.")
        assert cast.pupil_a in visible_pupils(lead)


def test_the_referring_school_may_withdraw_a_referral(cast, service):
    referral = send(cast, service)
    referral = referral_close(
        actor=cast.officer, referral=referral, expected_version=1, reason="Family moved."
    )
    assert referral.status == "closed"


def test_a_read_only_head_of_year_may_not_withdraw(cast, service):
    referral = send(cast, service)
    with pytest.raises(PermissionDenied):
        referral_close(actor=cast.head_of_year, referral=referral, expected_version=1, reason="No.")


def test_the_coordinator_answers_for_the_panel(cast):
    referral = send(cast)
    referral = referral_accept(
        actor=cast.coordinator,
        referral=referral,
        expected_version=1,
        assigned_to=cast.coordinator,
    )
    assert referral.status == "accepted"
