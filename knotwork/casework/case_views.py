"""Case pages: a pupil's cases, opening one, the case page, its team, plan, reviews,
closing, re-opening and the lead; and a key worker's caseload."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.accounts.models import User
from knotwork.casework import case_services as services
from knotwork.casework.case_charts import case_chart
from knotwork.casework.case_forms import (
    ActionForm,
    CaseOpenForm,
    CloseForm,
    LeadForm,
    MemberForm,
    ReviewBookForm,
    ReviewForm,
    VersionForm,
)
from knotwork.casework.case_models import Case, CaseMember, PlanAction
from knotwork.casework.case_queries import (
    active_members,
    case_for_user,
    case_page,
    caseload_cases,
    caseload_of,
    caseload_rows,
    cases_of_pupil,
    lead_candidates,
    lead_suggestions,
    may_edit_pupil,
    may_manage_case,
    may_work_on_case,
)
from knotwork.casework.consent_models import Section
from knotwork.casework.consent_queries import may_see_sharing
from knotwork.casework.models import Concern, Referral
from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Setting
from knotwork.pupils.access import get_pupil_for_user
from knotwork.pupils.models import Enrolment, Pupil


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal on the form: on its field when the form has one, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _case_to_change(request: AuthedRequest, case_uuid: uuid.UUID, *, manage: bool) -> Case:
    """The case (404 when not visible), or 403 when the user may not make the change."""
    case = case_for_user(request.user, case_uuid)
    today = timezone.localdate()
    allowed = may_manage_case if manage else may_work_on_case
    if not allowed(request.user, case, today):
        raise PermissionDenied("You may see this case but not change it.")
    return case


def _case_url(case: Case) -> str:
    return reverse("casework:case", args=[case.uuid])


def _form_page(
    request: AuthedRequest,
    form: forms.Form,
    *,
    title: str,
    case: Case | None = None,
    pupil: Any = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "case": case,
        "pupil": case.pupil if case is not None else pupil,
    }
    context.update(extra or {})
    return render(request, "casework/case_form.html", context)


def _run(form: forms.Form, call: Callable[[], Any]) -> Any:
    """The service's result, or None with its refusal shown on the form."""
    try:
        return call()
    except ValidationError as exc:
        show_errors(form, exc)
        return None


# --- A pupil's cases, opening one ---------------------------------------------------------------


@require_http_methods(["GET"])
def pupil_cases_page(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.CASEWORK)
    today = timezone.localdate()
    cases = cases_of_pupil(request.user, pupil, today)
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="cases")
    can_open = bool(_openable_settings(request.user, pupil))
    context = {"pupil": pupil, "cases": cases, "can_open": can_open}
    return render(request, "casework/pupil_cases.html", context)


def _openable_settings(user: User, pupil: Pupil) -> QuerySet[Setting]:
    today = timezone.localdate()
    if not may_edit_pupil(user, pupil, today):
        return Setting.objects.none()
    on_roll = Enrolment.objects.current(today).filter(pupil=pupil).values("setting_id")
    return Setting.objects.filter(pk__in=on_roll).order_by("name")


def _opened_from(request: AuthedRequest, pupil: Pupil) -> dict[str, Any]:
    """The concern or referral a case is opened from (``?concern=``, ``?referral=``), if it
    is about this pupil; anything else in the address is ignored."""
    found: dict[str, Any] = {}
    for name, model in (("concern", Concern), ("referral", Referral)):
        try:
            key = uuid.UUID(request.GET.get(name, ""))
        except ValueError:
            continue
        record = model.objects.filter(uuid=key, pupil=pupil).first()
        if record is not None:
            found[name] = record
    return found


