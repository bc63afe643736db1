"""The placements admin: panels, the menu, budgets, providers and weights are kept there;
the ledger is shown and never changed; children's records are not there at all."""

import pytest
from django.contrib import admin
from django.urls import reverse

from knotwork.core.testing import PASSWORD
from knotwork.placements.budget_models import (
    BudgetEntry,
    DeliveredSession,
    InterventionOrder,
    MenuItem,
    PooledBudget,
)
from knotwork.placements.fair_access_models import FairAccessPlacement, FairShareWeighting
from knotwork.placements.move_models import ManagedMove, ManagedMoveReview
from knotwork.placements.panel_models import (
    AgendaItem,
    MeetingAttendance,
    Panel,
    PanelAction,
    PanelMeeting,
)
from knotwork.placements.provision_models import (
    ProviderProfile,
    ProvisionPlacement,
    ProvisionReview,
)
from knotwork.placements.tests.budget_helpers import make_budget, make_item
from knotwork.placements.tests.panel_helpers import build_panel_world

pytestmark = pytest.mark.django_db


def signed_in(client):
    client.login(username="admin", password=PASSWORD)
    return client


def test_the_records_kept_by_hand_are_registered():
    for model in (Panel, MenuItem, PooledBudget, BudgetEntry, ProviderProfile, FairShareWeighting):
        assert admin.site.is_registered(model)


def test_childrens_records_are_not_in_the_admin():
    for model in (
        AgendaItem,
        PanelMeeting,
        MeetingAttendance,
        PanelAction,
        ManagedMove,
        ManagedMoveReview,
        FairAccessPlacement,
        ProvisionPlacement,
        ProvisionReview,
        InterventionOrder,
        DeliveredSession,
    ):
        assert not admin.site.is_registered(model)


def test_a_ledger_entry_may_be_read_but_never_added_changed_or_deleted(client, cast):
    budget = make_budget(cast)
    entry = BudgetEntry.objects.get(budget=budget)
    client = signed_in(client)
    listing = client.get(reverse("admin:placements_budgetentry_changelist"))
    assert listing.status_code == 200 and listing.context["cl"].result_count == 1
    page = client.get(reverse("admin:placements_budgetentry_change", args=[entry.pk]))
    assert page.status_code == 200  # shown, read only
    assert "10000.00" in page.content.decode() and 'name="amount"' not in page.content.decode()
    response = client.post(
        reverse("admin:placements_budgetentry_change", args=[entry.pk]), {"amount": "1.00"}
    )
    assert response.status_code == 403
    assert client.get(reverse("admin:placements_budgetentry_add")).status_code == 403
    delete = reverse("admin:placements_budgetentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert str(entry.amount) == "10000.00"


def test_the_lists_load_for_a_superuser(client, cast):
    build_panel_world(cast)
    make_item(cast)
    make_budget(cast)
    client = signed_in(client)
    for name, count in (
        ("panel", 1),
        ("menuitem", 1),
        ("pooledbudget", 1),
        ("providerprofile", 0),
        ("fairshareweighting", 0),
    ):
        response = client.get(reverse(f"admin:placements_{name}_changelist"))
        assert response.status_code == 200 and response.context["cl"].result_count == count


def test_a_panel_page_shows_its_seats(client, cast):
    world = build_panel_world(cast)
    response = signed_in(client).get(
        reverse("admin:placements_panel_change", args=[world.panel.pk])
    )
    assert response.status_code == 200
    assert "East Marsh Police, Safer Schools" in response.content.decode()


def test_a_search_finds_a_menu_item_by_its_name(client, cast):
    make_item(cast)
    response = signed_in(client).get(
        reverse("admin:placements_menuitem_changelist"), {"q": "Attendance intervention"}
    )
    assert response.context["cl"].result_count == 1
