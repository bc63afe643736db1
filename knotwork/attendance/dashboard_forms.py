"""The attendance dashboard's filters, read from the query string."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django import forms

from knotwork.attendance.dashboard_rules import PERIODS, year_bounds


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, read from the query string."""

    year = forms.TypedChoiceField(label="Academic year", coerce=int)
    period = forms.ChoiceField(label="Period", choices=PERIODS)
    start = forms.DateField(
        label="From", required=False, widget=DateInput(), help_text="For dates you choose."
    )
    end = forms.DateField(
        label="To", required=False, widget=DateInput(), help_text="For dates you choose."
    )
    pa = forms.DecimalField(
        label="Persistent absence threshold (%)",
        min_value=Decimal(1),
        max_value=Decimal(100),
        decimal_places=1,
        max_digits=4,
        help_text="The partnership's setting unless you change it.",
    )

    def __init__(self, data: Any, *, years: list[int], default_year: int, threshold: Fraction):
        defaults = {
            "year": str(default_year),
            "period": "year",
            "pa": str(Decimal(threshold.numerator) / Decimal(threshold.denominator)),
        }
        super().__init__({**defaults, **{k: v for k, v in data.items() if k in self.base_fields}})
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, f"{y}/{str(y + 1)[-2:]}") for y in years]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") != "custom" or "year" not in data:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None:
            self.add_error("start", "Enter the first day of the dates you choose.")
        if end is None:
            self.add_error("end", "Enter the last day of the dates you choose.")
        if start is None or end is None:
            return data
        bounds = year_bounds(data["year"])
        if start > end:
            self.add_error("end", "The last day must be on or after the first day.")
        elif not (bounds.first <= start and end <= bounds.last):
            self.add_error(
                "start",
                f"Choose dates within the academic year, {bounds.first:%-d %B %Y} to "
                f"{bounds.last:%-d %B %Y}.",
            )
        return data
