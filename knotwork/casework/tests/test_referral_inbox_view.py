"""The agency's inbox: referrals to the user's organisation, open first, with days waiting
and those past the target standing out; filters, pages and CSV."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from knotwork.casework.referral_services import referral_decline
from knotwork.casework.tests.referral_helpers import NOW, make_lead, make_service, send
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db

INBOX = reverse("casework:referral-inbox")
CSV = reverse("casework:referral-inbox-export")


@pytest.fixture
def sent(cast):
    """Three CAMHS referrals: one 40 days old (past its 28-day target), one 3 days old, and
    one declined; and one to the LA service the CAMHS inbox must not show."""
    service = make_service(cast.camhs)
    lead = make_lead(cast)
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False):
        old = send(cast, service)
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        other = make_pupil(setting=cast.school_a, legal_forename="Noor", legal_surname="Nash")
        recent = send(cast, service, pupil=other, urgency="urgent")
        declined = send(cast, service)
        referral_decline(actor=lead, referral=declined, expected_version=1, reason="Not ours.")
    send(cast, make_service(cast.la_service, name="Attendance support", target_days=10))
    return old, recent, declined


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def signed_in(client, username="camhs_lead"):
    client.login(username=username, password=PASSWORD)
    return client


def test_the_inbox_lists_open_referrals_oldest_first_with_the_overdue_one_standing_out(
    client, cast, sent
):
    old, recent, _ = sent
    response = signed_in(client).get(INBOX)
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [r.referral for r in rows] == [old, recent]
    assert [(r.days_waiting, r.overdue) for r in rows] == [(40, True), (3, False)]
    assert response.context["overdue"] == 1
    html = response.content.decode()
    assert "Past the 28-day target" in html and "Amira Ahmed" in html and "Year 9" in html
    viewed = AuditEntry.objects.filter(action="view", what="inbox")
    assert sorted(e.pupil_id for e in viewed) == sorted([old.pupil_id, recent.pupil_id])


def test_all_shows_the_answered_ones_after_the_open_ones(client, cast, sent):
    old, recent, declined = sent
    response = signed_in(client).get(INBOX, {"show": "all"})
    assert [r.referral for r in response.context["page"]] == [old, recent, declined]


def test_filters_narrow_by_urgency_and_by_overdue(client, cast, sent):
    old, recent, _ = sent
    urgent = signed_in(client).get(INBOX, {"urgency": "urgent"})
    assert [r.referral for r in urgent.context["page"]] == [recent]
    overdue = client.get(INBOX, {"overdue": "on"})
    assert [r.referral for r in overdue.context["page"]] == [old]


def test_the_inbox_pages(client, cast, sent, settings):
    settings.KNOTWORK_PAGE_SIZE = 1
    response = signed_in(client).get(INBOX, {"page": 2})
    assert response.context["page"].number == 2
    assert "Page 2 of 2" in response.content.decode()


def test_the_csv_has_every_row_and_an_export_audit_row_for_each_pupil(client, cast, sent):
    response = signed_in(client).get(CSV)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Sent,Pupil,Year") and len(lines) == 3
    assert "Taylor" not in lines[0] and lines[1].endswith(",40,yes")
    assert AuditEntry.objects.filter(action="export", what="referral inbox CSV").count() == 2


def test_a_read_only_practitioner_sees_the_inbox_too(client, cast, sent):
    response = signed_in(client, "caseworker").get(INBOX)
    assert len(response.context["page"]) == 2


def test_the_la_service_inbox_shows_only_its_own(client, cast, sent):
    response = signed_in(client, "coordinator").get(INBOX)
    assert [r.referral.service.name for r in response.context["page"]] == ["Attendance support"]


def test_staff_of_a_school_have_no_inbox(client, cast, sent):
    assert signed_in(client, "officer").get(INBOX).status_code == 403


def test_a_board_member_sees_no_pupil(client, cast, sent):
    response = signed_in(client, "board_member").get(INBOX)
    assert response.status_code == 403 and b"Amira" not in response.content


def test_signed_out_goes_to_sign_in(client, cast):
    for address in (INBOX, CSV):
        assert client.get(address)["Location"].startswith("/account/sign-in/")


def test_the_inbox_reads_in_a_fixed_number_of_queries(
    client, cast, sent, django_assert_max_num_queries
):
    signed_in(client)
    with django_assert_max_num_queries(20):
        client.get(INBOX)
