from __future__ import annotations

from django.contrib import admin

from knotwork.termdates.models import AcademicYear, Calendar, Closure, Term


class AcademicYearInline(admin.TabularInline[AcademicYear, Calendar]):
    model = AcademicYear
    extra = 0
    show_change_link = True


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    list_display = ["name"]
    search_fields = ["name"]
    inlines = [AcademicYearInline]


class TermInline(admin.TabularInline[Term, AcademicYear]):
    model = Term
    extra = 0


class ClosureInline(admin.TabularInline[Closure, AcademicYear]):
    model = Closure
    extra = 0


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin[AcademicYear]):
    list_display = ["__str__", "calendar"]
    list_filter = ["calendar"]
    list_select_related = ["calendar"]
    inlines = [TermInline, ClosureInline]
