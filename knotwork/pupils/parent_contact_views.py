"""The parent contact log on a pupil's record: the list (newest first), adding a
contact, and the CSV. Every read and change writes an audit row."""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access
from knotwork.pupils.parent_contact_forms import ParentContactForm
from knotwork.pupils.parent_contact_queries import (
    parent_contacts_csv,
    parent_contacts_for_pupil,
    settings_to_log_for,
)
from knotwork.pupils.parent_contact_services import parent_contact_record


@require_http_methods(["GET"])
def parent_contact_list(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid)
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="parent contact log"
    )
    page = Paginator(parent_contacts_for_pupil(pupil), django_settings.KNOTWORK_PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    context = {
        "pupil": pupil,
        "page": page,
        "can_edit": pupil_access(request.user, pupil) >= Access.EDIT,
    }
    return render(request, "pupils/parent_contacts.html", context)


@require_http_methods(["GET", "POST"])
def parent_contact_new(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    now = timezone.localtime()
    settings = settings_to_log_for(request.user, pupil, now.date())
    contacts = pupil.contacts.all()
    form = ParentContactForm(
        request.POST if request.method == "POST" else None,
        initial={"on": now.date(), "time": now.strftime("%H:%M"), "direction": "to_parent"},
        contacts=contacts,
        settings=settings,
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            parent_contact_record(
                actor=request.user,
                pupil=pupil,
                contact=d["contact"],
                setting=d["setting"],
                channel=d["channel"],
                direction=d["direction"],
                at=form.at(),
                note=d["note"],
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, "Contact recorded.")
            return redirect("pupils:parent-contacts", pupil_uuid=pupil.uuid)
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="parent contact form"
    )
    context = {"pupil": pupil, "form": form, "has_contacts": contacts.exists()}
    return render(request, "pupils/parent_contact_new.html", context)


@require_http_methods(["GET"])
def parent_contact_export(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.EXPORT,
        pupil=pupil,
        what="parent contact log CSV",
    )
    csv_text = parent_contacts_csv(parent_contacts_for_pupil(pupil))
    response = HttpResponse(csv_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="parent-contact-log.csv"'
    return response
