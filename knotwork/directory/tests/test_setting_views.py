import datetime

import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD
from knotwork.directory.models import OfstedJudgement

pytestmark = pytest.mark.django_db


def test_the_settings_list_shows_each_setting_with_its_latest_judgement(client, cast):
    OfstedJudgement.objects.create(
        setting=cast.school_a,
        inspected_on=datetime.date(2019, 3, 1),
        behaviour="requires_improvement",
    )
    OfstedJudgement.objects.create(
        setting=cast.school_a, inspected_on=datetime.date(2023, 5, 10), behaviour="good"
    )
    client.login(username="head_of_year", password=PASSWORD)
    response = client.get(reverse("directory:setting-list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ashdown Academy" in text and "Beacon High School" in text
    assert "Good (May 2023)" in text
    assert "Requires improvement (Mar 2019)" not in text


def test_a_setting_page_counts_only_pupils_the_user_may_see(client, cast):
    client.login(username="outsider", password=PASSWORD)
    response = client.get(reverse("directory:setting-detail", args=[cast.school_a.uuid]))
    assert response.status_code == 200
    assert response.context["visible_on_roll"] == 0
    assert b"Pupils on roll you can see" not in response.content
    client.login(username="officer", password=PASSWORD)
    response = client.get(reverse("directory:setting-detail", args=[cast.school_a.uuid]))
    assert response.context["visible_on_roll"] == 2
    assert b"East Marsh North Partnership" in response.content


def test_an_unknown_setting_is_404(client, cast):
    client.login(username="officer", password=PASSWORD)
    url = reverse("directory:setting-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


def test_setting_pages_are_get_only_and_need_sign_in(client, cast):
    url = reverse("directory:setting-detail", args=[cast.school_a.uuid])
    assert client.get(url).status_code == 302
    client.login(username="officer", password=PASSWORD)
    assert client.post(url).status_code == 405
    assert client.post(reverse("directory:setting-list")).status_code == 405


def test_a_setting_page_shows_this_years_term_dates_and_sessions(client, cast, time_machine):
    from knotwork.termdates.models import Closure

    time_machine.move_to(datetime.datetime(2026, 11, 22, 12, 0))
    year = cast.school_a.calendar.years.get(start_year=2026)
    Closure.objects.create(academic_year=year, date=datetime.date(2027, 1, 4), kind="inset")
    client.login(username="officer", password=PASSWORD)
    response = client.get(reverse("directory:setting-detail", args=[cast.school_a.uuid]))
    calendar_year = response.context["calendar_year"]
    assert calendar_year.year.start_year == 2026
    assert len(calendar_year.terms) == 6
    # 388 register sessions (see termdates tests) less the INSET day's two.
    assert calendar_year.sessions.open_sessions() == 386
    assert b"386 sessions open to pupils" in response.content
    assert b"Mon 4 Jan 2027: INSET (training) day" in response.content
