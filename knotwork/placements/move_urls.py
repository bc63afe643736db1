"""Routes for the managed-move pages."""

from django.urls import path

from knotwork.placements import move_views as views

urlpatterns = [
    path("", views.move_list, name="move-list"),
    path("monitor/", views.move_monitor, name="move-monitor"),
    path("monitor.csv", views.move_monitor_export, name="move-monitor-export"),
    path(
        "monitor.xlsx",
        views.move_monitor_export,
        {"file_format": "xlsx"},
        name="move-monitor-xlsx",
    ),
    path("monitor/year-after/", views.move_year_after, name="move-year-after"),
    path("items/<uuid:item_uuid>/new/", views.move_new, name="move-new"),
    path("<uuid:move_uuid>/", views.move_detail, name="move-detail"),
    path("<uuid:move_uuid>/reviews/", views.move_review, name="move-review"),
    path("<uuid:move_uuid>/outcome/", views.move_outcome, name="move-outcome"),
]
