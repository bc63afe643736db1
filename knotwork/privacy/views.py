"""Privacy pages: breaking glass and the record it opens; for the data protection lead,
the break-glass report and its reviews, a pupil's view log (and its CSV) and the
subject access export."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.pupil_queries import attendance_so_far
from knotwork.behaviour.incident_queries import behaviour_so_far
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.privacy.exports import subject_access_zip, view_log_text
from knotwork.privacy.forms import BreakGlassForm, ReviewForm, UPNForm, ViewLogFilterForm
from knotwork.privacy.queries import (
    ViewLogFilters,
    break_glass_candidate,
    break_glass_for_lead,
    break_glass_uses_reported,
    led_partnership_ids,
    only_a_board_member,
    open_break_glass_for_user,
    pupil_by_upn_for_lead,
    pupil_for_lead,
    view_log_entries,
)
from knotwork.privacy.services import (
    break_glass_open,
    break_glass_report_audit,
    break_glass_review,
)
from knotwork.pupils.access import get_pupil_for_user, pupil_sections, visible_among
from knotwork.pupils.queries import pupil_profile

NOT_FOUND = (
    "No record can be opened with this UPN. Check the number, or ask your designated "
    "safeguarding lead."
)


def _lead_only(request: AuthedRequest) -> None:
    if not led_partnership_ids(request.user, timezone.localdate()):
        raise PermissionDenied("This page is for a partnership's data protection lead.")


@require_http_methods(["GET", "POST"])
def break_glass_new(request: AuthedRequest) -> HttpResponse:
    """Open a pupil's record for urgent safeguarding, with a reason. Posted, logged, reported."""
    if only_a_board_member(request.user):
        raise PermissionDenied("Board members cannot break glass.")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pupil = break_glass_candidate(request.user, form.cleaned_data["upn"])
        if pupil is not None and visible_among(request.user, [pupil.pk]):
            messages.success(request, "You can already see this record: nothing was logged.")
            return redirect("pupils:profile", pupil_uuid=pupil.uuid)
        if pupil is None:
            audit_record(actor=request.user, action=AuditEntry.Action.SEARCH, what="break glass")
            form.add_error("upn", NOT_FOUND)
        else:
            try:
                opened = break_glass_open(
                    actor=request.user,
                    pupil=pupil,
                    reason=form.cleaned_data["reason"],
                    site_url=request.build_absolute_uri("/"),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("privacy:break-glass-record", break_glass_uuid=opened.uuid)
    context = {"form": form, "hours": settings.KNOTWORK_BREAK_GLASS_HOURS}
    return render(request, "privacy/break_glass_new.html", context)


@require_http_methods(["GET"])
def break_glass_record(request: AuthedRequest, break_glass_uuid: uuid.UUID) -> HttpResponse:
    """The pupil's record while the window is open, under a banner saying so."""
    use = open_break_glass_for_user(request.user, break_glass_uuid)
    pupil = get_pupil_for_user(request.user, use.pupil.uuid)
    today = timezone.localdate()
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="profile, break glass"
    )
    context = pupil_profile(pupil, today)
    context.update(
        can_edit=False,
        attendance=attendance_so_far(pupil, today),
        behaviour=behaviour_so_far(pupil, today),
        sections=pupil_sections(request.user, pupil, today),
        break_glass=use,
    )
    return render(request, "privacy/break_glass_record.html", context)


@require_http_methods(["GET"])
def break_glass_report(request: AuthedRequest) -> HttpResponse:
    """Break-glass uses reported to the data protection lead, unreviewed first."""
    _lead_only(request)
    now = timezone.now()
    rows = break_glass_uses_reported(request.user, timezone.localdate())
    page = Paginator(rows, settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    break_glass_report_audit(actor=request.user, uses=list(page))
    unreviewed = rows.filter(reviewed_at__isnull=True).count()
    context = {"page": page, "now": now, "unreviewed": unreviewed}
    return render(request, "privacy/report.html", context)


@require_http_methods(["GET", "POST"])
def review(request: AuthedRequest, break_glass_uuid: uuid.UUID) -> HttpResponse:
    use = break_glass_for_lead(request.user, break_glass_uuid, timezone.localdate())
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_review(actor=request.user, break_glass=use, note=form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Marked reviewed.")
            return redirect("privacy:report")
    elif request.method == "GET":
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=use.pupil,
            obj=use,
            what="break glass use",
        )
    context = {"use": use, "form": form, "now": timezone.now()}
    return render(request, "privacy/review.html", context)


@require_http_methods(["GET", "POST"])
def lead_pupil_find(request: AuthedRequest) -> HttpResponse:
    """The data protection lead picks a pupil by UPN (posted, never in a URL)."""
    _lead_only(request)
    form = UPNForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        today = timezone.localdate()
        pupil = pupil_by_upn_for_lead(request.user, form.cleaned_data["upn"], today)
        audit_record(
            actor=request.user, action=AuditEntry.Action.SEARCH, pupil=pupil, what="view log"
        )
        if pupil is not None:
            return redirect("privacy:view-log", pupil_uuid=pupil.uuid)
        form.add_error("upn", "No pupil of your partnership has this UPN.")
    return render(request, "privacy/pupil_find.html", {"form": form})


def _view_log_filters(query: QueryDict) -> tuple[ViewLogFilterForm, ViewLogFilters]:
    form = ViewLogFilterForm(query)
    if not form.is_valid():
        return form, ViewLogFilters()
    return form, ViewLogFilters(**form.cleaned_data)


@require_http_methods(["GET"])
def view_log(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    """Every audit row about the pupil, for the data protection lead, with filters."""
    pupil = pupil_for_lead(request.user, pupil_uuid, timezone.localdate())
    form, filters = _view_log_filters(request.GET)
    entries = view_log_entries(pupil, filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="view log")
    query = request.GET.copy()
    query.pop("page", None)
    context = {"pupil": pupil, "page": page, "form": form, "query": query.urlencode()}
    return render(request, "privacy/view_log.html", context)


@require_http_methods(["GET"])
def view_log_csv(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    """The view log as CSV, with the filters shown on the page."""
    pupil = pupil_for_lead(request.user, pupil_uuid, timezone.localdate())
    _, filters = _view_log_filters(request.GET)
    text = view_log_text(view_log_entries(pupil, filters).iterator(chunk_size=1000))
    audit_record(
        actor=request.user, action=AuditEntry.Action.EXPORT, pupil=pupil, what="view log CSV"
    )
    response = HttpResponse(text, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="view-log-{pupil.uuid}.csv"'
    return response


@require_http_methods(["POST"])
def subject_access_export(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    """Everything knotwork holds on the pupil, in one ZIP."""
    pupil = pupil_for_lead(request.user, pupil_uuid, timezone.localdate())
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        pupil=pupil,
        what="subject access export",
    )
    response = HttpResponse(subject_access_zip(pupil), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{pupil.uuid}.zip"'
    return response
