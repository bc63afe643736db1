"""The administrator names each partnership's data protection lead here.

Break-glass uses are not here: they are about a child, are reported to the lead on their
own page, and change only through the privacy services, which check and audit."""

from __future__ import annotations

from django.contrib import admin

from knotwork.privacy.models import DataProtectionLead


@admin.register(DataProtectionLead)
class DataProtectionLeadAdmin(admin.ModelAdmin[DataProtectionLead]):
    list_display = ["user", "partnership", "starts_on", "ends_on"]
    list_filter = ["partnership"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]
