"""Panel pages: the meetings a user may see, one meeting's agenda with its attendance,
decisions and actions (and the forms that record them), and its minutes as PDF."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.accounts.models import Membership, Role, User
from knotwork.core.audit import audit_record_many
from knotwork.core.forms import show_errors
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation
from knotwork.placements import panel_queries as q
from knotwork.placements import panel_services as services
from knotwork.placements.panel_access import PanelRights
from knotwork.placements.panel_forms import (
    ActionForm,
    AttendanceForm,
    DecisionForm,
    DoneForm,
    ItemForm,
    MeetingForm,
)
from knotwork.placements.panel_models import AgendaItem, PanelMeeting, seat_held
from knotwork.pupils.access import visible_pupils

VIEW = AuditEntry.Action.VIEW


def _list_page(
    request: AuthedRequest, failed: tuple[int, MeetingForm] | None = None
) -> HttpResponse:
    meetings = q.meetings_for_user(request.user)
    page = Paginator(meetings, django_settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    panels = [
        (panel, failed[1] if failed and failed[0] == panel.pk else MeetingForm())
        for panel in q.panels_run_by(request.user)
    ]
    context = {"page": page, "today": timezone.localdate(), "panels": panels}
    return render(request, "placements/panel_list.html", context)


@require_http_methods(["GET"])
def panel_list(request: AuthedRequest) -> HttpResponse:
    return _list_page(request)


@require_http_methods(["POST"])
def panel_meeting_new(request: AuthedRequest, panel_uuid: uuid.UUID) -> HttpResponse:
    panel = q.panel_for_user(request.user, panel_uuid)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.panel_meeting_schedule(
                actor=request.user, panel=panel, held_on=form.cleaned_data["held_on"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Meeting added.")
            return redirect("placements:panel-meeting", meeting_uuid=meeting.uuid)
    return _list_page(request, (panel.pk, form))


@require_http_methods(["POST"])
def panel_action_done(request: AuthedRequest, action_uuid: uuid.UUID) -> HttpResponse:
    action, _ = q.action_for_user(request.user, action_uuid)
    form = DoneForm(request.POST)
    if form.is_valid():
        services.panel_action_done(
            actor=request.user, action=action, done_on=form.cleaned_data["done_on"]
        )
        messages.success(request, "Action marked done.")
    else:
        messages.error(request, "Give the day the action was done.")
    return redirect("placements:panel-meeting", meeting_uuid=action.meeting.uuid)


def _organisations(request: AuthedRequest, meeting: PanelMeeting, rights: PanelRights) -> list[Any]:
    seated = Organisation.objects.filter(
        seat_held(timezone.localdate(), "panel_seats__"), panel_seats__panel_id=meeting.panel_id
    ).order_by("name")
    if rights.runs:
        return list(seated)
    own = request.user.memberships.filter(can_edit=True).values("organisation_id")
    return list(seated.filter(pk__in=own))


def _people(meeting: PanelMeeting) -> list[User]:
    """Who may own an action: people of the panel's member organisations and of the
    partnership's LA service, board members aside."""
    seated = Organisation.objects.filter(
        seat_held(timezone.localdate(), "panel_seats__"), panel_seats__panel_id=meeting.panel_id
    )
    officers = meeting.panel.partnership.memberships.filter(
        organisation__kind=Organisation.Kind.LA_SERVICE
    ).values("organisation_id")
    places = Membership.objects.exclude(role=Role.BOARD_MEMBER).filter(
        Q(organisation__in=seated) | Q(organisation_id__in=officers)
    )
    return list(User.objects.filter(is_active=True, pk__in=places.values("user_id")))


def _meeting_page(
    request: AuthedRequest,
    meeting: PanelMeeting,
    rights: PanelRights,
    *,
    failed_decision: tuple[int, DecisionForm] | None = None,
    **bound: forms.Form,
) -> HttpResponse:
    today = timezone.localdate()
    found = q.agenda(request.user, meeting, rights, today)
    audit_record_many(
        actor=request.user,
        action=VIEW,
        records=[(r.item.pupil_id, r.item) for r in found.named_pupils if r.item.pupil_id],
        what="panel agenda",
    )
    context: dict[str, Any] = {
        "meeting": meeting,
        "rights": rights,
        "agenda": found,
        "today": today,
        "decision_forms": {},
    }
    if rights.runs and meeting.status == PanelMeeting.Status.PLANNED:
        waiting = q.referrals_waiting(request.user, meeting, today)
        context["referrals"] = waiting
        context["kinds"] = [k for k in AgendaItem.Kind.choices if k[0] != AgendaItem.Kind.OTHER]
        audit_record_many(
            actor=request.user,
            action=VIEW,
            records=[(r.pupil_id, r) for r in waiting],
            what="referrals to the panel",
        )
    if rights.puts_forward and meeting.status == PanelMeeting.Status.PLANNED:
        context["item_form"] = bound.get("item_form") or ItemForm(
            organisations=_organisations(request, meeting, rights)
        )
    if rights.runs and meeting.held_on <= today:
        members = [row.member for row in found.members]
        initial = {f"member_{r.member.pk}": r.status for r in found.members if r.status}
        context["attendance_form"] = bound.get("attendance_form") or AttendanceForm(
            members=members, initial=initial
        )
        context["decision_forms"] = {
            r.item.pk: DecisionForm(
                initial={"decision": r.item.decision, "note": r.item.decision_note}
            )
            for r in found.rows
        }
        if failed_decision is not None:
            context["decision_forms"][failed_decision[0]] = failed_decision[1]
        context["action_form"] = bound.get("action_form") or _action_form(None, meeting)
    forms_by_item = context["decision_forms"]
    context["items"] = [(row, forms_by_item.get(row.item.pk)) for row in found.rows]
    return render(request, "placements/panel_meeting.html", context)


