"""The partnership's records people keep by hand: its panels and their seats, the
intervention menu and its prices, pooled budgets, providers' quality records and the fair
share weights; and the budget's ledger, to read only.

Agenda items, managed moves, fair access and provision placements, reviews and orders are
not here: they are about a child and change only through the placements services, which
check access and write the audit row. A ledger entry is never edited or deleted (a mistake
is put right by another entry, through the budget's page), so its admin only shows it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from knotwork.placements.budget_models import BudgetEntry, MenuItem, MenuPrice, PooledBudget
from knotwork.placements.fair_access_models import FairShareWeighting
from knotwork.placements.panel_models import Panel, PanelMember
from knotwork.placements.provision_models import ProviderProfile


class PanelMemberInline(admin.TabularInline[PanelMember, Panel]):
    model = PanelMember
    extra = 0
    fields = ["organisation", "role", "expected", "ended_on"]


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin[Panel]):
    list_display = ["name", "partnership", "frequency", "papers_days"]
    list_filter = ["partnership", "frequency"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]
    inlines = [PanelMemberInline]


class MenuPriceInline(admin.TabularInline[MenuPrice, MenuItem]):
    model = MenuPrice
    extra = 0


@admin.register(MenuItem)
class MenuItemAdmin(admin.ModelAdmin[MenuItem]):
    list_display = ["activity", "strand", "provider", "charging", "estimate_half_days", "active"]
    list_filter = ["strand", "charging", "active", "provider"]
    list_select_related = ["provider"]
    search_fields = ["activity", "heading", "provider_role"]
    filter_horizontal = ["outcomes"]
    inlines = [MenuPriceInline]


@admin.register(PooledBudget)
class PooledBudgetAdmin(admin.ModelAdmin[PooledBudget]):
    list_display = ["partnership", "start_year", "accountable_manager"]
    list_filter = ["start_year", "partnership"]
    list_select_related = ["partnership", "accountable_manager"]
    search_fields = ["partnership__name"]
    readonly_fields = ["partnership", "start_year"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A budget's partnership and year are chosen when it is opened, then fixed.
        return self.readonly_fields if obj is not None else []


@admin.register(BudgetEntry)
class BudgetEntryAdmin(admin.ModelAdmin[BudgetEntry]):
    """The ledger, to read: entries are written by the budget and order services."""

    list_display = ["on", "budget", "kind", "account", "category", "setting", "amount"]
    list_filter = ["kind", "account", "category", "budget"]
    list_select_related = ["budget__partnership", "setting"]
    search_fields = ["budget__partnership__name", "setting__name", "order__item__activity"]
    date_hierarchy = "on"
    # The order is named by its menu item, never its pupil.
    _shown = (
        "budget",
        "on",
        "kind",
        "account",
        "category",
        "source",
        "setting",
        "amount",
        "order_item",
        "note",
        "recorded_by",
        "recorded_at",
    )
    fields = _shown
    readonly_fields = _shown

    @admin.display(description="Order of")
    def order_item(self, entry: BudgetEntry) -> str:
        return entry.order.item.activity if entry.order is not None else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin[ProviderProfile]):
    list_display = [
        "setting",
        "registration",
        "ofsted",
        "safeguarding_checked_on",
        "last_reviewed_on",
        "cost_per_day",
    ]
    list_filter = ["registration", "ofsted"]
    list_select_related = ["setting"]
    search_fields = ["setting__name", "registration_number"]


@admin.register(FairShareWeighting)
class FairShareWeightingAdmin(admin.ModelAdmin[FairShareWeighting]):
    list_display = ["setting", "partnership", "from_year", "weight"]
    list_filter = ["partnership", "from_year"]
    list_select_related = ["setting", "partnership"]
    search_fields = ["setting__name"]
