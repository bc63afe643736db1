import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def url(cast):
    return reverse("directory:partnership-detail", args=[cast.partnership.uuid])


def test_it_lists_members_by_kind_with_their_representatives(
    client, cast, django_assert_max_num_queries
):
    client.login(username="board_member", password=PASSWORD)
    with django_assert_max_num_queries(8):
        response = client.get(url(cast))
    assert response.status_code == 200
    groups = {
        g["title"]: [m["member"].organisation.name for m in g["members"]]
        for g in response.context["groups"]
    }
    assert groups["Settings"] == ["Ashdown Academy", "Beacon High School"]
    assert groups["Agencies"] == ["Child and Adolescent Mental Health Service"]
    assert groups["Local authority"] == ["East Marsh Behaviour and Attendance Service"]
    assert b"A Representative, Lead" in response.content


def test_it_needs_sign_in_and_is_get_only(client, cast):
    assert client.get(url(cast)).status_code == 302
    client.login(username="officer", password=PASSWORD)
    assert client.post(url(cast)).status_code == 405


def test_home_links_to_the_partnership(client, cast):
    client.login(username="coordinator", password=PASSWORD)
    response = client.get(reverse("core:home"))
    assert url(cast).encode() in response.content
