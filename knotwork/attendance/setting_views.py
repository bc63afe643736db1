"""A setting's attendance day: the "today" list for first-day contact, and the daily
register an alternative provider takes in knotwork."""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.accounts.models import User
from knotwork.attendance.first_day import (
    LISTS,
    OUTCOME_BUTTONS,
    ContactMade,
    SchoolDay,
    absent_csv,
    absent_export_audit,
    absent_rows,
    editable_pupil_ids,
    first_day_contact_record,
    school_day_at,
    today_lists,
)
from knotwork.attendance.models import FirstDayContact
from knotwork.attendance.provider_register import (
    PROVIDER_TYPES,
    ProviderRegisterForm,
    RegisterChanged,
    may_take_register,
    provider_register_save,
    register_sheet,
)
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import get_pupil_for_user, visible_settings


def setting_for_user(user: User, setting_uuid: uuid.UUID) -> Setting:
    """The setting if the user may see pupils there; 404 otherwise, so it never leaks."""
    setting = visible_settings(user).filter(uuid=setting_uuid).select_related("calendar").first()
    if setting is None:
        raise Http404("No such setting")
    return setting


def day_asked(value: str | None, today: datetime.date) -> datetime.date:
    """The day in ``?date=YYYY-MM-DD``; today when absent or not a date."""
    try:
        return datetime.date.fromisoformat(value) if value else today
    except ValueError:
        return today


def _query_without(query: QueryDict, name: str) -> str:
    """The page's query string less one parameter, for a list's paging links."""
    kept = query.copy()
    kept.pop(name, None)
    return kept.urlencode()


def _today_url(setting: Setting, day: datetime.date) -> str:
    return f"{reverse('attendance:today', args=[setting.uuid])}?date={day.isoformat()}"


class FirstDayContactForm(forms.Form):
    pupil = forms.UUIDField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="What happened", choices=FirstDayContact.Outcome.choices)


def _today_page(
    request: AuthedRequest, when: SchoolDay, form: FirstDayContactForm | None = None
) -> HttpResponse:
    pages = {name: request.GET.get(f"{name}_page") for name in LISTS}
    lists = today_lists(when, request.user, size=django_settings.KNOTWORK_PAGE_SIZE, pages=pages)
    context = {
        "setting": when.setting,
        "lists": lists,
        "when": when,
        "today": timezone.localdate(),
        "editable": editable_pupil_ids(request.user, lists.absent),
        "queries": {name: _query_without(request.GET, f"{name}_page") for name in LISTS},
        "outcomes": OUTCOME_BUTTONS,
        "form": form,
        "is_provider": when.setting.setting_type in PROVIDER_TYPES,
        "call_url": reverse("attendance:today-call", args=[when.setting.uuid]),
    }
    return render(request, "attendance/today.html", context)


@require_http_methods(["GET"])
def today(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    setting = setting_for_user(request.user, setting_uuid)
    when = school_day_at(setting, day_asked(request.GET.get("date"), timezone.localdate()))
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, obj=setting, what="today list")
    return _today_page(request, when)


@require_http_methods(["POST"])
def record_contact(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    """One click on the today list: record a first-day call and its outcome."""
    setting = setting_for_user(request.user, setting_uuid)
    form = FirstDayContactForm(request.POST)
    htmx = bool(request.headers.get("HX-Request"))
    if form.is_valid():
        data = form.cleaned_data
        pupil = get_pupil_for_user(request.user, data["pupil"], write=True)
        try:
            record = first_day_contact_record(
                actor=request.user,
                pupil=pupil,
                setting=setting,
                day=data["date"],
                outcome=data["outcome"],
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if htmx:
                lists = today_lists(school_day_at(setting, record.date), request.user)
                context = {"made": ContactMade(pupil, record), "lists": lists}
                return render(request, "attendance/today_call_done.html", context)
            messages.success(request, f"Call recorded: {record.get_outcome_display()}.")
            return redirect(_today_url(setting, record.date))
    if htmx:
        return render(request, "attendance/today_problem_row.html", {"form": form})
    day = form.cleaned_data.get("date") or timezone.localdate()
    return _today_page(request, school_day_at(setting, day), form)


@require_http_methods(["GET"])
def absent_export(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    """The list of pupils absent with no reason yet, as CSV to take to the phone."""
    setting = setting_for_user(request.user, setting_uuid)
    when = school_day_at(setting, day_asked(request.GET.get("date"), timezone.localdate()))
    rows = absent_rows(when, request.user)
    absent_export_audit(actor=request.user, rows=rows)
    response = HttpResponse(absent_csv(rows, when.day), content_type="text/csv")
    filename = f"first-day-contact-{setting.urn}-{when.day.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def provider_for_user(user: User, setting_uuid: uuid.UUID) -> Setting:
    """A provider whose register the user takes: 404 unless it is a provider they can see,
    403 unless they are its staff with edit rights."""
    setting = setting_for_user(user, setting_uuid)
    if setting.setting_type not in PROVIDER_TYPES:
        raise Http404("Only alternative providers and PRUs take their register here.")
    if not may_take_register(user, setting):
        raise PermissionDenied("Only the provider's own staff may take its register.")
    return setting


@require_http_methods(["GET", "POST"])
def provider_register(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    """An alternative provider's register for a day: AM and PM for each pupil placed there."""
    setting = provider_for_user(request.user, setting_uuid)
    today_ = timezone.localdate()
    day = day_asked(request.GET.get("date"), today_)
    sheet = register_sheet(setting, day, today_)
    form = ProviderRegisterForm(sheet, request.POST or None)
    if request.method == "POST" and not sheet.refusal and form.is_valid():
        try:
            saved = provider_register_save(actor=request.user, sheet=sheet, entries=form.entries())
        except RegisterChanged as exc:
            sheet = register_sheet(setting, day, today_)
            form = ProviderRegisterForm.after_change(sheet, request.POST, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            counts = f"{saved.entries} marks entered, {saved.amendments} changed"
            messages.success(request, f"Register saved for {day:%A %-d %B}: {counts}.")
            return redirect(f"{request.path}?date={day.isoformat()}")
    elif request.method == "GET":
        audit_record(
            actor=request.user, action=AuditEntry.Action.VIEW, obj=setting, what="provider register"
        )
    context = {"setting": setting, "sheet": sheet, "form": form, "today": today_}
    return render(request, "attendance/provider_register.html", context)
