from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("knotwork.core.urls")),
    path("account/", include("knotwork.accounts.urls")),
    path("pupils/", include("knotwork.pupils.urls")),
    path("directory/", include("knotwork.directory.urls")),
    path("attendance/", include("knotwork.attendance.urls")),
    path("behaviour/", include("knotwork.behaviour.urls")),
    path("casework/", include("knotwork.casework.urls")),
    path("privacy/", include("knotwork.privacy.urls")),
    path("notices/", include("knotwork.notices.urls")),
    path("placements/", include("knotwork.placements.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "knotwork.core.views.forbidden"
handler404 = "knotwork.core.views.not_found"
handler500 = "knotwork.core.views.server_error"
