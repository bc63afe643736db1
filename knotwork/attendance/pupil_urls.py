from django.urls import path

from knotwork.attendance import pupil_views

urlpatterns = [
    path("<uuid:pupil_uuid>/", pupil_views.pupil_attendance, name="pupil"),
]
