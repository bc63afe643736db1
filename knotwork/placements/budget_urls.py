"""Routes of the intervention menu, orders, the pooled budget and officers' caseloads,
under ``placements/interventions/``."""

from django.urls import path

from knotwork.placements import budget_views, menu_views, order_views

urlpatterns = [
    path("", menu_views.menu_list, name="menu-list"),
    path("new/", menu_views.menu_item_edit, name="menu-new"),
    path("<uuid:item_uuid>/edit/", menu_views.menu_item_edit, name="menu-edit"),
    path("orders/", order_views.order_list, name="order-list"),
    path("orders/new/", order_views.order_new, name="order-new"),
    path("orders/<uuid:order_uuid>/", order_views.order_detail, name="order-detail"),
    path("orders/<uuid:order_uuid>/officer/", order_views.order_assign, name="order-assign"),
    path(
        "orders/<uuid:order_uuid>/sessions/",
        order_views.order_session_add,
        name="order-session-add",
    ),
    path("orders/<uuid:order_uuid>/delivered/", order_views.order_finish, name="order-finish"),
    path("orders/<uuid:order_uuid>/cancel/", order_views.order_cancel, name="order-cancel"),
    path("orders/<uuid:order_uuid>/refund/", order_views.order_refund, name="order-refund"),
    path("budget/", budget_views.budget_current, name="budget-current"),
    path("budget/new/", budget_views.budget_open_page, name="budget-open"),
    path("budget/<uuid:budget_uuid>/", budget_views.budget_detail, name="budget-detail"),
    path(
        "budget/<uuid:budget_uuid>/entries/new/",
        budget_views.budget_entry_new,
        name="budget-entry-new",
    ),
    path(
        "budget/<uuid:budget_uuid>/statement.csv",
        budget_views.budget_statement_export,
        {"file_format": "csv"},
        name="budget-statement-csv",
    ),
    path(
        "budget/<uuid:budget_uuid>/statement.xlsx",
        budget_views.budget_statement_export,
        {"file_format": "xlsx"},
        name="budget-statement-xlsx",
    ),
    path(
        "budget/<uuid:budget_uuid>/ledger.csv",
        budget_views.budget_ledger_export,
        name="budget-ledger-csv",
    ),
    path(
        "budget/<uuid:budget_uuid>/ledger.xlsx",
        budget_views.budget_ledger_export,
        {"file_format": "xlsx"},
        name="budget-ledger-xlsx",
    ),
    path(
        "budget/<uuid:budget_uuid>/statement.pdf",
        budget_views.budget_statement_export,
        {"file_format": "pdf"},
        name="budget-statement-pdf",
    ),
    path(
        "budget/<uuid:budget_uuid>/outcomes/", budget_views.budget_outcomes, name="budget-outcomes"
    ),
    path("officers/", budget_views.officer_caseloads, name="officer-caseloads"),
]
