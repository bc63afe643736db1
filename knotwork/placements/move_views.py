"""Managed-move pages: record the move the panel agreed, the moves a user may see, one
move with its reviews, outcome and the year before and after, and the partnership's
monitor (and its CSV)."""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.forms import show_errors
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.placements import move_queries as q
from knotwork.placements.move_charts import monitor_chart
from knotwork.placements.move_exports import monitor_csv, monitor_xlsx
from knotwork.placements.move_forms import MoveForm, OutcomeForm, ReviewForm
from knotwork.placements.move_models import ManagedMove
from knotwork.placements.move_rules import judged_on
from knotwork.placements.move_services import (
    move_agree,
    move_outcome_record,
    move_review_record,
)
from knotwork.placements.panel_models import AgendaItem
from knotwork.placements.panel_queries import item_for_user
from knotwork.placements.workbook_exports import XLSX
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access
from knotwork.pupils.models import Enrolment

VIEW = AuditEntry.Action.VIEW


def _from_setting(item: AgendaItem) -> Setting:
    assert item.pupil_id is not None
    today = timezone.localdate()
    home = (
        Enrolment.objects.current(today)
        .filter(pupil_id=item.pupil_id)
        .exclude(registration=Enrolment.Registration.SUBSIDIARY)
        .select_related("setting")
        .order_by("-start_date")
    )
    found = home.filter(setting_id=item.put_forward_by_id).first() or home.first()
    if found is None:
        raise Http404("The pupil is not on roll")
    return found.setting


@require_http_methods(["GET", "POST"])
def move_new(request: AuthedRequest, item_uuid: uuid.UUID) -> HttpResponse:
    item, _ = item_for_user(request.user, item_uuid)
    if item.pupil is None or item.kind != AgendaItem.Kind.MANAGED_MOVE:
        raise Http404("No managed move on this item")
    pupil = get_pupil_for_user(request.user, item.pupil.uuid, write=True)
    if item.decision != AgendaItem.Decision.AGREED:
        raise PermissionDenied("The panel has not agreed this move.")
    from_setting = _from_setting(item)
    receiving = list(
        Setting.objects.filter(partnership_memberships__partnership=item.meeting.panel.partnership)
        .exclude(pk=from_setting.pk)
        .exclude(setting_type__in=[Setting.Type.PRU, Setting.Type.AP])
    )
    today = timezone.localdate()
    initial = {"starts_on": today, "reason": item.summary}
    form = MoveForm(
        request.POST if request.method == "POST" else None, initial=initial, receiving=receiving
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            move = move_agree(
                actor=request.user,
                pupil=pupil,
                from_setting=from_setting,
                agenda_item=item,
                **{k: data[k] for k in ("to_setting", "reason", "support", "starts_on")},
                **{k: data[k] for k in ("parent_agreed_on", "pupil_agreed_on", "trial_ends_on")},
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Managed move recorded: the trial has started.")
            return redirect("placements:move-detail", move_uuid=move.uuid)
    audit_record(actor=request.user, action=VIEW, pupil=pupil, obj=item, what="managed move form")
    context = {"form": form, "item": item, "pupil": pupil, "from_setting": from_setting}
    return render(request, "placements/move_new.html", context)


@require_http_methods(["GET"])
def move_list(request: AuthedRequest) -> HttpResponse:
    moves = q.moves_for_user(request.user, timezone.localdate())
    page = Paginator(moves, django_settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record_many(
        actor=request.user,
        action=VIEW,
        records=[(m.pupil_id, m) for m in page],
        what="managed moves list",
    )
    return render(request, "placements/move_list.html", {"page": page, "total": len(moves)})


def _detail(
    request: AuthedRequest,
    move: ManagedMove,
    *,
    review_form: ReviewForm | None = None,
    outcome_form: OutcomeForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    enrolments = list(Enrolment.objects.filter(pupil_id=move.pupil_id))
    edits = pupil_access(request.user, move.pupil) >= Access.EDIT
    audit_record(actor=request.user, action=VIEW, pupil=move.pupil, obj=move, what="managed move")
    context = {
        "move": move,
        "reviews": list(move.reviews.select_related("recorded_by")),
        "success": q.success_of(move, enrolments, today),
        "judged_on": judged_on(move.finalised_on, q.success_days()) if move.finalised_on else None,
        "figures": q.before_and_after(move, today),
        "edits": edits and move.status == ManagedMove.Status.TRIAL,
        "review_form": review_form or ReviewForm(initial={"held_on": today}),
        "outcome_form": outcome_form or OutcomeForm(initial={"on": move.trial_ends_on}),
    }
    return render(request, "placements/move_detail.html", context)


@require_http_methods(["GET"])
def move_detail(request: AuthedRequest, move_uuid: uuid.UUID) -> HttpResponse:
    return _detail(request, q.move_for_user(request.user, move_uuid))


@require_http_methods(["POST"])
def move_review(request: AuthedRequest, move_uuid: uuid.UUID) -> HttpResponse:
    move = q.move_for_user(request.user, move_uuid)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            move_review_record(actor=request.user, move=move, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Review recorded.")
            return redirect("placements:move-detail", move_uuid=move.uuid)
    return _detail(request, move, review_form=form)


@require_http_methods(["POST"])
def move_outcome(request: AuthedRequest, move_uuid: uuid.UUID) -> HttpResponse:
    move = q.move_for_user(request.user, move_uuid)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            move_outcome_record(actor=request.user, move=move, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Outcome recorded.")
            return redirect("placements:move-detail", move_uuid=move.uuid)
    return _detail(request, move, outcome_form=form)


def _partnership(request: AuthedRequest) -> Partnership:
    found = q.monitor_partnerships(request.user)
    if not found:
        raise Http404("No partnership")
    chosen = request.GET.get("partnership")
    for partnership in found:
        if chosen and str(partnership.uuid) == chosen:
            return partnership
    return found[0]


@require_http_methods(["GET"])
def move_monitor(request: AuthedRequest) -> HttpResponse:
    partnership = _partnership(request)
    figures = q.monitor(partnership, timezone.localdate())
    context = {
        "m": figures,
        "lines": q.monitor_lines(figures),
        "header": q.MONITOR_HEADER,
        "chart": monitor_chart(figures),
        "partnerships": q.monitor_partnerships(request.user),
        "success_days": q.success_days(),
    }
    return render(request, "placements/move_monitor.html", context)


@require_http_methods(["GET"])
def move_year_after(request: AuthedRequest) -> HttpResponse:
    """The partnership's figures only: no pupil is named."""
    figures = q.year_after(_partnership(request), timezone.localdate())
    return render(request, "placements/move_year_after.html", {"y": figures})


@require_http_methods(["GET"])
def move_monitor_export(request: AuthedRequest, file_format: str = "csv") -> HttpResponse:
    """The per-setting table and the group tables as CSV or XLSX: figures only, never a
    pupil."""
    figures = q.monitor(_partnership(request), timezone.localdate())
    name = f"managed-moves-{timezone.localdate():%Y%m%d}.{file_format}"
    if file_format == "xlsx":
        response = HttpResponse(monitor_xlsx(figures, q.success_days()), content_type=XLSX)
    else:
        response = HttpResponse(monitor_csv(figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
