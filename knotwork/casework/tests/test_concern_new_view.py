"""Raising a concern by hand from the pupil's page."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.models import Concern
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


def url(pupil):
    return reverse("casework:concern-new", args=[pupil.uuid])


def test_the_pupils_profile_links_to_their_concerns(client, cast):
    response = signed_in(client).get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert reverse("casework:pupil-concerns", args=[cast.pupil_a.uuid]) in response.content.decode()


def test_staff_raise_a_concern(client, cast):
    response = signed_in(client).post(
        url(cast.pupil_a), {"sign": "appearance", "note": "Uniform unwashed all week."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:pupil-concerns", args=[cast.pupil_a.uuid])
    concern = Concern.objects.get()
    assert (concern.pupil, concern.setting, concern.sign, concern.status) == (
        cast.pupil_a,
        cast.school_a,
        "appearance",
        "open",
    )
    entry = AuditEntry.objects.get(action="create", object_type="casework.concern")
    assert (entry.actor, entry.pupil) == (cast.officer, cast.pupil_a)


def test_invalid_input_re_shows_what_was_typed_and_saves_nothing(client, cast):
    response = signed_in(client).post(url(cast.pupil_a), {"sign": "", "note": "Seems tired"})
    assert response.status_code == 200
    assert "Choose the sign you noticed." in response.content.decode()
    assert "Seems tired" in response.content.decode()
    assert not Concern.objects.exists()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.pupil_a))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_an_outsider_gets_404(client, cast):
    assert signed_in(client, "outsider").get(url(cast.pupil_a)).status_code == 404


def test_a_read_only_user_gets_403(client, cast):
    client = signed_in(client, "head_of_year")
    assert client.get(url(cast.pupil_a)).status_code == 403
    assert client.post(url(cast.pupil_a), {"sign": "morale", "note": "x"}).status_code == 403
    assert not Concern.objects.exists()
