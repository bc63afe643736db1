"""Fair access pages: the year's placements with the sessions each pupil missed (and
its CSV), the fair share between schools (and its CSV), one placement, and recording a
placement and the pupil's first day."""

from __future__ import annotations

import uuid

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.attendance.queries import start_year_of
from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.forms import show_errors
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.placements import fair_access_queries as q
from knotwork.placements.fair_access_exports import (
    SHARE_HEADER,
    list_csv,
    list_xlsx,
    share_chart,
    share_csv,
    share_lines,
    share_xlsx,
)
from knotwork.placements.fair_access_forms import (
    FairAccessForm,
    NewChildForm,
    StartForm,
    WeightForm,
    YearForm,
)
from knotwork.placements.fair_access_models import FairAccessPlacement
from knotwork.placements.fair_access_services import (
    SCHOOL_TYPES,
    fair_access_place,
    fair_access_place_new_child,
    fair_access_start,
    fair_share_weight_set,
)
from knotwork.placements.panel_models import AgendaItem
from knotwork.placements.panel_queries import item_for_user
from knotwork.placements.provision_access import is_partnership_officer, partnership_for
from knotwork.placements.workbook_exports import XLSX
from knotwork.pupils.access import get_pupil_for_user
from knotwork.pupils.models import Pupil

VIEW, EXPORT = AuditEntry.Action.VIEW, AuditEntry.Action.EXPORT


def _partnership(request: AuthedRequest) -> Partnership:
    partnership = partnership_for(request.user)
    if partnership is None:
        raise PermissionDenied("Fair access is for the partnership's members.")
    return partnership


def _year(request: AuthedRequest) -> int:
    form = YearForm(request.GET)
    chosen = form.cleaned_data.get("year") if form.is_valid() else None
    return chosen or start_year_of(timezone.localdate())


def _label(start_year: int) -> str:
    return f"{start_year}/{str(start_year + 1)[-2:]}"


