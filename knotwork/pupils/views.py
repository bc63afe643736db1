from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.pupil_queries import attendance_so_far
from knotwork.behaviour.incident_queries import behaviour_so_far
from knotwork.casework.consent_models import Section
from knotwork.casework.consent_queries import may_see_sharing
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.privacy.queries import leads_for_pupil, open_break_glass_on
from knotwork.pupils.access import (
    Access,
    get_pupil_for_user,
    pupil_access,
    pupil_sections,
    visible_pupils,
    visible_settings,
)
from knotwork.pupils.forms import PupilDetailsForm, PupilSearchForm
from knotwork.pupils.models import Pupil
from knotwork.pupils.queries import audit_trail, placements_for_pupil, pupil_profile, pupil_search
from knotwork.pupils.services import pupil_update


@require_http_methods(["GET", "POST"])
def search(request: AuthedRequest) -> HttpResponse:
    """Find a pupil. Posted, so names typed never sit in a URL or a server log."""
    today = timezone.localdate()
    visible = visible_pupils(request.user, today)
    form = PupilSearchForm(
        request.POST or None, settings_queryset=visible_settings(request.user, today)
    )
    page = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        results = pupil_search(
            visible,
            text=data["q"],
            year_group=data["year_group"],
            setting_id=data["setting"].pk if data["setting"] else None,
            on=today,
        )
        page = Paginator(results, settings.KNOTWORK_PAGE_SIZE).get_page(data["page"] or 1)
        audit_record(actor=request.user, action=AuditEntry.Action.SEARCH, what="pupil search")
    template = "pupils/_results.html" if request.headers.get("HX-Request") else "pupils/search.html"
    return render(request, template, {"form": form, "page": page})


@require_http_methods(["GET"])
def profile(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid)
    today = timezone.localdate()
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="profile")
    context = pupil_profile(pupil, today)
    context["can_edit"] = pupil_access(request.user, pupil, today) >= Access.EDIT
    sections = pupil_sections(request.user, pupil, today)
    context["sections"] = sections
    if Section.ATTENDANCE in sections:
        context["attendance"] = attendance_so_far(pupil, today)
    if Section.BEHAVIOUR in sections:
        context["behaviour"] = behaviour_so_far(pupil, today)
    if not context["can_edit"]:  # only a read-only view can rest on breaking glass
        context["break_glass"] = open_break_glass_on(request.user, pupil)
    context["leads_for_pupil"] = leads_for_pupil(request.user, pupil, today)
    context["placements"] = placements_for_pupil(pupil)
    context["sees_sharing"] = context["can_edit"] or may_see_sharing(request.user, pupil, today)
    return render(request, "pupils/profile.html", context)


@require_http_methods(["GET", "POST"])
def edit_details(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    form = PupilDetailsForm(request.POST or None, instance=Pupil.objects.get(pk=pupil.pk))
    if request.method == "POST" and form.is_valid():
        try:
            pupil_update(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Details saved.")
            return redirect("pupils:profile", pupil_uuid=pupil.uuid)
    else:
        audit_record(
            actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="details form"
        )
    return render(request, "pupils/edit_details.html", {"form": form, "pupil": pupil})


@require_http_methods(["GET"])
@user_passes_test(lambda u: u.is_superuser)
def trail(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    """An administrator reads who saw and changed a pupil's record."""
    pupil = get_object_or_404(Pupil, uuid=pupil_uuid)
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="audit trail")
    entries = Paginator(audit_trail(pupil), 50).get_page(request.GET.get("page"))
    return render(request, "pupils/trail.html", {"pupil": pupil, "entries": entries})
