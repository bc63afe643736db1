from django.urls import path

from knotwork.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_lookup, name="audit-lookup"),
]