@require_http_methods(["GET", "POST"])
def case_open_page(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    opened_from = _opened_from(request, pupil)
    settings = _openable_settings(request.user, pupil)
    first = settings.first()
    leads = lead_candidates(first) if first else User.objects.none()
    data = request.POST if request.method == "POST" else None
    initial = {"opened_on": timezone.localdate(), "lead": request.user.pk}
    form = CaseOpenForm(data, initial=initial, settings=settings, leads=leads)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        details = {
            k: v for k, v in d.items() if k in services.ASSESSMENT_FIELDS + services.APPROACH_FIELDS
        }
        case = _run(
            form,
            lambda: services.case_open(
                actor=request.user,
                pupil=pupil,
                setting=d["setting"],
                opened_on=d["opened_on"],
                lead=d["lead"],
                outcomes=list(d["outcomes"]),
                measures=d["measures"],
                measure_weeks=d["measure_weeks"],
                **opened_from,
                **details,
            ),
        )
        if case is not None:
            return redirect(_case_url(case))
    suggested = lead_suggestions(first)[:10] if first else []
    extra = {"suggestions": suggested, "opened_from": opened_from}
    return _form_page(request, form, title="Open a case", pupil=pupil, extra=extra)


# --- The case page ------------------------------------------------------------------------------


@require_http_methods(["GET"])
def case_detail_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = case_for_user(request.user, case_uuid)
    today = timezone.localdate()
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, pupil=case.pupil, obj=case, what="case"
    )
    page = case_page(case, today)
    context = {
        "case": case,
        "pupil": case.pupil,
        "page": page,
        "today": today,
        "chart": case_chart(page.reviews, page.half_terms),
        "can_manage": may_manage_case(request.user, case, today),
        "can_work": may_work_on_case(request.user, case, today),
        "sees_sharing": may_see_sharing(request.user, case.pupil, today),
        "version_form": VersionForm(initial={"version": case.version}),
    }
    return render(request, "casework/case.html", context)


@require_http_methods(["GET", "POST"])
def member_add_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=True)
    data = request.POST if request.method == "POST" else None
    form = MemberForm(
        data, initial={"starts_on": timezone.localdate()}, people=lead_candidates(case.setting)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.case_member_add(
                actor=request.user,
                case=case,
                user=d["user"],
                name=d["name"],
                organisation_name=d["organisation_name"],
                role=d["role"],
                starts_on=d["starts_on"],
            ),
        )
        if done is not None:
            return redirect(_case_url(case) + "#team")
    return _form_page(request, form, title="Add someone to the team", case=case)


@require_http_methods(["POST"])
def member_end_page(request: AuthedRequest, case_uuid: uuid.UUID, member_id: int) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=True)
    member = get_object_or_404(CaseMember, pk=member_id, case=case)
    # Already left, or the lead: the page shows the team as it stands.
    with contextlib.suppress(ValidationError):
        services.case_member_end(
            actor=request.user, case=case, member=member, ends_on=timezone.localdate()
        )
    return redirect(_case_url(case) + "#team")


@require_http_methods(["GET", "POST"])
def action_add_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    return _action_page(request, case_uuid, None)


@require_http_methods(["GET", "POST"])
def action_edit_page(
    request: AuthedRequest, case_uuid: uuid.UUID, action_uuid: uuid.UUID
) -> HttpResponse:
    return _action_page(request, case_uuid, action_uuid)


def _action_page(
    request: AuthedRequest, case_uuid: uuid.UUID, action_uuid: uuid.UUID | None
) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=False)
    action = get_object_or_404(PlanAction, uuid=action_uuid, case=case) if action_uuid else None
    owners = User.objects.filter(
        pk__in=active_members(case, timezone.localdate()).values("user_id")
    )
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {"owner": request.user.pk}
    if action is not None:
        initial = {
            "what": action.what,
            "owner": action.owner_id,
            "owner_name": action.owner_name,
            "due_on": action.due_on,
            "status": action.status,
            "version": action.version,
        }
    form = ActionForm(data, initial=initial, owners=owners)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        common = {
            "actor": request.user,
            "what": d["what"],
            "due_on": d["due_on"],
            "owner": d["owner"],
            "owner_name": d["owner_name"],
        }
        if action is None:
            done = _run(form, lambda: services.plan_action_add(case=case, **common))
        else:
            done = _run(
                form,
                lambda: services.plan_action_update(
                    action=action, version=d["version"] or 0, status=d["status"], **common
                ),
            )
        if done is not None:
            return redirect(_case_url(case) + "#plan")
    if request.method == "GET":  # the team, and the action as it stands
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=case.pupil,
            obj=action or case,
            what="plan action form",
        )
    title = "Change an action" if action else "Add an action to the plan"
    return _form_page(request, form, title=title, case=case)


