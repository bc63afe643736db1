"""Routes for the panel pages."""

from django.urls import path

from knotwork.placements import panel_member_views
from knotwork.placements import panel_views as views

urlpatterns = [
    path("", views.panel_list, name="panel-list"),
    path("<uuid:panel_uuid>/meetings/", views.panel_meeting_new, name="panel-meeting-new"),
    path("<uuid:panel_uuid>/members/", panel_member_views.panel_members, name="panel-members"),
    path(
        "<uuid:panel_uuid>/members/new/",
        panel_member_views.panel_member_add,
        name="panel-member-add",
    ),
    path(
        "<uuid:panel_uuid>/members/<int:member_id>/end/",
        panel_member_views.panel_member_end,
        name="panel-member-end",
    ),
    path("meetings/<uuid:meeting_uuid>/", views.panel_meeting, name="panel-meeting"),
    path("meetings/<uuid:meeting_uuid>/items/", views.panel_item_new, name="panel-item-new"),
    path(
        "meetings/<uuid:meeting_uuid>/referrals/<uuid:referral_uuid>/",
        views.panel_item_from_referral,
        name="panel-item-from-referral",
    ),
    path(
        "meetings/<uuid:meeting_uuid>/attendance/",
        views.panel_attendance,
        name="panel-attendance",
    ),
    path("meetings/<uuid:meeting_uuid>/actions/", views.panel_action_new, name="panel-action-new"),
    path("meetings/<uuid:meeting_uuid>/minutes.pdf", views.panel_minutes, name="panel-minutes"),
    path("items/<uuid:item_uuid>/decision/", views.panel_item_decide, name="panel-item-decide"),
    path("actions/<uuid:action_uuid>/done/", views.panel_action_done, name="panel-action-done"),
]
