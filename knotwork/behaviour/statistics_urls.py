from django.urls import path, re_path

from knotwork.behaviour import statistics_views, unofficial_views

urlpatterns = [
    path("", statistics_views.statistics, name="statistics"),
    re_path(
        r"^export/(?P<table>[a-z-]+)\.(?P<file_format>csv|xlsx)$",
        statistics_views.export,
        name="statistics-export",
    ),
    path("watch/", unofficial_views.watch, name="unofficial-watch"),
    path("watch/export.csv", unofficial_views.watch_export, name="unofficial-watch-export"),
]
