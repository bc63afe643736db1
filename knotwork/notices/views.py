"""The notices pages: the signed-in user's notices (unread first), opening one (read,
then the case), marking one read, their email rhythm, and a case team's purposes."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.casework.case_queries import case_for_user, may_manage_case
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.notices import services
from knotwork.notices.forms import PurposesForm, RhythmForm
from knotwork.notices.queries import notice_for_user, rhythm_of, team_purposes, visible_notices


@require_http_methods(["GET"])
def notice_list(request: AuthedRequest) -> HttpResponse:
    notices = visible_notices(request.user)
    page = Paginator(notices, settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page") or 1)
    for notice in page:
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.VIEW,
            pupil=notice.pupil,
            obj=notice,
            what="notices",
        )
    context = {"page": page, "rhythm": rhythm_of(request.user)}
    return render(request, "notices/list.html", context)


@require_http_methods(["POST"])
def notice_open(request: AuthedRequest, notice_uuid: uuid.UUID) -> HttpResponse:
    """Mark the notice read and go to its case."""
    notice = notice_for_user(request.user, notice_uuid)
    services.notice_mark_read(actor=request.user, notice=notice)
    return redirect("casework:case", case_uuid=notice.case.uuid)


@require_http_methods(["POST"])
def notice_read(request: AuthedRequest, notice_uuid: uuid.UUID) -> HttpResponse:
    notice = notice_for_user(request.user, notice_uuid)
    services.notice_mark_read(actor=request.user, notice=notice)
    return redirect(reverse("notices:list") + f"#notice-{notice.uuid}")


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = RhythmForm(data, initial={"rhythm": rhythm_of(request.user)})
    if request.method == "POST" and form.is_valid():
        services.notice_preference_set(actor=request.user, rhythm=form.cleaned_data["rhythm"])
        messages.success(request, "How often knotwork emails you is saved.")
        return redirect("notices:list")
    return render(request, "notices/preferences.html", {"form": form})


@require_http_methods(["GET", "POST"])
def case_team_purposes(request: AuthedRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Who on the case's team is told for what: information, action, comment, response."""
    case = case_for_user(request.user, case_uuid)
    today = timezone.localdate()
    if not may_manage_case(request.user, case, today):
        raise PermissionDenied("You may see this case but not change who is told what.")
    rows = team_purposes(case, today)
    form = PurposesForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_purposes_set(actor=request.user, case=case, purposes=form.purposes())
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect(reverse("casework:case", args=[case.uuid]) + "#team")
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        pupil=case.pupil,
        obj=case,
        what="team purposes",
    )
    return render(
        request, "notices/purposes.html", {"form": form, "case": case, "pupil": case.pupil}
    )
