"""The local reference directory of agencies: list with search and filters, detail, A4 leaflet
and CSV. The directory holds no pupil data, so everyone signed in may read it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from knotwork.core.http import AuthedRequest
from knotwork.directory.exports import agency_csv, agency_leaflet_html, agency_leaflet_pdf
from knotwork.directory.forms import AgencyFilterForm
from knotwork.directory.models import Agency
from knotwork.directory.queries import (
    agencies_matching,
    agency_areas,
    agency_overview,
    directory_outcomes,
    partnerships_of,
)


def _filtered(request: AuthedRequest) -> tuple[AgencyFilterForm, QuerySet[Agency]]:
    """The search and filters in the query string (invalid ones shown and ignored), and the
    agencies they match."""
    form = AgencyFilterForm(request.GET, outcomes=directory_outcomes(), areas=agency_areas())
    form.is_valid()
    return form, agencies_matching(on=timezone.localdate(), **form.filters())


@require_http_methods(["GET"])
def agency_list(request: AuthedRequest) -> HttpResponse:
    form, agencies = _filtered(request)
    page = Paginator(agencies, settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "directory/agency_results.html" if partial else "directory/agency_list.html"
    response = render(request, template, {"form": form, "page": page})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET"])
def agency_detail(request: AuthedRequest, agency_uuid: uuid.UUID) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("kept_by"), uuid=agency_uuid)
    context = agency_overview(agency, timezone.localdate())
    return render(request, "directory/agency_detail.html", context)


@require_http_methods(["GET"])
def agency_leaflet(request: AuthedRequest) -> HttpResponse:
    form, agencies = _filtered(request)
    html = agency_leaflet_html(
        agencies,
        partnerships=list(partnerships_of(request.user)),
        selection=form.describe(),
        printed_on=timezone.localdate(),
    )
    return HttpResponse(
        agency_leaflet_pdf(html),
        content_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="agency-directory.pdf"'},
    )


@require_http_methods(["GET"])
def agency_export(request: AuthedRequest) -> HttpResponse:
    _, agencies = _filtered(request)
    return HttpResponse(
        agency_csv(agencies),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="agency-directory.csv"'},
    )
