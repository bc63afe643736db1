"""The attendance card on a pupil's profile, linking to the attendance page."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from knotwork.attendance.testing import fill_register, whole_day
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def on_a_monday_in_november():
    with time_machine.travel(NOON, tick=False):
        yield


def test_the_profile_shows_this_years_attendance_and_links_to_the_page(client, cast):
    # 53 school days to Friday 20 November (106 sessions), 10 of them off (5 I, 5 O): 20 absent.
    days_off = {}
    for i, day in enumerate(datetime.date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)):
        days_off.update(whole_day(day, "I" if i < 5 else "O"))
    fill_register(
        cast.pupil_a.enrolments.get(), 2026, through=datetime.date(2026, 11, 20), marks=days_off
    )
    client.login(username="officer", password=PASSWORD)
    response = client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    [so_far] = response.context["attendance"]
    assert (so_far.summary.possible, so_far.summary.absent) == (106, 20)
    assert so_far.persistent is True  # 20/106 = 18.87%
    html = response.content.decode()
    assert "81.13% attendance (20 of 106 possible sessions missed, 10 unauthorised)" in html
    assert "Persistently absent" in html
    assert f'href="{reverse("attendance:pupil", args=[cast.pupil_a.uuid])}"' in html


def test_a_pupil_with_no_register_this_year_says_so(client, cast):
    client.login(username="head_of_year", password=PASSWORD)
    response = client.get(reverse("pupils:profile", args=[cast.pupil_a.uuid]))
    assert response.context["attendance"] == []
    assert "No marks recorded this year." in response.content.decode()
