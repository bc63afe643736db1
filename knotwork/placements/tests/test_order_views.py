"""The order pages: placing an order from the menu for a pupil or a group, the orders list,
an order's page, and the service recording its delivery, finishing, cancelling and
refunding."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_pupil
from knotwork.placements.budget_models import BudgetEntry, InterventionOrder
from knotwork.placements.order_services import order_session_record
from knotwork.placements.tests.budget_helpers import (
    D,
    make_budget,
    make_item,
    make_officer,
    place,
    signed_in,
    today,  # noqa: F401
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]
NEW = "/placements/interventions/orders/new/"
LIST = "/placements/interventions/orders/"
NOV = datetime.date(2026, 11, 2)


def _url(order, action=""):
    return f"/placements/interventions/orders/{order.uuid}/{action}"


def _order_form(item, cast, **overrides):
    data = {
        "item": item.pk,
        "setting": cast.school_a.pk,
        "rate": "officer",
        "half_days": "1",
        "paid_from": "pooled",
        "ordered_on": "2026-11-24",
    }
    data.update(overrides)
    return data


# --- Placing ------------------------------------------------------------------------------------


def test_a_school_orders_a_half_day_for_a_pupil_and_sees_the_estimate(client, cast):
    make_budget(cast)
    item = make_item(cast)
    signed_in(client)
    form = client.get(f"{NEW}?item={item.uuid}&pupil={cast.pupil_a.uuid}")
    assert form.status_code == 200 and "Amira" in form.content.decode()
    assert AuditEntry.objects.filter(pupil=cast.pupil_a, what="order form").exists()
    response = client.post(
        f"{NEW}?item={item.uuid}&pupil={cast.pupil_a.uuid}", _order_form(item, cast)
    )
    order = InterventionOrder.objects.get()
    assert response["Location"] == _url(order)
    assert (order.pupil, order.setting, order.estimate, order.ordered_by) == (
        cast.pupil_a,
        cast.school_a,
        D("125.00"),
        cast.officer,
    )
    assert order.entries.get().kind == BudgetEntry.Kind.COMMITMENT
    assert AuditEntry.objects.filter(
        action="create", pupil=cast.pupil_a, object_id=str(order.uuid)
    ).exists()


def test_a_group_order_says_who_and_how_many(client, cast):
    make_budget(cast)
    item = make_item(cast)
    signed_in(client).post(NEW, _order_form(item, cast, group_label="Year 9 girls", group_size="8"))
    order = InterventionOrder.objects.get()
    assert (order.pupil, order.group_label, order.group_size) == (None, "Year 9 girls", 8)


def test_a_group_order_without_its_group_is_shown_again_and_nothing_saved(client, cast):
    make_budget(cast)
    item = make_item(cast)
    response = signed_in(client).post(NEW, _order_form(item, cast, half_days="3"))
    assert response.status_code == 200
    assert "Say who the group is" in response.content.decode()
    assert response.context["form"]["half_days"].value() == "3"
    assert not InterventionOrder.objects.exists()


def test_without_a_budget_the_order_is_refused_on_the_form(client, cast):
    item = make_item(cast)
    response = signed_in(client).post(f"{NEW}?pupil={cast.pupil_a.uuid}", _order_form(item, cast))
    assert "no budget open" in response.content.decode()
    assert not InterventionOrder.objects.exists()


def test_ordering_is_for_those_who_may_change_the_pupil(client, cast):
    make_budget(cast)
    item = make_item(cast)
    assert "sign-in" in client.get(NEW)["Location"]
    url = f"{NEW}?pupil={cast.pupil_a.uuid}"
    assert signed_in(client, "head_of_year").get(url).status_code == 403
    assert signed_in(client, "outsider").get(url).status_code == 404
    assert signed_in(client, "board_member").get(NEW).status_code == 403
    assert signed_in(client, "head_of_year").post(url, _order_form(item, cast)).status_code == 403
    assert not InterventionOrder.objects.exists()


# --- The list and the order's page --------------------------------------------------------------


def test_the_list_shows_orders_the_user_may_see_and_audits_their_pupils(client, cast):
    make_budget(cast)
    item = make_item(cast)
    mine = place(cast, item)
    group = place(cast, item, pupil=None, group_label="Year 8", group_size=10)
    theirs = place(cast, item, actor=cast.outsider, setting=cast.school_b, pupil=cast.pupil_b)
    response = signed_in(client).get(LIST)
    assert set(response.context["orders"]) == {mine, group}
    assert AuditEntry.objects.filter(what="intervention orders", pupil=cast.pupil_a).count() == 1
    coordinator_sees = signed_in(client, "coordinator").get(LIST).context["orders"]
    assert set(coordinator_sees) == {mine, group, theirs}
    assert signed_in(client, "board_member").get(LIST).context["orders"] == []


def test_the_list_pages_in_a_fixed_number_of_queries(
    client, cast, settings, django_assert_max_num_queries
):
    settings.KNOTWORK_PAGE_SIZE = 5
    make_budget(cast)
    item = make_item(cast)
    for _ in range(7):
        place(cast, item, pupil=make_pupil(setting=cast.school_a), ordered_on=NOV)
    signed_in(client)
    with django_assert_max_num_queries(14):  # with asking which pupils the user sees
        response = client.get(LIST)
    assert len(response.context["orders"]) == 5
    with CaptureQueriesContext(connection) as five:
        client.get(LIST)
    with CaptureQueriesContext(connection) as two:
        assert len(client.get(LIST + "?page=2").context["orders"]) == 2
    assert len(five) == len(two)


def test_the_order_page_shows_its_sessions_and_money(client, cast):
    make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=3)
    order_session_record(actor=officer, order=order, on=NOV, length="day")
    response = signed_in(client, "head_of_year").get(_url(order))
    page = response.context["page"]
    assert (page.money.charged, page.money.committed, page.half_days_delivered) == (
        D("225.00"),
        D("125.00"),
        2,
    )
    assert not response.context["delivering"]
    assert AuditEntry.objects.filter(
        action="view", pupil=cast.pupil_a, object_id=str(order.uuid)
    ).exists()


def test_an_outsider_gets_404_for_an_order(client, cast):
    make_budget(cast)
    order = place(cast, make_item(cast))
    assert signed_in(client, "outsider").get(_url(order)).status_code == 404
    assert signed_in(client, "board_member").get(_url(order)).status_code == 404
    client.logout()
    assert "sign-in" in client.get(_url(order))["Location"]


# --- Delivery -----------------------------------------------------------------------------------


def test_the_service_records_a_session_and_the_charge_follows(client, cast):
    budget = make_budget(cast)
    make_officer(cast)
    order = place(cast, make_item(cast))
    response = signed_in(client, "baofficer").post(
        _url(order, "sessions/"), {"on": "2026-11-23", "length": "half_day", "rate": "officer"}
    )
    assert response.status_code == 302
    session = order.sessions.get()
    assert (session.charge, session.on) == (D("125.00"), datetime.date(2026, 11, 23))
    assert budget.entries.filter(kind="spend", amount=D("125.00")).exists()
    assert AuditEntry.objects.filter(what="intervention session", pupil=cast.pupil_a).exists()


def test_a_session_in_the_future_is_shown_again_and_nothing_saved(client, cast):
    make_budget(cast)
    make_officer(cast)
    order = place(cast, make_item(cast))
    response = signed_in(client, "baofficer").post(
        _url(order, "sessions/"), {"on": "2026-12-01", "length": "day", "rate": "officer"}
    )
    assert response.status_code == 200 and "once they have been delivered" in (
        response.content.decode()
    )
    assert not order.sessions.exists()


def test_post_only_pages_refuse_get(client, cast):
    make_budget(cast)
    make_officer(cast)
    order = place(cast, make_item(cast))
    signed_in(client, "baofficer")
    for action in ("sessions/", "delivered/", "cancel/"):
        assert client.get(_url(order, action)).status_code == 405


def test_school_staff_may_not_record_delivery(client, cast):
    make_budget(cast)
    order = place(cast, make_item(cast))
    signed_in(client)
    data = {"on": "2026-11-23", "length": "day", "rate": "officer"}
    assert client.post(_url(order, "sessions/"), data).status_code == 403
    assert client.get(_url(order, "officer/")).status_code == 403
    assert client.get(_url(order, "refund/")).status_code == 403
    assert signed_in(client, "outsider").post(_url(order, "sessions/"), data).status_code == 404
    assert not order.sessions.exists()


def test_the_service_names_the_officer(client, cast):
    make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast))
    signed_in(client, "baofficer")
    assert client.get(_url(order, "officer/")).status_code == 200
    client.post(_url(order, "officer/"), {"officer": officer.pk, "starts_on": "2026-11-25"})
    order.refresh_from_db()
    assert (order.officer, order.starts_on) == (officer, datetime.date(2026, 11, 25))


def test_finishing_and_refunding(client, cast):
    budget = make_budget(cast)
    officer = make_officer(cast)
    order = place(cast, make_item(cast), half_days=4)
    order_session_record(actor=officer, order=order, on=NOV, length="day")
    signed_in(client, "baofficer")
    client.post(_url(order, "delivered/"), {"on": "2026-11-20"})
    order.refresh_from_db()
    assert order.status == "delivered"
    assert client.get(_url(order, "refund/")).status_code == 200
    too_much = client.post(
        _url(order, "refund/"), {"amount": "300.00", "reason": "goodwill", "on": "2026-11-24"}
    )
    assert too_much.status_code == 200 and not budget.entries.filter(kind="refund").exists()
    client.post(_url(order, "refund/"), {"amount": "", "reason": "goodwill", "on": "2026-11-24"})
    assert budget.entries.get(kind="refund").amount == D("225.00")


def test_the_school_cancels_its_order_and_a_read_only_member_may_not(client, cast):
    make_budget(cast)
    order = place(cast, make_item(cast), half_days=4)
    refused = signed_in(client, "head_of_year").post(_url(order, "cancel/"), {"on": "2026-11-24"})
    assert refused.status_code == 403
    signed_in(client).post(_url(order, "cancel/"), {"on": "2026-11-24"})
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert AuditEntry.objects.filter(what="intervention order: cancelled").count() == 1
