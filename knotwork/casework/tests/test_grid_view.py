"""The multi-agency tracking grid: exact cells for a hand-built fixture, the filters, who
sees which pupils and cells, the audit rows, and a query count that does not grow with
the page's pupils."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from knotwork.casework.case_services import case_member_end
from knotwork.casework.grid_queries import Involvement
from knotwork.casework.tests.grid_helpers import (
    CAMHS,
    FAMILY,
    NOW,
    YOUTH,
    at,
    build_grid,
    send_referral,
)
from knotwork.casework.tests.referral_helpers import make_service
from knotwork.core.models import AuditEntry
from knotwork.core.testing import PASSWORD, make_pupil

pytestmark = pytest.mark.django_db

PAGE = reverse("casework:grid")


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def grid(cast):
    return build_grid(cast)


def signed_in(client, username):
    client.login(username=username, password=PASSWORD)
    return client


def cells_of(response):
    """Each row as the pupil's name and {agency: [(contact, line, live)]}."""
    grid = response.context["grid"]
    names = [c.name for c in grid.columns]
    return {
        row.pupil.display_name: {
            name: [(i.contact, i.line, i.live) for i in cell]
            for name, cell in zip(names, row.cells, strict=True)
            if cell
        }
        for row in grid.rows
    }


def test_the_coordinator_sees_every_involvement_of_both_pupils(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"show": "all"})
    assert response.status_code == 200
    assert [c.name for c in response.context["grid"].columns] == [CAMHS, FAMILY, YOUTH]
    assert cells_of(response) == {
        "Amira Ahmed": {
            CAMHS: [("Cass", "Team member since 12 Oct: Therapist", True)],
            FAMILY: [("Dee Evans", "Team member 12 Oct to 6 Nov: Family support", False)],
            YOUTH: [("Yusuf Ali", "Referral accepted 3 Nov, waiting (Mentoring)", True)],
        },
        "Bea Brown": {
            CAMHS: [("", "Referral sent 20 Nov, awaiting an answer (Assessment)", True)],
        },
    }


def test_the_column_heads_carry_the_agencys_own_contact(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"show": "all"})
    family = response.context["grid"].columns[1]
    assert (family.contact, family.phone) == ("Pat Okafor", "01632 960001")
    assert b"Contact: Pat Okafor" in response.content


def test_the_schools_own_staff_on_the_team_are_not_a_column(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"show": "all"})
    assert cast.school_a.name not in [c.name for c in response.context["grid"].columns]


def test_live_involvement_is_shown_by_default(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE)
    assert [c.name for c in response.context["grid"].columns] == [CAMHS, YOUTH]
    assert set(cells_of(response)["Amira Ahmed"]) == {CAMHS, YOUTH}


def test_ended_involvement_alone(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"show": "ended"})
    assert cells_of(response) == {
        "Amira Ahmed": {
            FAMILY: [("Dee Evans", "Team member 12 Oct to 6 Nov: Family support", False)]
        }
    }
    assert b"Ended" in response.content


def test_filtering_by_setting(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"setting": cast.school_b.uuid})
    assert list(cells_of(response)) == ["Bea Brown"]


def test_filtering_by_year_group(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"year": "10"})
    assert list(cells_of(response)) == ["Bea Brown"]
    response = signed_in(client, "coordinator").get(PAGE, {"year": "9"})
    assert list(cells_of(response)) == ["Amira Ahmed"]


def test_filtering_by_agency_keeps_the_pupils_it_works_with_and_their_other_agencies(
    client, cast, grid
):
    response = signed_in(client, "coordinator").get(PAGE, {"agency": grid.youth.uuid})
    assert cells_of(response) == {
        "Amira Ahmed": {
            CAMHS: [("Cass", "Team member since 12 Oct: Therapist", True)],
            YOUTH: [("Yusuf Ali", "Referral accepted 3 Nov, waiting (Mentoring)", True)],
        }
    }


def test_an_agency_whose_involvement_ended_is_not_found_among_the_live(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"agency": grid.family.uuid})
    assert cells_of(response) == {}
    assert b"matches these filters" in response.content


def test_an_unknown_setting_is_an_error_on_the_form(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"setting": cast.camhs.uuid})
    assert response.status_code == 200
    assert "setting" in response.context["form"].errors


