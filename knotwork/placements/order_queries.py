"""What the order pages read: the orders a user may see (their pupils asked about with
``visible_among``, so a list never shows a pupil the user may not see), one order with
its sessions and money, and the officers' caseloads with each intervention's clock."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from knotwork.accounts.models import Role, User
from knotwork.casework.case_models import Case
from knotwork.casework.case_rules import Caseload, Clock, intervention_clock
from knotwork.casework.consent_models import Section
from knotwork.directory.models import Organisation
from knotwork.placements.budget_access import order_scope, service_partnership_ids
from knotwork.placements.budget_models import (
    BudgetEntry,
    DeliveredSession,
    InterventionOrder,
)
from knotwork.placements.budget_rules import refundable
from knotwork.placements.order_services import order_sums
from knotwork.pupils.access import visible_among

Kind = BudgetEntry.Kind


def orders_for(user: User | AnonymousUser, *, status: str = "") -> QuerySet[InterventionOrder]:
    """The orders the user may see, newest first: group orders in their scope, and orders
    for pupils they see."""
    scope = order_scope(user)
    if scope is None:
        return InterventionOrder.objects.none()
    orders = InterventionOrder.objects.filter(scope)
    if status == "open":
        orders = orders.filter(status__in=InterventionOrder.OPEN)
    elif status in InterventionOrder.Status.values:
        orders = orders.filter(status=status)
    pupil_ids = orders.exclude(pupil__isnull=True).values_list("pupil_id", flat=True)
    seen = visible_among(user, list(pupil_ids))
    return (
        orders.filter(Q(pupil__isnull=True) | Q(pupil_id__in=sorted(seen)))
        .select_related("item", "setting", "pupil", "officer")
        .order_by("-ordered_on", "-pk")
    )


def order_for_user(
    user: User | AnonymousUser, order_uuid: uuid_module.UUID | str
) -> InterventionOrder:
    """The order if the user may see it; 404 when not, so existence never leaks."""
    scope = order_scope(user)
    order = (
        InterventionOrder.objects.filter(scope, uuid=order_uuid)
        .select_related("item", "setting", "pupil", "officer", "budget__partnership", "case")
        .first()
        if scope is not None
        else None
    )
    if order is None or (order.pupil_id is not None and not visible_among(user, [order.pupil_id])):
        raise Http404("No such order")
    return order


@dataclass(frozen=True)
class OrderMoney:
    committed: Decimal  # still committed
    charged: Decimal
    refunded: Decimal

    @property
    def net(self) -> Decimal:
        return self.charged - self.refunded

    @property
    def refundable(self) -> Decimal:
        return refundable(self.charged, self.refunded)


@dataclass(frozen=True)
class OrderPage:
    order: InterventionOrder
    sessions: list[DeliveredSession]
    entries: list[BudgetEntry]
    money: OrderMoney
    clock: Clock | None

    @property
    def half_days_delivered(self) -> int:
        return sum(s.half_days for s in self.sessions)


def intervention_weeks() -> int:
    return int(django_settings.KNOTWORK_INTERVENTION_WEEKS)


def order_clock(order: InterventionOrder, today: datetime.date) -> Clock | None:
    """An open order's 10-week clock, from its start (or, not yet started, its order)."""
    if not order.is_open:
        return None
    return intervention_clock(order.starts_on or order.ordered_on, today, intervention_weeks())


def order_page(order: InterventionOrder, today: datetime.date) -> OrderPage:
    sums = order_sums(order)
    return OrderPage(
        order=order,
        sessions=list(order.sessions.select_related("officer")),
        entries=list(order.entries.order_by("on", "pk")),
        money=OrderMoney(
            sums[Kind.COMMITMENT] - sums[Kind.RELEASE], sums[Kind.SPEND], sums[Kind.REFUND]
        ),
        clock=order_clock(order, today),
    )


# --- Officers' caseloads ------------------------------------------------------------------------


def officer_limit() -> int:
    return int(django_settings.KNOTWORK_OFFICER_CASELOAD_LIMIT)


@dataclass(frozen=True)
class OfficerRow:
    officer: User
    orders: int
    cases: int
    overdue: int
    due: int
    limit: int

    @property
    def load(self) -> Caseload:
        return Caseload(self.orders + self.cases, self.limit)


