from django.urls import path

from knotwork.attendance import import_views

urlpatterns = [
    path("", import_views.imports, name="imports"),
    path("<uuid:run_uuid>/", import_views.run_detail, name="import-run"),
    path("<uuid:run_uuid>/progress/", import_views.run_progress, name="import-progress"),
    path("<uuid:run_uuid>/run/", import_views.run_start, name="import-start"),
    path("<uuid:run_uuid>/errors.csv", import_views.run_errors, name="import-errors"),
]
