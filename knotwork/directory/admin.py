from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest

from knotwork.directory.models import (
    Agency,
    LocalAuthority,
    OfstedJudgement,
    Organisation,
    Outcome,
    Partnership,
    PartnershipMember,
    Setting,
)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin[LocalAuthority]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


class PartnershipMemberInline(admin.TabularInline[PartnershipMember, Partnership]):
    model = PartnershipMember
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin[Partnership]):
    list_display = ["name", "local_authority", "meeting_frequency"]
    list_filter = ["local_authority"]
    list_select_related = ["local_authority"]
    search_fields = ["name"]
    inlines = [PartnershipMemberInline]


class OfstedJudgementInline(admin.TabularInline[OfstedJudgement, Setting]):
    model = OfstedJudgement
    extra = 0


@admin.register(Setting)
class SettingAdmin(admin.ModelAdmin[Setting]):
    list_display = ["name", "urn", "setting_type", "phase", "local_authority"]
    list_filter = ["setting_type", "phase", "local_authority"]
    list_select_related = ["local_authority"]
    search_fields = ["name", "urn"]
    exclude = ["kind"]
    inlines = [OfstedJudgementInline]

    def save_model(
        self, request: HttpRequest, obj: Setting, form: ModelForm[Setting], change: bool
    ) -> None:
        obj.kind = Organisation.Kind.SETTING
        super().save_model(request, obj, form, change)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["name", "agency_type", "area", "last_reviewed", "kept_by"]
    list_filter = ["agency_type", "outcomes", "local_authority", "last_reviewed"]
    list_select_related = ["kept_by"]
    search_fields = ["name", "services", "area"]
    exclude = ["kind"]
    filter_horizontal = ["outcomes"]
    autocomplete_fields = ["kept_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(
        self, request: HttpRequest, obj: Agency, form: ModelForm[Agency], change: bool
    ) -> None:
        obj.kind = Organisation.Kind.AGENCY
        super().save_model(request, obj, form, change)


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin[Outcome]):
    """The five Every Child Matters outcomes: names may be edited, the set may not."""

    list_display = ["position", "name", "code"]
    readonly_fields = ["code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
