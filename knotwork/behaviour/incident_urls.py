from django.urls import path

from knotwork.behaviour import (
    incident_pattern_views,
    incident_views,
    pupil_behaviour_views,
    withdrawal_views,
)

urlpatterns = [
    path("", incident_views.incident_list_page, name="incidents"),
    path("export.csv", incident_views.incident_export, name="incident-export"),
    path("new/", incident_views.incident_new, name="incident-new"),
    path("pupil-search/", incident_views.picker_search, name="incident-pupil-search"),
    path("patterns/", incident_pattern_views.patterns_page, name="incident-patterns"),
    path(
        "patterns/<slug:table>.csv",
        incident_pattern_views.patterns_export,
        name="incident-patterns-export",
    ),
    path(
        "pupils/<uuid:pupil_uuid>/",
        pupil_behaviour_views.pupil_behaviour_page,
        name="pupil-behaviour",
    ),
    path(
        "pupils/<uuid:pupil_uuid>/withdrawals/new/",
        withdrawal_views.withdrawal_new,
        name="withdrawal-new",
    ),
    path("<uuid:incident_uuid>/", incident_views.incident_detail, name="incident"),
    path("<uuid:incident_uuid>/edit/", incident_views.incident_edit, name="incident-edit"),
    path("<uuid:incident_uuid>/pupils/", incident_views.incident_pupil, name="incident-pupil"),
    path(
        "<uuid:incident_uuid>/pupils/remove/",
        incident_views.incident_pupil_delete,
        name="incident-pupil-remove",
    ),
    path(
        "<uuid:incident_uuid>/follow-up-done/",
        incident_views.incident_follow_up,
        name="incident-follow-up-done",
    ),
    path(
        "<uuid:incident_uuid>/withdraw/",
        incident_views.incident_withdraw_page,
        name="incident-withdraw",
    ),
]
