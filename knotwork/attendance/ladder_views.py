"""Pages of the attendance ladder: a pupil's ladder, adding a step, a step with its letter."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance import ladder_rules as rules
from knotwork.attendance.ladder import (
    KIND_LABELS,
    ladder_csv,
    ladder_page,
    ladder_step_add,
    ladder_step_complete,
    ladder_step_withdraw,
    owner_choices,
    parents_of,
    step_for_user,
    step_form_context,
    steps_for_pupil,
)
from knotwork.attendance.ladder_forms import CompleteForm, StepForm, WithdrawForm
from knotwork.attendance.letters import (
    is_letter,
    letter_email,
    letter_filename,
    letter_for,
    letter_pdf,
    letter_phone_script,
    letter_sms,
)
from knotwork.attendance.models import LadderStep
from knotwork.casework.consent_models import Section
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access


def _show_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _refused(
    form: forms.Form, exc: ValidationError, request: AuthedRequest, uuid_: uuid.UUID
) -> LadderStep:
    """Show a refusal on a step's form; the step as it is now, the form ready to send again."""
    _show_errors(form, exc)
    step = step_for_user(request.user, uuid_, write=True)
    data = form.data.dict() if isinstance(form.data, QueryDict) else dict(form.data)
    data["version"] = str(step.version)
    form.data = data
    return step


@require_http_methods(["GET"])
def ladder(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.ATTENDANCE)
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="attendance ladder"
    )
    page = ladder_page(pupil, request.user, timezone.localdate())
    return render(request, "attendance/ladder.html", {"page": page, "pupil": pupil})


@require_http_methods(["GET"])
def ladder_export(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.ATTENDANCE)
    audit_record(
        actor=request.user, action=AuditEntry.Action.EXPORT, pupil=pupil, what="ladder steps csv"
    )
    response = HttpResponse(ladder_csv(steps_for_pupil(pupil)), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="attendance-ladder.csv"'
    return response


@require_http_methods(["GET", "POST"])
def step_add(request: AuthedRequest, pupil_uuid: uuid.UUID, kind: str) -> HttpResponse:
    if kind not in rules.ORDER:
        raise Http404("No such step")
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    today = timezone.localdate()
    parents = parents_of(pupil)
    initial = {
        "date": today,
        "owner": request.user.pk,
        "parent": parents[0].pk if parents else None,
    }
    form = StepForm(
        request.POST or None,
        initial=initial,
        kind=kind,
        owners=owner_choices(pupil, today),
        parents=parents,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ladder_step_add(
                actor=request.user,
                pupil=pupil,
                kind=kind,
                date=data["date"],
                owner=data["owner"],
                parent=data.get("parent"),
                review_on=data.get("review_on"),
                details=form.details(),
            )
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, f"{KIND_LABELS[kind]} added to the ladder.")
            return redirect("attendance:ladder", pupil_uuid=pupil.uuid)
    elif request.method == "GET":
        audit_record(
            actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what=f"ladder {kind}"
        )
    context = {"form": form, "pupil": pupil, **step_form_context(pupil, kind, today)}
    return render(request, "attendance/ladder_step_form.html", context)


def _step_context(request: AuthedRequest, step: LadderStep, **forms_: Any) -> dict[str, Any]:
    can_edit = pupil_access(request.user, step.pupil) >= Access.EDIT
    context: dict[str, Any] = {"step": step, "pupil": step.pupil, "can_edit": can_edit}
    if is_letter(step):
        letter = letter_for(step)
        context.update(
            letter=letter,
            email_body=letter_email(letter),
            sms=letter_sms(letter),
            phone_script=letter_phone_script(letter),
        )
    # A form sent back keeps its errors, even when the step has since changed under it.
    context["complete_form"] = forms_.get("complete_form") or CompleteForm(
        initial={"version": step.version}
    )
    context["withdraw_form"] = forms_.get("withdraw_form") or WithdrawForm(
        initial={"version": step.version}
    )
    context["may_complete"] = can_edit and step.status == LadderStep.Status.PLANNED
    context["may_withdraw"] = can_edit and step.status != LadderStep.Status.WITHDRAWN
    return context


@require_http_methods(["GET"])
def step_detail(request: AuthedRequest, step_uuid: uuid.UUID) -> HttpResponse:
    step = step_for_user(request.user, step_uuid)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        pupil=step.pupil,
        obj=step,
        what=f"ladder {step.kind}",
    )
    return render(request, "attendance/ladder_step.html", _step_context(request, step))


@require_http_methods(["POST"])
def step_complete(request: AuthedRequest, step_uuid: uuid.UUID) -> HttpResponse:
    step = step_for_user(request.user, step_uuid, write=True)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            ladder_step_complete(
                actor=request.user,
                step=step,
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            step = _refused(form, exc, request, step_uuid)
        else:
            messages.success(request, f"{step.get_kind_display()} marked as done.")
            return redirect("attendance:ladder", pupil_uuid=step.pupil.uuid)
    context = _step_context(request, step, complete_form=form)
    return render(request, "attendance/ladder_step.html", context)


@require_http_methods(["POST"])
def step_withdraw(request: AuthedRequest, step_uuid: uuid.UUID) -> HttpResponse:
    step = step_for_user(request.user, step_uuid, write=True)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            ladder_step_withdraw(
                actor=request.user,
                step=step,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            step = _refused(form, exc, request, step_uuid)
        else:
            messages.success(request, f"{step.get_kind_display()} withdrawn.")
            return redirect("attendance:ladder", pupil_uuid=step.pupil.uuid)
    context = _step_context(request, step, withdraw_form=form)
    return render(request, "attendance/ladder_step.html", context)


@require_http_methods(["GET"])
def letter_download(request: AuthedRequest, step_uuid: uuid.UUID) -> HttpResponse:
    step = step_for_user(request.user, step_uuid)
    if not is_letter(step):
        raise Http404("This step has no letter")
    pdf = letter_pdf(letter_for(step))
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        pupil=step.pupil,
        obj=step,
        what=f"letter pdf {step.kind}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{letter_filename(step)}"'
    return response
