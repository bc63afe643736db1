"""Changes to the intervention menu: keyword-only, atomic, access-checked and audited.
Only members of a local authority service who may edit change its menu."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation, Outcome
from knotwork.placements.budget_access import menu_providers
from knotwork.placements.budget_models import MenuItem, MenuPrice, Rate
from knotwork.placements.budget_rules import money

ITEM_FIELDS = (
    "strand",
    "heading",
    "activity",
    "details",
    "intended_outcomes",
    "provider_role",
    "likely_duration",
    "estimate_half_days",
    "charging",
    "active",
    "position",
)

Prices = Mapping[str, tuple[Decimal, Decimal]]


def _set_prices(item: MenuItem, prices: Prices) -> None:
    for rate, (per_day, per_half_day) in prices.items():
        if rate not in Rate.values:
            raise ValidationError({"prices": "Choose roles from the list."})
        if per_day < 0 or per_half_day < 0:
            raise ValidationError({"prices": "Prices cannot be negative."})
    item.prices.exclude(rate__in=list(prices)).delete()
    for rate, (per_day, per_half_day) in prices.items():
        MenuPrice.objects.update_or_create(
            item=item,
            rate=rate,
            defaults={"price_per_day": money(per_day), "price_per_half_day": money(per_half_day)},
        )


def _check(item: MenuItem, prices: Prices) -> None:
    item.full_clean(exclude=["provider", "outcomes"])
    if item.charging == MenuItem.Charging.PAYU and not prices:
        raise ValidationError({"prices": "A pay-as-you-use item needs a price for a role."})


@transaction.atomic
def menu_item_save(
    *,
    actor: User,
    provider: Organisation,
    item: MenuItem | None = None,
    prices: Prices,
    outcomes: Iterable[Outcome] = (),
    **fields: object,
) -> MenuItem:
    """Add an item to a service's menu, or change one, with its prices by role."""
    if not menu_providers(actor).filter(pk=provider.pk).exists():
        raise PermissionDenied("Only the local authority service changes its menu.")
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown menu fields: {sorted(unknown)}")
    created = item is None
    if item is None:
        item = MenuItem(provider=provider)
    elif item.provider_id != provider.pk:
        raise PermissionDenied("The item is on another service's menu.")
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    _check(item, prices)
    item.save()
    item.outcomes.set(list(outcomes))
    _set_prices(item, prices)
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
        obj=item,
        what="menu item" if created else "menu item: " + ", ".join(sorted(fields))[:100],
    )
    return item