@require_http_methods(["GET"])
def fair_access_list(request: AuthedRequest) -> HttpResponse:
    partnership = _partnership(request)
    today, year = timezone.localdate(), _year(request)
    rows = q.fair_access_list(request.user, partnership, year, today)
    page = Paginator(rows, django_settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record_many(
        actor=request.user,
        action=VIEW,
        records=[(r.placement.pupil_id, r.placement) for r in page],
        what="fair access list",
    )
    context = {
        "partnership": partnership,
        "page": page,
        "total": len(rows),
        "figures": q.year_figures(partnership, year, today),
        "year": year,
        "year_label": _label(year),
        "years": [year - 1, year + 1],
        "query": f"year={year}",
        "officer": is_partnership_officer(request.user, partnership, for_edit=True),
    }
    return render(request, "placements/fair_access_list.html", context)


@require_http_methods(["GET"])
def fair_access_csv(request: AuthedRequest, file_format: str = "csv") -> HttpResponse:
    """The list as CSV, or XLSX: the pupils the user may see, each export audited."""
    partnership = _partnership(request)
    year = _year(request)
    rows = q.fair_access_list(request.user, partnership, year, timezone.localdate())
    audit_record_many(
        actor=request.user,
        action=EXPORT,
        records=[(r.placement.pupil_id, r.placement) for r in rows],
        what=f"fair access {file_format.upper()}",
    )
    if file_format == "xlsx":
        response = HttpResponse(list_xlsx(rows, _label(year)), content_type=XLSX)
    else:
        response = HttpResponse(list_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fair-access-{year}.{file_format}"'
    return response


def _schools(partnership: Partnership) -> QuerySet[Setting]:
    return Setting.objects.filter(
        partnership_memberships__partnership=partnership, setting_type__in=SCHOOL_TYPES
    ).order_by("name")


def _render_share(
    request: AuthedRequest, partnership: Partnership, year: int, form: WeightForm | None = None
) -> HttpResponse:
    rows = q.fair_share(partnership, year)
    audit_record(actor=request.user, action=VIEW, obj=partnership, what="fair share")
    officer = is_partnership_officer(request.user, partnership, for_edit=True)
    context = {
        "partnership": partnership,
        "header": SHARE_HEADER,
        "lines": share_lines(rows),
        "chart": share_chart(rows, _label(year)),
        "year": year,
        "year_label": _label(year),
        "years": [year - 1, year + 1],
        "weight_form": (
            form or WeightForm(initial={"from_year": year}, schools=_schools(partnership))
        )
        if officer
        else None,
    }
    return render(request, "placements/fair_access_share.html", context)


@require_http_methods(["GET"])
def fair_access_share(request: AuthedRequest) -> HttpResponse:
    return _render_share(request, _partnership(request), _year(request))


@require_http_methods(["POST"])
def fair_access_weight(request: AuthedRequest) -> HttpResponse:
    partnership = _partnership(request)
    if not is_partnership_officer(request.user, partnership, for_edit=True):
        raise PermissionDenied("The partnership's officers agree the weights.")
    form = WeightForm(request.POST, schools=_schools(partnership))
    if form.is_valid():
        data = form.cleaned_data
        try:
            fair_share_weight_set(actor=request.user, partnership=partnership, **data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Weight saved.")
            url = reverse("placements:fair-access-share")
            return redirect(f"{url}?year={data['from_year']}")
    return _render_share(request, partnership, _year(request), form)


@require_http_methods(["GET"])
def fair_access_share_csv(request: AuthedRequest, file_format: str = "csv") -> HttpResponse:
    partnership = _partnership(request)
    year = _year(request)
    what = f"fair share {file_format.upper()}"
    audit_record(actor=request.user, action=EXPORT, obj=partnership, what=what)
    rows = q.fair_share(partnership, year)
    if file_format == "xlsx":
        response = HttpResponse(share_xlsx(rows, _label(year)), content_type=XLSX)
    else:
        response = HttpResponse(share_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fair-share-{year}.{file_format}"'
    return response


def _record(
    request: AuthedRequest,
    pupil: Pupil,
    partnership: Partnership,
    item: AgendaItem | None = None,
) -> HttpResponse:
    if not is_partnership_officer(request.user, partnership, for_edit=True):
        raise PermissionDenied("Fair access placements are recorded by the partnership's officers.")
    initial = {"placed_on": item.meeting.held_on} if item is not None else {}
    form = FairAccessForm(request.POST or None, initial=initial, schools=_schools(partnership))
    if request.method == "POST" and form.is_valid():
        try:
            placement = fair_access_place(
                actor=request.user,
                partnership=partnership,
                pupil=pupil,
                decided_at=item,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Fair access placement recorded.")
            return redirect("placements:fair-access-placement", placement_uuid=placement.uuid)
    audit_record(actor=request.user, action=VIEW, pupil=pupil, what="fair access form")
    context = {"form": form, "pupil": pupil, "item": item}
    return render(request, "placements/fair_access_new.html", context)


@require_http_methods(["GET", "POST"])
def fair_access_new(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
    return _record(request, pupil, _partnership(request))


@require_http_methods(["GET", "POST"])
def fair_access_from_item(request: AuthedRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Record the placement a panel agreed at an agenda item, prefilled from it."""
    item, _ = item_for_user(request.user, item_uuid)
    if item.pupil is None or item.kind != AgendaItem.Kind.FAIR_ACCESS:
        raise Http404("No fair access placement on this item")
    pupil = get_pupil_for_user(request.user, item.pupil.uuid, write=True)
    if item.decision != AgendaItem.Decision.AGREED:
        raise PermissionDenied("The panel has not agreed this placement.")
    return _record(request, pupil, item.meeting.panel.partnership, item)


@require_http_methods(["GET", "POST"])
def fair_access_new_child(request: AuthedRequest) -> HttpResponse:
    """Record a child on no roll in the partnership (new to the area, out of school) with
    their fair access placement: the placement lets the officers see them."""
    partnership = _partnership(request)
    if not is_partnership_officer(request.user, partnership, for_edit=True):
        raise PermissionDenied("Fair access placements are recorded by the partnership's officers.")
    data = request.POST if request.method == "POST" else None
    child_form = NewChildForm(data)
    form = FairAccessForm(data, schools=_schools(partnership))
    if request.method == "POST" and child_form.is_valid() and form.is_valid():
        try:
            placement = fair_access_place_new_child(
                actor=request.user,
                partnership=partnership,
                child=child_form.child(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for name, errors in getattr(exc, "message_dict", {None: exc.messages}).items():
                target = child_form if name in child_form.fields else form
                target.add_error(name if name in target.fields else None, errors)
        else:
            messages.success(request, "Child and fair access placement recorded.")
            return redirect("placements:fair-access-placement", placement_uuid=placement.uuid)
    context = {"form": form, "child_form": child_form, "partnership": partnership}
    return render(request, "placements/fair_access_new_child.html", context)


def _render_placement(
    request: AuthedRequest, placement: FairAccessPlacement, start_form: StartForm | None = None
) -> HttpResponse:
    audit_record(actor=request.user, action=VIEW, pupil=placement.pupil, obj=placement)
    may_start = placement.started_on is None and is_partnership_officer(
        request.user, placement.partnership, for_edit=True
    )
    context = {
        "placement": placement,
        "row": q.rows_of([placement], timezone.localdate())[0],
        "start_form": (start_form or StartForm()) if may_start else None,
    }
    return render(request, "placements/fair_access_placement.html", context)


@require_http_methods(["GET"])
def fair_access_placement(request: AuthedRequest, placement_uuid: uuid.UUID) -> HttpResponse:
    return _render_placement(request, q.fair_access_for_user(request.user, placement_uuid))


@require_http_methods(["POST"])
def fair_access_started(request: AuthedRequest, placement_uuid: uuid.UUID) -> HttpResponse:
    placement = q.fair_access_for_user(request.user, placement_uuid, write=True)
    form = StartForm(request.POST)
    if form.is_valid():
        try:
            fair_access_start(
                actor=request.user, placement=placement, started_on=form.cleaned_data["started_on"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
            placement.refresh_from_db()
        else:
            messages.success(request, "First day at the school recorded.")
            return redirect("placements:fair-access-placement", placement_uuid=placement.uuid)
    return _render_placement(request, placement, form)
