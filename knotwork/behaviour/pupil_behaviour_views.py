"""A pupil's behaviour: their incidents (with their part), withdrawals from lessons by month,
follow-ups due, and their suspensions and exclusions in brief, with the way to them."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.behaviour.exclusion_queries import exclusions_panel
from knotwork.behaviour.incident_charts import months_chart
from knotwork.behaviour.incident_queries import pupil_behaviour, withdrawal_settings
from knotwork.casework.consent_models import Section
from knotwork.core.audit import audit_record
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import get_pupil_for_user


@require_http_methods(["GET"])
def pupil_behaviour_page(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, section=Section.BEHAVIOUR)
    today = timezone.localdate()
    audit_record(actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="behaviour")
    page = pupil_behaviour(pupil, today)
    months, incidents, withdrawals = zip(*page.months, strict=True) if page.months else ((), (), ())
    chart = months_chart(months, incidents, withdrawals)
    context = {
        "pupil": pupil,
        "page": page,
        "chart": chart,
        "today": today,
        "can_record": bool(withdrawal_settings(request.user, pupil, today)),
        "exclusions_panel": exclusions_panel(pupil, request.user, today),
    }
    return render(request, "behaviour/pupil_behaviour.html", context)
