"""Forms of the menu, order and budget pages: clean and validate only (saving is in the
services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.accounts.models import User
from knotwork.directory.models import Outcome, Partnership, Setting
from knotwork.placements.budget_models import (
    BudgetEntry,
    InterventionOrder,
    Length,
    MenuItem,
    Rate,
)
from knotwork.placements.order_services import REFUND_REASONS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PersonField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


def _money(label: str, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=Decimal(0), max_digits=12, decimal_places=2
    )


#: The fields of a menu item the form sets, beside its outcomes and prices.
ITEM_FIELDS = (
    "activity",
    "strand",
    "heading",
    "details",
    "intended_outcomes",
    "provider_role",
    "likely_duration",
    "estimate_half_days",
    "charging",
    "active",
)


class MenuItemForm(forms.Form):
    activity = forms.CharField(label="Name of activity or programme", max_length=200)
    strand = forms.ChoiceField(label="Strand", choices=MenuItem.Strand.choices)
    heading = forms.CharField(
        label="Heading", max_length=80, help_text="Strategic, capacity building, ..."
    )
    details = forms.CharField(label="Details of support", widget=forms.Textarea)
    intended_outcomes = forms.CharField(label="Intended outcomes", widget=forms.Textarea)
    provider_role = forms.CharField(label="Staff provider", max_length=200)
    likely_duration = forms.CharField(label="Likely duration", max_length=80)
    estimate_half_days = forms.IntegerField(
        label="Likely duration in half days",
        min_value=0,
        max_value=200,
        help_text="What an order commits until it is delivered.",
    )
    charging = forms.ChoiceField(label="Charging", choices=MenuItem.Charging.choices)
    outcomes = forms.ModelMultipleChoiceField(
        label="Outcomes it serves",
        queryset=Outcome.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    adviser_day = _money("Adviser: price per day (£)")
    adviser_half_day = _money("Adviser: price per half day (£)")
    officer_day = _money("Officer: price per day (£)")
    officer_half_day = _money("Officer: price per half day (£)")
    legal_day = _money("Legal interventions: price per day (£)")
    legal_half_day = _money("Legal interventions: price per half day (£)")
    active = forms.BooleanField(label="On the menu", required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        prices: dict[str, tuple[Decimal, Decimal]] = {}
        for rate in Rate.values:
            day, half = data.get(f"{rate}_day"), data.get(f"{rate}_half_day")
            if (day is None) != (half is None):
                self.add_error(
                    f"{rate}_day", "Give both the day and the half-day price, or neither."
                )
            elif day is not None and half is not None:
                prices[rate] = (day, half)
        if data.get("charging") == MenuItem.Charging.PAYU and not prices and not self.errors:
            self.add_error("adviser_day", "A pay-as-you-use item needs a price for a role.")
        data["prices"] = prices
        return data

    def item_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ITEM_FIELDS}

    @staticmethod
    def initial_for(item: MenuItem) -> dict[str, Any]:
        """The form filled in from an item on the menu, its prices by role."""
        initial: dict[str, Any] = {name: getattr(item, name) for name in ITEM_FIELDS}
        initial["outcomes"] = [o.pk for o in item.outcomes.all()]
        for price in item.prices.all():
            initial[f"{price.rate}_day"] = price.price_per_day
            initial[f"{price.rate}_half_day"] = price.price_per_half_day
        return initial


class OrderForm(forms.Form):
    item = forms.ModelChoiceField(label="Intervention", queryset=MenuItem.objects.none())
    setting = forms.ModelChoiceField(
        label="Ordered by", queryset=Setting.objects.none(), empty_label=None
    )
    group_label = forms.CharField(
        label="Who the group is",
        max_length=120,
        required=False,
        help_text="For a group order: 'Year 8 boys, tutor group 8R'. No names.",
    )
    group_size = forms.IntegerField(label="How many in the group", min_value=1, required=False)
    rate = forms.ChoiceField(label="Delivered by", choices=Rate.choices, initial=Rate.OFFICER)
    half_days = forms.IntegerField(
        label="Half days ordered",
        min_value=1,
        max_value=200,
        help_text="A day is two half days.",
    )
    paid_from = forms.ChoiceField(label="Paid from", choices=InterventionOrder.PaidFrom.choices)
    ordered_on = forms.DateField(label="Ordered on", widget=DateInput())
    starts_on = forms.DateField(label="Wanted from", widget=DateInput(), required=False)

    def __init__(
        self,
        *args: Any,
        items: QuerySet[MenuItem],
        settings: QuerySet[Setting],
        for_pupil: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]
        self.for_pupil = for_pupil
        if for_pupil:
            del self.fields["group_label"]
            del self.fields["group_size"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.for_pupil and not (data.get("group_label") and data.get("group_size")):
            self.add_error("group_label", "Say who the group is and how many are in it.")
        return data


class AssignForm(forms.Form):
    officer = PersonField(label="Officer", queryset=User.objects.none())
    starts_on = forms.DateField(label="Starts on", widget=DateInput(), required=False)

    def __init__(self, *args: Any, officers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[u.pk for u in officers]
        ).order_by("first_name", "last_name", "username")


class SessionForm(forms.Form):
    on = forms.DateField(label="Delivered on", widget=DateInput())
    length = forms.ChoiceField(label="Length", choices=Length.choices)
    rate = forms.ChoiceField(label="Delivered by", choices=Rate.choices)


class EndForm(forms.Form):
    on = forms.DateField(label="On", widget=DateInput())


class RefundForm(forms.Form):
    amount = _money("Amount to refund (£)")
    reason = forms.ChoiceField(label="Reason", choices=list(REFUND_REASONS.items()))
    on = forms.DateField(label="Refunded on", widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = "Leave empty to refund everything still charged."


class BudgetOpenForm(forms.Form):
    partnership = forms.ModelChoiceField(
        label="Partnership", queryset=Partnership.objects.none(), empty_label=None
    )
    start_year = forms.IntegerField(
        label="Year it starts", min_value=2000, max_value=2100, help_text="2026 for 2026/27."
    )
    accountable_manager = PersonField(
        label="Accountable manager",
        queryset=User.objects.none(),
        help_text="Accountable to the partnership's schools for all expenditure.",
    )
    plan = forms.CharField(
        label="What the pooled funds are for", widget=forms.Textarea, required=False
    )

    def __init__(
        self,
        *args: Any,
        partnerships: QuerySet[Partnership],
        managers: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]
        self.fields["accountable_manager"].queryset = managers  # type: ignore[attr-defined]


ENTRY_KINDS = [(k, label) for k, label in BudgetEntry.Kind.choices if k != BudgetEntry.Kind.REFUND]


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label="What it is", choices=ENTRY_KINDS)
    amount = _money("Amount (£)", required=True)
    on = forms.DateField(label="On", widget=DateInput())
    category = forms.ChoiceField(
        label="Spending category",
        choices=[("", "Not spending (a contribution)"), *BudgetEntry.Category.choices],
        required=False,
    )
    source = forms.ChoiceField(
        label="Where a contribution comes from",
        choices=[("", "Not a contribution"), *BudgetEntry.Source.choices],
        required=False,
    )
    setting = forms.ModelChoiceField(
        label="Setting",
        queryset=Setting.objects.none(),
        required=False,
        help_text="The school that contributes, if one does.",
    )
    note = forms.CharField(
        label="Note",
        max_length=200,
        required=False,
        help_text="What it is for: 'Shared attendance officer, autumn term'. No pupils' names.",
    )

    def __init__(self, *args: Any, settings: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = settings  # type: ignore[attr-defined]
