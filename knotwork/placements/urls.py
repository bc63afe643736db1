"""The partnership's pages. Each area keeps its routes in its own module; all share the
``placements`` namespace."""

from django.urls import URLPattern, URLResolver, include, path

app_name = "placements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("fair-access/", include("knotwork.placements.fair_access_urls")),
    path("provision/", include("knotwork.placements.provision_urls")),
]