def test_school_staff_see_their_own_settings_pupils_only(client, cast, grid):
    assert list(cells_of(signed_in(client, "head_of_year").get(PAGE))) == ["Amira Ahmed"]
    assert list(cells_of(signed_in(client, "outsider").get(PAGE))) == ["Bea Brown"]


def test_a_practitioner_sees_the_teams_they_are_on_and_their_own_referrals(client, cast, grid):
    response = signed_in(client, "caseworker").get(PAGE, {"show": "all"})
    assert cells_of(response) == {
        "Amira Ahmed": {
            CAMHS: [("Cass", "Team member since 12 Oct: Therapist", True)],
            FAMILY: [("Dee Evans", "Team member 12 Oct to 6 Nov: Family support", False)],
        }
    }


def test_a_practitioner_assigned_a_referral_sees_only_their_agencys_line(client, cast, grid):
    response = signed_in(client, "youth_worker").get(PAGE, {"show": "all"})
    assert cells_of(response) == {
        "Amira Ahmed": {
            YOUTH: [("Yusuf Ali", "Referral accepted 3 Nov, waiting (Mentoring)", True)]
        }
    }


def test_a_practitioner_whose_link_ended_no_longer_sees_the_pupil(client, cast, grid):
    with at(datetime.date(2026, 11, 23)):
        case_member_end(
            actor=cast.officer,
            case=grid.case,
            member=grid.therapist,
            ends_on=datetime.date(2026, 11, 23),
        )
    assert cells_of(signed_in(client, "caseworker").get(PAGE, {"show": "all"})) == {}


def test_board_members_get_403(client, cast, grid):
    assert signed_in(client, "board_member").get(PAGE).status_code == 403
    export = reverse("casework:grid-export", args=["csv"])
    assert signed_in(client, "board_member").get(export).status_code == 403


def test_signed_out_goes_to_sign_in(client, cast):
    assert client.get(PAGE)["Location"].startswith("/account/sign-in/")


def test_post_is_not_allowed(client, cast):
    assert signed_in(client, "coordinator").post(PAGE).status_code == 405


def test_each_pupil_shown_gets_an_audit_row(client, cast, grid):
    signed_in(client, "coordinator").get(PAGE)
    rows = AuditEntry.objects.filter(what="grid", action=AuditEntry.Action.VIEW)
    assert {r.pupil_id for r in rows} == {cast.pupil_a.pk, cast.pupil_b.pk}
    assert {r.object_id for r in rows} == {str(cast.pupil_a.uuid), str(cast.pupil_b.uuid)}
    assert all(r.actor == cast.coordinator for r in rows)


def test_the_grid_pages(client, cast, grid, settings):
    settings.KNOTWORK_PAGE_SIZE = 1
    first = signed_in(client, "coordinator").get(PAGE, {"show": "all"})
    second = client.get(PAGE, {"show": "all", "page": "2"})
    assert list(cells_of(first)) == ["Amira Ahmed"]
    assert list(cells_of(second)) == ["Bea Brown"]
    assert b"show=all&amp;page=2" in first.content
    assert AuditEntry.objects.filter(what="grid").count() == 2


def _queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PAGE, {"show": "all"})
    assert response.status_code == 200
    return len(queries), len(response.context["grid"].rows)


def test_the_page_asks_one_query_per_kind_of_involvement_however_many_pupils(client, cast, grid):
    signed_in(client, "coordinator")
    few, rows_before = _queries(client)
    camhs = make_service(cast.camhs, name="Consultation")
    for n in range(4):
        pupil = make_pupil(setting=cast.school_a, legal_surname=f"Extra{n}")
        send_referral(cast, pupil, cast.school_a, cast.officer, camhs)
    many, rows_after = _queries(client)
    assert (rows_before, rows_after) == (2, 6)
    assert many == few
    assert few <= 25  # sign-in, the viewer, the filters' choices, then the grid's reads


def test_the_involvement_text_joins_contact_and_line():
    assert Involvement("Cass", "Team member since 12 Oct", True).text == (
        "Cass: Team member since 12 Oct"
    )
    assert Involvement("", "Referral sent 20 Nov", True).text == "Referral sent 20 Nov"


def test_a_page_number_out_of_range_keeps_the_filters(client, cast, grid):
    response = signed_in(client, "coordinator").get(PAGE, {"year": "10", "page": "x"})
    assert list(cells_of(response)) == ["Bea Brown"]
