"""Pages of a pupil's suspensions and permanent exclusions: the pupil's exclusions with
their clocks, issuing one, and one exclusion with the forms that record what follows
(notices, the sixth-day provision, the board, the review, off roll, cancellation)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.behaviour import rules
from knotwork.behaviour.exclusion_forms import (
    BoardForm,
    CancelForm,
    IssueForm,
    NoticeForm,
    OffRollForm,
    ProvisionForm,
    ReviewForm,
)
from knotwork.behaviour.exclusion_queries import (
    exclusion_actions,
    exclusion_for_user,
    exclusion_row,
    exclusions_panel,
    issuing_enrolments,
    pupil_exclusions_csv,
    pupil_exclusions_page,
)
from knotwork.behaviour.exclusion_services import (
    board_outcome_record,
    exclusion_cancel,
    exclusion_notice_record,
    exclusion_off_roll,
    permanent_exclusion_issue,
    provision_arrange,
    review_outcome_record,
    suspension_issue,
)
from knotwork.behaviour.models import Exclusion
from knotwork.casework.consent_models import Section
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.placements.provision_queries import placements_for_exclusion
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access, visible_pupils

KINDS = {"suspension": "Issue a suspension", "permanent": "Issue a permanent exclusion"}
FORMS: dict[str, type[forms.Form]] = {
    "notice": NoticeForm,
    "provision": ProvisionForm,
    "board": BoardForm,
    "review": ReviewForm,
    "off_roll": OffRollForm,
    "cancel": CancelForm,
}
#: A service's field names where the form calls them otherwise.
_ALIASES = {"sessions": "length", "reasons": "reason_1"}


def _show_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            name = _ALIASES.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET"])
def pupil_exclusions(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.BEHAVIOUR)
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="exclusions")
    page = pupil_exclusions_page(pupil, request.user, timezone.localdate())
    return render(request, "behaviour/exclusions.html", {"page": page, "pupil": pupil})


@require_http_methods(["GET"])
def pupil_exclusions_export(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.BEHAVIOUR)
    audit_record(
        actor=request.user, action=AuditEntry.Action.EXPORT, pupil=pupil, what="exclusions csv"
    )
    page = pupil_exclusions_page(pupil, request.user, timezone.localdate())
    response = HttpResponse(pupil_exclusions_csv(page), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="exclusions.csv"'
    return response


def _issue(request: AuthedRequest, form: IssueForm, pupil: Any, permanent: bool) -> Exclusion:
    data = form.cleaned_data
    common: dict[str, Any] = {
        "actor": request.user,
        "pupil": pupil,
        "enrolment": data["enrolment"],
        "start_date": data["start_date"],
        "start_half": data["start_half"],
        "reasons": form.reasons(),
        "decided_by": data["decided_by"],
        "parents_told_on": data.get("parents_told_on"),
        "parents_told_how": data.get("parents_told_how", ""),
    }
    if permanent:
        return permanent_exclusion_issue(**common)
    return suspension_issue(sessions=data["sessions"], **common)


@require_http_methods(["GET", "POST"])
def exclusion_issue(request: AuthedRequest, pupil_uuid: uuid.UUID, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such kind of exclusion")
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    today = timezone.localdate()
    enrolments = issuing_enrolments(pupil, request.user, today)
    if not enrolments:
        raise PermissionDenied("You may not record exclusions at this pupil's settings.")
    initial = {"start_date": today, "enrolment": enrolments[0].pk, "unit": "days"}
    permanent = kind == "permanent"
    form = IssueForm(
        request.POST or None, permanent=permanent, enrolments=enrolments, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            exclusion = _issue(request, form, pupil, permanent)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            panel = exclusions_panel(pupil, request.user, today)
            said = f"{exclusion.get_kind_display()} recorded."
            if panel.cap is not None and panel.cap.is_open:
                said += f" {panel.cap.tag_text}: {panel.cap.line}"
            messages.success(request, said)
            return redirect("behaviour:pupil-exclusions", pupil_uuid=pupil.uuid)
    elif request.method == "GET":
        audit_record(
            actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what=f"issue {kind}"
        )
    context = {
        "form": form,
        "pupil": pupil,
        "kind": kind,
        "title": KINDS[kind],
        "panel": exclusions_panel(pupil, request.user, today),
    }
    return render(request, "behaviour/exclusion_issue.html", context)


# --- one exclusion -------------------------------------------------------------------------


def _initial(name: str, exclusion: Exclusion, row: Any, today: datetime.date) -> dict[str, Any]:
    initial: dict[str, Any] = {"version": exclusion.version}
    if name == "notice":
        untold = [c.kind for c in row.open if c.group == rules.Group.NOTICES]
        first = {
            rules.Kind.TELL_PARENTS: "parents",
            rules.Kind.TELL_LA: "la",
            rules.Kind.TELL_GOVERNORS: "governors",
            rules.Kind.TELL_SOCIAL_WORKER: "social_worker",
            rules.Kind.TELL_VIRTUAL_SCHOOL: "virtual_school",
        }
        initial |= {"on": today, "who": first.get(untold[0]) if untold else "la"}
    elif name == "provision":
        day_six = next((c for c in row.clocks if c.kind == rules.Kind.DAY_SIX), None)
        by = "la" if exclusion.kind == Exclusion.Kind.PERMANENT else "school"
        initial |= {"by": by, "starts_on": day_six.due if day_six and day_six.due else today}
    elif name == "board":
        initial |= {"met_on": today, "outcome": Exclusion.BoardOutcome.UPHELD}
    elif name == "review":
        initial |= {"applied_on": exclusion.review_applied_on or today}
    elif name == "cancel":
        initial |= {"cancelled_on": today}
    return initial


def _detail(
    request: AuthedRequest, exclusion: Exclusion, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    today = timezone.localdate()
    row = exclusion_row(exclusion, today)
    can_edit = pupil_access(request.user, exclusion.pupil, today) >= Access.EDIT
    bound = bound or {}
    context: dict[str, Any] = {
        "exclusion": exclusion,
        "pupil": exclusion.pupil,
        "row": row,
        "can_edit": can_edit,
        "actions": exclusion_actions(exclusion) if can_edit else set(),
        "errors": [form for form in bound.values() if form.errors],
        "placements": placements_for_exclusion(request.user, exclusion.pk, today),
    }
    for name, form_class in FORMS.items():
        context[f"{name}_form"] = bound.get(name) or form_class(
            initial=_initial(name, exclusion, row, today)
        )
    return render(request, "behaviour/exclusion.html", context)


@require_http_methods(["GET"])
def exclusion_detail(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    exclusion = exclusion_for_user(request.user, exclusion_uuid)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        pupil=exclusion.pupil,
        obj=exclusion,
        what="exclusion",
    )
    return _detail(request, exclusion)


def _after(request: AuthedRequest, exclusion: Exclusion) -> HttpResponse:
    """Back to the pupil's exclusions; to the compliance page once the pupil is off roll
    and out of the user's sight."""
    if visible_pupils(request.user).filter(pk=exclusion.pupil_id).exists():
        return redirect("behaviour:pupil-exclusions", pupil_uuid=exclusion.pupil.uuid)
    return redirect(reverse("behaviour:compliance"))


