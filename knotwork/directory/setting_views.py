from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.http import AuthedRequest
from knotwork.directory.models import Setting
from knotwork.directory.queries import setting_overview, settings_listing
from knotwork.termdates.queries import calendar_year_holding


@require_http_methods(["GET"])
def setting_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "directory/setting_list.html", {"settings": settings_listing()})


@require_http_methods(["GET"])
def setting_detail(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    setting = get_object_or_404(Setting, uuid=setting_uuid)
    today = timezone.localdate()
    context = setting_overview(setting, request.user, today)
    context["calendar_year"] = calendar_year_holding(setting.calendar, today)
    return render(request, "directory/setting_detail.html", context)
