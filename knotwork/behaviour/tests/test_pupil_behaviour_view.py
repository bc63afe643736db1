"""A pupil's behaviour page and the behaviour card on their profile."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from knotwork.behaviour.models import Withdrawal
from knotwork.behaviour.testing import make_incident
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


def test_it_links_to_the_pupils_suspensions_and_exclusions(client, cast):
    response = signed_in(client).get(page_url(cast.pupil_a))
    link = response.context["page"].exclusions_url
    assert link.startswith("/behaviour/exclusions/pupils/") and str(cast.pupil_a.uuid) in link
    assert f'href="{link}"' in response.content.decode()


def test_a_pupil_with_nothing_recorded(client, cast):
    response = signed_in(client).get(page_url(cast.pupil_a))
    assert response.context["chart"] is None
    assert "No incidents name Amira Ahmed." in response.content.decode()


def test_a_read_only_user_sees_the_page_without_the_way_to_record(client, cast, history):
    response = signed_in(client, "head_of_year").get(page_url(cast.pupil_a))
    assert response.status_code == 200
    assert "Record a withdrawal" not in response.content.decode()


def test_an_outsider_gets_404(client, cast, history):
    assert signed_in(client, "outsider").get(page_url(cast.pupil_a)).status_code == 404
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
