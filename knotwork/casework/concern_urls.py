"""Routes for the concerns pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
