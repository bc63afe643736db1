"""Consent and sharing routes, under ``casework/sharing/``."""

from django.urls import path

from knotwork.casework import consent_views as views

urlpatterns = [
    path("pupil/<uuid:pupil_uuid>/", views.pupil_sharing_page, name="pupil-sharing"),
    path("pupil/<uuid:pupil_uuid>/consent/new/", views.consent_new_page, name="consent-new"),
    path("pupil/<uuid:pupil_uuid>/decision/new/", views.decision_new_page, name="sharing-decide"),
    path(
        "consent/<uuid:consent_uuid>/withdraw/",
        views.consent_withdraw_page,
        name="consent-withdraw",
    ),
]
