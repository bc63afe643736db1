"""Orders from the intervention menu and their delivery: placing an order (which commits
its estimate), the service assigning an officer, recording each session delivered
(which charges the menu's price and releases as much of the commitment), finishing or
cancelling (which releases what is left) and refunding a charge. Keyword-only, atomic,
access-checked and audited; the audit row names the pupil of a pupil's order.

The money goes to the ledger (``BudgetEntry``) of the partnership's budget for the
year the order was placed in: the pooled budget's lines, or the ordering setting's own
account, as the order says. Category: interventions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from knotwork.accounts.models import Role, User
from knotwork.casework.case_models import Case
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Organisation, Setting
from knotwork.placements.budget_access import (
    may_deliver,
    may_order_for_pupil,
    orderable_settings,
)
from knotwork.placements.budget_models import (
    BudgetEntry,
    DeliveredSession,
    InterventionOrder,
    MenuItem,
    MenuPrice,
    PooledBudget,
)
from knotwork.placements.budget_rules import (
    ZERO,
    budget_year_of,
    money,
    order_estimate,
    refundable,
    release_for,
    session_charge,
)
from knotwork.pupils.models import Enrolment, Pupil

Kind = BudgetEntry.Kind
Status = InterventionOrder.Status
#: Roles at the LA service that deliver interventions.
OFFICER_ROLES = (Role.LA_OFFICER, Role.COORDINATOR)

REFUND_REASONS = {
    "not_delivered": "Not delivered",
    "cancelled_by_service": "Cancelled by the service",
    "charged_in_error": "Charged in error",
    "goodwill": "Goodwill",
}


def _today() -> datetime.date:
    return timezone.localdate()


def _audit(actor: User, action: str, order: InterventionOrder, obj: object, what: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        pupil=order.pupil,
        obj=obj,  # type: ignore[arg-type]
        what=what,
    )


def _account(order: InterventionOrder) -> str:
    if order.paid_from == InterventionOrder.PaidFrom.POOLED:
        return BudgetEntry.Account.POOLED
    return BudgetEntry.Account.SETTING


def _post(
    order: InterventionOrder,
    *,
    kind: str,
    amount: Decimal,
    on: datetime.date,
    actor: User,
    session: DeliveredSession | None = None,
    note: str = "",
) -> BudgetEntry | None:
    """One entry of the order's money; none for nothing (a statutory item)."""
    if amount <= 0:
        return None
    return BudgetEntry.objects.create(
        budget=order.budget,
        account=_account(order),
        kind=kind,
        category=BudgetEntry.Category.INTERVENTIONS,
        setting=order.setting,
        amount=money(amount),
        order=order,
        session=session,
        on=on,
        note=note,
        recorded_by=actor,
    )


