import pytest
from django.urls import reverse

from knotwork.accounts.models import Role
from knotwork.core.testing import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def home(client, username):
    client.login(username=username, password=PASSWORD)
    return client.get(reverse("core:home"))


def test_school_staff_see_their_setting_with_its_roll(client, cast):
    response = home(client, "officer")
    assert response.status_code == 200
    section = response.context["sections"][0]
    assert [s.name for s in section.settings] == ["Ashdown Academy"]
    assert section.settings[0].on_roll == 2


def test_coordinator_sees_every_setting_in_the_partnership(client, cast):
    section = home(client, "coordinator").context["sections"][0]
    assert {s.name for s in section.settings} == {"Ashdown Academy", "Beacon High School"}
    assert sum(s.on_roll for s in section.settings) == 3


def test_practitioner_sees_only_linked_pupils(client, cast):
    response = home(client, "caseworker")
    section = response.context["sections"][0]
    assert section.linked_pupils == [cast.linked_pupil]
    assert b"Liam Lewis" in response.content
    assert b"Amira" not in response.content


def test_board_member_sees_figures_but_no_pupil_links(client, cast):
    response = home(client, "board_member")
    assert b"Settings in the partnership" in response.content
    assert b"Find a pupil" not in response.content


def test_a_user_with_no_membership_is_told_what_to_do(client, cast):
    make_user("newcomer")
    response = home(client, "newcomer")
    assert b"not linked to a setting" in response.content


def test_home_needs_sign_in(client, cast):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith("/account/sign-in/")


def test_staff_who_edit_get_the_today_list_and_the_import_page(client, cast):
    content = home(client, "officer").content.decode()
    assert reverse("attendance:today", args=[cast.school_a.uuid]) in content
    assert reverse("attendance:imports") in content
    assert reverse("attendance:dashboard") in content


def test_read_only_staff_are_not_offered_the_import_page(client, cast):
    content = home(client, "head_of_year").content.decode()
    assert reverse("attendance:today", args=[cast.school_a.uuid]) in content
    assert reverse("attendance:imports") not in content


def test_board_members_get_the_dashboard_but_no_today_list(client, cast):
    content = home(client, "board_member").content.decode()
    assert reverse("attendance:dashboard") in content
    assert "/today/" not in content


def test_the_data_protection_lead_is_offered_the_report_and_the_view_log(client, cast):
    from knotwork.privacy.tests.helpers import make_lead

    make_lead(cast.partnership, role=Role.LA_OFFICER, organisation=cast.la_service)
    labels = [link.label for link in home(client, "dpo").context["privacy_links"]]
    assert labels == [
        "Break-glass uses to review",
        "A pupil's view log and subject access export",
        "Break glass: open a record in an emergency",
    ]


@pytest.mark.parametrize("username", ["officer", "caseworker", "coordinator"])
def test_those_who_work_with_pupils_may_break_glass_but_see_no_report(client, cast, username):
    content = home(client, username).content.decode()
    assert reverse("privacy:break-glass") in content
    assert reverse("privacy:report") not in content


def test_board_members_are_not_offered_break_glass(client, cast):
    response = home(client, "board_member")
    assert response.context["privacy_links"] == []
    assert reverse("privacy:break-glass") not in response.content.decode()
