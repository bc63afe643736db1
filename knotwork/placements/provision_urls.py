"""Alternative provision routes, under ``placements/provision/``."""

from django.urls import path

from knotwork.placements import provision_views as views

urlpatterns = [
    path("", views.provision_overview, name="provision-overview"),
    path("placements.csv", views.provision_csv, name="provision-csv"),
    path("placements.xlsx", views.provision_csv, {"file_format": "xlsx"}, name="provision-xlsx"),
    path("providers/", views.provision_providers, name="provision-providers"),
    path("providers/<uuid:setting_uuid>/", views.provision_provider, name="provision-provider"),
    path(
        "providers/<uuid:setting_uuid>/edit/",
        views.provision_provider_edit,
        name="provision-provider-edit",
    ),
    path("new/<uuid:pupil_uuid>/", views.provision_new, name="provision-new"),
    path("from-panel/<uuid:item_uuid>/", views.provision_from_item, name="provision-from-item"),
    path("<uuid:placement_uuid>/", views.provision_placement, name="provision-placement"),
    path("<uuid:placement_uuid>/edit/", views.provision_edit, name="provision-edit"),
    path("<uuid:placement_uuid>/end/", views.provision_ended, name="provision-end"),
    path("reviews/<uuid:review_uuid>/", views.provision_review, name="provision-review"),
]
