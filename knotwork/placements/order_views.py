"""Orders from the menu: placing one (from a menu item, for a pupil or a group), the
orders list, an order's page with its sessions and money, and the service's delivery:
officer, sessions, finishing, cancelling and refunds. A pupil's order is seen by those
who see the pupil, and each page showing one writes an audit row naming them."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from knotwork.core.audit import audit_record, audit_record_many
from knotwork.core.http import AuthedRequest
from knotwork.core.models import AuditEntry
from knotwork.placements import order_services as services
from knotwork.placements.budget_access import may_deliver, orderable_settings
from knotwork.placements.budget_forms import (
    AssignForm,
    EndForm,
    OrderForm,
    RefundForm,
    SessionForm,
)
from knotwork.placements.budget_models import InterventionOrder, Length, MenuItem
from knotwork.placements.menu_views import form_page, run
from knotwork.placements.order_queries import order_for_user, order_page, orders_for
from knotwork.pupils.access import get_pupil_for_user
from knotwork.pupils.models import Enrolment, Pupil


def _order_url(order: InterventionOrder) -> str:
    return reverse("placements:order-detail", args=[order.uuid])


def _uuid_from(request: AuthedRequest, name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.GET.get(name, ""))
    except ValueError:
        return None


def _view_audit(request: AuthedRequest, order: InterventionOrder, what: str) -> None:
    audit_record(
        actor=request.user, action=AuditEntry.Action.VIEW, pupil=order.pupil, obj=order, what=what
    )


@require_http_methods(["GET", "POST"])
def order_new(request: AuthedRequest) -> HttpResponse:
    pupil_uuid = _uuid_from(request, "pupil")
    pupil: Pupil | None = None
    settings = orderable_settings(request.user)
    if pupil_uuid is not None:
        pupil = get_pupil_for_user(request.user, pupil_uuid, write=True)
        on_roll = Enrolment.objects.current(timezone.localdate()).filter(pupil=pupil)
        settings = settings.filter(pk__in=on_roll.values("setting_id"))
    if not settings.exists():
        raise PermissionDenied("You may not place orders for any setting.")
    item_uuid = _uuid_from(request, "item")
    item = MenuItem.objects.filter(uuid=item_uuid, active=True).first() if item_uuid else None
    initial: dict[str, Any] = {
        "ordered_on": timezone.localdate(),
        "paid_from": InterventionOrder.PaidFrom.SETTING,
        "rate": "officer",
    }
    if item is not None:
        initial.update(item=item.pk, half_days=max(1, item.estimate_half_days))
    data = request.POST if request.method == "POST" else None
    items = MenuItem.objects.filter(active=True).order_by("position", "activity")
    form = OrderForm(data, initial=initial, items=items, settings=settings, for_pupil=bool(pupil))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        order = run(
            form,
            lambda: services.order_place(
                actor=request.user,
                item=d["item"],
                setting=d["setting"],
                rate=d["rate"],
                half_days=d["half_days"],
                paid_from=d["paid_from"],
                ordered_on=d["ordered_on"],
                starts_on=d["starts_on"],
                pupil=pupil,
                group_label=d.get("group_label") or "",
                group_size=d.get("group_size"),
            ),
        )
        if order is not None:
            return redirect(_order_url(order))
    if pupil is not None and request.method == "GET":
        audit_record(
            actor=request.user, action=AuditEntry.Action.VIEW, pupil=pupil, what="order form"
        )
    title = "Order an intervention"
    return form_page(request, form, title=title, pupil=pupil, item=item, ordering=True)


STATUS_FILTERS = [("open", "Open"), *InterventionOrder.Status.choices, ("all", "All")]


@require_http_methods(["GET"])
def order_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status") or "open"
    orders = orders_for(request.user, status=status)
    page = Paginator(orders, django_settings.KNOTWORK_PAGE_SIZE).get_page(
        request.GET.get("page") or 1
    )
    shown = list(page.object_list)
    audit_record_many(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        records=[(o.pupil_id, o) for o in shown if o.pupil_id is not None],
        what="intervention orders",
    )
    context = {
        "page": page,
        "orders": shown,
        "status": status,
        "filters": STATUS_FILTERS,
        "query": f"status={status}",
        "can_order": orderable_settings(request.user).exists(),
    }
    return render(request, "placements/order_list.html", context)


@require_http_methods(["GET"])
def order_detail(request: AuthedRequest, order_uuid: uuid.UUID) -> HttpResponse:
    order = order_for_user(request.user, order_uuid)
    today = timezone.localdate()
    _view_audit(request, order, "intervention order")
    delivering = may_deliver(request.user, order)
    context = {
        "order": order,
        "page": order_page(order, today),
        "delivering": delivering,
        "can_cancel": order.is_open
        and (delivering or orderable_settings(request.user).filter(pk=order.setting_id).exists()),
        "session_form": SessionForm(
            initial={"on": today, "length": Length.DAY, "rate": order.rate}
        ),
        "end_form": EndForm(initial={"on": today}),
    }
    return render(request, "placements/order_detail.html", context)


def _to_deliver(request: AuthedRequest, order_uuid: uuid.UUID) -> InterventionOrder:
    order = order_for_user(request.user, order_uuid)
    if not may_deliver(request.user, order):
        raise PermissionDenied("The local authority service delivers orders.")
    return order


@require_http_methods(["GET", "POST"])
def order_assign(request: AuthedRequest, order_uuid: uuid.UUID) -> HttpResponse:
    order = _to_deliver(request, order_uuid)
    data = request.POST if request.method == "POST" else None
    initial = {"officer": order.officer_id, "starts_on": order.starts_on}
    form = AssignForm(data, initial=initial, officers=services.officer_candidates(order))
    if request.method == "POST" and form.is_valid():
        done = run(
            form,
            lambda: services.order_assign(actor=request.user, order=order, **form.cleaned_data),
        )
        if done is not None:
            return redirect(_order_url(order))
    if request.method == "GET":
        _view_audit(request, order, "order officer form")
    return form_page(request, form, title="Who delivers it", order=order)


@require_http_methods(["POST"])
def order_session_add(request: AuthedRequest, order_uuid: uuid.UUID) -> HttpResponse:
    order = _to_deliver(request, order_uuid)
    form = SessionForm(request.POST)
    if form.is_valid():
        done = run(
            form,
            lambda: services.order_session_record(
                actor=request.user, order=order, **form.cleaned_data
            ),
        )
        if done is not None:
            return redirect(_order_url(order) + "#sessions")
    return form_page(request, form, title="Record a session delivered", order=order)


@require_http_methods(["POST"])
def order_finish(request: AuthedRequest, order_uuid: uuid.UUID) -> HttpResponse:
    order = _to_deliver(request, order_uuid)
    form = EndForm(request.POST)
    if form.is_valid():
        done = run(
            form,
            lambda: services.order_finish(
                actor=request.user, order=order, finished_on=form.cleaned_data["on"]
            ),
        )
        if done is not None:
            return redirect(_order_url(order))
    return form_page(request, form, title="Mark the order delivered", order=order)


@require_http_methods(["POST"])
def order_cancel(request: AuthedRequest, order_uuid: uuid.UUID) -> HttpResponse:
    order = order_for_user(request.user, order_uuid)
    form = EndForm(request.POST)
    if form.is_valid():
        done = run(
            form,
            lambda: services.order_cancel(
                actor=request.user, order=order, cancelled_on=form.cleaned_data["on"]
            ),
        )
        if done is not None:
            return redirect(_order_url(order))
    return form_page(request, form, title="Cancel the order", order=order)


@require_http_methods(["GET", "POST"])
def order_refund(request: AuthedRequest, order_uuid: uuid.UUID) -> HttpResponse:
    order = _to_deliver(request, order_uuid)
    data = request.POST if request.method == "POST" else None
    form = RefundForm(data, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        done = run(
            form,
            lambda: services.order_refund(actor=request.user, order=order, **form.cleaned_data),
        )
        if done is not None:
            return redirect(_order_url(order) + "#money")
    if request.method == "GET":
        _view_audit(request, order, "order refund form")
    money = order_page(order, timezone.localdate()).money
    return form_page(request, form, title="Refund a charge", order=order, money=money)
