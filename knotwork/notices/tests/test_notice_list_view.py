"""The notices page: the signed-in user's notices, unread first, each opening its case
and marked read on the way; only what the user may still see; a count in the header."""

import datetime

import pytest
from django.urls import reverse

from knotwork.casework.case_services import case_member_end
from knotwork.casework.tests.case_fixtures import signed_in, today  # noqa: F401
from knotwork.core.models import AuditEntry
from knotwork.notices.models import Notice
from knotwork.notices.tests.team_helpers import add_action, build_team
from knotwork.pupils.models import Enrolment, PupilLink

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
LIST = reverse("notices:list")


@pytest.fixture
def team(cast):
    return build_team(cast)


def rows(response):
    return [n.uuid for n in response.context["page"]]


def test_the_page_lists_the_users_notices_unread_first_and_audits_each_read(client, team):
    add_action(team, what="First")
    add_action(team, what="Second")
    older, newer = Notice.objects.filter(recipient=team.caseworker).order_by("pk")
    older.read_at = newer.created_at
    older.save()
    response = signed_in(client, "caseworker").get(LIST)
    assert response.status_code == 200
    assert rows(response) == [newer.uuid, older.uuid]
    body = response.content.decode()
    assert "A plan action was added" in body and "Liam Lewis" in body
    assert (
        AuditEntry.objects.filter(
            action="view", what="notices", actor=team.caseworker, pupil=team.case.pupil
        ).count()
        == 2
    )


def test_nobody_sees_anyone_elses_notices(client, team):
    add_action(team)
    response = signed_in(client, "officer").get(LIST)
    assert rows(response) == [] and "No notices." in response.content.decode()


def test_a_notice_about_a_pupil_no_longer_visible_is_not_shown(client, cast, team):
    add_action(team)
    Enrolment.objects.filter(pupil=cast.linked_pupil).update(end_date=datetime.date(2026, 11, 23))
    assert rows(signed_in(client, "head_of_year").get(LIST)) == []


def test_a_practitioner_who_left_the_team_no_longer_sees_its_notices(client, cast, team):
    add_action(team)
    member = team.case.members.get(user=team.caseworker)
    case_member_end(
        actor=team.lead, case=team.case, member=member, ends_on=datetime.date(2026, 11, 23)
    )
    # Still linked to the pupil another way, but no longer on this case.
    assert (
        PupilLink.objects.current(datetime.date(2026, 11, 24)).filter(user=cast.caseworker).exists()
    )
    assert rows(signed_in(client, "caseworker").get(LIST)) == []


def test_opening_a_notice_marks_it_read_and_goes_to_the_case(client, team):
    add_action(team)
    notice = Notice.objects.get(recipient=team.caseworker)
    response = signed_in(client, "caseworker").post(reverse("notices:open", args=[notice.uuid]))
    assert response["Location"] == reverse("casework:case", args=[team.case.uuid])
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert AuditEntry.objects.filter(
        action="update", what="notice read", object_id=str(notice.uuid)
    ).exists()


def test_mark_read_stays_on_the_page(client, team):
    add_action(team)
    notice = Notice.objects.get(recipient=team.caseworker)
    response = signed_in(client, "caseworker").post(reverse("notices:read", args=[notice.uuid]))
    assert response["Location"] == f"{LIST}#notice-{notice.uuid}"
    notice.refresh_from_db()
    assert notice.is_read


def test_someone_elses_notice_cannot_be_opened_or_marked(client, team):
    add_action(team)
    notice = Notice.objects.get(recipient=team.caseworker)
    signed_in(client, "head_of_year")
    assert client.post(reverse("notices:open", args=[notice.uuid])).status_code == 404
    assert client.post(reverse("notices:read", args=[notice.uuid])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_and_marking_are_posted(client, team):
    add_action(team)
    notice = Notice.objects.get(recipient=team.caseworker)
    signed_in(client, "caseworker")
    assert client.get(reverse("notices:open", args=[notice.uuid])).status_code == 405
    assert client.get(reverse("notices:read", args=[notice.uuid])).status_code == 405


def test_signed_out_goes_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_the_header_counts_unread_notices(client, team):
    add_action(team)
    add_action(team, what="Another")
    body = signed_in(client, "caseworker").get(reverse("core:home")).content.decode()
    assert 'id="unread-notices">2<span' in body
    Notice.objects.filter(recipient=team.caseworker).update(
        read_at=Notice.objects.first().created_at
    )
    body = client.get(reverse("core:home")).content.decode()
    assert 'id="notices-link"' in body and 'id="unread-notices"' not in body


def test_the_page_reads_a_fixed_number_of_queries(
    client, team, settings, django_assert_max_num_queries
):
    settings.KNOTWORK_PAGE_SIZE = 5
    for n in range(12):
        add_action(team, actor=team.caseworker, what=f"Action {n}")
    signed_in(client, "officer")
    with django_assert_max_num_queries(21):
        response = client.get(LIST)
    assert len(rows(response)) == 5 and response.context["page"].paginator.count == 12
