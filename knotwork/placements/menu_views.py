"""The intervention menu: read by every member of a partnership, changed by the local
authority service. It holds no pupil data."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from knotwork.core.forms import show_errors
from knotwork.core.http import AuthedRequest
from knotwork.placements.budget_access import (
    may_edit_menu,
    may_read_menu,
    menu_providers,
    orderable_settings,
)
from knotwork.placements.budget_forms import MenuItemForm
from knotwork.placements.budget_models import MenuItem
from knotwork.placements.menu_services import menu_item_save


def run(form: forms.Form, call: Callable[[], Any]) -> Any:
    """The service's result, or None with its refusal shown on the form."""
    try:
        return call()
    except ValidationError as exc:
        show_errors(form, exc)
        return None


def form_page(
    request: AuthedRequest, form: forms.Form, *, title: str, **extra: Any
) -> HttpResponse:
    return render(request, "placements/budget_form.html", {"form": form, "title": title, **extra})


@require_http_methods(["GET"])
def menu_list(request: AuthedRequest) -> HttpResponse:
    if not may_read_menu(request.user):
        raise PermissionDenied("The menu is for members of a partnership.")
    editing = may_edit_menu(request.user)
    items = MenuItem.objects.prefetch_related("prices", "outcomes").select_related("provider")
    if not editing:
        items = items.filter(active=True)
    strands: dict[str, list[MenuItem]] = {}
    labels = dict(MenuItem.Strand.choices)
    for item in items:
        strands.setdefault(labels[item.strand], []).append(item)
    context = {
        "strands": strands,
        "editing": editing,
        "can_order": orderable_settings(request.user).exists(),
    }
    return render(request, "placements/menu_list.html", context)


@require_http_methods(["GET", "POST"])
def menu_item_edit(request: AuthedRequest, item_uuid: uuid.UUID | None = None) -> HttpResponse:
    providers = menu_providers(request.user)
    provider = providers.first()
    if provider is None:
        raise PermissionDenied("Only the local authority service changes its menu.")
    item = None
    if item_uuid is not None:
        item = get_object_or_404(MenuItem, uuid=item_uuid)
        if not providers.filter(pk=item.provider_id).exists():
            raise Http404("No such item")
        provider = item.provider
    data = request.POST if request.method == "POST" else None
    initial = MenuItemForm.initial_for(item) if item else {"estimate_half_days": 2, "active": True}
    form = MenuItemForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run(
            form,
            lambda: menu_item_save(
                actor=request.user,
                provider=provider,
                item=item,
                prices=form.cleaned_data["prices"],
                outcomes=form.cleaned_data["outcomes"],
                **form.item_fields(),
            ),
        )
        if saved is not None:
            return redirect(reverse("placements:menu-list") + f"#item-{saved.uuid}")
    title = f"Change {item.activity}" if item else "Add to the menu"
    return form_page(request, form, title=title, back=reverse("placements:menu-list"))
