"""Only users' email rhythms are kept by hand here. Notices and the purposes a case's
team is told for are about a child: they change only through the notices services,
which check access and write the audit row."""

from __future__ import annotations

from django.contrib import admin

from knotwork.notices.models import NoticePreference


@admin.register(NoticePreference)
class NoticePreferenceAdmin(admin.ModelAdmin[NoticePreference]):
    list_display = ["user", "rhythm", "updated_at"]
    list_filter = ["rhythm"]
    search_fields = ["user__username"]
