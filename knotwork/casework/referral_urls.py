"""Routes for the referrals pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