@require_http_methods(["GET", "POST"])
def review_record_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=False)
    members = active_members(case, timezone.localdate()).select_related("user")
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, initial={"held_on": timezone.localdate()}, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _run(
            form,
            lambda: services.review_record(
                actor=request.user,
                case=case,
                attendees=list(d["attendees"]),
                **{k: v for k, v in d.items() if k != "attendees"},
            ),
        )
        if done is not None:
            return redirect(_case_url(case) + "#reviews")
    if request.method == "GET":  # the team, to say who attended
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=case.pupil,
            obj=case,
            what="review form",
        )
    return _form_page(request, form, title="Record a review", case=case)


@require_http_methods(["GET", "POST"])
def review_book_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=False)
    data = request.POST if request.method == "POST" else None
    initial = {
        "next_review_on": case.next_review_on,
        "where": case.next_review_at,
        "version": case.version,
    }
    form = ReviewBookForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = _run(
            form, lambda: services.review_book(actor=request.user, case=case, **form.cleaned_data)
        )
        if done is not None:
            return redirect(_case_url(case))
    return _form_page(request, form, title="Book the next review", case=case)


@require_http_methods(["GET", "POST"])
def case_close_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=True)
    data = request.POST if request.method == "POST" else None
    form = CloseForm(data, initial={"closed_on": timezone.localdate(), "version": case.version})
    if request.method == "POST" and form.is_valid():
        done = _run(
            form, lambda: services.case_close(actor=request.user, case=case, **form.cleaned_data)
        )
        if done is not None:
            return redirect(_case_url(case))
    return _form_page(request, form, title="Close the case", case=case)


@require_http_methods(["POST"])
def case_reopen_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=True)
    form = VersionForm(request.POST)
    if form.is_valid():
        # Already open, or changed since: the page shows it as it stands.
        with contextlib.suppress(ValidationError):
            services.case_reopen(
                actor=request.user,
                case=case,
                version=form.cleaned_data["version"],
                reopened_on=timezone.localdate(),
            )
    return redirect(_case_url(case))


@require_http_methods(["GET", "POST"])
def case_lead_page(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    case = _case_to_change(request, case_uuid, manage=True)
    data = request.POST if request.method == "POST" else None
    form = LeadForm(
        data,
        initial={"changed_on": timezone.localdate(), "version": case.version},
        leads=lead_candidates(case.setting),
    )
    if request.method == "POST" and form.is_valid():
        done = _run(
            form,
            lambda: services.case_lead_change(actor=request.user, case=case, **form.cleaned_data),
        )
        if done is not None:
            return redirect(_case_url(case))
    suggested = lead_suggestions(case.setting)[:10]
    return _form_page(
        request,
        form,
        title="Change the lead professional",
        case=case,
        extra={"suggestions": suggested},
    )


# --- Caseload -----------------------------------------------------------------------------------


@require_http_methods(["GET"])
def caseload_page(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    page = Paginator(caseload_cases(request.user), django_settings.KNOTWORK_PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    rows = caseload_rows(page, today)
    audit_record_many(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        records=[(row.case.pupil_id, row.case) for row in rows],
        what="caseload",
    )
    context = {"page": page, "rows": rows, "load": caseload_of(request.user), "today": today}
    return render(request, "casework/caseload.html", context)
