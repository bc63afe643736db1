"""Acknowledging a concern with one click, with htmx or without."""

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
    return reverse("casework:concern-acknowledge", args=[concern.uuid])


def test_one_click_acknowledges_and_swaps_the_row(client, cast, concern):
    response = signed_in(client).post(url(concern), {"version": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="concern-{concern.uuid}"' in response.content.decode()
    assert "Acknowledged" in response.content.decode()
    concern.refresh_from_db()
    assert (concern.status, concern.acted_by, concern.version) == ("acknowledged", cast.officer, 2)
    entry = AuditEntry.objects.get(what="concern acknowledged")
    assert (entry.actor, entry.pupil, entry.object_id) == (
        cast.officer,
        cast.pupil_a,
        str(concern.uuid),
    )


def test_without_htmx_it_goes_back_to_the_worklist(client, cast, concern):
    response = signed_in(client).post(url(concern), {"version": 1})
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:worklist", args=[cast.school_a.uuid])


def test_it_does_not_follow_a_next_to_another_site(client, cast, concern):
    response = signed_in(client).post(url(concern), {"version": 1, "next": "https://evil.test/"})
    assert response["Location"] == reverse("casework:worklist", args=[cast.school_a.uuid])


def test_a_stale_version_saves_nothing_and_says_so(client, cast, concern):
    response = signed_in(client).post(url(concern), {"version": 7}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "Someone else acted on this concern" in response.content.decode()
    assert Concern.objects.get().status == "open"
    response = client.post(url(concern), {"version": "x"})
    assert response.status_code == 400
    assert Concern.objects.get().version == 1


def test_get_is_405(client, concern):
    assert signed_in(client).get(url(concern)).status_code == 405


def test_signed_out_goes_to_sign_in(client, concern):
    response = client.post(url(concern), {"version": 1})
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_an_outsider_gets_404(client, concern):
    assert signed_in(client, "outsider").post(url(concern), {"version": 1}).status_code == 404


def test_a_read_only_user_gets_403(client, concern):
    response = signed_in(client, "head_of_year").post(url(concern), {"version": 1})
    assert response.status_code == 403
    assert Concern.objects.get().status == "open"
