"""Consent and sharing pages: a pupil's consents and decisions to share without consent,
recording consent, withdrawing it, and recording a decision to share without it."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.casework import consent_services as services
from knotwork.casework.consent_forms import ConsentForm, DecisionForm, WithdrawForm
from knotwork.casework.consent_queries import (
    consent_for_user,
    deciders,
    organisations_for,
    sharing_page,
    sharing_pupil_for_user,
)
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access
from knotwork.pupils.models import Pupil


def _show_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _pupil(request: AuthedRequest, pupil_uuid: uuid.UUID, *, write: bool = False) -> Pupil:
    pupil = get_pupil_for_user(request.user, pupil_uuid)
    sharing_pupil_for_user(request.user, pupil, write=write)
    return pupil


@require_http_methods(["GET"])
def pupil_sharing_page(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = _pupil(request, pupil_uuid)
    today = timezone.localdate()
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="sharing")
    context = {
        "pupil": pupil,
        "page": sharing_page(pupil, today),
        "may_edit": pupil_access(request.user, pupil, today) >= Access.EDIT,
    }
    return render(request, "casework/sharing.html", context)


@require_http_methods(["GET", "POST"])
def consent_new_page(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = _pupil(request, pupil_uuid, write=True)
    today = timezone.localdate()
    form = ConsentForm(
        request.POST or None,
        organisations=organisations_for(pupil, today),
        initial={"given_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("casework:pupil-sharing", pupil.uuid)
    context = {"pupil": pupil, "form": form, "title": "Record consent to share"}
    return render(request, "casework/sharing_form.html", context)


@require_http_methods(["GET", "POST"])
def consent_withdraw_page(request: AuthedRequest, consent_uuid: uuid.UUID) -> HttpResponse:
    consent = consent_for_user(request.user, consent_uuid, write=True)
    form = WithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(actor=request.user, consent=consent, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Withdrawal recorded. Nothing more is shared on it.")
            return redirect("casework:pupil-sharing", consent.pupil.uuid)
    if request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=consent.pupil,
            obj=consent,
            what="consent withdrawal form",
        )
    context = {"pupil": consent.pupil, "consent": consent, "form": form}
    return render(request, "casework/consent_withdraw.html", context)


@require_http_methods(["GET", "POST"])
def decision_new_page(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = _pupil(request, pupil_uuid, write=True)
    today = timezone.localdate()
    form = DecisionForm(
        request.POST or None,
        organisations=organisations_for(pupil, today),
        people=deciders(pupil, today),
        initial={"starts_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_decide(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, "Decision to share without consent recorded.")
            return redirect("casework:pupil-sharing", pupil.uuid)
    context = {"pupil": pupil, "form": form, "title": "Record a decision to share without consent"}
    return render(request, "casework/sharing_form.html", context)
