"""Builders for the menu, order and budget tests: an item priced as seed 003 prices it,
the cast partnership's budget for 2026/27 with contributions, and an LA service officer
who delivers."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from knotwork.accounts.models import Role, User
from knotwork.core.testing import PASSWORD, Cast, make_user
from knotwork.placements.budget_models import BudgetEntry, MenuItem, MenuPrice, PooledBudget
from knotwork.placements.order_services import order_place

#: Tuesday in the second half of the autumn term 2026.
NOW = datetime.datetime(2026, 11, 24, 10, 0)
TODAY = NOW.date()
D = Decimal


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield TODAY


def make_item(cast: Cast, **overrides: Any) -> MenuItem:
    """Pay as you use, an officer at £225 a day and £125 a half day, an adviser at £340
    and £190."""
    values: dict[str, Any] = {
        "provider": cast.la_service,
        "strand": MenuItem.Strand.ATTENDANCE,
        "heading": "Working with children and parents",
        "activity": "Attendance intervention",
        "details": "Bespoke intervention package based on assessment of need.",
        "intended_outcomes": "Improved attendance.",
        "provider_role": "Behaviour & Attendance Officer",
        "likely_duration": "2 days",
        "estimate_half_days": 4,
        "charging": MenuItem.Charging.PAYU,
    }
    prices = overrides.pop(
        "prices", {"officer": (D("225.00"), D("125.00")), "adviser": (D("340.00"), D("190.00"))}
    )
    values.update(overrides)
    item = MenuItem.objects.create(**values)
    for rate, (day, half) in prices.items():
        MenuPrice.objects.create(item=item, rate=rate, price_per_day=day, price_per_half_day=half)
    return item


TEN_THOUSAND = D("10000.00")


def make_budget(cast: Cast, *, contributions: Decimal = TEN_THOUSAND) -> PooledBudget:
    budget = PooledBudget.objects.create(
        partnership=cast.partnership, start_year=2026, accountable_manager=cast.coordinator
    )
    if contributions:
        BudgetEntry.objects.create(
            budget=budget,
            kind=BudgetEntry.Kind.CONTRIBUTION,
            source=BudgetEntry.Source.SCHOOL,
            setting=cast.school_a,
            amount=contributions,
            on=datetime.date(2026, 9, 7),
            recorded_by=cast.coordinator,
        )
    return budget


def make_officer(cast: Cast, username: str = "baofficer") -> User:
    """A behaviour and attendance officer of the LA service, who delivers orders."""
    return make_user(
        username,
        role=Role.LA_OFFICER,
        organisation=cast.la_service,
        can_edit=True,
        first_name="Bea",
        last_name="Officer",
    )


def place(cast: Cast, item: MenuItem, **overrides: Any):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "actor": cast.officer,
        "item": item,
        "setting": cast.school_a,
        "rate": "officer",
        "half_days": 1,
        "paid_from": "pooled",
        "ordered_on": datetime.date(2026, 11, 2),
        "pupil": cast.pupil_a,
    }
    values.update(overrides)
    return order_place(**values)


def signed_in(client: Any, username: str = "officer") -> Any:
    client.login(username=username, password=PASSWORD)
    return client
