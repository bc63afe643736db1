"""The exclusion statistics page's filters, read from the query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict

from knotwork.directory.models import Setting


class StatisticsFilterForm(forms.Form):
    """The academic year, and the settings to put together (none ticked: all of them)."""

    year = forms.TypedChoiceField(
        label="Academic year",
        coerce=int,
        help_text="Shown beside the two years before it.",
    )
    setting = forms.MultipleChoiceField(
        label="Settings",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the settings to put together as a group; none ticked is all of them.",
    )

    def __init__(
        self, data: QueryDict, *, years: list[int], default_year: int, settings: list[Setting]
    ):
        values = data.copy()
        if not values.get("year"):
            values["year"] = str(default_year)
        super().__init__(values)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, f"{y}/{str(y + 1)[-2:]}") for y in years]
        setting_field = self.fields["setting"]
        assert isinstance(setting_field, forms.MultipleChoiceField)
        setting_field.choices = [(str(s.uuid), s.name) for s in settings]
        self._settings = {str(s.uuid): s for s in settings}
        self.years = years

    def chosen(self) -> list[Setting]:
        """The settings ticked, in the scope's order (all of them when none is)."""
        ticked = set(self.cleaned_data.get("setting") or [])
        return [s for uuid, s in self._settings.items() if uuid in ticked]

    def unknown_settings(self) -> bool:
        """Whether the query names a setting outside the choices (never one's to see)."""
        asked: list[Any] = self.data.getlist("setting") if hasattr(self.data, "getlist") else []
        return any(str(value) not in self._settings for value in asked)


class WatchFilterForm(forms.Form):
    """The watch's filters: the academic year, and one setting or all of them."""

    year = forms.TypedChoiceField(label="Academic year", coerce=int)
    setting = forms.ChoiceField(label="Setting", required=False)

    def __init__(
        self, data: QueryDict, *, years: list[int], default_year: int, settings: list[Setting]
    ):
        values = data.copy()
        if not values.get("year"):
            values["year"] = str(default_year)
        super().__init__(values)
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.TypedChoiceField)
        year_field.choices = [(y, f"{y}/{str(y + 1)[-2:]}") for y in years]
        setting_field = self.fields["setting"]
        assert isinstance(setting_field, forms.ChoiceField)
        setting_field.choices = [("", "All settings")] + [(str(s.uuid), s.name) for s in settings]
        self._settings = {str(s.uuid): s for s in settings}

    def unknown_setting(self) -> bool:
        asked = self.data.get("setting") or ""
        return bool(asked) and asked not in self._settings

    def chosen(self) -> list[Setting]:
        asked = self.cleaned_data.get("setting") or ""
        return [self._settings[asked]] if asked else list(self._settings.values())
