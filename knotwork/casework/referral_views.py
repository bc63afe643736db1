"""Referral pages: the refer form (from a pupil's page or a concern), the inbox of the
organisation a user works for (and its CSV), one referral with its timeline and next
steps, and the referrals a setting has sent."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.casework import referral_queries as q
from knotwork.casework import referral_rules
from knotwork.casework.consent_models import Section
from knotwork.casework.models import Concern, Referral
from knotwork.casework.referral_access import ReferralRights, desk_of
from knotwork.casework.referral_forms import (
    AcceptForm,
    InboxFilterForm,
    ReasonForm,
    ReferralForm,
    StartForm,
    WaitForm,
)
from knotwork.casework.referral_services import (
    assignable,
    referral_accept,
    referral_close,
    referral_decline,
    referral_send,
    referral_start,
    referral_wait,
)
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import get_pupil_for_user
from knotwork.pupils.models import Pupil

VIEW = AuditEntry.Action.VIEW


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _page(request: AuthedRequest, rows: list[q.Row], number: Any) -> Any:
    return Paginator(rows, django_settings.KNOTWORK_PAGE_SIZE).get_page(number or 1)


def _query(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- Refer --------------------------------------------------------------------------------------


def _referral_form(request: AuthedRequest, pupil: Pupil, concern: Concern | None) -> ReferralForm:
    organisations = q.referring_organisations(request.user, pupil, timezone.localdate())
    if not organisations:
        raise PermissionDenied("You may not refer this pupil.")
    initial: dict[str, Any] = {"basis_decided_by": request.user.pk, "lawful_basis": ""}
    if concern is not None:
        initial.update(reason=concern.summary, evidence=concern.note, concern=concern.uuid)
    return ReferralForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisations=organisations,
        destinations=q.destinations(organisations),
        deciders=q.deciders(organisations),
    )


def _concern(pupil: Pupil, key: str | None) -> Concern | None:
    if not key:
        return None
    try:
        return Concern.objects.get(uuid=uuid.UUID(key), pupil=pupil)
    except (ValueError, Concern.DoesNotExist):
        return None


@require_http_methods(["GET", "POST"])
def referral_new(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    concern = _concern(pupil, request.POST.get("concern") or request.GET.get("concern"))
    form = _referral_form(request, pupil, concern)
    if request.method == "POST" and form.is_valid():
        service, panel = form.target()
        data = form.cleaned_data
        try:
            referral = referral_send(
                actor=request.user,
                pupil=pupil,
                concern=concern,
                service=service,
                panel=panel,
                **{k: data[k] for k in ("from_organisation", "reason", "evidence", "urgency")},
                **{k: data[k] for k in ("lawful_basis", "basis_decided_by", "basis_note")},
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Referral sent.")
            return redirect("casework:referral", referral_uuid=referral.uuid)
    audit_record(actor=request.user, action=VIEW, pupil=pupil, what="referral form")
    context = {"form": form, "pupil": pupil, "concern": concern}
    return render(request, "casework/referral_new.html", context)


@require_http_methods(["GET"])
def referral_from_concern(request: AuthedRequest, concern_uuid: uuid.UUID) -> HttpResponse:
    concern = get_object_or_404(Concern.objects.select_related("pupil"), uuid=concern_uuid)
    pupil = get_pupil_for_user(
        request.user, concern.pupil.uuid, write=True, section=Section.CASEWORK
    )
    url = reverse("casework:referral-new", kwargs={"pupil_uuid": pupil.uuid})
    return redirect(f"{url}?concern={concern.uuid}")


# --- The inbox ----------------------------------------------------------------------------------


def _inbox(request: AuthedRequest) -> tuple[InboxFilterForm, list[q.Row]]:
    desk = desk_of(request.user)
    if desk.empty:
        raise PermissionDenied("Referrals reach the agencies and services they are sent to.")
    form = InboxFilterForm(request.GET, services=q.inbox_services(desk))
    if not form.is_valid():
        return form, []
    data = form.cleaned_data
    filters = q.InboxFilters(
        show=data["show"] or "open",
        urgency=data["urgency"],
        service=data["service"],
        overdue=data["overdue"],
    )
    return form, q.inbox(request.user, filters, timezone.localdate())


@require_http_methods(["GET"])
def inbox_page(request: AuthedRequest) -> HttpResponse:
    form, rows = _inbox(request)
    page = _page(request, rows, form.cleaned_data.get("page") if form.is_bound else 1)
    for row in page:
        audit_record(actor=request.user, action=VIEW, pupil=row.referral.pupil, what="inbox")
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "total": len(rows),
        "overdue": sum(r.overdue for r in rows),
    }
    return render(request, "casework/referral_inbox.html", context)


@require_http_methods(["GET"])
def inbox_export(request: AuthedRequest) -> HttpResponse:
    _, rows = _inbox(request)
    for row in rows:
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            pupil=row.referral.pupil,
            what="referral inbox CSV",
        )
    response = HttpResponse(q.inbox_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"referrals-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- One referral -------------------------------------------------------------------------------


def _step_forms(referral: Referral, rights: ReferralRights) -> dict[str, forms.Form]:
    """An empty form for each next step the user may take."""
    initial = {"version": referral.version}
    found: dict[str, forms.Form] = {}
    for to in referral_rules.next_steps(referral.status):
        if rights.answers or (to == Referral.Status.CLOSED and rights.withdraws):
            found[to] = STEPS[to][0](referral, None, initial)
    return found


def _render_referral(
    request: AuthedRequest, referral: Referral, rights: ReferralRights, **forms_: forms.Form
) -> HttpResponse:
    steps = {**_step_forms(referral, rights), **forms_}
    audit_record(actor=request.user, action=VIEW, pupil=referral.pupil, obj=referral)
    context = {
        "referral": referral,
        "row": q.row_of(referral, timezone.localdate()),
        "rights": rights,
        "events": q.timeline(referral),
        "steps": steps,
        "errors": any(f.errors for f in forms_.values()),
    }
    return render(request, "casework/referral_detail.html", context)


@require_http_methods(["GET"])
def referral_page(request: AuthedRequest, referral_uuid: uuid.UUID) -> HttpResponse:
    referral, rights = q.referral_for_user(request.user, referral_uuid)
    return _render_referral(request, referral, rights)


Data = dict[str, Any] | None
FormMaker = Callable[[Referral, Any, Data], forms.Form]
Service = Callable[..., Referral]

STEPS: dict[str, tuple[FormMaker, Service, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "accepted": (
        lambda r, data, initial: AcceptForm(data, initial=initial, people=assignable(r)),
        referral_accept,
        lambda d: {"assigned_to": d["assigned_to"], "note": d["note"]},
    ),
    "declined": (
        lambda r, data, initial: ReasonForm(data, initial=initial, prefix="declined"),
        referral_decline,
        lambda d: {"reason": d["reason"]},
    ),
    "waiting": (
        lambda r, data, initial: WaitForm(data, initial=initial),
        referral_wait,
        lambda d: {"note": d["note"]},
    ),
    "started": (
        lambda r, data, initial: StartForm(data, initial=initial),
        referral_start,
        lambda d: {"started_on": d["started_on"]},
    ),
    "closed": (
        lambda r, data, initial: ReasonForm(data, initial=initial, prefix="closed"),
        referral_close,
        lambda d: {"reason": d["reason"]},
    ),
}


@require_http_methods(["POST"])
def referral_step(request: AuthedRequest, referral_uuid: uuid.UUID, step: str) -> HttpResponse:
    referral, rights = q.referral_for_user(request.user, referral_uuid)
    if step not in STEPS:
        raise Http404("No such step")
    make_form, service, arguments = STEPS[step]
    if not (rights.answers or (step == Referral.Status.CLOSED and rights.withdraws)):
        raise PermissionDenied("You may see this referral but not change it.")
    form = make_form(referral, request.POST, None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service(
                actor=request.user,
                referral=referral,
                expected_version=data["version"],
                **arguments(data),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"Referral {Referral.Status(step).label.lower()}.")
            return redirect("casework:referral", referral_uuid=referral.uuid)
    return _render_referral(request, referral, rights, **{step: form})


# --- A setting's referrals ----------------------------------------------------------------------


@require_http_methods(["GET"])
def setting_referrals(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    setting = Setting.objects.filter(uuid=setting_uuid).first()
    if setting is None or not q.may_see_setting_referrals(request.user, setting):
        raise Http404("No such setting")
    rows = q.sent_by_setting(request.user, setting, timezone.localdate())
    page = _page(request, rows, request.GET.get("page"))
    for row in page:
        audit_record(actor=request.user, action=VIEW, pupil=row.referral.pupil, what="sent list")
    context = {"setting": setting, "page": page, "query": _query(request), "total": len(rows)}
    return render(request, "casework/referral_setting.html", context)
