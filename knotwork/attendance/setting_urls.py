from django.urls import path

from knotwork.attendance import setting_views

urlpatterns = [
    path("<uuid:setting_uuid>/today/", setting_views.today, name="today"),
    path("<uuid:setting_uuid>/today/calls/", setting_views.record_contact, name="today-call"),
    path("<uuid:setting_uuid>/today/absent.csv", setting_views.absent_export, name="today-csv"),
    path(
        "<uuid:setting_uuid>/register/", setting_views.provider_register, name="provider-register"
    ),
]
