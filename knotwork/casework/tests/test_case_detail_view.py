"""The case page: summary, team, plan with overdue actions, reviews with the chart, and
who may see it."""

import datetime

import pytest
from django.urls import reverse

from knotwork.casework.case_services import (
    case_member_add,
    case_member_end,
    plan_action_add,
    review_record,
)
from knotwork.casework.tests.case_fixtures import open_case, signed_in, today  # noqa: F401
from knotwork.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
D = datetime.date


def url(case):
    return reverse("casework:case", args=[case.uuid])


@pytest.fixture
def case(cast):
    case = open_case(cast)
    plan_action_add(
        actor=cast.officer,
        case=case,
        what="Morning check-in",
        owner=cast.officer,
        due_on=D(2026, 11, 1),
    )
    plan_action_add(
        actor=cast.officer,
        case=case,
        what="Meet mum",
        owner_name="Pastoral lead",
        due_on=D(2026, 12, 1),
    )
    review_record(
        actor=cast.officer,
        case=case,
        held_on=D(2026, 10, 19),
        child_view="Better mornings",
        scale_now=4,
        scale_goal=8,
    )
    return case


def test_the_page_shows_the_case_with_its_overdue_action_and_chart(client, cast, case):
    response = signed_in(client).get(url(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Praise first" in html and "Better mornings" in html
    assert response.context["page"].overdue_actions == 1
    assert "1 overdue" in html
    assert response.context["chart"].element_id == "case-chart"
    assert "Week 7 of 10" in html
    entry = AuditEntry.objects.get(action="view")
    assert (entry.pupil, entry.object_id, entry.what) == (cast.linked_pupil, str(case.uuid), "case")


def test_the_read_only_head_of_year_sees_it_without_the_buttons(client, cast, case):
    response = signed_in(client, "head_of_year").get(url(case))
    assert response.status_code == 200
    assert "Close the case" not in response.content.decode()


@pytest.mark.parametrize("username", ["outsider", "board_member"])
def test_those_who_may_not_see_the_pupil_get_404(client, cast, case, username):
    assert signed_in(client, username).get(url(case)).status_code == 404
    assert not AuditEntry.objects.filter(action="view").exists()


def test_a_practitioner_linked_to_the_pupil_but_not_on_the_team_gets_404(client, cast, case):
    assert signed_in(client, "caseworker").get(url(case)).status_code == 404


def test_a_practitioner_sees_the_case_only_while_a_member(client, cast, case, time_machine):
    member = case_member_add(
        actor=cast.officer,
        case=case,
        user=cast.caseworker,
        role="Therapist",
        starts_on=D(2026, 11, 2),
    )
    assert signed_in(client, "caseworker").get(url(case)).status_code == 200
    case_member_end(actor=cast.officer, case=case, member=member, ends_on=D(2026, 11, 24))
    time_machine.move_to(datetime.datetime(2026, 11, 25, 10, 0), tick=False)
    assert signed_in(client, "caseworker").get(url(case)).status_code == 404


def test_signed_out_goes_to_sign_in(client, case):
    response = client.get(url(case))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_the_pupil_profile_links_to_their_cases_and_the_cases_page_lists_them(client, cast, case):
    profile = signed_in(client).get(reverse("pupils:profile", args=[cast.linked_pupil.uuid]))
    cases_url = reverse("casework:pupil-cases", args=[cast.linked_pupil.uuid])
    assert cases_url in profile.content.decode()
    response = client.get(cases_url)
    assert response.context["cases"] == [case] and response.context["can_open"]
    assert AuditEntry.objects.filter(action="view", what="cases", pupil=cast.linked_pupil).exists()
    assert signed_in(client, "outsider").get(cases_url).status_code == 404
