"""Routes for the multi-agency tracking grid, under ``casework/grid/``."""

from django.urls import path

from knotwork.casework import grid_views as views

urlpatterns = [
    path("", views.grid_page, name="grid"),
    path("grid.<slug:file_format>", views.grid_export, name="grid-export"),
]
