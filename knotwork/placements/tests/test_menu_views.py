"""The menu page, read by the partnership's members, and its editing by the LA service."""

import pytest

from knotwork.core.models import AuditEntry
from knotwork.directory.models import Outcome
from knotwork.placements.budget_models import MenuItem
from knotwork.placements.tests.budget_helpers import D, make_item, signed_in

pytestmark = pytest.mark.django_db
LIST = "/placements/interventions/"
NEW = "/placements/interventions/new/"


def _form(**overrides):
    data = {
        "activity": "Register audit",
        "strand": "attendance",
        "heading": "Strategic",
        "details": "An audit of registers with advice and guidance.",
        "intended_outcomes": "Schools keep their registers as the regulations require.",
        "provider_role": "Behaviour & Attendance Officer",
        "likely_duration": "Half day",
        "estimate_half_days": "1",
        "charging": "payu",
        "officer_day": "225.00",
        "officer_half_day": "125.00",
        "active": "on",
    }
    data.update(overrides)
    return data


def test_members_see_the_menu_with_prices_and_charging(client, cast):
    make_item(cast)
    make_item(cast, activity="Reintegration support", charging="statutory", prices={})
    make_item(cast, activity="Withdrawn item", active=False)
    page = signed_in(client, "head_of_year").get(LIST).content.decode()
    assert "Attendance intervention" in page and "£225.00 a day, £125.00 a half day" in page
    assert "No cost to schools" in page
    assert "Withdrawn item" not in page and "Add to the menu" not in page
    assert "Order<span" not in page  # read only: nothing to order with
    assert "Order<span" in signed_in(client, "officer").get(LIST).content.decode()


def test_the_service_sees_items_off_the_menu_and_may_change_them(client, cast):
    make_item(cast, activity="Withdrawn item", active=False)
    page = signed_in(client, "coordinator").get(LIST).content.decode()
    assert "Withdrawn item" in page and "Add to the menu" in page


def test_signed_out_goes_to_sign_in(client):
    assert "sign-in" in client.get(LIST)["Location"]
    assert "sign-in" in client.get(NEW)["Location"]


def test_the_service_adds_an_item_with_prices_and_outcomes(client, cast):
    outcome = Outcome.objects.first()
    response = signed_in(client, "coordinator").post(NEW, _form(outcomes=[outcome.pk]))
    item = MenuItem.objects.get()
    assert response.status_code == 302 and str(item.uuid) in response["Location"]
    assert (item.activity, item.provider, item.charging) == (
        "Register audit",
        cast.la_service,
        "payu",
    )
    assert [(p.rate, p.price_per_day, p.price_per_half_day) for p in item.prices.all()] == [
        ("officer", D("225.00"), D("125.00"))
    ]
    assert list(item.outcomes.all()) == [outcome]
    audit = AuditEntry.objects.get(object_type="placements.menuitem")
    assert (audit.action, audit.actor, audit.pupil) == ("create", cast.coordinator, None)


def test_the_service_changes_an_item(client, cast):
    item = make_item(cast)
    url = f"/placements/interventions/{item.uuid}/edit/"
    assert signed_in(client, "coordinator").get(url).status_code == 200
    client.post(url, _form(activity="Attendance intervention (bespoke)", charging="statutory"))
    item.refresh_from_db()
    assert (item.activity, item.charging) == ("Attendance intervention (bespoke)", "statutory")
    assert AuditEntry.objects.filter(action="update", object_id=str(item.uuid)).exists()


def test_school_staff_may_not_change_the_menu(client, cast):
    item = make_item(cast)
    signed_in(client, "officer")
    assert client.get(NEW).status_code == 403
    assert client.post(f"/placements/interventions/{item.uuid}/edit/", _form()).status_code == 403
    assert signed_in(client, "board_member").get(NEW).status_code == 403


def test_a_priced_item_without_a_price_is_shown_again_and_nothing_saved(client, cast):
    response = signed_in(client, "coordinator").post(
        NEW, _form(officer_day="", officer_half_day="")
    )
    assert response.status_code == 200
    assert "needs a price for a role" in response.content.decode()
    assert response.context["form"]["activity"].value() == "Register audit"
    assert not MenuItem.objects.exists()


def test_a_day_price_without_a_half_day_price_is_refused(client, cast):
    response = signed_in(client, "coordinator").post(NEW, _form(officer_half_day=""))
    assert "Give both" in response.content.decode()
    assert not MenuItem.objects.exists()


def test_an_unknown_item_is_404(client, cast):
    url = "/placements/interventions/00000000-0000-0000-0000-000000000000/edit/"
    assert signed_in(client, "coordinator").get(url).status_code == 404
