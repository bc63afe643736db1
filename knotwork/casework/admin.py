"""The casework records people keep by hand: the partnership's trigger points and the
services that take referrals, with their target times.

Concerns, referrals and their events are not here: they are about a child and change
only through the casework services, which check access, time each move and write the
audit row."""

from __future__ import annotations

from django.contrib import admin

from knotwork.casework.models import AgencyService, TriggerRule


@admin.register(TriggerRule)
class TriggerRuleAdmin(admin.ModelAdmin[TriggerRule]):
    list_display = ["kind", "partnership", "threshold", "window_school_days", "active"]
    list_filter = ["partnership", "kind", "active"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(AgencyService)
class AgencyServiceAdmin(admin.ModelAdmin[AgencyService]):
    list_display = ["name", "organisation", "target_days", "active"]
    list_filter = ["active", "organisation"]
    search_fields = ["name", "organisation__name"]
