"""Alternative provision pages: the partnership's overview (and its CSV), the directory of
providers with their quality assurance, a provider's placements, one placement with its
timetable check, reviews and the provider's returns, and the forms that place a pupil,
change a placement, end it, hold a review and keep a provider's record."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.behaviour.models import Exclusion
from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.forms import show_errors
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership
from knotwork.placements import provision_queries as q
from knotwork.placements.panel_models import AgendaItem
from knotwork.placements.panel_queries import item_for_user
from knotwork.placements.provision_access import is_partnership_officer, partnership_for
from knotwork.placements.provision_exports import placements_csv, placements_xlsx
from knotwork.placements.provision_forms import (
    PASSPORT,
    PLAN,
    EndForm,
    PlacementEditForm,
    PlacementForm,
    ProviderProfileForm,
    ReviewForm,
)
from knotwork.placements.provision_models import (
    ProviderProfile,
    ProvisionPlacement,
    ProvisionReview,
)
from knotwork.placements.provision_rules import DAYS, SESSION_NAMES
from knotwork.placements.provision_services import (
    provider_profile_save,
    provision_end,
    provision_place,
    provision_review_hold,
    provision_update,
)
from knotwork.placements.workbook_exports import XLSX
from knotwork.pupils.access import Access, get_pupil_for_user, pupil_access

VIEW, EXPORT = AuditEntry.Action.VIEW, AuditEntry.Action.EXPORT
#: Reviews due this soon can be recorded from the placement page.
_FORTNIGHT = datetime.timedelta(days=14)


def _partnership(request: AuthedRequest) -> Partnership:
    partnership = partnership_for(request.user)
    if partnership is None:
        raise PermissionDenied("Alternative provision is for the partnership's members.")
    return partnership


def _page(request: AuthedRequest, rows: list[Any], param: str = "page") -> Any:
    return Paginator(rows, django_settings.KNOTWORK_PAGE_SIZE).get_page(request.GET.get(param))


def _audit_rows(request: AuthedRequest, rows: Any, what: str, action: str = VIEW) -> None:
    audit_record_many(
        actor=request.user,
        action=action,
        records=[(r.placement.pupil_id, r.placement) for r in rows],
        what=what,
    )


# --- The partnership's overview -----------------------------------------------------------------


@require_http_methods(["GET"])
def provision_overview(request: AuthedRequest) -> HttpResponse:
    partnership = _partnership(request)
    today = timezone.localdate()
    found = q.overview(request.user, partnership, today)
    notices = q.absence_notices(request.user, partnership, today)
    shown = {
        p.pk: p
        for p in [
            *(r.placement for r in (*found.not_adding_up, *found.overdue, *found.returns_due)),
            *(n.placement for n in notices),
        ]
    }
    audit_record_many(
        actor=request.user,
        action=VIEW,
        records=[(p.pupil_id, p) for p in shown.values()],
        what="provision overview",
    )
    context = {
        "partnership": partnership,
        "overview": found,
        "notices": notices,
        "today": today,
    }
    return render(request, "placements/provision_overview.html", context)


@require_http_methods(["GET"])
def provision_csv(request: AuthedRequest, file_format: str = "csv") -> HttpResponse:
    partnership = _partnership(request)
    today = timezone.localdate()
    rows = q.partnership_placements(request.user, partnership, today)
    _audit_rows(request, rows, f"provision {file_format.upper()}", EXPORT)
    if file_format == "xlsx":
        response = HttpResponse(placements_xlsx(rows, today), content_type=XLSX)
    else:
        response = HttpResponse(placements_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"placements-{today:%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Providers ----------------------------------------------------------------------------------


@require_http_methods(["GET"])
def provision_providers(request: AuthedRequest) -> HttpResponse:
    partnership = _partnership(request)
    audit_record(actor=request.user, action=VIEW, obj=partnership, what="provider directory")
    rows = q.providers(partnership, timezone.localdate())
    context = {"partnership": partnership, "rows": rows}
    return render(request, "placements/provision_providers.html", context)


def _officer_of(request: AuthedRequest, setting: Any) -> bool:
    return any(
        is_partnership_officer(request.user, m.partnership, for_edit=True)
        for m in setting.partnership_memberships.select_related("partnership")
    )


@require_http_methods(["GET"])
def provision_provider(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    setting = q.provider_for_user(request.user, setting_uuid)
    today = timezone.localdate()
    profile: ProviderProfile | None = getattr(setting, "provider_profile", None)
    running = q.placements_at(request.user, profile, today, ended=False) if profile else []
    ended = q.placements_at(request.user, profile, today, ended=True) if profile else []
    page, ended_page = _page(request, running), _page(request, ended, "ended_page")
    audit_record(actor=request.user, action=VIEW, obj=setting, what="provider")
    _audit_rows(request, [*page, *ended_page], "provider placements")
    context = {
        "setting": setting,
        "profile": profile,
        "quality": q.quality_of(profile, today) if profile else None,
        "page": page,
        "ended_page": ended_page,
        "officer": _officer_of(request, setting),
    }
    return render(request, "placements/provision_provider.html", context)


@require_http_methods(["GET", "POST"])
def provision_provider_edit(request: AuthedRequest, setting_uuid: uuid.UUID) -> HttpResponse:
    setting = q.provider_for_user(request.user, setting_uuid)
    if not _officer_of(request, setting):
        raise PermissionDenied("The partnership's officers keep the directory of providers.")
    profile = getattr(setting, "provider_profile", None)
    form = ProviderProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            provider_profile_save(actor=request.user, setting=setting, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Provider's record saved.")
            return redirect("placements:provision-provider", setting_uuid=setting.uuid)
    context = {"setting": setting, "form": form}
    return render(request, "placements/provision_provider_edit.html", context)


# --- Placing a pupil ----------------------------------------------------------------------------


def _placement_form(
    request: AuthedRequest, pupil: Any, initial: dict[str, Any] | None = None
) -> PlacementForm:
    partnership = _partnership(request)
    providers = ProviderProfile.objects.filter(
        setting__partnership_memberships__partnership=partnership
    ).select_related("setting")
    exclusions = Exclusion.objects.filter(pupil=pupil, cancelled_on__isnull=True)
    return PlacementForm(
        request.POST or None, initial=initial, providers=providers, exclusions=exclusions
    )


def _record(request: AuthedRequest, pupil: Any, item: AgendaItem | None = None) -> HttpResponse:
    initial = {"starts_on": item.meeting.held_on} if item is not None else None
    form = _placement_form(request, pupil, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = provision_place(
                actor=request.user,
                pupil=pupil,
                provider=data["provider"],
                kind=data["kind"],
                exclusion=data["exclusion"],
                starts_on=data["starts_on"],
                planned_reintegration_on=data["planned_reintegration_on"],
                timetable=form.timetable_value(),
                decided_at=item,
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Placement recorded.")
            return redirect("placements:provision-placement", placement_uuid=placement.uuid)
    audit_record(actor=request.user, action=VIEW, pupil=pupil, what="placement form")
    context = {"form": form, "pupil": pupil, "names": SESSION_NAMES, "item": item}
    return render(request, "placements/provision_new.html", context)


@require_http_methods(["GET", "POST"])
def provision_new(request: AuthedRequest, pupil_uuid: uuid.UUID) -> HttpResponse:
    return _record(request, get_pupil_for_user(request.user, pupil_uuid, write=True))


@require_http_methods(["GET", "POST"])
def provision_from_item(request: AuthedRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Record the placement a panel agreed at an AP referral, prefilled from it."""
    item, _ = item_for_user(request.user, item_uuid)
    if item.pupil is None or item.kind != AgendaItem.Kind.AP_REFERRAL:
        raise Http404("No referral to alternative provision on this item")
    pupil = get_pupil_for_user(request.user, item.pupil.uuid, write=True)
    if item.decision != AgendaItem.Decision.AGREED:
        raise PermissionDenied("The panel has not agreed this placement.")
    return _record(request, pupil, item)


