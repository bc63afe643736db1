"""Dismissing a concern, with the reason required."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.models import Concern
from knotwork.casework.tests.concern_helpers import make_concern
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


@pytest.fixture
def concern(cast):
    return make_concern(cast.pupil_a, cast.school_a)


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def url(concern):
    return reverse("casework:concern-dismiss", args=[concern.uuid])


def test_the_form_shows_what_fired(client, concern):
    response = signed_in(client).get(url(concern))
    assert response.status_code == 200
    assert "Quiet in lessons all week." in response.content.decode()


def test_dismissing_saves_the_reason_and_audits_it(client, cast, concern):
    response = signed_in(client).post(url(concern), {"version": 1, "reason": "Bereavement; known."})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert (concern.status, concern.dismissed_reason, concern.acted_by) == (
        "dismissed",
        "Bereavement; known.",
        cast.officer,
    )
    entry = AuditEntry.objects.get(what="concern dismissed")
    assert (entry.pupil, entry.object_id) == (cast.pupil_a, str(concern.uuid))
    assert "Bereavement" not in entry.what


def test_no_reason_re_shows_the_form_and_saves_nothing(client, concern):
    response = signed_in(client).post(url(concern), {"version": 1, "reason": ""})
    assert response.status_code == 200
    assert "Say why the concern is dismissed." in response.content.decode()
    assert Concern.objects.get().status == "open"


def test_what_was_typed_is_kept_when_the_version_is_stale(client, concern):
    response = signed_in(client).post(url(concern), {"version": 5, "reason": "Sorted at home"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Someone else acted on this concern" in text and "Sorted at home" in text
    assert Concern.objects.get().status == "open"


def test_signed_out_goes_to_sign_in(client, concern):
    response = client.get(url(concern))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_an_outsider_gets_404(client, concern):
    assert signed_in(client, "outsider").get(url(concern)).status_code == 404


def test_a_read_only_user_gets_403(client, concern):
    client = signed_in(client, "head_of_year")
    assert client.get(url(concern)).status_code == 403
    assert client.post(url(concern), {"version": 1, "reason": "x"}).status_code == 403
    assert Concern.objects.get().status == "open"
