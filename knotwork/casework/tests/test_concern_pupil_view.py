"""A pupil's concerns on their own page."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.tests.concern_helpers import make_concern
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
    return reverse("casework:pupil-concerns", args=[pupil.uuid])


def test_it_lists_every_concern_about_the_pupil_and_audits_the_view(client, cast):
    make_concern(cast.pupil_a, cast.school_a)
    make_concern(cast.pupil_a, cast.school_a, status="dismissed", dismissed_reason="Known")
    make_concern(cast.linked_pupil, cast.school_a, note="Someone else")
    response = signed_in(client).get(url(cast.pupil_a))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2
    assert "Someone else" not in response.content.decode()
    assert "Raise a concern" in response.content.decode()
    entry = AuditEntry.objects.get(what="concerns")
    assert (entry.actor, entry.action, entry.pupil) == (cast.officer, "view", cast.pupil_a)


def test_read_only_staff_see_it_without_the_actions(client, cast):
    make_concern(cast.pupil_a, cast.school_a)
    response = signed_in(client, "head_of_year").get(url(cast.pupil_a))
    assert response.status_code == 200
    assert "Raise a concern" not in response.content.decode()


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(url(cast.pupil_a))
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_an_outsider_gets_404(client, cast):
    assert signed_in(client, "outsider").get(url(cast.pupil_a)).status_code == 404


def test_a_post_is_405(client, cast):
    assert signed_in(client).post(url(cast.pupil_a)).status_code == 405
