"""Suspensions and permanent exclusions, under /behaviour/exclusions/."""

from django.urls import URLPattern, path

from knotwork.behaviour import compliance_views, exclusion_views

urlpatterns: list[URLPattern] = [
    path("compliance/", compliance_views.compliance, name="compliance"),
    path("compliance.csv", compliance_views.compliance_export, name="compliance-csv"),
    path("pupils/<uuid:pupil_uuid>/", exclusion_views.pupil_exclusions, name="pupil-exclusions"),
    path(
        "pupils/<uuid:pupil_uuid>/exclusions.csv",
        exclusion_views.pupil_exclusions_export,
        name="pupil-exclusions-csv",
    ),
    path(
        "pupils/<uuid:pupil_uuid>/new/<slug:kind>/",
        exclusion_views.exclusion_issue,
        name="exclusion-issue",
    ),
    path("<uuid:exclusion_uuid>/", exclusion_views.exclusion_detail, name="exclusion"),
    path(
        "<uuid:exclusion_uuid>/notices/",
        exclusion_views.exclusion_notice,
        name="exclusion-notice",
    ),
    path(
        "<uuid:exclusion_uuid>/provision/",
        exclusion_views.exclusion_provision,
        name="exclusion-provision",
    ),
    path("<uuid:exclusion_uuid>/board/", exclusion_views.exclusion_board, name="exclusion-board"),
    path(
        "<uuid:exclusion_uuid>/review/", exclusion_views.exclusion_review, name="exclusion-review"
    ),
    path(
        "<uuid:exclusion_uuid>/off-roll/",
        exclusion_views.exclusion_off_roll_view,
        name="exclusion-off-roll",
    ),
    path(
        "<uuid:exclusion_uuid>/cancel/",
        exclusion_views.exclusion_cancel_view,
        name="exclusion-cancel",
    ),
]
