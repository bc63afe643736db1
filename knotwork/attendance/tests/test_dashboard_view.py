"""The dashboard page: who sees which figures, the filters, and its query budget."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.accounts.models import Role
from knotwork.attendance.testing import fill_register
from knotwork.attendance.tests.dashboard_fixtures import (
    THROUGH,
    TODAY,
    WINDOW,
    add_school_c,
    build,
    enrolment_of,
)
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
URL = reverse("attendance:dashboard")
PUPIL_NAMES = ("Amira", "Ahmed", "Liam", "Lewis", "Bea Brown", "Taylor", "UPN")


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def small(cast):
    return build(cast)


def get(client, username, data=None):
    client.login(username=username, password=PASSWORD)
    return client.get(URL, data or {})


def settings_shown(response) -> list[str]:
    table = response.context["dashboard"].table("setting")
    return [row.label for row in table.rows]


def test_signed_out_goes_to_sign_in(client, small):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, small):
    client.login(username="coordinator", password=PASSWORD)
    assert client.post(URL).status_code == 405


def test_the_coordinator_sees_every_setting_of_the_partnership(client, small):
    response = get(client, "coordinator", WINDOW)
    assert response.status_code == 200
    assert settings_shown(response) == ["Ashdown Academy", "Beacon High School", "All enrolments"]
    page = response.content.decode()
    assert "East Marsh North Partnership" in page
    assert 'data-chart-spec="chart-by-setting-spec"' in page
    assert reverse("attendance:dashboard-export", args=["setting", "csv"]) + "?" in page


def test_the_page_shows_the_figures_with_their_counts(client, small):
    page = get(client, "coordinator", WINDOW).content.decode()
    assert "16.7%" in page  # school A's overall absence, 20 of 120 sessions
    assert "71.4%" in page  # its persistent absence, 5 of 7 enrolments
    assert "120" in page and ">x<" in page  # small groups are shown as x


def test_a_board_member_sees_the_partnership_and_no_pupil(client, small):
    response = get(client, "board_member", WINDOW)
    assert response.status_code == 200
    assert settings_shown(response)[:2] == ["Ashdown Academy", "Beacon High School"]
    page = response.content.decode()
    for name in PUPIL_NAMES:
        assert name not in page
    assert str(small.cast.pupil_a.uuid) not in page


def test_a_local_authority_officer_sees_the_partnership(client, small):
    make_user("la", role=Role.LA_OFFICER, organisation=small.cast.la_service)
    response = get(client, "la", WINDOW)
    assert settings_shown(response) == ["Ashdown Academy", "Beacon High School", "All enrolments"]


def test_setting_staff_see_only_their_own_setting(client, small):
    response = get(client, "head_of_year", WINDOW)
    assert settings_shown(response) == ["Ashdown Academy", "All enrolments"]
    assert "Beacon High School" not in response.content.decode()
    response = get(client, "outsider", WINDOW)
    assert settings_shown(response) == ["Beacon High School", "All enrolments"]
    assert "Ashdown Academy" not in response.content.decode()


def test_a_behaviour_and_attendance_leader_sees_their_setting(client, small):
    make_user("leader", role=Role.BA_LEADER, organisation=small.cast.school_b, can_edit=True)
    response = get(client, "leader", WINDOW)
    total = response.context["dashboard"].total.this_year.summary
    assert settings_shown(response) == ["Beacon High School", "All enrolments"]
    assert total.enrolments == 5


def test_an_agency_practitioner_gets_403(client, small):
    assert get(client, "caseworker").status_code == 403


def test_someone_with_no_organisation_gets_403(client, small):
    assert get(client, "admin").status_code == 403


def test_viewing_figures_writes_no_audit_row(client, small):
    get(client, "coordinator", WINDOW)
    assert not AuditEntry.objects.exists()


def test_by_default_it_shows_this_year_to_date(client, small):
    response = get(client, "coordinator")
    dashboard = response.context["dashboard"]
    assert dashboard.start_year == 2026
    assert dashboard.period == "year"
    assert dashboard.threshold == 10
    form = response.context["form"]
    assert form["year"].value() == "2026" and form["pa"].value() == "10"


def test_the_partnerships_threshold_is_the_default(client, small):
    small.cast.partnership.persistent_absence_threshold = 20
    small.cast.partnership.save()
    response = get(client, "coordinator", WINDOW)
    assert response.context["dashboard"].threshold == 20
    assert "20% or more" in response.content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({**WINDOW, "end": "2026-09-01"}, "end"),
        ({**WINDOW, "start": "2027-09-01", "end": "2027-09-03"}, "start"),
        ({**WINDOW, "start": ""}, "start"),
        ({**WINDOW, "year": "1999"}, "year"),
        ({**WINDOW, "pa": "0"}, "pa"),
        ({**WINDOW, "start": "not a date"}, "start"),
    ],
)
def test_invalid_filters_are_shown_again_with_what_was_typed(client, small, data, field):
    response = get(client, "coordinator", data)
    assert response.status_code == 200
    assert "dashboard" not in response.context
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert "There is a problem" in page
    if field != "year":  # a year that is not offered cannot be selected again
        assert f'name="{field}" type' in page and f'value="{data[field]}"' in page


def queries_for(client, username, data) -> int:
    client.login(username=username, password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, data)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_pupils(client, small):
    few = queries_for(client, "coordinator", WINDOW)
    add_school_c(small, enrolments=3)
    for _ in range(20):
        pupil = make_pupil(setting=small.cast.school_b)
        fill_register(enrolment_of(pupil), 2026, through=THROUGH)
    many = queries_for(client, "coordinator", WINDOW)
    assert few == many
    assert many <= 12


def test_this_term_against_the_same_term_last_year(client, small):
    response = get(client, "coordinator", {"year": "2026", "period": "term"})
    dashboard = response.context["dashboard"]
    assert (dashboard.window.first, dashboard.window.last) == (
        datetime.date(2026, 9, 2),
        datetime.date(2026, 11, 24),
    )
    assert (dashboard.last_window.first, dashboard.last_window.last) == (
        datetime.date(2025, 9, 3),
        datetime.date(2025, 11, 24),
    )
    assert "2 September 2026 to 24 November 2026" in response.content.decode()