def _action_form(data: Any, meeting: PanelMeeting) -> ActionForm:
    items = [
        (str(i.uuid), f"{i.position}. {i.get_kind_display()}")
        for i in AgendaItem.objects.filter(meeting=meeting).order_by("position", "pk")
    ]
    return ActionForm(data, people=_people(meeting), items=items)


@require_http_methods(["GET"])
def panel_meeting(request: AuthedRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    meeting, rights = q.meeting_for_user(request.user, meeting_uuid)
    return _meeting_page(request, meeting, rights)


@require_http_methods(["POST"])
def panel_item_new(request: AuthedRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    meeting, rights = q.meeting_for_user(request.user, meeting_uuid)
    if not rights.puts_forward:
        raise PermissionDenied("You may not put cases forward to this panel.")
    form = ItemForm(request.POST, organisations=_organisations(request, meeting, rights))
    if form.is_valid():
        data = form.cleaned_data
        pupil = None
        if data["upn"]:
            pupil = visible_pupils(request.user, for_edit=True).filter(upn=data["upn"]).first()
            if pupil is None:
                form.add_error("upn", "There is no pupil with this UPN that you may put forward.")
        if not form.errors:
            try:
                services.panel_item_put_forward(
                    actor=request.user,
                    meeting=meeting,
                    kind=data["kind"],
                    summary=data["summary"],
                    organisation=data["organisation"],
                    pupil=pupil,
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                messages.success(request, "Case put forward to the meeting.")
                return redirect("placements:panel-meeting", meeting_uuid=meeting.uuid)
    return _meeting_page(request, meeting, rights, item_form=form)


@require_http_methods(["POST"])
def panel_item_from_referral(
    request: AuthedRequest, meeting_uuid: uuid.UUID, referral_uuid: uuid.UUID
) -> HttpResponse:
    meeting, rights = q.meeting_for_user(request.user, meeting_uuid)
    if not rights.runs:
        raise PermissionDenied("Only the partnership's officers build the agenda from referrals.")
    found = q.referrals_waiting(request.user, meeting, timezone.localdate())
    referral = next((r for r in found if r.uuid == referral_uuid), None)
    if referral is None:
        raise Http404("No such referral")
    kind = request.POST.get("kind", "")
    if kind not in AgendaItem.Kind.values or kind == AgendaItem.Kind.OTHER:
        messages.error(request, "Choose what kind of case the referral is.")
        return redirect("placements:panel-meeting", meeting_uuid=meeting.uuid)
    try:
        services.panel_item_from_referral(
            actor=request.user, meeting=meeting, referral=referral, kind=kind
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Referral put on the agenda.")
    return redirect("placements:panel-meeting", meeting_uuid=meeting.uuid)


@require_http_methods(["POST"])
def panel_item_decide(request: AuthedRequest, item_uuid: uuid.UUID) -> HttpResponse:
    item, rights = q.item_for_user(request.user, item_uuid)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.panel_item_decide(
                actor=request.user,
                item=item,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Decision recorded.")
            placement_form = q.placement_form_for(item)
            if placement_form is not None:
                return redirect(placement_form, item_uuid=item.uuid)
            return redirect("placements:panel-meeting", meeting_uuid=item.meeting.uuid)
    return _meeting_page(request, item.meeting, rights, failed_decision=(item.pk, form))


@require_http_methods(["POST"])
def panel_attendance(request: AuthedRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    meeting, rights = q.meeting_for_user(request.user, meeting_uuid)
    members = list(meeting.panel.members.held_on(meeting.held_on).select_related("organisation"))
    form = AttendanceForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.panel_attendance_record(
                actor=request.user, meeting=meeting, statuses=form.statuses()
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Attendance recorded.")
            return redirect("placements:panel-meeting", meeting_uuid=meeting.uuid)
    return _meeting_page(request, meeting, rights, attendance_form=form)


@require_http_methods(["POST"])
def panel_action_new(request: AuthedRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    meeting, rights = q.meeting_for_user(request.user, meeting_uuid)
    form = _action_form(request.POST, meeting)
    if form.is_valid():
        data = form.cleaned_data
        item = (
            AgendaItem.objects.filter(meeting=meeting, uuid=data["item"]).first()
            if data["item"]
            else None
        )
        try:
            services.panel_action_add(
                actor=request.user,
                meeting=meeting,
                text=data["text"],
                owner=data["owner"],
                due_on=data["due_on"],
                item=item,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Action added.")
            return redirect("placements:panel-meeting", meeting_uuid=meeting.uuid)
    return _meeting_page(request, meeting, rights, action_form=form)


def minutes_html(request: AuthedRequest, meeting: PanelMeeting, found: q.Agenda) -> str:
    return render_to_string(
        "placements/panel_minutes.html",
        {"meeting": meeting, "agenda": found, "printed_on": timezone.localdate()},
        request=request,
    )


@require_http_methods(["GET"])
def panel_minutes(request: AuthedRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    meeting, rights = q.meeting_for_user(request.user, meeting_uuid)
    found = q.agenda(request.user, meeting, rights, timezone.localdate())
    audit_record_many(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        records=[(r.item.pupil_id, r.item) for r in found.named_pupils if r.item.pupil_id],
        what="panel minutes PDF",
    )
    # WeasyPrint takes over half a second to import: load it only when minutes are printed.
    from weasyprint import HTML

    pdf: bytes = HTML(string=minutes_html(request, meeting, found)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"panel-minutes-{meeting.held_on.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