def order_sums(order: InterventionOrder) -> dict[str, Decimal]:
    """The order's entries summed by kind."""
    sums = dict(
        BudgetEntry.objects.filter(order=order)
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return {kind: money(sums.get(kind, ZERO)) for kind in Kind.values}


def order_committed(order: InterventionOrder) -> Decimal:
    """What the order still has committed."""
    sums = order_sums(order)
    return sums[Kind.COMMITMENT] - sums[Kind.RELEASE]


def _price(item: MenuItem, rate: str) -> MenuPrice | None:
    return item.prices.filter(rate=rate).first()


def _prices_of(item: MenuItem, rate: str) -> tuple[Decimal, Decimal]:
    price = _price(item, rate)
    if price is None:
        if item.is_statutory:
            return ZERO, ZERO
        raise ValidationError({"rate": "The menu has no price for that role on this item."})
    return price.price_per_day, price.price_per_half_day


def budget_for(setting: Setting, on: datetime.date) -> PooledBudget | None:
    """The budget of the setting's partnership for the year of a day."""
    return (
        PooledBudget.objects.filter(
            partnership__memberships__organisation_id=setting.pk, start_year=budget_year_of(on)
        )
        .select_related("partnership")
        .order_by("partnership__name")
        .first()
    )


def _locked(order: InterventionOrder) -> InterventionOrder:
    return (
        InterventionOrder.objects.select_for_update(of=("self",))
        .select_related("item", "budget", "pupil", "setting")
        .get(pk=order.pk)
    )


def _require_deliver(actor: User, order: InterventionOrder) -> None:
    if not may_deliver(actor, order):
        raise PermissionDenied("The local authority service delivers orders.")


def _require_open(order: InterventionOrder) -> None:
    if not order.is_open:
        raise ValidationError("The order has ended.")


def officer_candidates(order: InterventionOrder) -> list[User]:
    """Who at the partnership's LA service may deliver an order."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__kind=Organisation.Kind.LA_SERVICE,
            memberships__organisation__partnership_memberships__partnership_id=(
                order.budget.partnership_id
            ),
            memberships__role__in=OFFICER_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# --- Placing ------------------------------------------------------------------------------------


@transaction.atomic
def order_place(
    *,
    actor: User,
    item: MenuItem,
    setting: Setting,
    rate: str,
    half_days: int,
    paid_from: str,
    ordered_on: datetime.date,
    pupil: Pupil | None = None,
    group_label: str = "",
    group_size: int | None = None,
    starts_on: datetime.date | None = None,
    note: str = "",
) -> InterventionOrder:
    """A setting orders an item for a pupil on its roll, or for a group. Its estimate
    (the half days at the role's prices) is committed on the account that pays."""
    if not orderable_settings(actor).filter(pk=setting.pk).exists():
        raise PermissionDenied("You may not order for this setting.")
    if pupil is not None:
        if not may_order_for_pupil(actor, pupil.pk):
            raise PermissionDenied("You may not order for this pupil.")
        if not Enrolment.objects.current(ordered_on).filter(pupil=pupil, setting=setting).exists():
            raise ValidationError({"setting": "The pupil is not on the setting's roll."})
        group_label, group_size = "", None
    elif not group_label.strip() or not group_size:
        raise ValidationError({"group_label": "Say who the group is and how many are in it."})
    if not item.active:
        raise ValidationError({"item": "The item is no longer on the menu."})
    if half_days < 1:
        raise ValidationError({"half_days": "Order at least a half day."})
    if paid_from not in InterventionOrder.PaidFrom.values:
        raise ValidationError({"paid_from": "Say who pays."})
    budget = budget_for(setting, ordered_on)
    if budget is None:
        raise ValidationError("The partnership has no budget open for that year.")
    per_day, per_half = _prices_of(item, rate)
    estimate = order_estimate(
        statutory=item.is_statutory,
        half_days=half_days,
        price_per_day=per_day,
        price_per_half_day=per_half,
    )
    case = (
        Case.objects.filter(pupil=pupil, status=Case.Status.OPEN).order_by("-opened_on").first()
        if pupil is not None
        else None
    )
    order = InterventionOrder.objects.create(
        item=item,
        budget=budget,
        setting=setting,
        pupil=pupil,
        case=case,
        group_label=group_label.strip(),
        group_size=group_size,
        rate=rate,
        half_days=half_days,
        estimate=estimate,
        paid_from=paid_from,
        ordered_by=actor,
        ordered_on=ordered_on,
        starts_on=starts_on,
        note=note.strip(),
    )
    _post(order, kind=Kind.COMMITMENT, amount=estimate, on=ordered_on, actor=actor)
    _audit(actor, AuditEntry.Action.CREATE, order, order, "intervention order")
    return order


# --- Delivering ---------------------------------------------------------------------------------


@transaction.atomic
def order_assign(
    *,
    actor: User,
    order: InterventionOrder,
    officer: User,
    starts_on: datetime.date | None = None,
) -> InterventionOrder:
    """The service names the officer who delivers the order, and when it starts."""
    order = _locked(order)
    _require_deliver(actor, order)
    _require_open(order)
    if officer.pk not in {u.pk for u in officer_candidates(order)}:
        raise ValidationError({"officer": "Choose an officer of the partnership's LA service."})
    order.officer = officer
    if starts_on is not None:
        order.starts_on = starts_on
    order.save(update_fields=["officer", "starts_on"])
    _audit(actor, AuditEntry.Action.UPDATE, order, order, "intervention order: officer")
    return order


@transaction.atomic
def order_session_record(
    *,
    actor: User,
    order: InterventionOrder,
    on: datetime.date,
    length: str,
    rate: str | None = None,
    officer: User | None = None,
) -> DeliveredSession:
    """One session delivered: charged at the menu's price for the role now, and as much
    of the order's commitment released as the charge uses."""
    order = _locked(order)
    _require_deliver(actor, order)
    _require_open(order)
    if on < order.ordered_on:
        raise ValidationError({"on": "A session cannot be before the order was placed."})
    if on > _today():
        raise ValidationError({"on": "Record sessions once they have been delivered."})
    rate = rate or order.rate
    per_day, per_half = _prices_of(order.item, rate)
    charge = session_charge(
        statutory=order.item.is_statutory,
        length=length,
        price_per_day=per_day,
        price_per_half_day=per_half,
    )
    session = DeliveredSession.objects.create(
        order=order,
        on=on,
        length=length,
        rate=rate,
        officer=officer or order.officer,
        charge=charge,
        recorded_by=actor,
    )
    released = release_for(charge, order_committed(order))
    _post(order, kind=Kind.SPEND, amount=charge, on=on, actor=actor, session=session)
    _post(order, kind=Kind.RELEASE, amount=released, on=on, actor=actor, session=session)
    changed = ["status"]
    order.status = Status.IN_PROGRESS
    if order.starts_on is None or order.starts_on > on:
        order.starts_on = on
        changed.append("starts_on")
    order.save(update_fields=changed)
    _audit(actor, AuditEntry.Action.CREATE, order, session, "intervention session")
    return session


def _end(
    actor: User, order: InterventionOrder, status: str, on: datetime.date
) -> InterventionOrder:
    left = order_committed(order)
    _post(order, kind=Kind.RELEASE, amount=left, on=on, actor=actor)
    order.status = status
    order.finished_on = on
    order.save(update_fields=["status", "finished_on"])
    return order


@transaction.atomic
def order_finish(
    *, actor: User, order: InterventionOrder, finished_on: datetime.date
) -> InterventionOrder:
    """The order is delivered: whatever is still committed is released."""
    order = _locked(order)
    _require_deliver(actor, order)
    _require_open(order)
    if not order.sessions.exists():
        raise ValidationError("Record the sessions delivered first, or cancel the order.")
    _end(actor, order, Status.DELIVERED, finished_on)
    _audit(actor, AuditEntry.Action.UPDATE, order, order, "intervention order: delivered")
    return order


@transaction.atomic
def order_cancel(
    *, actor: User, order: InterventionOrder, cancelled_on: datetime.date
) -> InterventionOrder:
    """The order is called off, by the setting that placed it or by the service: what is
    still committed is released; sessions already delivered stay charged."""
    order = _locked(order)
    placed_here = orderable_settings(actor).filter(pk=order.setting_id).exists()
    if not (placed_here or may_deliver(actor, order)):
        raise PermissionDenied("You may not cancel this order.")
    _require_open(order)
    _end(actor, order, Status.CANCELLED, cancelled_on)
    _audit(actor, AuditEntry.Action.UPDATE, order, order, "intervention order: cancelled")
    return order


@transaction.atomic
def order_refund(
    *,
    actor: User,
    order: InterventionOrder,
    amount: Decimal | None,
    on: datetime.date,
    reason: str,
) -> BudgetEntry:
    """Refund part or all of what the order was charged, to whoever paid: an entry of
    its own that reverses the charge; the charges stay as they were."""
    order = _locked(order)
    _require_deliver(actor, order)
    if reason not in REFUND_REASONS:
        raise ValidationError({"reason": "Choose a reason from the list."})
    sums = order_sums(order)
    left = refundable(sums[Kind.SPEND], sums[Kind.REFUND])
    amount = left if amount is None else money(amount)
    if left <= 0:
        raise ValidationError("Nothing charged on this order is left to refund.")
    if amount <= 0 or amount > left:
        raise ValidationError({"amount": f"Refund between £0.01 and £{left}."})
    entry = _post(
        order, kind=Kind.REFUND, amount=amount, on=on, actor=actor, note=REFUND_REASONS[reason]
    )
    assert entry is not None
    _audit(actor, AuditEntry.Action.CREATE, order, entry, "intervention refund")
    return entry
