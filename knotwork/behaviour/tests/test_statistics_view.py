"""The statistics page: who sees which figures, the filters, and its query budget."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.accounts.models import Role
from knotwork.behaviour.testing import make_exclusion
from knotwork.behaviour.tests.test_statistics_figures import build
from knotwork.core.models import AuditEntry
from knotwork.core.testing import (
    PASSWORD,
    add_academic_year,
    make_pupil,
    make_setting,
    make_user,
)
from knotwork.directory.models import PartnershipMember

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
URL = reverse("behaviour:statistics")
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)
PUPIL_NAMES = ("Amira", "Ahmed", "Liam", "Lewis", "Bea Brown", "Ash1", "Bee1", "Taylor")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def small(cast):
    return build(cast)


def get(client, username, data=None):
    client.login(username=username, password=PASSWORD)
    return client.get(URL, data or {})


def settings_shown(response) -> list[str]:
    return [row.label for row in response.context["statistics"].table("setting").rows]


def test_signed_out_goes_to_sign_in(client, small):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_post_is_405(client, small):
    client.login(username="coordinator", password=PASSWORD)
    assert client.post(URL).status_code == 405


def test_the_coordinator_sees_every_setting_and_the_years_before(client, small):
    response = get(client, "coordinator")
    assert response.status_code == 200
    assert settings_shown(response) == [
        "Ashdown Academy",
        "Beacon High School",
        "All settings chosen",
    ]
    page = response.content.decode()
    assert "East Marsh North Partnership" in page
    assert "36.84" in page  # 7 suspensions per 19 pupils, beside its count
    assert "<strong>7</strong>" in page
    assert "2026/27" in page and "2025/26" in page
    assert "2024/25" not in page  # no calendar for it and no exclusions: nothing to show
    assert reverse("behaviour:statistics-export", args=["setting", "csv"]) in page
    assert "24 November 2026" in page  # pupils counted today until the census day
    assert reverse("behaviour:unofficial-watch") in page


def test_a_year_the_calendar_holds_is_shown_even_with_no_exclusions(client, small):
    add_academic_year(small.cast.school_a.calendar, 2024)
    page = get(client, "coordinator").content.decode()
    assert "2024/25" in page


def test_small_numbers_show_as_x(client, small):
    page = get(client, "coordinator").content.decode()
    assert ">x</abbr>" in page
    statistics = get(client, "coordinator").context["statistics"]
    assert statistics.year.whole.value("permanent_exclusions") == "x"


def test_a_board_member_sees_the_figures_and_no_pupil(client, small):
    response = get(client, "board_member")
    assert response.status_code == 200
    assert settings_shown(response)[:2] == ["Ashdown Academy", "Beacon High School"]
    page = response.content.decode()
    for name in PUPIL_NAMES:
        assert name not in page
    assert str(small.cast.pupil_a.uuid) not in page
    assert small.cast.pupil_a.upn not in page
    assert reverse("behaviour:unofficial-watch") not in page  # it lists pupils


def test_a_local_authority_officer_sees_the_partnership(client, small):
    make_user("la", role=Role.LA_OFFICER, organisation=small.cast.la_service)
    assert settings_shown(get(client, "la"))[-1] == "All settings chosen"


def test_setting_staff_see_only_their_own_setting(client, small):
    response = get(client, "head_of_year")
    assert settings_shown(response) == ["Ashdown Academy", "All settings chosen"]
    assert "Beacon High School" not in response.content.decode()
    assert response.context["statistics"].year.whole.counts.suspensions == 5
    response = get(client, "outsider")
    assert settings_shown(response) == ["Beacon High School", "All settings chosen"]
    assert "Ashdown Academy" not in response.content.decode()


def test_one_setting_is_charted_by_year(client, small):
    page = get(client, "head_of_year").content.decode()
    assert 'data-chart-spec="chart-suspension-rate-spec"' in page
    assert "Suspension rate by year" in page


def test_settings_are_charted_side_by_side(client, small):
    third = make_setting(name="Cedar School")
    PartnershipMember.objects.create(
        partnership=small.cast.partnership,
        organisation=third,
        representative_name="C",
        representative_role="Head",
        joined_on=datetime.date(2024, 9, 1),
    )
    for i in range(6):
        pupil = make_pupil(setting=third, legal_forename=f"Cedar{i}")
        make_exclusion(
            pupil=pupil, recorded_by=small.cast.officer, start_date=datetime.date(2026, 10, 7)
        )
    page = get(client, "coordinator").content.decode()
    assert "Suspension rate by setting" in page
    assert "Cedar School" in page


def test_an_agency_practitioner_gets_403(client, small):
    assert get(client, "caseworker").status_code == 403


def test_someone_with_no_organisation_gets_403(client, small):
    assert get(client, "admin").status_code == 403


def test_a_group_of_settings_is_counted_together(client, small):
    data = {"setting": [str(small.cast.school_b.uuid)]}
    response = get(client, "coordinator", data)
    assert settings_shown(response) == ["Beacon High School", "All settings chosen"]
    assert response.context["statistics"].year.whole.counts.headcount == 7
    page = response.content.decode()
    assert f'value="{small.cast.school_b.uuid}" checked' in page


def test_an_outsider_choosing_another_schools_setting_gets_404(client, small):
    data = {"setting": [str(small.cast.school_a.uuid)]}
    assert get(client, "outsider", data).status_code == 404
    assert get(client, "coordinator", {"setting": ["not-a-setting"]}).status_code == 404


def test_an_invalid_year_is_shown_again_with_the_problem(client, small):
    response = get(client, "coordinator", {"year": "1999"})
    assert response.status_code == 200
    assert "statistics" not in response.context
    assert "year" in response.context["form"].errors
    assert "There is a problem" in response.content.decode()


def test_by_default_it_shows_this_year(client, small):
    response = get(client, "coordinator")
    assert response.context["statistics"].year.start_year == 2026
    assert response.context["form"]["year"].value() == "2026"


def test_viewing_figures_writes_no_audit_row(client, small):
    get(client, "coordinator")
    assert not AuditEntry.objects.exists()


def queries_for(client, username) -> int:
    client.login(username=username, password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_pupils(client, small):
    few = queries_for(client, "coordinator")
    for i in range(20):
        pupil = make_pupil(setting=small.cast.school_b, legal_forename=f"More{i}")
        make_exclusion(
            pupil=pupil, recorded_by=small.cast.officer, start_date=datetime.date(2026, 10, 7)
        )
    many = queries_for(client, "coordinator")
    assert few == many
    assert many <= 12
