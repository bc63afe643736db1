"""Behaviour pages. Each area keeps its routes in its own module; all share the
``behaviour`` namespace."""

from django.urls import include, path

app_name = "behaviour"

urlpatterns = [
    path("incidents/", include("knotwork.behaviour.incident_urls")),
    path("exclusions/", include("knotwork.behaviour.exclusion_urls")),
    path("statistics/", include("knotwork.behaviour.statistics_urls")),
]
