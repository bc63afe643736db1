"""The tracking grid's filters: clean and validate only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.casework.grid_queries import GridFilters, Show
from knotwork.directory.models import Organisation, Setting

YEARS = [("", "Any"), ("0", "Reception")] + [(str(y), f"Year {y}") for y in range(1, 15)]


class GridFilterForm(forms.Form):
    setting = forms.ModelChoiceField(
        label="Setting",
        queryset=Setting.objects.none(),
        required=False,
        empty_label="Any",
        to_field_name="uuid",
    )
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Any",
        to_field_name="uuid",
    )
    year = forms.TypedChoiceField(
        label="Year group", choices=YEARS, coerce=int, empty_value=None, required=False
    )
    show = forms.ChoiceField(
        label="Involvement", choices=Show.choices, required=False, initial=Show.LIVE
    )

    def __init__(
        self,
        *args: Any,
        settings: QuerySet[Setting],
        agencies: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        setting = self.fields["setting"]
        agency = self.fields["agency"]
        assert isinstance(setting, forms.ModelChoiceField)
        assert isinstance(agency, forms.ModelChoiceField)
        setting.queryset = settings
        agency.queryset = agencies

    def filters(self) -> GridFilters:
        """The filters asked for; none where the form did not validate."""
        if not self.is_valid():
            return GridFilters()
        data = self.cleaned_data
        return GridFilters(
            setting=data.get("setting"),
            agency=data.get("agency"),
            year=data.get("year"),
            show=data.get("show") or Show.LIVE,
        )
