"""The partnership's pages. Each area keeps its routes in its own module; all share the
``placements`` namespace."""

from django.urls import URLPattern, URLResolver

app_name = "placements"

urlpatterns: list[URLPattern | URLResolver] = []
