"""Fair access routes, under ``placements/fair-access/``."""

from django.urls import path

from knotwork.placements import fair_access_views as views

urlpatterns = [
    path("", views.fair_access_list, name="fair-access-list"),
    path("fair-access.csv", views.fair_access_csv, name="fair-access-csv"),
    path(
        "fair-access.xlsx", views.fair_access_csv, {"file_format": "xlsx"}, name="fair-access-xlsx"
    ),
    path("share/", views.fair_access_share, name="fair-access-share"),
    path("share/weight/", views.fair_access_weight, name="fair-access-weight"),
    path("share.csv", views.fair_access_share_csv, name="fair-access-share-csv"),
    path(
        "share.xlsx",
        views.fair_access_share_csv,
        {"file_format": "xlsx"},
        name="fair-access-share-xlsx",
    ),
    path("new/<uuid:pupil_uuid>/", views.fair_access_new, name="fair-access-new"),
    path("new-child/", views.fair_access_new_child, name="fair-access-new-child"),
    path("from-panel/<uuid:item_uuid>/", views.fair_access_from_item, name="fair-access-from-item"),
    path("<uuid:placement_uuid>/", views.fair_access_placement, name="fair-access-placement"),
    path("<uuid:placement_uuid>/start/", views.fair_access_started, name="fair-access-start"),
]
