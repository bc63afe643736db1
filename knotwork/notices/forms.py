"""Input for the notices pages: clean and validate only; the services save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from knotwork.notices.models import Purpose, Rhythm
from knotwork.notices.queries import PurposeRow


class RhythmForm(forms.Form):
    rhythm = forms.ChoiceField(
        label="How often should knotwork email you about your notices?",
        choices=Rhythm.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often knotwork emails you."},
    )


class PurposesForm(forms.Form):
    """One choice per person on the team: what they are told for."""

    def __init__(self, *args: Any, rows: Sequence[PurposeRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            name = row.user.get_full_name() or row.user.get_username()
            self.fields[f"purpose_{row.user.pk}"] = forms.ChoiceField(
                label=f"{name}, {row.role}",
                choices=Purpose.choices,
                initial=row.purpose,
                error_messages={"required": f"Choose what {name} is told for."},
            )

    def purposes(self) -> dict[int, str]:
        return {row.user.pk: self.cleaned_data[f"purpose_{row.user.pk}"] for row in self.rows}
