from django.urls import path

from knotwork.directory import agency_views, partnership_views, setting_views

app_name = "directory"

urlpatterns = [
    path("settings/", setting_views.setting_list, name="setting-list"),
    path("settings/<uuid:setting_uuid>/", setting_views.setting_detail, name="setting-detail"),
    path(
        "partnerships/<uuid:partnership_uuid>/",
        partnership_views.partnership_detail,
        name="partnership-detail",
    ),
    path("agencies/", agency_views.agency_list, name="agency-list"),
    path("agencies/leaflet.pdf", agency_views.agency_leaflet, name="agency-leaflet"),
    path("agencies/export.csv", agency_views.agency_export, name="agency-export"),
    path("agencies/<uuid:agency_uuid>/", agency_views.agency_detail, name="agency-detail"),
]
