"""Incident pages: the list (and its CSV), recording an incident with several pupils, one
incident with its pupils' parts, editing, follow-up and withdrawal."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.dashboard_queries import dashboard_scope
from knotwork.behaviour.incident_forms import (
    IncidentForm,
    ListFilterForm,
    PupilRemoveForm,
    PupilRoleForm,
    PupilRows,
    VersionForm,
)
from knotwork.behaviour.incident_queries import (
    ListFilters,
    follow_up_owners,
    hidden_count,
    incident_csv,
    incident_editable,
    incident_for_user,
    incident_initial,
    incident_list,
    picker_pupils,
    pupils_by_uuid,
    pupils_named,
    recording_settings,
    roles_of,
)
from knotwork.behaviour.incident_services import (
    incident_follow_up_done,
    incident_pupil_add,
    incident_pupil_remove,
    incident_record,
    incident_update,
    incident_withdraw,
)
from knotwork.behaviour.models import Incident, IncidentPupil
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import visible_settings


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            target = "occurred_on" if name == "occurred_at" else name
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _audit_view(request: AuthedRequest, incident: Incident, what: str) -> None:
    """One VIEW row for each pupil the page shows."""
    for role in roles_of(incident):
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=role.pupil,
            obj=incident,
            what=what,
        )


# --- The list -------------------------------------------------------------------------------


def _filters(request: AuthedRequest) -> tuple[ListFilterForm, ListFilters | None]:
    form = ListFilterForm(request.GET, settings=visible_settings(request.user))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    return form, ListFilters(
        settings=[data["setting"]] if data["setting"] else [],
        first=data["start"],
        last=data["end"],
        kind=data["kind"],
        place=data["place"],
        severity=data["severity"],
        bullying=data["bullying"],
        racist=data["racist"],
        follow_up=data["follow_up"],
    )


@require_http_methods(["GET"])
def incident_list_page(request: AuthedRequest) -> HttpResponse:
    form, filters = _filters(request)
    page = None
    if filters is not None:
        incidents = incident_list(request.user, filters, timezone.localdate())
        page = Paginator(incidents, django_settings.KNOTWORK_PAGE_SIZE).get_page(
            form.cleaned_data["page"] or 1
        )
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, what="incident list")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(i, roles_of(i), hidden_count(i)) for i in page] if page else [],
        "query": query.urlencode(),
        "can_record": bool(recording_settings(request.user)),
        "can_see_patterns": dashboard_scope(request.user) is not None,
        "today": timezone.localdate(),
    }
    return render(request, "behaviour/incident_list.html", context)


@require_http_methods(["GET"])
def incident_export(request: AuthedRequest) -> HttpResponse:
    _, filters = _filters(request)
    if filters is None:
        return redirect(f"{reverse('behaviour:incidents')}?{request.GET.urlencode()}")
    incidents = list(incident_list(request.user, filters, timezone.localdate()))
    for pupil in pupils_named(incidents):
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            pupil=pupil,
            what="incident list CSV",
        )
    response = HttpResponse(incident_csv(incidents), content_type="text/csv; charset=utf-8")
    name = f"incidents-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Recording an incident ---------------------------------------------------------------------


def _pupil_rows_step(request: AuthedRequest, form: IncidentForm, rows: PupilRows) -> list[Any]:
    """Find, add or remove a pupil on the new incident form; the pupils the picker found."""
    found: list[Any] = []
    setting = form.chosen_setting()
    if rows.action == "find" and setting is not None:
        found = picker_pupils(request.user, setting, rows.find, timezone.localdate())
        audit_record(actor=request.user, action=AuditEntry.Action.SEARCH, what="incident pupils")
    elif rows.action == "find":
        rows.picker_error = "Choose the setting first."
    elif rows.action == "add":
        rows.add_chosen(pupils_by_uuid(request.user, [rows.chosen]))
    elif rows.action == "remove":
        rows.remove()
    return found


@require_http_methods(["GET", "POST"])
def incident_new(request: AuthedRequest) -> HttpResponse:
    settings = recording_settings(request.user)
    if not settings:
        raise PermissionDenied("You may not record incidents.")
    rows = PupilRows(request.POST if request.method == "POST" else None)
    saving = rows.action == "save"
    # Only a save is checked: finding or adding a pupil shows what was typed, without errors.
    typed = request.POST.dict() if request.method == "POST" else {}
    initial: dict[str, Any] = typed or {
        "occurred_on": timezone.localdate(),
        "severity": Incident.Severity.LOW,
    }
    form = IncidentForm(
        request.POST if saving else None,
        initial=initial,
        settings=settings,
        owners=follow_up_owners(settings),
    )
    found = _pupil_rows_step(request, form, rows)
    rows.resolve(pupils_by_uuid(request.user, [r.uuid for r in rows.rows]))
    if saving and form.is_valid() & rows.is_valid():
        try:
            incident = incident_record(
                actor=request.user,
                setting=form.cleaned_data["setting"],
                pupils=rows.named(),
                **form.details(),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"Incident recorded with {len(rows.rows)} pupil(s).")
            return redirect("behaviour:incident", incident_uuid=incident.uuid)
    context = {
        "form": form,
        "rows": rows,
        "found": found,
        "searched": rows.action == "find",
        "role_choices": IncidentPupil.Role.choices,
    }
    return render(request, "behaviour/incident_new.html", context)


@require_http_methods(["POST"])
def picker_search(request: AuthedRequest) -> HttpResponse:
    """The picker's results alone, for htmx: pupils the user may name at the setting."""
    text = request.POST.get("find", "").strip()[:100]
    setting: Setting | None
    if request.POST.get("incident"):
        setting = incident_for_user(request.user, request.POST["incident"], write=True).setting
    else:
        wanted = request.POST.get("setting")
        chosen = [s for s in recording_settings(request.user) if str(s.pk) == wanted]
        setting = chosen[0] if chosen else None
    found = picker_pupils(request.user, setting, text, timezone.localdate()) if setting else []
    audit_record(actor=request.user, action=AuditEntry.Action.SEARCH, what="incident pupils")
    context = {"found": found, "searched": bool(text), "no_setting": setting is None}
    return render(request, "behaviour/incident_picker_results.html", context)


