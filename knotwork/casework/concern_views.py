"""Concern pages: a setting's worklist (and its CSV), a pupil's concerns, raising one by
hand, and acknowledging or dismissing one."""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from knotwork.casework.concern_forms import (
    ConcernActForm,
    ConcernDismissForm,
    ConcernRaiseForm,
    WorklistFilterForm,
)
from knotwork.casework.concern_queries import (
    WorklistFilters,
    concern_for_user,
    concerns_for_pupil,
    is_stale,
    setting_for_user,
    worklist_all,
    worklist_csv,
    worklist_row,
    worklist_rows,
)
from knotwork.casework.concern_services import (
    concern_acknowledge,
    concern_dismiss,
    concern_raise,
    concern_worklist_export_audit,
)
from knotwork.casework.consent_models import Section
from knotwork.casework.models import Concern
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access


def _filters(query: QueryDict) -> tuple[WorklistFilterForm, WorklistFilters]:
    form = WorklistFilterForm(query)
    if not form.is_valid():
        return WorklistFilterForm(), WorklistFilters()
    return form, WorklistFilters(**form.cleaned_data)


def _query_without(query: QueryDict, name: str) -> str:
    kept = query.copy()
    kept.pop(name, None)
    return kept.urlencode()


def _back(request: AuthedRequest, concern: Concern) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return reverse("casework:worklist", args=[concern.setting.uuid])


@require_http_methods(["GET"])
def worklist_page(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    setting = setting_for_user(request.user, setting_uuid)
    form, filters = _filters(request.GET)
    today = timezone.localdate()
    page = worklist_rows(
        setting,
        request.user,
        filters,
        today,
        size=django_settings.KNOTWORK_PAGE_SIZE,
        page=request.GET.get("page"),
    )
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, obj=setting, what="concern worklist"
    )
    context = {
        "setting": setting,
        "page": page,
        "form": form,
        "query": _query_without(request.GET, "page"),
        "filters": request.GET.urlencode(),
        "next": request.get_full_path(),
    }
    return render(request, "casework/worklist.html", context)


@require_http_methods(["GET"])
def worklist_export(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    """The worklist as CSV, with the filters shown on the page."""
    setting = setting_for_user(request.user, setting_uuid)
    _, filters = _filters(request.GET)
    today = timezone.localdate()
    rows = worklist_all(setting, request.user, filters, today)
    concern_worklist_export_audit(actor=request.user, concerns=[r.concern for r in rows])
    response = HttpResponse(worklist_csv(rows), content_type="text/csv")
    filename = f"concerns-{setting.urn}-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET"])
def pupil_concerns(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.CASEWORK)
    today = timezone.localdate()
    concerns = list(concerns_for_pupil(pupil))
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="concerns")
    context = {
        "pupil": pupil,
        "rows": [(c, is_stale(c, today)) for c in concerns],
        "may_edit": pupil_access(request.user, pupil) >= Access.EDIT,
        "next": request.get_full_path(),
    }
    return render(request, "casework/pupil_concerns.html", context)


@require_http_methods(["GET", "POST"])
def concern_new(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    """A member of staff raises a concern about a pupil by hand."""
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    form = ConcernRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern_raise(
                actor=request.user,
                pupil=pupil,
                sign=form.cleaned_data["sign"],
                note=form.cleaned_data["note"],
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Concern raised. It is on the setting's worklist.")
            return redirect("casework:pupil-concerns", pupil.uuid)
    return render(request, "casework/concern_new.html", {"pupil": pupil, "form": form})


@require_http_methods(["POST"])
def acknowledge(request: AuthedRequest, concern_uuid: uuid.UUID) -> HttpResponse:
    """One click on the worklist: someone is looking into the concern."""
    concern = concern_for_user(request.user, concern_uuid, write=True)
    form = ConcernActForm(request.POST)
    htmx = bool(request.headers.get("HX-Request"))
    problem = "The page did not say which version of the concern it showed."
    if form.is_valid():
        try:
            concern = concern_acknowledge(
                actor=request.user, concern=concern, expected_version=form.cleaned_data["version"]
            )
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            if htmx:
                row = worklist_row(concern, request.user, timezone.localdate())
                return render(
                    request,
                    "casework/worklist_row.html",
                    {"row": row, "next": _back(request, concern)},
                )
            messages.success(request, "Concern acknowledged.")
            return redirect(_back(request, concern))
    template = "casework/worklist_problem_row.html" if htmx else "casework/concern_problem.html"
    context = {"concern": concern, "problem": problem, "back": _back(request, concern)}
    return render(request, template, context, status=409 if htmx else 400)


@require_http_methods(["GET", "POST"])
def dismiss(request: AuthedRequest, concern_uuid: uuid.UUID) -> HttpResponse:
    """Dismiss a concern, saying why."""
    concern = concern_for_user(request.user, concern_uuid, write=True)
    initial = {"version": concern.version}
    form = ConcernDismissForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            concern_dismiss(
                actor=request.user,
                concern=concern,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Concern dismissed.")
            return redirect(_back(request, concern))
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=concern.pupil,
            obj=concern,
            what="concern dismiss form",
        )
    context = {"concern": concern, "form": form, "next": _back(request, concern)}
    return render(request, "casework/concern_dismiss.html", context)
