from django.urls import include, path

from knotwork.pupils import views

app_name = "pupils"

urlpatterns = [
    path("", views.search, name="search"),
    path("<uuid:pupil_uuid>/", views.profile, name="profile"),
    path("<uuid:pupil_uuid>/details/", views.edit_details, name="edit-details"),
    path("<uuid:pupil_uuid>/trail/", views.trail, name="trail"),
    path("<uuid:pupil_uuid>/parent-contacts/", include("knotwork.pupils.parent_contact_urls")),
]
