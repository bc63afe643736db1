"""Routes for the referrals pages."""

from django.urls import path

from knotwork.casework import referral_views as views
from knotwork.casework import waiting_views

urlpatterns = [
    path("inbox/", views.inbox_page, name="referral-inbox"),
    path("inbox.csv", views.inbox_export, name="referral-inbox-export"),
    path("waiting-times/", waiting_views.waiting_page, name="referral-waiting"),
    path("waiting-times.csv", waiting_views.waiting_export, name="referral-waiting-export"),
    path("pupils/<uuid:pupil_uuid>/new/", views.referral_new, name="referral-new"),
    path(
        "concerns/<uuid:concern_uuid>/new/",
        views.referral_from_concern,
        name="referral-from-concern",
    ),
    path("settings/<uuid:setting_uuid>/", views.setting_referrals, name="referral-setting"),
    path("<uuid:referral_uuid>/", views.referral_page, name="referral"),
    path("<uuid:referral_uuid>/<slug:step>/", views.referral_step, name="referral-step"),
]
