"""The watch for unofficial exclusion: who sees which pupils, the evidence, the audit."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.attendance.testing import fill_register
from knotwork.behaviour.testing import make_exclusion
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil
from knotwork.pupils.models import Pupil

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
URL = reverse("behaviour:unofficial-watch")
EXPORT = reverse("behaviour:unofficial-watch-export")
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
THROUGH = datetime.date(2026, 11, 23)
D = datetime.date


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def weekdays(first: D, last: D) -> list[D]:
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def register(pupil: Pupil, marks: dict) -> None:
    fill_register(pupil.enrolments.get(), 2026, through=THROUGH, marks=marks)


@pytest.fixture
def watched(cast):
    """Amira part time (C2 every afternoon for seven weeks), Liam sent home three times in
    a week (C), Bea sent home at Beacon (C), and Cal with C covered by a suspension."""
    register(cast.pupil_a, {(d, "PM"): "C2" for d in weekdays(D(2026, 9, 7), D(2026, 10, 23))})
    register(
        cast.linked_pupil,
        {(d, "PM"): "C" for d in (D(2026, 11, 2), D(2026, 11, 4), D(2026, 11, 5))},
    )
    register(
        cast.pupil_b, {(d, "AM"): "C" for d in (D(2026, 11, 9), D(2026, 11, 10), D(2026, 11, 11))}
    )
    covered = make_pupil(setting=cast.school_a, legal_forename="Cal")
    register(covered, {(d, "PM"): "C" for d in (D(2026, 11, 16), D(2026, 11, 17), D(2026, 11, 18))})
    make_exclusion(
        pupil=covered,
        recorded_by=cast.officer,
        start_date=D(2026, 11, 16),
        start_half="PM",
        sessions=6,
    )
    plain = make_pupil(setting=cast.school_a, legal_forename="Pat")
    register(plain, {})
    return cast


def get(client, username, data=None, url=URL):
    client.login(username=username, password=PASSWORD)
    return client.get(url, data or {})


def names(response) -> list[str]:
    return [w.pupil.forename for w in response.context["page"].object_list]


def test_signed_out_goes_to_sign_in(client, watched):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, watched):
    client.login(username="officer", password=PASSWORD)
    assert client.post(URL).status_code == 405


def test_setting_staff_see_their_pupils_with_the_evidence(client, watched):
    response = get(client, "officer")
    assert response.status_code == 200
    assert names(response) == ["Amira", "Liam"]
    page = response.content.decode()
    assert "Part time too long" in page
    assert "Part-time timetable longer than the policy allows" in page
    assert "C2 on 35 school days, 7 Sep 2026 to 23 Oct 2026" in page
    assert "C in 3 sessions on 3 school days, 2 Nov 2026 to 5 Nov 2026" in page
    assert reverse("pupils:profile", args=[watched.pupil_a.uuid]) in page
    assert "Bea" not in page and "Cal" not in page


def test_each_pupil_listed_is_audited_as_viewed(client, watched):
    get(client, "officer")
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW)
    assert {e.pupil for e in entries} == {watched.pupil_a, watched.linked_pupil}
    assert {e.actor.username for e in entries} == {"officer"}
    assert {e.what for e in entries} == {"unofficial exclusion watch"}


def test_a_read_only_member_of_staff_may_look(client, watched):
    assert names(get(client, "head_of_year")) == ["Amira", "Liam"]


def test_the_coordinator_sees_the_partnership_and_may_choose_a_setting(client, watched):
    assert names(get(client, "coordinator")) == ["Amira", "Liam", "Bea"]
    response = get(client, "coordinator", {"setting": str(watched.school_b.uuid)})
    assert names(response) == ["Bea"]


def test_an_outsider_sees_only_their_school(client, watched):
    assert names(get(client, "outsider")) == ["Bea"]


def test_an_outsider_asking_for_another_school_gets_404(client, watched):
    response = get(client, "outsider", {"setting": str(watched.school_a.uuid)})
    assert response.status_code == 404
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("username", ["board_member", "caseworker", "admin"])
def test_those_who_see_no_pupils_here_get_403(client, watched, username):
    assert get(client, username).status_code == 403


def test_an_invalid_year_is_shown_again_and_nothing_listed(client, watched):
    response = get(client, "officer", {"year": "1999"})
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert "page" not in response.context
    assert not AuditEntry.objects.exists()


def test_the_list_exports_as_csv_audited_per_pupil(client, watched):
    response = get(client, "officer", url=EXPORT)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["UPN", "Surname", "Forename", "Setting", "Pattern"]
    amira = rows[1]
    assert amira[1:4] == ["Ahmed", "Amira", "Ashdown Academy"]
    assert amira[5:9] == ["2026-09-07", "2026-10-23", "35", "35"]
    assert len(rows) == 3
    exported = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT)
    assert {e.pupil for e in exported} == {watched.pupil_a, watched.linked_pupil}


def test_the_export_refuses_as_the_page_does(client, watched):
    assert get(client, "board_member", url=EXPORT).status_code == 403
    data = {"setting": str(watched.school_a.uuid)}
    assert get(client, "outsider", data, url=EXPORT).status_code == 404
    response = get(client, "officer", {"year": "1999"}, url=EXPORT)
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def queries_for(client) -> int:
    client.login(username="coordinator", password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_pupils(client, watched):
    few = queries_for(client)
    for i in range(10):
        register(make_pupil(setting=watched.school_b, legal_forename=f"More{i}"), {})
    assert queries_for(client) == few