# --- One placement ------------------------------------------------------------------------------


def _labelled(placement: ProvisionPlacement, names: tuple[str, ...]) -> list[tuple[str, Any]]:
    fields = PlacementEditForm.base_fields
    return [(str(fields[n].label), getattr(placement, n)) for n in names]


def _render_placement(
    request: AuthedRequest,
    placement: ProvisionPlacement,
    *,
    end_form: EndForm | None = None,
    review_form: tuple[ProvisionReview, ReviewForm] | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    audit_record(actor=request.user, action=VIEW, pupil=placement.pupil, obj=placement)
    edits = pupil_access(request.user, placement.pupil) >= Access.EDIT
    row = q.row_of(placement, today)
    review_forms = {}
    if edits:
        for review in placement.reviews.all():
            if review.held_on is None and review.due_on <= today + _FORTNIGHT:
                review_forms[review.pk] = ReviewForm(prefix=review.uuid.hex)
        if review_form is not None:
            review_forms[review_form[0].pk] = review_form[1]
    context = {
        "placement": placement,
        "row": row,
        "today": today,
        "week": [
            (day, placement.timetable[2 * i], placement.timetable[2 * i + 1])
            for i, day in enumerate(DAYS)
        ],
        "returns": q.recent_returns(placement, today),
        "edits": edits,
        "reviews": [(r, review_forms.get(r.pk)) for r in placement.reviews.all()],
        "end_form": (end_form or EndForm(initial={"version": placement.version, "ends_on": today}))
        if edits and placement.ends_on is None
        else None,
        "passport": _labelled(placement, PASSPORT[1:]),
        "plan": _labelled(placement, PLAN[1:]),
    }
    return render(request, "placements/provision_placement.html", context)


@require_http_methods(["GET"])
def provision_placement(request: AuthedRequest, placement_uuid: uuid.UUID) -> HttpResponse:
    return _render_placement(request, q.placement_for_user(request.user, placement_uuid))


@require_http_methods(["GET", "POST"])
def provision_edit(request: AuthedRequest, placement_uuid: uuid.UUID) -> HttpResponse:
    placement = q.placement_for_user(request.user, placement_uuid, write=True)
    form = PlacementEditForm(request.POST or None, placement=placement)
    if request.method == "POST" and form.is_valid():
        try:
            provision_update(
                actor=request.user,
                placement=placement,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Placement saved.")
            return redirect("placements:provision-placement", placement_uuid=placement.uuid)
    audit_record(actor=request.user, action=VIEW, pupil=placement.pupil, obj=placement, what="edit")
    context = {"form": form, "placement": placement}
    return render(request, "placements/provision_edit.html", context)


@require_http_methods(["POST"])
def provision_ended(request: AuthedRequest, placement_uuid: uuid.UUID) -> HttpResponse:
    placement = q.placement_for_user(request.user, placement_uuid, write=True)
    form = EndForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            provision_end(
                actor=request.user,
                placement=placement,
                ends_on=data["ends_on"],
                outcome=data["outcome"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Placement ended.")
            return redirect("placements:provision-placement", placement_uuid=placement.uuid)
    return _render_placement(request, placement, end_form=form)


@require_http_methods(["POST"])
def provision_review(request: AuthedRequest, review_uuid: uuid.UUID) -> HttpResponse:
    review = ProvisionReview.objects.select_related("placement").filter(uuid=review_uuid).first()
    if review is None:
        raise Http404("No such review")
    placement = q.placement_for_user(request.user, review.placement.uuid, write=True)
    review = next(r for r in placement.reviews.all() if r.pk == review.pk)
    form = ReviewForm(request.POST, prefix=review.uuid.hex)
    if form.is_valid():
        try:
            provision_review_hold(actor=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, "Review recorded.")
            return redirect("placements:provision-placement", placement_uuid=placement.uuid)
    return _render_placement(request, placement, review_form=(review, form))