def _act(
    request: AuthedRequest,
    exclusion_uuid: uuid.UUID,
    name: str,
    record: Callable[[Exclusion, dict[str, Any]], Exclusion],
    done: str,
) -> HttpResponse:
    """One form of the exclusion's page: the service, then back to the pupil; a refusal
    shows the page again with what was typed (and, if it changed, the exclusion as now)."""
    exclusion = exclusion_for_user(request.user, exclusion_uuid, write=True)
    form = FORMS[name](request.POST)
    if form.is_valid():
        try:
            record(exclusion, form.cleaned_data)
        except ValidationError as exc:
            _show_errors(form, exc)
            exclusion = exclusion_for_user(request.user, exclusion_uuid, write=True)
            data = form.data.dict() if isinstance(form.data, QueryDict) else dict(form.data)
            form.data = {**data, "version": str(exclusion.version)}
        else:
            messages.success(request, done)
            return _after(request, exclusion)
    return _detail(request, exclusion, {name: form})


@require_http_methods(["POST"])
def exclusion_notice(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    def record(x: Exclusion, data: dict[str, Any]) -> Exclusion:
        return exclusion_notice_record(
            actor=request.user,
            exclusion=x,
            expected_version=data["version"],
            who=data["who"],
            on=data["on"],
            how=data["how"],
        )

    return _act(request, exclusion_uuid, "notice", record, "Notice recorded.")


@require_http_methods(["POST"])
def exclusion_provision(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    def record(x: Exclusion, data: dict[str, Any]) -> Exclusion:
        return provision_arrange(
            actor=request.user,
            exclusion=x,
            expected_version=data["version"],
            by=data["by"],
            where=data["where"],
            starts_on=data["starts_on"],
        )

    return _act(request, exclusion_uuid, "provision", record, "Education arranged.")


@require_http_methods(["POST"])
def exclusion_board(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    def record(x: Exclusion, data: dict[str, Any]) -> Exclusion:
        return board_outcome_record(
            actor=request.user,
            exclusion=x,
            expected_version=data["version"],
            met_on=data["met_on"],
            outcome=data["outcome"],
            decision_sent_on=data.get("decision_sent_on"),
        )

    return _act(request, exclusion_uuid, "board", record, "The board's decision is recorded.")


@require_http_methods(["POST"])
def exclusion_review(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    def record(x: Exclusion, data: dict[str, Any]) -> Exclusion:
        return review_outcome_record(
            actor=request.user,
            exclusion=x,
            expected_version=data["version"],
            applied_on=data["applied_on"],
            outcome=data.get("outcome", ""),
            decided_on=data.get("decided_on"),
        )

    return _act(request, exclusion_uuid, "review", record, "The independent review is recorded.")


@require_http_methods(["POST"])
def exclusion_off_roll_view(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    def record(x: Exclusion, data: dict[str, Any]) -> Exclusion:
        return exclusion_off_roll(
            actor=request.user,
            exclusion=x,
            expected_version=data["version"],
            parents_declined_on=data.get("parents_declined_on"),
        )

    return _act(request, exclusion_uuid, "off_roll", record, "The pupil is off roll.")


@require_http_methods(["POST"])
def exclusion_cancel_view(request: AuthedRequest, exclusion_uuid: uuid.UUID) -> HttpResponse:
    def record(x: Exclusion, data: dict[str, Any]) -> Exclusion:
        return exclusion_cancel(
            actor=request.user,
            exclusion=x,
            expected_version=data["version"],
            cancelled_on=data["cancelled_on"],
        )

    return _act(request, exclusion_uuid, "cancel", record, "The exclusion is cancelled.")
