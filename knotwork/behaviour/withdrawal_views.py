"""Recording a withdrawal from lessons (learning support unit, remove room, internal
exclusion) from the pupil's behaviour page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.behaviour.incident_forms import WithdrawalForm
from knotwork.behaviour.incident_queries import linkable_incidents, withdrawal_settings
from knotwork.behaviour.incident_services import withdrawal_record
from knotwork.behaviour.incident_views import show_errors
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import get_pupil_for_user


@require_http_methods(["GET", "POST"])
def withdrawal_new(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    today = timezone.localdate()
    settings = withdrawal_settings(request.user, pupil, today)
    if not settings:
        raise PermissionDenied("You may not record withdrawals for this pupil.")
    form = WithdrawalForm(
        request.POST or None,
        initial={"date": today, "setting": settings[0].pk},
        settings=settings,
        incidents=linkable_incidents(pupil),
    )
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal_record(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Withdrawal recorded.")
            return redirect("behaviour:pupil-behaviour", pupil_uuid=pupil.uuid)
    elif request.method == "GET":
        audit_record(
            actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="withdrawal form"
        )
    return render(request, "behaviour/withdrawal_new.html", {"form": form, "pupil": pupil})
