"""Opening a year's budget and writing entries to its ledger, and changing the menu: who may,
what is refused, and the audit rows (which name no pupil)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knotwork.core.models import AuditEntry
from knotwork.core.testing import make_user
from knotwork.placements.budget_models import BudgetEntry, MenuItem, PooledBudget
from knotwork.placements.budget_queries import budget_statement
from knotwork.placements.budget_services import budget_entry_record, budget_open
from knotwork.placements.menu_services import menu_item_save
from knotwork.placements.tests.budget_helpers import D, make_budget, make_item, signed_in

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 11, 2)


def test_the_service_opens_a_budget_naming_its_manager(cast):
    budget = budget_open(
        actor=cast.coordinator,
        partnership=cast.partnership,
        start_year=2026,
        accountable_manager=cast.officer,
    )
    assert (budget.start_year, budget.accountable_manager, budget.year_label) == (
        2026,
        cast.officer,
        "2026/27",
    )
    assert AuditEntry.objects.filter(action="create", object_id=str(budget.uuid)).exists()
    with pytest.raises(ValidationError):  # one a year
        budget_open(
            actor=cast.coordinator,
            partnership=cast.partnership,
            start_year=2026,
            accountable_manager=cast.officer,
        )


def test_only_the_service_opens_a_budget_and_the_manager_works_in_the_partnership(cast):
    with pytest.raises(PermissionDenied):
        budget_open(
            actor=cast.officer,
            partnership=cast.partnership,
            start_year=2026,
            accountable_manager=cast.officer,
        )
    with pytest.raises(ValidationError):
        budget_open(
            actor=cast.coordinator,
            partnership=cast.partnership,
            start_year=2026,
            accountable_manager=make_user("nobody"),
        )
    assert not PooledBudget.objects.exists()


def test_the_manager_records_contributions_spending_commitments_and_releases(cast):
    budget = make_budget(cast, contributions=D(0))
    manager = cast.coordinator
    budget_entry_record(
        actor=manager,
        budget=budget,
        kind="contribution",
        amount=D("12000"),
        on=ON,
        source="school",
        setting=cast.school_b,
        category="training",  # ignored for a contribution
    )
    budget_entry_record(
        actor=manager, budget=budget, kind="spend", amount=D("3000"), on=ON, category="ap"
    )
    budget_entry_record(
        actor=manager, budget=budget, kind="commitment", amount=D("900"), on=ON, category="training"
    )
    budget_entry_record(
        actor=manager, budget=budget, kind="release", amount=D("400"), on=ON, category="training"
    )
    s = budget_statement(budget)
    assert (s.contributed, s.spent, s.committed, s.balance) == (
        D("12000.00"),
        D("3000.00"),
        D("500.00"),
        D("8500.00"),
    )
    rows = AuditEntry.objects.filter(object_type="placements.budgetentry")
    assert rows.count() == 4 and not rows.filter(pupil__isnull=False).exists()


def test_entries_are_refused_when_they_do_not_add_up(cast):
    budget = make_budget(cast)
    m = cast.coordinator
    cases = [
        {"kind": "contribution", "amount": D("10"), "source": ""},
        {"kind": "contribution", "amount": D("10"), "source": "school"},  # which school?
        {"kind": "spend", "amount": D("10"), "category": ""},
        {"kind": "spend", "amount": D("0"), "category": "ap"},
        {"kind": "refund", "amount": D("10"), "category": "ap"},
        {"kind": "release", "amount": D("10"), "category": "ap"},  # nothing committed
        {"kind": "spend", "amount": D("10"), "category": "ap", "on": datetime.date(2027, 9, 1)},
    ]
    for fields in cases:
        with pytest.raises(ValidationError):
            budget_entry_record(actor=m, budget=budget, **{"on": ON, **fields})
    assert budget.entries.count() == 1


def test_only_the_manager_and_the_service_keep_the_budget(cast):
    budget = make_budget(cast)
    for actor in (cast.officer, cast.board_member, cast.outsider):
        with pytest.raises(PermissionDenied):
            budget_entry_record(
                actor=actor, budget=budget, kind="spend", amount=D(1), on=ON, category="ap"
            )
    budget.accountable_manager = cast.officer
    budget.save()
    entry = budget_entry_record(
        actor=cast.officer, budget=budget, kind="spend", amount=D(1), on=ON, category="ap"
    )
    assert entry.kind == BudgetEntry.Kind.SPEND


def test_the_menu_is_changed_by_the_service_only(cast):
    fields = {
        "strand": "behaviour",
        "heading": "Strategic",
        "activity": "KS2 to KS3 transition",
        "details": "Liaison between families and schools.",
        "intended_outcomes": "Confident transition.",
        "provider_role": "Behaviour and Attendance Officer",
        "likely_duration": "1 day",
        "estimate_half_days": 2,
        "charging": "payu",
    }
    prices = {"officer": (D("225"), D("125"))}
    with pytest.raises(PermissionDenied):
        menu_item_save(actor=cast.officer, provider=cast.la_service, prices=prices, **fields)
    item = menu_item_save(actor=cast.coordinator, provider=cast.la_service, prices=prices, **fields)
    assert item.prices.get().price_per_day == D("225.00")
    item = menu_item_save(
        actor=cast.coordinator,
        provider=cast.la_service,
        item=item,
        prices={"adviser": (D("340"), D("190"))},
        **fields,
    )
    assert [p.rate for p in item.prices.all()] == ["adviser"]
    with pytest.raises(ValidationError):
        menu_item_save(
            actor=cast.coordinator, provider=cast.la_service, item=item, prices={}, **fields
        )
    assert MenuItem.objects.count() == 1


def test_the_open_page(client, cast):
    url = "/placements/interventions/budget/new/"
    assert "sign-in" in client.get(url)["Location"]
    assert signed_in(client, "officer").get(url).status_code == 403
    signed_in(client, "coordinator")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"partnership": cast.partnership.pk, "start_year": "1900"})
    assert bad.status_code == 200 and not PooledBudget.objects.exists()
    response = client.post(
        url,
        {
            "partnership": cast.partnership.pk,
            "start_year": "2026",
            "accountable_manager": cast.officer.pk,
        },
    )
    budget = PooledBudget.objects.get()
    assert response["Location"] == f"/placements/interventions/budget/{budget.uuid}/"
    assert budget.accountable_manager == cast.officer


def test_the_menu_keeps_an_item_from_another_service(cast):
    item = make_item(cast)
    other = type(cast.la_service).objects.create(
        name="Another service", kind="la_service", local_authority=cast.la_service.local_authority
    )
    with pytest.raises(PermissionDenied):
        menu_item_save(actor=cast.coordinator, provider=other, item=item, prices={})
