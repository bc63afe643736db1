"""Recording a withdrawal from lessons from the pupil's behaviour page."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from knotwork.behaviour.incident_services import withdrawal_record
from knotwork.behaviour.models import Withdrawal
from knotwork.behaviour.testing import make_incident
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def new_url(pupil):
    return reverse("behaviour:withdrawal-new", args=[pupil.uuid])


@pytest.fixture
def incident(cast):
    return make_incident(
        setting=cast.school_a, recorded_by=cast.officer, pupils={cast.pupil_a: "instigator"}
    )


def data(cast, **overrides):
    values = {
        "setting": str(cast.school_a.pk),
        "kind": "internal",
        "date": "2026-11-23",
        "sessions": "2",
        "minutes": "",
        "incident": "",
    }
    values.update(overrides)
    return values


def test_the_form_offers_the_pupils_incidents(client, cast, incident):
    response = signed_in(client).get(new_url(cast.pupil_a))
    assert response.status_code == 200
    assert list(response.context["form"].fields["incident"].queryset) == [incident]
    assert AuditEntry.objects.get(action="view").what == "withdrawal form"


def test_it_records_the_withdrawal_linked_to_its_incident(client, cast, incident):
    response = signed_in(client).post(new_url(cast.pupil_a), data(cast, incident=incident.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("behaviour:pupil-behaviour", args=[cast.pupil_a.uuid])
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.kind, withdrawal.sessions, withdrawal.minutes) == ("internal", 2, None)
    assert (withdrawal.incident, withdrawal.recorded_by) == (incident, cast.officer)
    entry = AuditEntry.objects.get(action="create")
    assert (entry.pupil, entry.what, entry.object_id) == (
        cast.pupil_a,
        "withdrawal",
        str(withdrawal.uuid),
    )


def test_a_short_use_is_recorded_in_minutes(client, cast):
    signed_in(client).post(new_url(cast.pupil_a), data(cast, sessions="", minutes="25"))
    assert Withdrawal.objects.values_list("sessions", "minutes").get() == (None, 25)


def test_invalid_input_is_shown_again_and_saves_nothing(client, cast):
    typed = data(cast, sessions="", minutes="", date="2026-12-02", kind="remove_room")
    response = signed_in(client).post(new_url(cast.pupil_a), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the sessions or the minutes out of lessons." in html
    assert "The date cannot be in the future." in html
    assert 'value="2026-12-02"' in html and '<option value="remove_room" selected>' in html
    assert not Withdrawal.objects.exists()


def test_an_incident_of_another_pupil_cannot_be_linked(cast):
    other = make_incident(
        setting=cast.school_a, recorded_by=cast.officer, pupils={cast.linked_pupil: "target"}
    )
    with pytest.raises(ValidationError):
        withdrawal_record(
            actor=cast.officer,
            pupil=cast.pupil_a,
            setting=cast.school_a,
            kind="lsu",
            date=datetime.date(2026, 11, 23),
            sessions=1,
            incident=other,
        )
    assert not Withdrawal.objects.exists()


def test_the_service_refuses_a_read_only_user_and_another_setting(cast):
    values = {"kind": "lsu", "date": datetime.date(2026, 11, 23), "sessions": 1}
    with pytest.raises(PermissionDenied):
        withdrawal_record(
            actor=cast.head_of_year, pupil=cast.pupil_a, setting=cast.school_a, **values
        )
    with pytest.raises(ValidationError):
        withdrawal_record(
            actor=cast.coordinator, pupil=cast.pupil_a, setting=cast.school_b, **values
        )
    assert not Withdrawal.objects.exists()


def test_a_read_only_user_gets_403(client, cast):
    client = signed_in(client, "head_of_year")
    assert client.get(new_url(cast.pupil_a)).status_code == 403
    assert client.post(new_url(cast.pupil_a), data(cast)).status_code == 403
    assert not Withdrawal.objects.exists()


def test_an_outsider_gets_404(client, cast):
    client = signed_in(client, "outsider")
    assert client.get(new_url(cast.pupil_a)).status_code == 404
    assert client.post(new_url(cast.pupil_a), data(cast)).status_code == 404
    assert not Withdrawal.objects.exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.post(new_url(cast.pupil_a), data(cast))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    assert not Withdrawal.objects.exists()


def test_other_methods_are_refused(client, cast):
    assert signed_in(client).put(new_url(cast.pupil_a)).status_code == 405
