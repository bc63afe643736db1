from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from knotwork.directory.models import Agency, Outcome


class AgencyFilterForm(forms.Form):
    """Search and filters for the agency directory, read from the query string."""

    q = forms.CharField(label="Name, service or area", required=False, max_length=100)
    agency_type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "Any type"), *Agency.Type.choices]
    )
    outcome = forms.ChoiceField(label="Outcome served", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(
        self, *args: Any, outcomes: Sequence[Outcome], areas: Sequence[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.outcome_names = {outcome.code: outcome.name for outcome in outcomes}
        outcome_field = cast(forms.ChoiceField, self.fields["outcome"])
        outcome_field.choices = [("", "Any outcome"), *self.outcome_names.items()]
        area_field = cast(forms.ChoiceField, self.fields["area"])
        area_field.choices = [("", "Any area"), *((area, area) for area in areas)]

    def filters(self) -> dict[str, str]:
        """The search and filters that are valid; a value that is not is left out."""
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "text": cleaned.get("q", "").strip(),
            "agency_type": cleaned.get("agency_type", ""),
            "outcome": cleaned.get("outcome", ""),
            "area": cleaned.get("area", ""),
        }

    def describe(self) -> list[str]:
        """The search and filters in words, for the printed leaflet."""
        chosen = self.filters()
        words = []
        if chosen["text"]:
            words.append(f"matching “{chosen['text']}”")
        if chosen["agency_type"]:
            words.append(Agency.Type(chosen["agency_type"]).label)
        if chosen["outcome"]:
            words.append(self.outcome_names[chosen["outcome"]])
        if chosen["area"]:
            words.append(chosen["area"])
        return words
