from __future__ import annotations

from typing import Any

from django import forms

from knotwork.directory.models import Setting
from knotwork.pupils.models import Pupil

YEAR_GROUPS = [("", "Any year")] + [(str(y), f"Year {y}") for y in range(1, 15)]


class PupilSearchForm(forms.Form):
    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    year_group = forms.TypedChoiceField(
        label="Year group", choices=YEAR_GROUPS, required=False, coerce=int, empty_value=None
    )
    setting = forms.ModelChoiceField(
        label="Setting", queryset=Setting.objects.none(), required=False, empty_label="Any setting"
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, settings_queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if settings_queryset is not None:
            self.fields["setting"].queryset = settings_queryset  # type: ignore[attr-defined]


class PupilDetailsForm(forms.ModelForm[Pupil]):
    class Meta:
        model = Pupil
        fields = [
            "legal_forename",
            "middle_names",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "date_of_birth",
            "sex",
            "ethnicity",
            "sen_provision",
            "fsm_eligible",
            "looked_after",
            "child_in_need",
            "young_carer",
            "eal",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}
