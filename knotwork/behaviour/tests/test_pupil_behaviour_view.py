"""A pupil's behaviour page and the behaviour card on their profile."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knotwork.behaviour.models import Exclusion, Withdrawal
from knotwork.behaviour.testing import make_exclusion, make_incident
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def at(month, day, hour=13):
    year = 2026 if month >= 9 else 2027
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


def page_url(pupil):
    return reverse("behaviour:pupil-behaviour", args=[pupil.uuid])


@pytest.fixture
def history(cast):
    fight = make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "instigator", cast.linked_pupil: "target"},
        occurred_at=at(9, 15),
        kind="physical_pupil",
        follow_up_owner=cast.officer,
        follow_up_on=datetime.date(2026, 11, 20),
        action_taken="Phoned home",
    )
    make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "target"},
        occurred_at=at(11, 2),
    )
    Withdrawal.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        incident=fight,
        kind=Withdrawal.Kind.INTERNAL_EXCLUSION,
        date=datetime.date(2026, 9, 16),
        sessions=2,
        recorded_by=cast.officer,
    )
    Withdrawal.objects.create(
        pupil=cast.pupil_a,
        setting=cast.school_a,
        kind=Withdrawal.Kind.REMOVE_ROOM,
        date=datetime.date(2026, 11, 3),
        minutes=30,
        recorded_by=cast.officer,
    )
    return fight


def test_the_page_shows_incidents_with_parts_withdrawals_and_months(client, cast, history):
    response = signed_in(client).get(page_url(cast.pupil_a))
    assert response.status_code == 200
    page = response.context["page"]
    assert [(part.role, part.others) for part in page.parts] == [("target", 0), ("instigator", 1)]
    assert [w.kind for w in page.withdrawals] == ["remove_room", "internal"]
    assert page.months == [
        (datetime.date(2026, 9, 1), 1, 1),
        (datetime.date(2026, 10, 1), 0, 0),
        (datetime.date(2026, 11, 1), 1, 1),
    ]
    assert [part.incident for part in page.follow_ups] == [history]
    html = response.content.decode()
    assert "Follow-ups due" in html and "Overdue" in html
    assert "with 1 other pupil" in html and "Lewis" not in html
    assert "2 sessions" in html and "30 minutes" in html
    assert response.context["chart"].element_id == "behaviour-months"
    assert "Record a withdrawal" in html
    entry = AuditEntry.objects.get(action="view")
    assert (entry.pupil, entry.what) == (cast.pupil_a, "behaviour")


def test_the_exclusions_panel_sums_up_the_year_and_links_to_the_exclusions(client, cast):
    make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        start_date=datetime.date(2026, 11, 16),
        sessions=14,
    )
    make_exclusion(  # cancelled: not counted
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        start_date=datetime.date(2026, 10, 5),
        cancelled_on=datetime.date(2026, 10, 5),
    )
    make_exclusion(  # last year's: not counted
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=datetime.date(2026, 3, 2)
    )
    response = signed_in(client).get(page_url(cast.pupil_a))
    panel = response.context["exclusions_panel"]
    assert (panel.suspensions_this_year, panel.permanent_this_year, panel.used) == (1, 0, 14)
    assert panel.overdue == 4  # the sixth day and three notices
    html = response.content.decode()
    assert 'id="exclusions-panel"' in html and "1 suspension this year" in html
    assert "7 days of 45" in html and "(14 of 90 sessions)" in html
    assert "4 overdue" in html and "Education from the sixth day" in html
    assert "govuk-tag--red" in html
    exclusions_url = reverse("behaviour:pupil-exclusions", args=[cast.pupil_a.uuid])
    assert f'href="{exclusions_url}"' in html and "Open exclusions" in html


def test_a_permanent_exclusion_shows_in_the_panel(client, cast):
    make_exclusion(
        pupil=cast.pupil_a,
        recorded_by=cast.officer,
        kind=Exclusion.Kind.PERMANENT,
        sessions=None,
        start_date=datetime.date(2026, 11, 23),
        parents_told_on=datetime.date(2026, 11, 23),
    )
    html = signed_in(client).get(page_url(cast.pupil_a)).content.decode()
    assert "1 permanent exclusion this year" in html
    assert "Governing board meeting" in html


def test_the_panel_says_none_this_year_when_there_are_none(client, cast, history):
    response = signed_in(client).get(page_url(cast.pupil_a))
    html = response.content.decode()
    assert 'id="exclusions-panel"' in html and "None this year" in html
    panel = html.split('id="exclusions-panel"')[1].split("</dl>")[0]
    assert "0 days of 45" in panel and "Nothing" in panel and "overdue" not in panel


def test_the_panel_writes_no_audit_row_of_its_own(client, cast):
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer)
    signed_in(client).get(page_url(cast.pupil_a))
    assert list(AuditEntry.objects.values_list("action", "what")) == [("view", "behaviour")]


def test_the_page_reads_as_many_queries_for_eight_exclusions_as_for_one(client, cast):
    make_exclusion(
        pupil=cast.pupil_a, recorded_by=cast.officer, start_date=datetime.date(2026, 9, 7)
    )
    client = signed_in(client)
    client.get(page_url(cast.pupil_a))  # sessions and caches warm
    with CaptureQueriesContext(connection) as one:
        client.get(page_url(cast.pupil_a))
    for week in range(1, 8):
        make_exclusion(
            pupil=cast.pupil_a,
            recorded_by=cast.officer,
            start_date=datetime.date(2026, 9, 7) + datetime.timedelta(weeks=week),
        )
    with CaptureQueriesContext(connection) as eight:
        response = client.get(page_url(cast.pupil_a))
    assert response.context["exclusions_panel"].suspensions_this_year == 8
    assert len(eight) == len(one)


def test_a_pupil_with_nothing_recorded(client, cast):
    response = signed_in(client).get(page_url(cast.pupil_a))
    assert response.context["chart"] is None
    assert "No incidents name Amira Ahmed." in response.content.decode()


def test_a_read_only_user_sees_the_page_without_the_way_to_record(client, cast, history):
    response = signed_in(client, "head_of_year").get(page_url(cast.pupil_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record a withdrawal" not in html
    assert "View exclusions" in html and "Open exclusions" not in html


def test_an_outsider_gets_404(client, cast, history):
    assert signed_in(client, "outsider").get(page_url(cast.pupil_a)).status_code == 404
    assert not AuditEntry.objects.filter(pupil=cast.pupil_a).exists()


def test_an_outsider_gets_404_for_a_pupil_with_exclusions(client, cast):
    make_exclusion(pupil=cast.pupil_a, recorded_by=cast.officer)
    response = signed_in(client, "outsider").get(page_url(cast.pupil_a))
    assert response.status_code == 404
    assert b"Suspensions and exclusions" not in response.content
    assert not AuditEntry.objects.filter(pupil=cast.pupil_a).exists()


def test_the_page_is_read_with_get(client, cast):
    assert signed_in(client).post(page_url(cast.pupil_a)).status_code == 405


def test_signed_out_goes_to_sign_in(client, cast):
    response = client.get(page_url(cast.pupil_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_the_profile_card_sums_up_this_year_and_links_to_the_page(client, cast, history):
    response = signed_in(client).get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    card = response.context["behaviour"]
    assert (card.incidents, card.as_instigator, card.as_target) == (2, 1, 1)
    assert (card.withdrawals, card.withdrawal_sessions, card.follow_ups_due) == (2, 2, 1)
    html = response.content.decode()
    assert "Behaviour this year" in html and "Attendance this year" in html
    assert "2 (1 as instigator, 1 as target)" in html
    assert f'href="{page_url(cast.pupil_a)}"' in html
