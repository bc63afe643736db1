"""The refer form, from the pupil's page and from a concern."""

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.models import Concern, Referral
from knotwork.casework.tests.referral_helpers import NOW, make_service
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def service(cast):
    return make_service(cast.camhs)


def url(pupil):
    return reverse("casework:referral-new", kwargs={"pupil_uuid": pupil.uuid})


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def typed(cast, service, **overrides):
    values = {
        "from_organisation": str(cast.school_a.pk),
        "destination": f"service:{service.uuid}",
        "urgency": "urgent",
        "reason": "Low mood since half term.",
        "evidence": "Attendance 84%.",
        "lawful_basis": "public_task",
        "basis_decided_by": str(cast.officer.pk),
        "basis_note": "",
    }
    values.update(overrides)
    return values


def test_the_form_offers_the_partnerships_services_by_agency_and_the_panel(client, cast, service):
    response = signed_in(client).get(url(cast.pupil_a))
    assert response.status_code == 200
    groups = response.context["form"].destinations
    assert groups[0][0].startswith(cast.camhs.name)
    assert groups[0][1] == [(f"service:{service.uuid}", "Assessment (answers within 28 days)")]
    assert groups[-1][1] == [(f"panel:{cast.partnership.uuid}", f"{cast.partnership.name} panel")]
    assert AuditEntry.objects.filter(pupil=cast.pupil_a, what="referral form").exists()


def test_sending_saves_the_referral_and_goes_to_its_page(client, cast, service):
    response = signed_in(client).post(url(cast.pupil_a), typed(cast, service))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:referral", args=[referral.uuid])
    assert (referral.service, referral.urgency, referral.sent_by) == (
        service,
        "urgent",
        cast.officer,
    )
    audit = AuditEntry.objects.get(action="create", object_id=str(referral.uuid))
    assert audit.pupil == cast.pupil_a and audit.what == "referral sent"


def test_invalid_input_reshows_what_was_typed_and_saves_nothing(client, cast, service):
    response = signed_in(client).post(url(cast.pupil_a), typed(cast, service, reason=""))
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert "Attendance 84%." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_referral_from_a_concern_is_prefilled(client, cast, service):
    concern = Concern.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        source="staff",
        sign="morale",
        summary="Withdrawn in lessons",
        note="Seen crying twice this week.",
        fired_on=NOW.date(),
    )
    response = signed_in(client).get(
        reverse("casework:referral-from-concern", args=[concern.uuid]), follow=True
    )
    form = response.context["form"]
    assert form.initial["reason"] == "Withdrawn in lessons"
    assert form.initial["evidence"] == "Seen crying twice this week."
    signed_in(client).post(
        f"{url(cast.pupil_a)}?concern={concern.uuid}",
        typed(cast, service, concern=str(concern.uuid)),
    )
    assert Referral.objects.get().concern == concern


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.pupil_a))
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_an_outsider_gets_404(client, cast, service):
    response = signed_in(client, "outsider").post(url(cast.pupil_a), typed(cast, service))
    assert response.status_code == 404 and not Referral.objects.exists()


@pytest.mark.parametrize("who", ["head_of_year"])
def test_a_read_only_user_gets_403(client, cast, service, who):
    response = signed_in(client, who).post(url(cast.pupil_a), typed(cast, service))
    assert response.status_code == 403 and not Referral.objects.exists()


def test_a_board_member_sees_no_pupil(client, cast):
    assert signed_in(client, "board_member").get(url(cast.pupil_a)).status_code == 404