# --- One incident ---------------------------------------------------------------------------------


def _detail(request: AuthedRequest, incident: Incident, **extra: Any) -> HttpResponse:
    can_edit = incident_editable(request.user, incident)
    context: dict[str, Any] = {
        "incident": incident,
        "roles": roles_of(incident),
        "hidden": hidden_count(incident),
        "can_edit": can_edit,
        "role_form": extra.pop("role_form", None) or PupilRoleForm(),
        "version_form": extra.pop("version_form", None)
        or VersionForm(initial={"version": incident.version}),
        "find": extra.pop("find", ""),
        "errors": extra.pop("errors", []),
        "role_choices": IncidentPupil.Role.choices,
        "today": timezone.localdate(),
        **extra,
    }
    return render(request, "behaviour/incident_detail.html", context)


@require_http_methods(["GET"])
def incident_detail(request: AuthedRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = incident_for_user(request.user, incident_uuid)
    _audit_view(request, incident, "incident")
    return _detail(request, incident)


@require_http_methods(["GET", "POST"])
def incident_edit(request: AuthedRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = incident_for_user(request.user, incident_uuid, write=True)
    owners = follow_up_owners([incident.setting])
    form = IncidentForm(request.POST or None, initial=incident_initial(incident), owners=owners)
    if request.method == "POST" and form.is_valid():
        try:
            incident_update(
                actor=request.user,
                incident=incident,
                expected_version=form.cleaned_data["version"],
                **form.details(),
            )
        except ValidationError as exc:
            show_errors(form, exc)
            current = Incident.objects.get(pk=incident.pk)
            form.data = _with(form.data, version=current.version)
        else:
            messages.success(request, "Incident saved.")
            return redirect("behaviour:incident", incident_uuid=incident.uuid)
    elif request.method == "GET":
        _audit_view(request, incident, "incident form")
    context = {"form": form, "incident": incident, "roles": roles_of(incident)}
    return render(request, "behaviour/incident_edit.html", context)


def _with(data: Any, **values: Any) -> dict[str, Any]:
    """Form data with some values replaced (a refused form, ready to send again)."""
    plain = data.dict() if isinstance(data, QueryDict) else dict(data)
    return {**plain, **{k: str(v) for k, v in values.items()}}


@require_http_methods(["POST"])
def incident_pupil(request: AuthedRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    """Find a pupil to add (without JavaScript), add one, or change one's part."""
    incident = incident_for_user(request.user, incident_uuid, write=True)
    find = request.POST.get("find", "").strip()[:100]
    if request.POST.get("action") == "find":
        found = picker_pupils(request.user, incident.setting, find, timezone.localdate())
        audit_record(actor=request.user, action=AuditEntry.Action.SEARCH, what="incident pupils")
        return _detail(request, incident, found=found, searched=True, find=find)
    form = PupilRoleForm(request.POST)
    if form.is_valid():
        pupil = pupils_by_uuid(request.user, [str(form.cleaned_data["chosen"])]).get(
            str(form.cleaned_data["chosen"])
        )
        if pupil is None:
            raise Http404("No such pupil")
        try:
            incident_pupil_add(
                actor=request.user,
                incident=incident,
                pupil=pupil,
                role=form.cleaned_data["chosen_role"],
            )
        except ValidationError as exc:
            return _detail(request, incident, errors=exc.messages, find=find)
        else:
            messages.success(request, f"{pupil.display_name}'s part is saved.")
            return redirect("behaviour:incident", incident_uuid=incident.uuid)
    return _detail(request, incident, role_form=form, find=find)


@require_http_methods(["POST"])
def incident_pupil_delete(request: AuthedRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = incident_for_user(request.user, incident_uuid, write=True)
    form = PupilRemoveForm(request.POST)
    pupil = None
    if form.is_valid():
        key = str(form.cleaned_data["pupil"])
        pupil = pupils_by_uuid(request.user, [key]).get(key)
    if pupil is None:
        raise Http404("No such pupil in this incident")
    try:
        incident_pupil_remove(actor=request.user, incident=incident, pupil=pupil)
    except ValidationError as exc:
        return _detail(request, incident, errors=exc.messages)
    messages.success(request, f"{pupil.display_name} is no longer named in this incident.")
    return redirect("behaviour:incident", incident_uuid=incident.uuid)


@require_http_methods(["POST"])
def incident_follow_up(request: AuthedRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = incident_for_user(request.user, incident_uuid, write=True)
    form = VersionForm(request.POST)
    if form.is_valid():
        try:
            incident_follow_up_done(
                actor=request.user,
                incident=incident,
                expected_version=form.cleaned_data["version"],
                on=timezone.localdate(),
            )
        except ValidationError as exc:
            incident = incident_for_user(request.user, incident_uuid, write=True)
            return _detail(request, incident, errors=exc.messages)
        messages.success(request, "Follow-up marked as done.")
        return redirect("behaviour:incident", incident_uuid=incident.uuid)
    return _detail(request, incident, errors=["Reload the page and try again."])


@require_http_methods(["GET", "POST"])
def incident_withdraw_page(request: AuthedRequest, incident_uuid: uuid.UUID) -> HttpResponse:
    incident = incident_for_user(request.user, incident_uuid, write=True)
    form = VersionForm(request.POST or None, initial={"version": incident.version})
    if request.method == "POST" and form.is_valid():
        try:
            incident_withdraw(
                actor=request.user, incident=incident, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
            form.data = _with(form.data, version=Incident.objects.get(pk=incident.pk).version)
        else:
            messages.success(request, "Incident withdrawn. It is kept for the audit trail.")
            return redirect("behaviour:incidents")
    context = {"form": form, "incident": incident, "roles": roles_of(incident)}
    return render(request, "behaviour/incident_withdraw.html", context)