@dataclass(frozen=True)
class InterventionRow:
    order: InterventionOrder
    clock: Clock
    pupil_shown: bool


def _officers(partnership_ids: set[int]) -> QuerySet[User]:
    at_service = Q(
        memberships__organisation__kind=Organisation.Kind.LA_SERVICE,
        memberships__organisation__partnership_memberships__partnership_id__in=sorted(
            partnership_ids
        ),
        memberships__role=Role.LA_OFFICER,
    )
    delivering = Q(
        intervention_orders__budget__partnership_id__in=sorted(partnership_ids),
        intervention_orders__status__in=InterventionOrder.OPEN,
    )
    return (
        User.objects.filter(at_service | delivering, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def officers_scope(user: User | AnonymousUser) -> set[int]:
    """The partnerships whose officers the user may see the caseloads of: those they work
    in for the LA service."""
    return service_partnership_ids(user, edit=False)


def open_orders(partnership_ids: set[int]) -> QuerySet[InterventionOrder]:
    return (
        InterventionOrder.objects.filter(
            budget__partnership_id__in=sorted(partnership_ids),
            status__in=InterventionOrder.OPEN,
        )
        .select_related("item", "setting", "pupil", "officer")
        .order_by("starts_on", "ordered_on", "pk")
    )


def officer_rows(partnership_ids: set[int], today: datetime.date) -> list[OfficerRow]:
    """Each officer with their open orders and the open cases they lead, the clocks of
    both counted as due (within two weeks) or overdue."""
    officers = list(_officers(partnership_ids))
    ids = [u.pk for u in officers]
    weeks = intervention_weeks()
    orders: Counter[int] = Counter()
    states: Counter[tuple[int, str]] = Counter()
    for officer_id, starts_on, ordered_on in (
        open_orders(partnership_ids)
        .filter(officer_id__in=ids)
        .values_list("officer_id", "starts_on", "ordered_on")
    ):
        orders[officer_id] += 1
        states[officer_id, intervention_clock(starts_on or ordered_on, today, weeks).state] += 1
    cases: Counter[int] = Counter()
    for lead_id, started in Case.objects.filter(
        lead_id__in=ids, status=Case.Status.OPEN
    ).values_list("lead_id", "intervention_started_on"):
        cases[lead_id] += 1
        states[lead_id, intervention_clock(started, today, weeks).state] += 1
    limit = officer_limit()
    return [
        OfficerRow(
            officer=u,
            orders=orders[u.pk],
            cases=cases[u.pk],
            overdue=states[u.pk, "overdue"],
            due=states[u.pk, "due"],
            limit=limit,
        )
        for u in officers
    ]


def officers_cases(partnership_ids: set[int]) -> QuerySet[Case]:
    """The open cases the service's officers lead, the longest-running intervention first."""
    ids = list(_officers(partnership_ids).values_list("pk", flat=True))
    return (
        Case.objects.filter(lead_id__in=ids, status=Case.Status.OPEN)
        .select_related("pupil", "setting", "lead")
        .order_by("intervention_started_on", "pk")
    )


@dataclass(frozen=True)
class CaseRow:
    case: Case
    clock: Clock
    pupil_shown: bool


def case_rows(user: User | AnonymousUser, cases: list[Case], today: datetime.date) -> list[CaseRow]:
    """Open cases with their clocks; a pupil's name only where the user sees their casework."""
    seen = visible_among(user, [c.pupil_id for c in cases], section=Section.CASEWORK)
    weeks = intervention_weeks()
    return [
        CaseRow(c, intervention_clock(c.intervention_started_on, today, weeks), c.pupil_id in seen)
        for c in cases
    ]


def intervention_rows(
    user: User | AnonymousUser, orders: list[InterventionOrder], today: datetime.date
) -> list[InterventionRow]:
    """Open orders with their clocks; a pupil's name only where the user sees the pupil."""
    seen = visible_among(user, [o.pupil_id for o in orders if o.pupil_id is not None])
    weeks = intervention_weeks()
    return [
        InterventionRow(
            order=o,
            clock=intervention_clock(o.starts_on or o.ordered_on, today, weeks),
            pupil_shown=o.pupil_id in seen,
        )
        for o in orders
    ]
