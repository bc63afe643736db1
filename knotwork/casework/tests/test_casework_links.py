"""Ways into the casework pages: the home page's links, each to the roles that may use the
page, and the pupil's "Refer" link, to those the refer form lets in."""

import pytest
from django.urls import reverse

from knotwork.casework.tests.referral_helpers import make_lead
from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

INBOX = reverse("casework:referral-inbox")
CASELOAD = reverse("casework:caseload")
GRID = reverse("casework:grid")
WAITING = reverse("casework:referral-waiting")
PAGES = {"inbox": INBOX, "caseload": CASELOAD, "grid": GRID, "waiting": WAITING}

#: Which casework pages each of the cast is offered on the home page.
OFFERED = {
    "officer": {"caseload", "grid"},
    "head_of_year": {"caseload", "grid"},
    "outsider": {"caseload", "grid"},
    "caseworker": {"inbox", "caseload", "grid"},
    "coordinator": {"inbox", "caseload", "grid", "waiting"},
    "board_member": {"waiting"},
}


def signed_in(client, username):
    client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("who", sorted(OFFERED))
def test_the_home_page_offers_each_role_the_casework_pages_it_may_use(client, cast, who):
    content = signed_in(client, who).get(reverse("core:home")).content.decode()
    offered = {name for name, url in PAGES.items() if f'href="{url}"' in content}
    assert offered == OFFERED[who]


@pytest.mark.parametrize("who", sorted(OFFERED))
def test_every_page_offered_opens_and_every_one_withheld_does_not(client, cast, who):
    signed_in(client, who)
    for name, url in PAGES.items():
        status = client.get(url).status_code
        if name in OFFERED[who]:
            assert status == 200, (name, status)
        elif name == "caseload":  # only the user's own cases, so it opens, empty
            assert client.get(url).context["rows"] == []
        else:
            assert status in (403, 404), (name, status)


def test_the_concern_worklist_is_linked_for_staff_and_not_for_the_board(client, cast):
    worklist = reverse("casework:worklist", args=[cast.school_a.uuid])
    assert worklist in signed_in(client, "officer").get(reverse("core:home")).content.decode()
    assert worklist in signed_in(client, "coordinator").get(reverse("core:home")).content.decode()
    home = signed_in(client, "board_member").get(reverse("core:home")).content.decode()
    assert worklist not in home


def test_a_practitioner_who_answers_referrals_is_offered_the_inbox(client, cast):
    make_lead(cast)
    content = signed_in(client, "camhs_lead").get(reverse("core:home")).content.decode()
    assert f'href="{INBOX}"' in content


@pytest.mark.parametrize(
    "who, pupil",
    [
        ("officer", "pupil_a"),
        ("head_of_year", "pupil_a"),
        ("coordinator", "pupil_a"),
        ("coordinator", "pupil_b"),
        ("outsider", "pupil_b"),
        ("caseworker", "linked_pupil"),
    ],
)
def test_the_refer_link_shows_exactly_when_the_refer_form_opens(client, cast, who, pupil):
    pupil = getattr(cast, pupil)
    refer = reverse("casework:referral-new", args=[pupil.uuid])
    profile = signed_in(client, who).get(reverse("pupils:profile", args=[pupil.uuid]))
    assert profile.status_code == 200
    offered = refer in profile.content.decode()
    opens = client.get(refer).status_code == 200
    assert offered == opens


def test_staff_who_edit_are_offered_refer_and_read_only_staff_are_not(client, cast):
    refer = reverse("casework:referral-new", args=[cast.pupil_a.uuid])
    profile = reverse("pupils:profile", args=[cast.pupil_a.uuid])
    assert refer in signed_in(client, "officer").get(profile).content.decode()
    assert refer not in signed_in(client, "head_of_year").get(profile).content.decode()
