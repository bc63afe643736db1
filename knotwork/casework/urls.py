"""Casework pages. Each area keeps its routes in its own module; all share the
``casework`` namespace."""

from django.urls import include, path

app_name = "casework"

urlpatterns = [
    path("concerns/", include("knotwork.casework.concern_urls")),
    path("referrals/", include("knotwork.casework.referral_urls")),
    path("referrals/", include("knotwork.casework.waiting_urls")),
    path("cases/", include("knotwork.casework.case_urls")),
    path("sharing/", include("knotwork.casework.consent_urls")),
    path("grid/", include("knotwork.casework.grid_urls")),
]
