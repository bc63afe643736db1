"""The watch for unofficial exclusion: pupils whose attendance marks suggest they were
sent home without a recorded suspension, for a setting's staff and the partnership."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.dashboard_queries import default_start_year
from knotwork.behaviour.statistics_forms import WatchFilterForm
from knotwork.behaviour.unofficial import (
    PART_TIME_POLICY_DAYS,
    SENT_HOME_DAYS,
    SENT_HOME_WINDOW_DAYS,
    watch_audit,
    watch_csv,
    watch_list,
    watch_settings,
    watch_years,
)
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry


def watch_form(request: AuthedRequest) -> WatchFilterForm:
    """The filters for the settings the user may watch: 403 for anyone who may not,
    404 for a setting they may not see."""
    settings = watch_settings(request.user)
    if settings is None:
        raise PermissionDenied("The watch is for a setting's staff and the partnership.")
    years = watch_years(settings)
    default_year = default_start_year(years, timezone.localdate())
    if default_year is None:
        raise Http404("No school calendar covers these settings.")
    form = WatchFilterForm(request.GET, years=years, default_year=default_year, settings=settings)
    if form.unknown_setting():
        raise Http404("No such setting")
    return form


@require_http_methods(["GET"])
def watch(request: AuthedRequest) -> HttpResponse:
    form = watch_form(request)
    context = {
        "form": form,
        "policy_weeks": PART_TIME_POLICY_DAYS // 5,
        "sent_home_days": SENT_HOME_DAYS,
        "sent_home_window": SENT_HOME_WINDOW_DAYS,
    }
    if form.is_valid():
        listed = watch_list(request.user, form.chosen(), form.cleaned_data["year"])
        page = Paginator(listed, django_settings.KNOTWORK_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        watch_audit(
            actor=request.user,
            listed=page.object_list,
            action=AuditEntry.Action.VIEW,
            what="unofficial exclusion watch",
        )
        query = request.GET.copy()
        query.pop("page", None)
        context |= {"page": page, "listed": len(listed), "query": query.urlencode()}
    return render(request, "behaviour/unofficial_watch.html", context)


@require_http_methods(["GET"])
def watch_export(request: AuthedRequest) -> HttpResponse:
    """Every pupil on the watch, with the evidence, as CSV to take to a meeting."""
    form = watch_form(request)
    if not form.is_valid():
        return redirect(f"{reverse('behaviour:unofficial-watch')}?{request.GET.urlencode()}")
    year = form.cleaned_data["year"]
    listed = watch_list(request.user, form.chosen(), year)
    watch_audit(
        actor=request.user,
        listed=listed,
        action=AuditEntry.Action.EXPORT,
        what="unofficial exclusion watch CSV",
    )
    response = HttpResponse(watch_csv(listed), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="unofficial-exclusion-watch-{year}.csv"'
    )
    return response
