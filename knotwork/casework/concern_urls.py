"""Routes for the concerns pages."""

from django.urls import path

from knotwork.casework import concern_views

urlpatterns = [
    path("settings/<uuid:setting_uuid>/", concern_views.worklist_page, name="worklist"),
    path(
        "settings/<uuid:setting_uuid>/concerns.csv",
        concern_views.worklist_export,
        name="worklist-csv",
    ),
    path("pupils/<uuid:pupil_uuid>/", concern_views.pupil_concerns, name="pupil-concerns"),
    path("pupils/<uuid:pupil_uuid>/new/", concern_views.concern_new, name="concern-new"),
    path("<uuid:concern_uuid>/acknowledge/", concern_views.acknowledge, name="concern-acknowledge"),
    path("<uuid:concern_uuid>/dismiss/", concern_views.dismiss, name="concern-dismiss"),
]
