"""The multi-agency tracking grid (seed 001): pupils by agencies with the named contact
and a line on each involvement, filtered, paged, and taken away as CSV or XLSX."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.accounts.models import User
from knotwork.casework.grid_exports import XLSX, grid_csv, grid_xlsx
from knotwork.casework.grid_forms import GridFilterForm
from knotwork.casework.grid_queries import (
    GridFilters,
    GridRow,
    Show,
    Viewer,
    grid_agencies,
    grid_pupil_ids,
    grid_viewer,
    tracking_grid,
)
from knotwork.core.audit import audit_record_many
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.pupils.access import visible_settings


def _asked(request: AuthedRequest) -> tuple[Viewer, GridFilterForm, GridFilters]:
    viewer = grid_viewer(request.user)
    if viewer is None:
        raise PermissionDenied(
            "The tracking grid is for staff and the agencies working with pupils."
        )
    form = GridFilterForm(
        request.GET or None,
        settings=visible_settings(request.user),
        agencies=grid_agencies(request.user),
    )
    return viewer, form, form.filters()


def grid_audit(*, actor: User, rows: Iterable[GridRow], action: str, what: str) -> None:
    """One audit row per pupil shown (or exported), written together."""
    audit_record_many(
        actor=actor, action=action, records=[(row.pupil.pk, row.pupil) for row in rows], what=what
    )


@require_http_methods(["GET"])
def grid_page(request: AuthedRequest) -> HttpResponse:
    viewer, form, filters = _asked(request)
    today = timezone.localdate()
    ids = grid_pupil_ids(viewer, filters, today)
    page = Paginator(ids, django_settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    grid = tracking_grid(viewer, list(page), filters.show, today)
    grid_audit(actor=request.user, rows=grid.rows, action=AuditEntry.Action.VIEW, what="grid")
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "grid": grid,
        "page": page,
        "total": len(ids),
        "query": query.urlencode(),
        "live": filters.show == Show.LIVE,
    }
    return render(request, "casework/grid.html", context)


def _notes(filters: GridFilters, today: datetime.date) -> list[tuple[str, str]]:
    notes = [("On", f"{today:%d/%m/%Y}"), ("Involvement", Show(filters.show).label)]
    if filters.setting is not None:
        notes.append(("Setting", filters.setting.name))
    if filters.agency is not None:
        notes.append(("Pupils involved with", filters.agency.name))
    if filters.year is not None:
        notes.append(("Year group", str(filters.year)))
    return notes


@require_http_methods(["GET"])
def grid_export(request: AuthedRequest, file_format: str) -> HttpResponse:
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such format")
    viewer, _, filters = _asked(request)
    today = timezone.localdate()
    grid = tracking_grid(viewer, grid_pupil_ids(viewer, filters, today), filters.show, today)
    what = f"grid {file_format.upper()}"
    grid_audit(actor=request.user, rows=grid.rows, action=AuditEntry.Action.EXPORT, what=what)
    if file_format == "csv":
        response = HttpResponse(grid_csv(grid), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(grid_xlsx(grid, _notes(filters, today)), content_type=XLSX)
    name = f"tracking-grid-{today:%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
