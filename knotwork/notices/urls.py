"""Notices routes, under ``notices/``."""

from django.urls import path

from knotwork.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("email/", views.preferences, name="preferences"),
    path("<uuid:notice_uuid>/open/", views.notice_open, name="open"),
    path("<uuid:notice_uuid>/read/", views.notice_read, name="read"),
    path("cases/<uuid:case_uuid>/team/", views.case_team_purposes, name="case-purposes"),
]
