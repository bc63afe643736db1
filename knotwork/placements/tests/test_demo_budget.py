"""The menu and budget demo on a small demo partnership: the seed 003 menu priced as there,
orders in every state with one refunded, a budget with contributions from every setting
and spending in each category, and the ledger matching the orders' sessions."""

import datetime
import zoneinfo
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from knotwork.accounts.models import User
from knotwork.directory.demo import PARTNERSHIP_NAME, demo_build
from knotwork.directory.models import Partnership, Setting
from knotwork.placements.budget_models import (
    BudgetEntry,
    DeliveredSession,
    InterventionOrder,
    MenuItem,
    MenuPrice,
    PooledBudget,
)
from knotwork.placements.budget_queries import budget_statement, cost_per_outcome
from knotwork.placements.demo_budget import MENU, BudgetDemo, budget_demo
from knotwork.placements.order_services import order_sums

TODAY = datetime.date(2026, 11, 24)
NOW = datetime.datetime(2026, 11, 24, 10, 30, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
D = Decimal
QUERIES: list[int] = []


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: object) -> Iterator[BudgetDemo]:
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        demo_build(pupils=600, seed=1, today=TODAY, placements=False)
        partnership = Partnership.objects.get(name=PARTNERSHIP_NAME)
        actor = User.objects.get(username="coordinator")
        with CaptureQueriesContext(connection) as queries:
            built = budget_demo(partnership=partnership, today=TODAY, actor=actor, seed=1)
        QUERIES.append(len(queries))
        yield built
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_the_menu_is_seed_003s_priced_as_there(built):
    assert built.menu_items == len(MENU) == MenuItem.objects.count()
    officer = MenuPrice.objects.filter(rate="officer").first()
    adviser = MenuPrice.objects.filter(rate="adviser").first()
    legal = MenuPrice.objects.filter(rate="legal").first()
    assert (officer.price_per_day, officer.price_per_half_day) == (D("225.00"), D("125.00"))
    assert (adviser.price_per_day, adviser.price_per_half_day) == (D("340.00"), D("190.00"))
    assert (legal.price_per_day, legal.price_per_half_day) == (D("275.00"), D("155.00"))
    reintegration = MenuItem.objects.get(activity__startswith="Reintegration support")
    assert reintegration.is_statutory
    assert MenuItem.objects.get(activity="Register audit").charging == "payu"
    assert MenuItem.objects.filter(outcomes__isnull=False).distinct().count() == len(MENU)


def test_orders_in_every_state_with_one_refunded(built):
    assert built.orders == InterventionOrder.objects.count() == 30
    assert built.delivered and built.in_progress and built.not_started
    assert (built.cancelled, built.refunded) == (1, 1)
    assert InterventionOrder.objects.values("setting").distinct().count() >= 4
    assert InterventionOrder.objects.filter(pupil__isnull=True).exists()
    assert InterventionOrder.objects.filter(case__isnull=False).exists()
    assert not DeliveredSession.objects.filter(order__status="ordered").exists()
    assert built.sessions == DeliveredSession.objects.count()
    assert not DeliveredSession.objects.filter(on__gt=TODAY).exists()


def test_every_setting_contributes_and_each_category_has_spending(built):
    budget = PooledBudget.objects.get()
    settings = Setting.objects.filter(partnership_memberships__partnership=budget.partnership)
    contributors = set(
        budget.entries.filter(kind="contribution").values_list("setting_id", flat=True)
    )
    assert set(settings.values_list("pk", flat=True)) <= contributors
    spent = set(budget.entries.filter(kind="spend").values_list("category", flat=True))
    assert spent == set(BudgetEntry.Category.values)
    assert budget.accountable_manager.username == "leader"


def test_the_ledger_matches_the_sessions_and_the_statement_balances(built):
    budget = PooledBudget.objects.get()
    charged = DeliveredSession.objects.aggregate(total=Sum("charge"))["total"]
    spent = budget.entries.filter(kind="spend", order__isnull=False).aggregate(total=Sum("amount"))[
        "total"
    ]
    assert charged == spent
    for order in InterventionOrder.objects.exclude(status__in=["ordered", "in_progress"]):
        sums = order_sums(order)
        assert sums["commitment"] == sums["release"]  # nothing left committed once ended
    s = budget_statement(budget)
    assert s.contributed - s.spent - s.committed == s.balance == built.balance
    assert s.contributed == built.contributed
    assert built.entries == BudgetEntry.objects.count()
    assert cost_per_outcome(budget)


def test_it_writes_in_bulk_with_no_query_for_each_pupil_or_order(built):
    # A handful of reads a setting and a bulk insert a table: the same at 130,000 pupils.
    assert QUERIES[0] < 40, QUERIES
