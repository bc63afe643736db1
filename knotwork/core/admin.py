from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from knotwork.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    """The audit trail, to read only: nobody adds, changes or deletes a row here.

    The pupil is shown by id, not by name, so reading the trail does not itself
    show a child's details."""

    list_display = ["at", "actor", "action", "object_type", "what", "ip_address"]
    list_filter = ["action", "at"]
    list_select_related = ["actor"]
    date_hierarchy = "at"
    search_fields = ["object_type", "object_id", "what"]
    fields = readonly_fields = (
        "at",
        "actor",
        "action",
        "pupil_id",
        "object_type",
        "object_id",
        "what",
        "request_id",
        "ip_address",
    )
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
