"""The attendance ladder, under /attendance/ladder/."""

from django.urls import URLPattern, path

from knotwork.attendance import ladder_views

urlpatterns: list[URLPattern] = [
    path("pupils/<uuid:pupil_uuid>/", ladder_views.ladder, name="ladder"),
    path("pupils/<uuid:pupil_uuid>/steps.csv", ladder_views.ladder_export, name="ladder-export"),
    path(
        "pupils/<uuid:pupil_uuid>/steps/new/<slug:kind>/",
        ladder_views.step_add,
        name="ladder-step-add",
    ),
    path("steps/<uuid:step_uuid>/", ladder_views.step_detail, name="ladder-step"),
    path(
        "steps/<uuid:step_uuid>/complete/", ladder_views.step_complete, name="ladder-step-complete"
    ),
    path(
        "steps/<uuid:step_uuid>/withdraw/", ladder_views.step_withdraw, name="ladder-step-withdraw"
    ),
    path("steps/<uuid:step_uuid>/letter.pdf", ladder_views.letter_download, name="ladder-letter"),
]
