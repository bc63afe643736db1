"""The case team's purposes page: those who manage the case choose what each person on
the team is told for; others who see the case are refused, outsiders get 404."""

import pytest
from django.urls import reverse

from knotwork.casework.tests.case_fixtures import signed_in, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.notices.models import Notice, TeamPurpose
from knotwork.notices.tests.team_helpers import add_action, build_team

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]


@pytest.fixture
def team(cast):
    return build_team(cast)


def url(team):
    return reverse("notices:case-purposes", args=[team.case.uuid])


def test_the_page_shows_each_member_with_the_default_purposes(client, team):
    response = signed_in(client).get(url(team))
    assert response.status_code == 200
    form = response.context["form"]
    assert {name: f.initial for name, f in form.fields.items()} == {
        f"purpose_{team.lead.pk}": "action",
        f"purpose_{team.caseworker.pk}": "information",
        f"purpose_{team.head_of_year.pk}": "information",
    }
    assert AuditEntry.objects.filter(action="view", what="team purposes").exists()


def test_saving_the_purposes_changes_what_the_next_notice_says(client, team):
    data = {
        f"purpose_{team.lead.pk}": "action",
        f"purpose_{team.caseworker.pk}": "comment",
        f"purpose_{team.head_of_year.pk}": "response",
    }
    response = signed_in(client).post(url(team), data)
    assert response["Location"] == reverse("casework:case", args=[team.case.uuid]) + "#team"
    assert dict(TeamPurpose.objects.values_list("user__username", "purpose")) == {
        "officer": "action",
        "caseworker": "comment",
        "head_of_year": "response",
    }
    assert AuditEntry.objects.filter(action="update", what="notice purposes: 3").exists()
    add_action(team)
    assert dict(Notice.objects.values_list("recipient__username", "purpose")) == {
        "caseworker": "comment",
        "head_of_year": "response",
    }


def test_an_invalid_choice_is_reshown_and_nothing_saved(client, team):
    data = {f"purpose_{team.lead.pk}": "action", f"purpose_{team.caseworker.pk}": "gossip"}
    response = signed_in(client).post(url(team), data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not TeamPurpose.objects.exists()


def test_the_case_page_links_to_it_for_those_who_manage_the_case(client, team):
    body = signed_in(client).get(reverse("casework:case", args=[team.case.uuid])).content.decode()
    assert url(team) in body
    body = signed_in(client, "head_of_year").get(reverse("casework:case", args=[team.case.uuid]))
    assert url(team) not in body.content.decode()


def test_a_member_who_does_not_manage_the_case_gets_403_and_an_outsider_404(client, team):
    assert signed_in(client, "head_of_year").get(url(team)).status_code == 403
    assert signed_in(client, "caseworker").post(url(team), {}).status_code == 403
    assert signed_in(client, "outsider").get(url(team)).status_code == 404


def test_signed_out_goes_to_sign_in(client, team):
    assert "/account/sign-in/" in client.get(url(team))["Location"]
