"""The partnership's waiting-times page: figures for the coordinator, small numbers hidden
from the board, nothing for schools or agencies."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.referral_services import referral_accept
from knotwork.casework.tests.referral_helpers import NOW, make_lead, make_service, send
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = reverse("casework:referral-waiting")
CSV = reverse("casework:referral-waiting-export")


@pytest.fixture
def referrals(cast):
    service = make_service(cast.camhs)
    lead = make_lead(cast)
    with time_machine.travel(NOW - datetime.timedelta(days=30), tick=False):
        first, second = send(cast, service), send(cast, service)
    with time_machine.travel(NOW - datetime.timedelta(days=20), tick=False):
        referral_accept(actor=lead, referral=first, expected_version=1, assigned_to=lead)
    return first, second


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(client, username):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_coordinator_sees_the_figures_and_an_audit_row(client, cast, referrals):
    response = signed_in(client, "coordinator").get(PAGE)
    assert response.status_code == 200
    agency = response.context["lines"][0]
    assert agency[:6] == [cast.camhs.name, "", "2", "1", "0", "50.0"]
    assert agency[6:8] == ["10.0", "10.0"] and agency[-2:] == ["1", "1"]
    assert AuditEntry.objects.filter(what="waiting times", pupil=None).exists()


def test_a_board_member_sees_small_numbers_hidden_and_no_pupil(client, cast, referrals):
    response = signed_in(client, "board_member").get(PAGE)
    assert response.status_code == 200
    assert response.context["lines"][0][2:] == ["x"] * 10
    assert b"Amira" not in response.content


def test_the_csv_has_the_same_figures(client, cast, referrals):
    lines = signed_in(client, "coordinator").get(CSV).content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Agency,Service,Sent") and lines[1].startswith(cast.camhs.name)


@pytest.mark.parametrize("who", ["officer", "caseworker", "outsider"])
def test_schools_and_agencies_get_403(client, cast, who):
    assert signed_in(client, who).get(PAGE).status_code == 403


def test_signed_out_goes_to_sign_in(client, cast):
    assert client.get(PAGE)["Location"].startswith("/account/sign-in/")
