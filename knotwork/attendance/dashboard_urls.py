from django.urls import path, re_path

from knotwork.attendance import dashboard_views

urlpatterns = [
    path("", dashboard_views.dashboard, name="dashboard"),
    re_path(
        r"^export/(?P<table>[a-z-]+)\.(?P<file_format>csv|xlsx)$",
        dashboard_views.export,
        name="dashboard-export",
    ),
]
