"""The intervention menu, orders from it, and the pooled budget's ledger.

Sources: seed 003 paras 2.9-2.11 and Appendix 4 (the menu of the Secondary Behaviour and
Attendance Service, priced by day and half day for each role, statutory or pay as you
use; caseloads of 15-20 and interventions of 10 weeks); seed 004 paras 81-89 (pooled
funding, its accountable manager, a plan governing boards can read).

Money is a ledger: every contribution, charge, commitment, release and refund is an
entry with a positive amount and a kind, so balances are sums and nothing is edited.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from knotwork.placements.budget_rules import (
    COMMITMENT,
    CONTRIBUTION,
    DAY,
    HALF_DAY,
    REFUND,
    RELEASE,
    SPEND,
)

__all__ = [
    "BudgetEntry",
    "DeliveredSession",
    "InterventionOrder",
    "MenuItem",
    "MenuPrice",
    "PooledBudget",
]


class Rate(models.TextChoices):
    """The roles seed 003 prices the menu's work by."""

    ADVISER = "adviser", "Behaviour and attendance adviser"
    OFFICER = "officer", "Behaviour and attendance officer"
    LEGAL = "legal", "Legal interventions"


class Length(models.TextChoices):
    DAY = DAY, "Day"
    HALF_DAY = HALF_DAY, "Half day"


class MenuItem(models.Model):
    """One activity or programme on the LA service's menu of interventions."""

    class Charging(models.TextChoices):
        STATUTORY = "statutory", "Statutory (no cost to schools)"
        PAYU = "payu", "Pay as you use"

    class Strand(models.TextChoices):
        BEHAVIOUR = "behaviour", "Behaviour support"
        ATTENDANCE = "attendance", "Attendance support"
        LEGAL = "legal", "Parental responsibility and legal intervention"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(
        "directory.Organisation",
        on_delete=models.PROTECT,
        related_name="menu_items",
        help_text="The local authority service that offers it.",
    )
    strand = models.CharField(max_length=12, choices=Strand.choices)
    heading = models.CharField(
        max_length=80, help_text="The menu's heading: strategic, capacity building, ..."
    )
    activity = models.CharField("name of activity or programme", max_length=200)
    details = models.TextField()
    intended_outcomes = models.TextField()
    provider_role = models.CharField("staff provider", max_length=200)
    likely_duration = models.CharField(max_length=80)
    estimate_half_days = models.PositiveSmallIntegerField(
        default=1, help_text="The likely duration in half days, committed when ordered."
    )
    charging = models.CharField(max_length=10, choices=Charging.choices)
    outcomes = models.ManyToManyField("directory.Outcome", blank=True, related_name="menu_items")
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "activity"]

    def __str__(self) -> str:
        return self.activity

    @property
    def is_statutory(self) -> bool:
        return self.charging == self.Charging.STATUTORY


