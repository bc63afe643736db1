"""Changes to a pooled budget: opening a year's budget and writing entries to its ledger
(contributions, spending on AP, shared staff and training, commitments and their
release). Keyword-only, atomic, access-checked and audited; an entry is never edited, a
mistake is put right by another entry. Orders post their own entries
(``order_services``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum

from knotwork.accounts.models import User
from knotwork.core.audit import audit_record
from knotwork.core.models import AuditEntry
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.budget_access import (
    manager_candidates,
    may_keep_budget,
    service_partnership_ids,
)
from knotwork.placements.budget_models import BudgetEntry, PooledBudget
from knotwork.placements.budget_rules import ZERO, budget_year_of, money

Kind = BudgetEntry.Kind


@transaction.atomic
def budget_open(
    *,
    actor: User,
    partnership: Partnership,
    start_year: int,
    accountable_manager: User,
    plan: str = "",
) -> PooledBudget:
    """Open the partnership's pooled budget for a year, naming its accountable manager."""
    if partnership.pk not in service_partnership_ids(actor, edit=True):
        raise PermissionDenied("The partnership's LA service opens its budget.")
    partnerships = Partnership.objects.filter(pk=partnership.pk)
    if not manager_candidates(partnerships).filter(pk=accountable_manager.pk).exists():
        raise ValidationError(
            {"accountable_manager": "The manager must work in one of the partnership's members."}
        )
    if PooledBudget.objects.filter(partnership=partnership, start_year=start_year).exists():
        raise ValidationError({"start_year": "The partnership already has a budget that year."})
    budget = PooledBudget.objects.create(
        partnership=partnership,
        start_year=start_year,
        accountable_manager=accountable_manager,
        plan=plan.strip(),
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=budget, what="pooled budget")
    return budget


def _committed(budget: PooledBudget, category: str) -> Decimal:
    sums: dict[str, Decimal] = dict(
        BudgetEntry.objects.filter(
            budget=budget,
            account=BudgetEntry.Account.POOLED,
            category=category,
            kind__in=[Kind.COMMITMENT, Kind.RELEASE],
            order__isnull=True,
        )
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return money(sums.get(Kind.COMMITMENT, ZERO) - sums.get(Kind.RELEASE, ZERO))


@transaction.atomic
def budget_entry_record(
    *,
    actor: User,
    budget: PooledBudget,
    kind: str,
    amount: Decimal,
    on: datetime.date,
    category: str = "",
    source: str = "",
    setting: Setting | None = None,
    note: str = "",
) -> BudgetEntry:
    """Write one entry to the pooled budget's ledger. A contribution names its source
    (and its setting, when a school gives it); spending and commitments their category.
    A release cannot free more than the category's commitments made here hold."""
    if not may_keep_budget(actor, budget):
        raise PermissionDenied("Only the accountable manager and the LA service keep the budget.")
    if kind not in (Kind.CONTRIBUTION, Kind.SPEND, Kind.COMMITMENT, Kind.RELEASE):
        raise ValidationError({"kind": "Refunds come from the order they reverse."})
    if budget_year_of(on) != budget.start_year:
        raise ValidationError({"on": f"The budget is for {budget.year_label}."})
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": "Enter an amount of more than £0."})
    if kind == Kind.CONTRIBUTION:
        category = ""
        if source not in BudgetEntry.Source.values:
            raise ValidationError({"source": "Say where the contribution comes from."})
        if source == BudgetEntry.Source.SCHOOL and setting is None:
            raise ValidationError({"setting": "Say which school contributes."})
    else:
        source = ""
        if category not in BudgetEntry.Category.values:
            raise ValidationError({"category": "Choose what the money is for."})
    if (
        setting is not None
        and not budget.partnership.memberships.filter(organisation_id=setting.pk).exists()
    ):
        raise ValidationError({"setting": "The setting is not in the partnership."})
    if kind == Kind.RELEASE and amount > _committed(budget, category):
        raise ValidationError({"amount": "That is more than is committed for it."})
    entry = BudgetEntry.objects.create(
        budget=budget,
        kind=kind,
        category=category,
        source=source,
        setting=setting,
        amount=amount,
        on=on,
        note=note.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, obj=entry, what=f"budget {kind}")
    return entry
