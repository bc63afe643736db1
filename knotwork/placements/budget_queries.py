"""What the budget pages read: a budget the user may see, its statement (from the
ledger's sums, in a few queries whatever its size), its entries, what settings' own
accounts were charged, and the cost per improved outcome of each menu item. Figures and
settings only: nothing here names a pupil."""

from __future__ import annotations

import datetime
import uuid as uuid_module
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum
from django.http import Http404

from knotwork.accounts.models import User
from knotwork.casework.case_models import CaseMeasure
from knotwork.placements.budget_access import may_read_budget, partnerships_in_scope
from knotwork.placements.budget_models import (
    BudgetEntry,
    InterventionOrder,
    MenuItem,
    PooledBudget,
)
from knotwork.placements.budget_rules import (
    ZERO,
    Entry,
    Statement,
    cost_per_improved,
    money,
    pupil_improved,
    share,
    statement,
)

Kind = BudgetEntry.Kind
CATEGORY_ORDER = [label for _, label in BudgetEntry.Category.choices]


def budgets_for(user: User | AnonymousUser) -> QuerySet[PooledBudget]:
    """The budgets of the user's partnerships, the latest year first."""
    return (
        PooledBudget.objects.filter(partnership__in=partnerships_in_scope(user))
        .select_related("partnership", "accountable_manager")
        .order_by("-start_year", "partnership__name")
    )


def budget_for_user(
    user: User | AnonymousUser, budget_uuid: uuid_module.UUID | str
) -> PooledBudget:
    budget = (
        PooledBudget.objects.filter(uuid=budget_uuid)
        .select_related("partnership", "accountable_manager")
        .first()
    )
    if budget is None or not may_read_budget(user, budget):
        raise Http404("No such budget")
    return budget


def budget_statement(budget: PooledBudget, *, through: datetime.date | None = None) -> Statement:
    """The pooled budget's statement: its ledger summed by kind, category and contributor
    (and source, for contributions from no setting), up to a day if given."""
    entries = BudgetEntry.objects.filter(budget=budget, account=BudgetEntry.Account.POOLED)
    if through is not None:
        entries = entries.filter(on__lte=through)
    rows = (
        entries.values_list("kind", "category", "source", "setting__name")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    categories = dict(BudgetEntry.Category.choices)
    sources = dict(BudgetEntry.Source.choices)
    return statement(
        (
            Entry(
                kind=kind,
                amount=money(total),
                category=categories.get(category, category),
                contributor=setting_name or "",
                source=sources.get(source, source),
            )
            for kind, category, source, setting_name, total in rows
        ),
        CATEGORY_ORDER,
    )


@dataclass(frozen=True)
class AccountRow:
    """What a setting's own account was charged for interventions."""

    setting: str
    charged: Decimal
    refunded: Decimal
    committed: Decimal

    @property
    def net(self) -> Decimal:
        return self.charged - self.refunded


def setting_accounts(budget: PooledBudget) -> list[AccountRow]:
    """Each setting's own account for the year: charged, refunded, still committed."""
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for name, kind, total in (
        BudgetEntry.objects.filter(budget=budget, account=BudgetEntry.Account.SETTING)
        .values_list("setting__name", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        sums[name][kind] += money(total)
    return [
        AccountRow(
            name,
            s[Kind.SPEND],
            s[Kind.REFUND],
            s[Kind.COMMITMENT] - s[Kind.RELEASE],
        )
        for name, s in sorted(sums.items())
    ]


def budget_entries(budget: PooledBudget, *, account: str = "pooled") -> QuerySet[BudgetEntry]:
    """The ledger (of one account, or both given ""), newest first, with what each line
    needs to show."""
    entries = BudgetEntry.objects.filter(budget=budget)
    if account:
        entries = entries.filter(account=account)
    return entries.select_related("setting", "order__item").order_by("-on", "-pk")


# --- Cost per improved outcome ------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    """One menu item's spend against the pupils whose measures improved."""

    item: MenuItem
    orders: int
    spend: Decimal
    pupils: int
    measured: int
    improved: int

    @property
    def improved_share(self) -> Decimal | None:
        return share(self.improved, self.measured)

    @property
    def cost_per_improved(self) -> Decimal | None:
        return cost_per_improved(self.spend, self.improved)


def _order_sums(budget: PooledBudget, kind: str) -> dict[int, Decimal]:
    return {
        order_id: money(total)
        for order_id, total in BudgetEntry.objects.filter(order__budget=budget, kind=kind)
        .values_list("order_id")
        .annotate(total=Sum("amount"))
        .values_list("order_id", "total")
        .order_by()
    }


#: How far from an order's dates a case's measure may start and still be read for it,
#: when the order is not linked to a case.
NEAR = datetime.timedelta(weeks=10)


def cost_per_outcome(budget: PooledBudget) -> list[OutcomeRow]:
    """For each item ordered in the budget's year: orders, net spend (both accounts),
    pupils ordered for, those with read before/after measures and those who improved.
    A pupil's measures are their linked case's, else those of their cases started within
    ten weeks of the order's dates."""
    orders = list(
        InterventionOrder.objects.filter(budget=budget)
        .exclude(status=InterventionOrder.Status.CANCELLED, sessions__isnull=True)
        .select_related("item")
        .distinct()
    )
    spend = _order_sums(budget, Kind.SPEND)
    refunds = _order_sums(budget, Kind.REFUND)
    pupil_ids = {o.pupil_id for o in orders if o.pupil_id is not None}
    measures: dict[int, list[tuple[int, datetime.date, str, Decimal | None, Decimal | None]]] = (
        defaultdict(list)
    )
    for pupil_id, case_id, starts_on, kind, before, after in CaseMeasure.objects.filter(
        case__pupil_id__in=sorted(pupil_ids), read_at__isnull=False
    ).values_list("case__pupil_id", "case_id", "starts_on", "kind", "before", "after"):
        measures[pupil_id].append((case_id, starts_on, kind, before, after))
    by_item: dict[int, list[InterventionOrder]] = defaultdict(list)
    for order in orders:
        by_item[order.item_id].append(order)
    rows = []
    for item_orders in by_item.values():
        item = item_orders[0].item
        net = sum(
            ((spend.get(o.pk) or ZERO) - (refunds.get(o.pk) or ZERO) for o in item_orders), ZERO
        )
        results: dict[int, bool | None] = {}
        for order in item_orders:
            if order.pupil_id is None:
                continue
            end = order.finished_on or order.ordered_on + NEAR
            chosen = [
                (kind, before, after)
                for case_id, starts_on, kind, before, after in measures.get(order.pupil_id, [])
                if (case_id == order.case_id)
                or (order.case_id is None and order.ordered_on - NEAR <= starts_on <= end)
            ]
            found = pupil_improved(chosen)
            prior = results.get(order.pupil_id)
            results[order.pupil_id] = found if prior is None else (prior or bool(found))
        rows.append(
            OutcomeRow(
                item=item,
                orders=len(item_orders),
                spend=net,
                pupils=len(results),
                measured=sum(1 for r in results.values() if r is not None),
                improved=sum(1 for r in results.values() if r),
            )
        )
    return sorted(rows, key=lambda r: (r.item.position, r.item.activity))
