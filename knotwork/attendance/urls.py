"""Attendance pages. Each area keeps its routes in its own module; all share the
``attendance`` namespace."""

from django.urls import include, path

app_name = "attendance"

urlpatterns = [
    path("imports/", include("knotwork.attendance.import_urls")),
    path("pupils/", include("knotwork.attendance.pupil_urls")),
    path("settings/", include("knotwork.attendance.setting_urls")),
    path("ladder/", include("knotwork.attendance.ladder_urls")),
    path("dashboard/", include("knotwork.attendance.dashboard_urls")),
]
