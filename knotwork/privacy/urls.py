from django.urls import path

from knotwork.privacy import views

app_name = "privacy"

urlpatterns = [
    path("break-glass/", views.break_glass_new, name="break-glass"),
    path(
        "break-glass/<uuid:break_glass_uuid>/", views.break_glass_record, name="break-glass-record"
    ),
    path("reports/", views.break_glass_report, name="report"),
    path("reports/<uuid:break_glass_uuid>/", views.review, name="review"),
    path("pupils/", views.lead_pupil_find, name="pupil-find"),
    path("pupils/<uuid:pupil_uuid>/", views.view_log, name="view-log"),
    path("pupils/<uuid:pupil_uuid>/view-log.csv", views.view_log_csv, name="view-log-csv"),
    path(
        "pupils/<uuid:pupil_uuid>/subject-access/",
        views.subject_access_export,
        name="subject-access",
    ),
]
