"""More routes of the waiting-times page, under ``casework/referrals/`` beside the page
and its CSV."""

from django.urls import path

from knotwork.casework import waiting_views

urlpatterns = [
    path(
        "waiting-times.xlsx",
        waiting_views.waiting_export,
        {"file_format": "xlsx"},
        name="referral-waiting-xlsx",
    ),
]
