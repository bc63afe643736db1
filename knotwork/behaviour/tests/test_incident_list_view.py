"""The incident list: what each user sees, the filters, pages and the CSV."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knotwork.behaviour.testing import make_incident
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db

LIST = reverse("behaviour:incidents")
EXPORT = reverse("behaviour:incident-export")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 24, 10, 0), tick=False):
        yield


def at(day, hour=13, minute=20):
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, minute))


def signed_in(client, username="officer"):
    client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def incidents(cast):
    fight = make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "instigator", cast.linked_pupil: "target"},
        kind="physical_pupil",
        place="playground",
        severity=3,
        bullying="racist",
        racist=True,
        occurred_at=at(20),
        follow_up_owner=cast.officer,
        follow_up_on=datetime.date(2026, 11, 23),
    )
    talk = make_incident(
        setting=cast.school_a,
        recorded_by=cast.officer,
        pupils={cast.pupil_a: "involved"},
        kind="disruption",
        place="classroom",
        occurred_at=at(23, 9, 5),
    )
    beacon = make_incident(
        setting=cast.school_b,
        recorded_by=cast.outsider,
        pupils={cast.pupil_b: "instigator"},
        kind="theft",
        occurred_at=at(23),
    )
    return fight, talk, beacon


def listed(response):
    return [incident for incident, _, _ in response.context["rows"]]


def test_the_list_shows_the_settings_incidents_newest_first(client, cast, incidents):
    fight, talk, _ = incidents
    response = signed_in(client).get(LIST)
    assert response.status_code == 200
    assert listed(response) == [talk, fight]
    html = response.content.decode()
    assert "Ahmed, Amira" in html and "Lewis, Liam" in html and "Racist: reportable" in html
    assert "Overdue" in html and "Record an incident" in html
    assert reverse("behaviour:incident-patterns") in html
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.pupil, entry.what) == (cast.officer, None, "incident list")


def test_a_pupil_of_another_setting_never_appears_in_your_lists(client, cast, incidents):
    for username in ("officer", "head_of_year", "caseworker"):
        client.logout()
        response = signed_in(client, username).get(LIST)
        assert "Brown" not in response.content.decode(), username
        assert all(i.setting == cast.school_a for i in listed(response)), username
        csv = signed_in(client, username).get(EXPORT).content.decode()
        assert "Brown" not in csv and "Beacon" not in csv, username
    client.logout()
    outsider = signed_in(client, "outsider").get(LIST)
    assert listed(outsider) == [incidents[2]]
    assert "Ahmed" not in outsider.content.decode()


def test_pupils_the_viewer_may_not_see_are_counted_not_named(client, cast, incidents):
    response = signed_in(client, "caseworker").get(LIST)
    assert listed(response) == [incidents[0]]
    html = response.content.decode()
    assert "Lewis, Liam" in html and "Ahmed" not in html
    assert "1 other pupil" in html
    assert "Record an incident" not in html
    assert reverse("behaviour:incident-patterns") not in html


def test_the_filters_narrow_the_list(client, cast, incidents):
    fight, talk, _ = incidents
    client = signed_in(client, "coordinator")
    assert len(listed(client.get(LIST))) == 3
    cases = [
        ({"setting": cast.school_a.pk}, [talk, fight]),
        ({"kind": "disruption"}, [talk]),
        ({"place": "playground"}, [fight]),
        ({"severity": "3"}, [fight]),
        ({"bullying": "any"}, [fight]),
        ({"bullying": "sexist"}, []),
        ({"racist": "on"}, [fight]),
        ({"follow_up": "overdue"}, [fight]),
        ({"start": "2026-11-21", "end": "2026-11-23", "setting": cast.school_a.pk}, [talk]),
        ({"end": "2026-11-20"}, [fight]),
    ]
    for query, expected in cases:
        assert listed(client.get(LIST, query)) == expected, query


def test_dates_the_wrong_way_round_are_shown_as_a_problem(client, cast, incidents):
    response = signed_in(client).get(LIST, {"start": "2026-11-23", "end": "2026-11-01"})
    assert response.status_code == 200
    assert "The last day must be on or after the first day." in response.content.decode()
    assert response.context["page"] is None


def test_the_list_pages_with_a_fixed_number_of_queries(client, cast, settings):
    settings.KNOTWORK_PAGE_SIZE = 5
    pupils = [make_pupil(setting=cast.school_a) for _ in range(3)]
    for day in range(1, 13):
        make_incident(
            setting=cast.school_a,
            recorded_by=cast.officer,
            pupils={pupils[day % 3]: "instigator", cast.pupil_a: "target"},
            occurred_at=at(day),
        )
    client = signed_in(client)
    client.get(LIST)
    with CaptureQueriesContext(connection) as first_page:
        response = client.get(LIST, {"page": "1"})
    assert len(listed(response)) == 5
    with CaptureQueriesContext(connection) as last_page:
        response = client.get(LIST, {"page": "3", "kind": ""})
    assert len(listed(response)) == 2
    assert len(first_page) == len(last_page) <= 16  # with the header's unread notices
    assert "Page 3 of 3" in response.content.decode()


def test_the_csv_names_visible_pupils_and_each_is_audited(client, cast, incidents):
    response = signed_in(client, "caseworker").get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Date,Time,Setting,What,Where")
    assert len(lines) == 2
    assert "Lewis, Liam (target)" in lines[1] and ",1," in lines[1]
    assert "Ahmed" not in lines[1]
    exported = AuditEntry.objects.filter(action="export")
    assert [(e.pupil, e.what) for e in exported] == [(cast.linked_pupil, "incident list CSV")]


def test_a_board_member_sees_no_incidents(client, cast, incidents):
    response = signed_in(client, "board_member").get(LIST)
    assert response.status_code == 200
    assert listed(response) == []
    assert "No incidents you can see match." in response.content.decode()


def test_the_list_is_read_with_get(client, cast):
    assert signed_in(client).post(LIST).status_code == 405
    assert signed_in(client).post(EXPORT).status_code == 405


def test_signed_out_goes_to_sign_in(client, cast):
    for address in (LIST, EXPORT):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))
