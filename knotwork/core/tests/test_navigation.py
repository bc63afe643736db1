"""The service menu: the same items for everyone signed in, the audit trail for
administrators, and the item for the part of the site a page belongs to marked."""

import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD

pytestmark = pytest.mark.django_db

MENU = [
    "Home",
    "Pupils",
    "Attendance",
    "Behaviour",
    "Partnership",
    "Settings",
    "Agency directory",
]


def menu(client, username, url):
    client.login(username=username, password=PASSWORD)
    return client.get(url).context["nav_items"]


def test_everyone_signed_in_has_the_same_menu(client, cast):
    items = menu(client, "head_of_year", reverse("core:home"))
    assert [i["label"] for i in items] == MENU
    by_label = {i["label"]: i["url"] for i in items}
    assert by_label["Partnership"] == reverse("placements:index")


def test_administrators_also_have_the_audit_trail(client, cast):
    items = menu(client, "admin", reverse("core:home"))
    assert [i["label"] for i in items] == [*MENU, "Audit trail"]


def test_casework_has_no_item_as_each_role_starts_from_its_own_page(client, cast):
    items = menu(client, "officer", reverse("casework:worklist", args=[cast.school_a.uuid]))
    assert "Casework" not in [i["label"] for i in items]
    assert not any(i["active"] for i in items)


def test_partnership_is_marked_on_the_partnership_pages(client, cast):
    items = menu(client, "coordinator", reverse("placements:fair-access-list"))
    assert [i["label"] for i in items if i["active"]] == ["Partnership"]
    items = menu(client, "coordinator", reverse("core:home"))
    assert [i["label"] for i in items if i["active"]] == ["Home"]


def test_signed_out_there_is_no_menu(client, cast):
    response = client.get("/account/sign-in/")
    assert "nav_items" not in response.context
