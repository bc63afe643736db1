"""Forms of the fair access pages: clean and validate only (saving is in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.directory.models import Setting
from knotwork.placements.fair_access_models import FairAccessCategory
from knotwork.pupils.models import Pupil


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class FairAccessForm(forms.Form):
    category = forms.ChoiceField(
        label="Category of the protocol",
        choices=[("", "Choose a category"), *FairAccessCategory.choices],
    )
    out_of_school_from = forms.DateField(
        label="First day without a school place", widget=DateInput()
    )
    arrived_on = forms.DateField(
        label="Came into the partnership's area on (if during the school year)",
        required=False,
        widget=DateInput(),
        help_text="Leave empty if the pupil was in the area all year: the 380 sessions are "
        "prorated from this day.",
    )
    placed_at = forms.ModelChoiceField(
        label="Placed at", queryset=Setting.objects.none(), empty_label="Choose a school"
    )
    placed_on = forms.DateField(label="Placement agreed on", widget=DateInput())
    started_on = forms.DateField(
        label="First day at the school",
        required=False,
        widget=DateInput(),
        help_text="Leave empty until the pupil starts: the sessions missed count up to today.",
    )

    def __init__(self, *args: Any, schools: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["placed_at"].queryset = schools  # type: ignore[attr-defined]


class NewChildForm(forms.ModelForm[Pupil]):
    """A child on no roll in the partnership: who they are, for the fair access form."""

    upn = forms.CharField(
        label="UPN (if known)",
        required=False,
        max_length=20,
        help_text="From the child's last school in England. Leave empty and a temporary "
        "UPN is given, as a school would.",
    )

    class Meta:
        model = Pupil
        fields = [
            "legal_forename",
            "legal_surname",
            "date_of_birth",
            "sex",
            "ethnicity",
            "sen_provision",
            "looked_after",
            "child_in_need",
            "young_carer",
            "eal",
            "fsm_eligible",
        ]
        widgets = {"date_of_birth": DateInput()}

    def child(self) -> dict[str, Any]:
        """The details for ``pupil_register``."""
        return {name: self.cleaned_data[name] for name in [*self.Meta.fields, "upn"]}


class StartForm(forms.Form):
    started_on = forms.DateField(label="First day at the school", widget=DateInput())


class YearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


class WeightForm(forms.Form):
    setting = forms.ModelChoiceField(
        label="School", queryset=Setting.objects.none(), empty_label="Choose a school"
    )
    weight = forms.DecimalField(
        label="Weight", min_value=0, max_digits=6, decimal_places=2,
        help_text="1.00 for a standard share; more for a larger school.",
    )  # fmt: skip
    from_year = forms.IntegerField(
        label="From the school year starting in", min_value=2000, max_value=2100
    )

    def __init__(self, *args: Any, schools: QuerySet[Setting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = schools  # type: ignore[attr-defined]
