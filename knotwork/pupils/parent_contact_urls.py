"""Parent contact log routes, under ``pupils/<uuid>/parent-contacts/``."""

from django.urls import path

from knotwork.pupils import parent_contact_views as views

urlpatterns = [
    path("", views.parent_contact_list, name="parent-contacts"),
    path("new/", views.parent_contact_new, name="parent-contact-new"),
    path("export.csv", views.parent_contact_export, name="parent-contacts-csv"),
]
