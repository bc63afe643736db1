"""The panel's members, for those who run it: each organisation's seat with its role and
whether it is expected, a form to give an organisation a seat, and ending one. A seat
names an organisation, never a pupil."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.forms import show_errors
from knotwork.core.http import AuthedRequest
from knotwork.directory.models import Organisation
from knotwork.placements import panel_queries as q
from knotwork.placements import panel_services as services
from knotwork.placements.panel_access import panel_rights
from knotwork.placements.panel_forms import MemberEndForm, MemberForm
from knotwork.placements.panel_models import Panel


def _run_panel(request: AuthedRequest, panel_uuid: uuid.UUID) -> Panel:
    """The panel, for those who run it: 404 to those who do not see it, 403 to the rest."""
    panel = q.panel_for_user(request.user, panel_uuid)
    if not panel_rights(request.user, panel).runs:
        raise PermissionDenied("Only those who run the panel change its members.")
    return panel


def _candidates(panel: Panel) -> QuerySet[Organisation]:
    """Organisations that may be given a seat: the partnership's, and any agency or local
    authority service (a police team or FE college need not be a partnership member), less
    those with a seat."""
    seated = panel.members.filter(ended_on__isnull=True).values("organisation_id")
    return (
        Organisation.objects.filter(
            Q(partnership_memberships__partnership=panel.partnership_id)
            | Q(kind__in=[Organisation.Kind.AGENCY, Organisation.Kind.LA_SERVICE])
        )
        .exclude(pk__in=seated)
        .distinct()
        .order_by("name")
    )


def _page(
    request: AuthedRequest,
    panel: Panel,
    *,
    add_form: MemberForm | None = None,
    end_forms: dict[int, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    seats = list(panel.members.select_related("organisation").order_by("organisation__name"))
    today = timezone.localdate()
    bound = end_forms or {}
    context = {
        "panel": panel,
        "current": [
            (m, bound.get(m.pk) or MemberEndForm(initial={"ended_on": today}, prefix=f"end-{m.pk}"))
            for m in seats
            if m.ended_on is None
        ],
        "ended": sorted(
            (m for m in seats if m.ended_on is not None),
            key=lambda m: m.ended_on or today,
            reverse=True,
        ),
        "form": add_form or MemberForm(organisations=_candidates(panel)),
    }
    return render(request, "placements/panel_members.html", context, status=status)


@require_http_methods(["GET"])
def panel_members(request: AuthedRequest, panel_uuid: uuid.UUID) -> HttpResponse:
    return _page(request, _run_panel(request, panel_uuid))


@require_http_methods(["POST"])
def panel_member_add(request: AuthedRequest, panel_uuid: uuid.UUID) -> HttpResponse:
    panel = _run_panel(request, panel_uuid)
    form = MemberForm(request.POST, organisations=_candidates(panel))
    if form.is_valid():
        try:
            member = services.panel_member_add(actor=request.user, panel=panel, **form.cleaned_data)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{member.organisation.name} now has a seat on the panel.")
            return redirect("placements:panel-members", panel_uuid=panel.uuid)
    return _page(request, panel, add_form=form)


@require_http_methods(["POST"])
def panel_member_end(request: AuthedRequest, panel_uuid: uuid.UUID, member_id: int) -> HttpResponse:
    panel = _run_panel(request, panel_uuid)
    member = panel.members.select_related("organisation", "panel").filter(pk=member_id).first()
    if member is None:
        raise Http404("No such seat")
    form = MemberEndForm(request.POST, prefix=f"end-{member.pk}")
    if form.is_valid():
        try:
            services.panel_member_end(
                actor=request.user, member=member, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, f"{member.organisation.name}'s seat has ended.")
            return redirect("placements:panel-members", panel_uuid=panel.uuid)
    return _page(request, panel, end_forms={member.pk: form})