class MenuPrice(models.Model):
    """What a day and a half day of one role's work on an item costs."""

    item = models.ForeignKey(MenuItem, on_delete=models.CASCADE, related_name="prices")
    rate = models.CharField("role", max_length=10, choices=Rate.choices)
    price_per_day = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    price_per_half_day = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        ordering = ["item", "rate"]
        constraints = [
            models.UniqueConstraint(fields=["item", "rate"], name="menu_price_once_per_role"),
            models.CheckConstraint(
                condition=Q(price_per_day__gte=0, price_per_half_day__gte=0),
                name="menu_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_rate_display()}: £{self.price_per_day} a day"


class PooledBudget(models.Model):
    """A partnership's pooled funds for one academic year, and who manages them."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partnership = models.ForeignKey(
        "directory.Partnership", on_delete=models.PROTECT, related_name="pooled_budgets"
    )
    start_year = models.PositiveSmallIntegerField(help_text="2026 for 2026/27.")
    accountable_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="budgets_managed",
        help_text="Accountable to the partnership's schools for all expenditure.",
    )
    plan = models.TextField(blank=True, help_text="What the pooled funds are for this year.")

    class Meta:
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "start_year"], name="one_budget_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def year_label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


class InterventionOrder(models.Model):
    """A setting's order of a menu item for a pupil or a group, and its delivery."""

    class Status(models.TextChoices):
        ORDERED = "ordered", "Ordered"
        IN_PROGRESS = "in_progress", "In progress"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    OPEN = (Status.ORDERED, Status.IN_PROGRESS)

    class PaidFrom(models.TextChoices):
        SETTING = "setting", "The setting's own account"
        POOLED = "pooled", "The pooled budget"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    item = models.ForeignKey(MenuItem, on_delete=models.PROTECT, related_name="orders")
    budget = models.ForeignKey(PooledBudget, on_delete=models.PROTECT, related_name="orders")
    setting = models.ForeignKey(
        "directory.Setting", on_delete=models.PROTECT, related_name="intervention_orders"
    )
    pupil = models.ForeignKey(
        "pupils.Pupil",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_orders",
    )
    case = models.ForeignKey(
        "casework.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_orders",
        help_text="The pupil's case the order's measures are read from.",
    )
    group_label = models.CharField(
        max_length=120, blank=True, help_text="Who a group order is for: 'Year 8 tutor group'."
    )
    group_size = models.PositiveSmallIntegerField(null=True, blank=True)
    rate = models.CharField("role", max_length=10, choices=Rate.choices)
    half_days = models.PositiveSmallIntegerField(help_text="Half days ordered.")
    estimate = models.DecimalField(max_digits=12, decimal_places=2)
    paid_from = models.CharField(max_length=10, choices=PaidFrom.choices)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ordered_on = models.DateField()
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_orders",
        help_text="The service's officer delivering it.",
    )
    starts_on = models.DateField(null=True, blank=True)
    finished_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ORDERED)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-ordered_on", "-pk"]
        indexes = [
            models.Index(fields=["officer", "status"], name="order_officer_idx"),
            models.Index(fields=["setting", "status"], name="order_setting_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pupil__isnull=False, group_label="", group_size__isnull=True)
                | (Q(pupil__isnull=True, group_size__gte=1) & ~Q(group_label="")),
                name="order_for_a_pupil_or_a_group",
            ),
            models.CheckConstraint(condition=Q(estimate__gte=0), name="order_estimate_positive"),
            models.CheckConstraint(
                condition=Q(finished_on__isnull=True) | Q(status__in=["delivered", "cancelled"]),
                name="order_finished_when_ended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} ordered {self.ordered_on:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def for_group(self) -> bool:
        return self.pupil_id is None


class DeliveredSession(models.Model):
    """One day or half day of an order delivered, by whom, and what it was charged."""

    order = models.ForeignKey(InterventionOrder, on_delete=models.PROTECT, related_name="sessions")
    on = models.DateField()
    length = models.CharField(max_length=10, choices=Length.choices)
    rate = models.CharField("role", max_length=10, choices=Rate.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    charge = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="From the menu's price when delivered."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(charge__gte=0), name="session_charge_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_length_display()} on {self.on:%d/%m/%Y}"

    @property
    def half_days(self) -> int:
        return 2 if self.length == DAY else 1


class BudgetEntry(models.Model):
    """One line of the ledger: an amount (always positive) of a kind, on a day."""

    class Kind(models.TextChoices):
        CONTRIBUTION = CONTRIBUTION, "Contribution"
        SPEND = SPEND, "Spending"
        COMMITMENT = COMMITMENT, "Commitment"
        RELEASE = RELEASE, "Commitment released"
        REFUND = REFUND, "Refund"

    class Category(models.TextChoices):
        AP = "ap", "Alternative provision"
        INTERVENTIONS = "interventions", "Interventions"
        SHARED_STAFF = "shared_staff", "Shared staff"
        TRAINING = "training", "Training"

    class Source(models.TextChoices):
        SCHOOL = "school", "A school's delegated budget"
        DEVOLVED = "devolved", "Funding devolved by the local authority"
        OTHER = "other", "Another partner"

    class Account(models.TextChoices):
        POOLED = "pooled", "Pooled budget"
        SETTING = "setting", "Setting's own account"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(PooledBudget, on_delete=models.PROTECT, related_name="entries")
    account = models.CharField(max_length=10, choices=Account.choices, default=Account.POOLED)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    category = models.CharField(max_length=15, choices=Category.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    setting = models.ForeignKey(
        "directory.Setting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_entries",
        help_text="Who contributed, or whose order it was, or whose account it is.",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    order = models.ForeignKey(
        InterventionOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    session = models.ForeignKey(
        DeliveredSession, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name_plural = "budget entries"
        indexes = [models.Index(fields=["budget", "account", "kind"], name="budget_entry_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind="contribution", category="")
                | (~Q(kind="contribution") & ~Q(category="")),
                name="entry_category_unless_contribution",
            ),
            models.CheckConstraint(
                condition=~Q(kind="contribution") | ~Q(source=""),
                name="contribution_has_source",
            ),
            models.CheckConstraint(
                condition=Q(account="pooled") | Q(setting__isnull=False),
                name="setting_account_names_setting",
            ),
            models.CheckConstraint(
                condition=Q(account="pooled") | ~Q(kind="contribution"),
                name="contributions_to_the_pool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} on {self.on:%d/%m/%Y}"
