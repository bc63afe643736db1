from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from knotwork.accounts.models import Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    fields = ["organisation", "role", "can_edit", "job_title"]


@admin.register(User)
class KnotworkUserAdmin(UserAdmin[User]):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]
