"""The partnership's landing page: a card per area for the roles that may see it, with
its first figures, never a pupil's name, in a handful of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from knotwork.core.testing import PASSWORD, make_user
from knotwork.placements.budget_models import InterventionOrder
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.provision_models import ProvisionReview
from knotwork.placements.tests.budget_helpers import make_budget, make_item, make_officer, place
from knotwork.placements.tests.panel_helpers import build_panel_world, enrol, make_move
from knotwork.placements.tests.provision_helpers import place as ap_place
from knotwork.placements.tests.provision_helpers import provision_world  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/placements/"


def login(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def business(world):
    """The cast's partnership with a panel meeting on Thursday (Amira on its agenda), one
    move in its trial and one judged a success, a pupil waiting to start a fair access
    place, an AP placement with a review overdue, a budget and an order."""
    cast = world.cast
    build_panel_world(cast)
    make_move(cast, pupil=cast.linked_pupil)  # in trial
    make_move(
        cast,
        pupil=cast.pupil_b,
        from_setting=cast.school_b,
        to_setting=cast.school_a,
        status=ManagedMove.Status.PERMANENT,
        starts_on=D(2025, 9, 8),
        trial_ends_on=D(2025, 10, 20),
        finalised_on=D(2025, 10, 20),
        parent_agreed_on=D(2025, 9, 1),
    )
    enrol(cast.pupil_b, cast.school_a, D(2025, 10, 20))
    FairAccessPlacement.objects.create(
        partnership=cast.partnership,
        pupil=cast.pupil_b,
        category="a",
        out_of_school_from=D(2026, 10, 1),
        placed_at=cast.school_a,
        placed_on=D(2026, 11, 2),
        recorded_by=cast.coordinator,
    )
    placement = ap_place(world)
    ProvisionReview.objects.create(placement=placement, due_on=D(2026, 11, 20))
    make_budget(cast)
    make_officer(cast)
    place(cast, make_item(cast))
    return world


def test_signed_out_goes_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_post_is_405(client, cast):
    assert login(client, "coordinator").post(URL).status_code == 405


def test_it_is_the_placements_index():
    assert reverse("placements:index") == URL


def test_the_coordinator_sees_every_card_with_its_figures(
    client, business, django_assert_max_num_queries
):
    login(client, "coordinator")
    # Each card asks its area's own access helper, so the count does not grow with the
    # partnership's records: a few queries a card.
    with django_assert_max_num_queries(36):
        response = client.get(URL)
    assert response.status_code == 200
    landing = response.context["landing"]
    assert landing.panels.next_meeting.held_on == D(2026, 11, 26) and landing.panels.items == 1
    assert (landing.moves.in_trial, landing.moves.judged) == (1, 1)
    assert landing.moves.per_cent == Decimal("100.0") and landing.moves.band
    assert landing.fair_access_waiting == 1
    assert landing.reviews_overdue >= 1
    assert landing.menu.items == 1 and landing.menu.open_orders == 1
    # 10,000 in, one half day at the officer's £125 committed.
    assert landing.budget.balance == Decimal("9875.00")
    assert landing.caseloads.open_orders == 1  # the coordinator works for the LA service
    html = response.content.decode()
    for heading in ("Panel meetings", "Managed moves", "Fair access", "Alternative provision",
                    "The intervention menu and orders", "The pooled budget"):  # fmt: skip
        assert heading in html
    for name in ("Amira", "Liam", "Bea", "Ahmed", "Brown"):
        assert name not in html


def test_the_la_officer_sees_the_caseloads(client, business):
    response = login(client, "baofficer").get(URL)
    card = response.context["landing"].caseloads
    assert (card.open_orders, card.over_limit) == (
        InterventionOrder.objects.filter(status__in=InterventionOrder.OPEN).count(),
        0,
    )
    assert "Officers' caseloads" in response.content.decode()


def test_a_board_member_sees_figures_but_no_panel_and_no_pupil(client, business):
    response = login(client, "board_member").get(URL)
    landing = response.context["landing"]
    assert landing.panels is None  # board members have no seat
    assert landing.caseloads is None
    assert landing.menu.open_orders is None  # no orders in their scope
    assert landing.moves.in_trial == 1 and landing.budget.budget is not None
    html = response.content.decode()
    assert "Panel meetings" not in html and "Open orders" not in html
    for name in ("Amira", "Liam", "Bea", "Ahmed", "Brown"):
        assert name not in html


def test_school_staff_see_their_panel_and_orders(client, business):
    landing = login(client, "officer").get(URL).context["landing"]
    assert landing.panels.items == 1  # School A has a seat
    assert landing.menu.open_orders == 1
    assert landing.caseloads is None


def test_a_school_without_a_seat_sees_no_panel_card(client, business):
    landing = login(client, "outsider").get(URL).context["landing"]
    assert landing.panels is None
    assert landing.menu.open_orders == 0  # the order is School A's


def test_someone_with_no_partnership_is_told_so(client, cast):
    make_user("nobody")
    response = login(client, "nobody").get(URL)
    assert response.status_code == 200 and response.context["landing"].empty
    assert "no place in a partnership" in response.content.decode()
