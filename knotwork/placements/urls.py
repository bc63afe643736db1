"""The partnership's pages. Each area keeps its routes in its own module; all share the
``placements`` namespace."""

from django.urls import URLPattern, URLResolver, include, path

from knotwork.placements import index_views

app_name = "placements"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", index_views.index, name="index"),
    path("panels/", include("knotwork.placements.panel_urls")),
    path("moves/", include("knotwork.placements.move_urls")),
    path("interventions/", include("knotwork.placements.budget_urls")),
    path("fair-access/", include("knotwork.placements.fair_access_urls")),
    path("provision/", include("knotwork.placements.provision_urls")),
]
