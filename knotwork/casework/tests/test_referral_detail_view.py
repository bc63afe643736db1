"""One referral's page with its timeline, and the buttons for its next legal steps."""

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.models import Referral
from knotwork.casework.tests.referral_helpers import (
    NOW,
    TODAY,
    accepted,
    make_lead,
    make_service,
    send,
)
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD
from knotwork.directory.models import Setting
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


def page(referral):
    return reverse("casework:referral", args=[referral.uuid])


def step(referral, name):
    return reverse("casework:referral-step", args=[referral.uuid, name])


def signed_in(client, username="camhs_lead"):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_agency_sees_the_referral_and_its_timeline_but_no_link_to_the_record(
    client, cast, service, lead
):
    referral = send(cast, service)
    response = signed_in(client).get(page(referral))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Referral of Amira Ahmed, Year 9" in html and "Low mood" in html
    assert set(response.context["steps"]) == {"accepted", "declined", "closed"}
    assert reverse("pupils:profile", args=[cast.pupil_a.uuid]) not in html
    audit = AuditEntry.objects.get(action="view", object_id=str(referral.uuid))
    assert (audit.actor, audit.pupil) == (lead, cast.pupil_a)


def test_accepting_from_the_page_assigns_and_links_the_practitioner(client, cast, service, lead):
    referral = send(cast, service)
    data = {"version": "1", "assigned_to": str(lead.pk), "note": ""}
    response = signed_in(client).post(step(referral, "accepted"), data)
    assert response.status_code == 302 and response["Location"] == page(referral)
    referral.refresh_from_db()
    assert (referral.status, referral.assigned_to) == ("accepted", lead)
    assert PupilLink.objects.filter(user=lead, reason="referral", starts_on=TODAY).exists()
    assert AuditEntry.objects.filter(what="referral accepted", pupil=cast.pupil_a).exists()
    follow = client.get(page(referral))
    assert set(follow.context["steps"]) == {"waiting", "started", "closed"}
    assert reverse("pupils:profile", args=[cast.pupil_a.uuid]) in follow.content.decode()


def test_declining_without_a_reason_reshows_the_form_and_saves_nothing(client, cast, service, lead):
    referral = send(cast, service)
    response = signed_in(client).post(
        step(referral, "declined"), {"declined-version": "1", "declined-reason": ""}
    )
    assert response.status_code == 200 and response.context["steps"]["declined"].errors
    assert Referral.objects.get().status == "sent"


def test_a_stale_version_reshows_the_page_with_the_problem(client, cast, service, lead):
    referral = accepted(cast, service, lead)
    response = signed_in(client).post(step(referral, "waiting"), {"version": "1", "note": "x"})
    assert response.status_code == 200 and "Someone else changed" in response.content.decode()
    assert Referral.objects.get().status == "accepted"


def test_recording_the_first_session_keeps_what_was_typed_when_it_is_refused(
    client, cast, service, lead
):
    referral = accepted(cast, service, lead)
    response = signed_in(client).post(
        step(referral, "started"), {"version": "2", "started_on": "2027-01-04"}
    )
    assert response.status_code == 200 and 'value="2027-01-04"' in response.content.decode()
    ok = client.post(step(referral, "started"), {"version": "2", "started_on": "2026-11-23"})
    assert ok.status_code == 302 and Referral.objects.get().started_on == TODAY


def test_get_on_a_step_is_405(client, cast, service, lead):
    referral = send(cast, service)
    assert signed_in(client).get(step(referral, "accepted")).status_code == 405


def test_a_read_only_practitioner_gets_403_on_a_change(client, cast, service):
    referral = send(cast, service)
    data = {"version": "1", "assigned_to": str(cast.caseworker.pk)}
    response = signed_in(client, "caseworker").post(step(referral, "accepted"), data)
    assert response.status_code == 403 and Referral.objects.get().status == "sent"


def test_a_read_only_head_of_year_gets_403_on_withdrawing(client, cast, service):
    referral = send(cast, service)
    data = {"closed-version": "1", "closed-reason": "No longer needed"}
    response = signed_in(client, "head_of_year").post(step(referral, "closed"), data)
    assert response.status_code == 403 and Referral.objects.get().status == "sent"


def test_the_school_withdraws_its_referral(client, cast, service):
    referral = send(cast, service)
    data = {"closed-version": "1", "closed-reason": "Family moved away"}
    assert signed_in(client, "officer").post(step(referral, "closed"), data).status_code == 302
    assert Referral.objects.get().close_reason == "Family moved away"


@pytest.mark.parametrize("who", ["outsider", "board_member"])
def test_an_outsider_and_a_board_member_get_404(client, cast, service, who):
    referral = send(cast, service)
    assert signed_in(client, who).get(page(referral)).status_code == 404
    data = {"closed-version": "1", "closed-reason": "x"}
    assert client.post(step(referral, "closed"), data).status_code == 404


def test_signed_out_goes_to_sign_in(client, cast, service):
    referral = send(cast, service)
    assert client.get(page(referral))["Location"].startswith("/account/sign-in/")


def test_an_unknown_step_is_404(client, cast, service, lead):
    referral = send(cast, service)
    assert signed_in(client).post(step(referral, "teleported"), {}).status_code == 404


# --- The setting's referrals sent ---------------------------------------------------------------


def sent_list(setting):
    return reverse("casework:referral-setting", args=[setting.uuid])


def test_the_school_lists_the_referrals_it_sent(client, cast, service):
    referral = send(cast, service)
    response = signed_in(client, "head_of_year").get(sent_list(cast.school_a))
    assert [r.referral for r in response.context["page"]] == [referral]
    assert "Child and Adolescent Mental Health Service: Assessment" in response.content.decode()
    assert AuditEntry.objects.filter(what="sent list", pupil=cast.pupil_a).exists()


@pytest.mark.parametrize("who", ["outsider", "board_member", "caseworker"])
def test_others_get_404_on_a_schools_sent_list(client, cast, service, who):
    send(cast, service)
    assert signed_in(client, who).get(sent_list(cast.school_a)).status_code == 404


def test_the_coordinator_sees_any_partnership_schools_list(client, cast, service):
    send(cast, service)
    school_a = Setting.objects.get(pk=cast.school_a.pk)
    assert len(signed_in(client, "coordinator").get(sent_list(school_a)).context["page"]) == 1
