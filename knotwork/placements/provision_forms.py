"""Forms of the alternative provision pages: clean and validate only (saving is in the
services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from knotwork.behaviour.models import Exclusion
from knotwork.placements.fair_access_forms import DateInput
from knotwork.placements.provision_models import (
    ProviderProfile,
    ProvisionPlacement,
    ProvisionReview,
)
from knotwork.placements.provision_rules import (
    AT_PROVIDER,
    AT_SCHOOL,
    DAYS,
    NOWHERE,
    SESSION_NAMES,
    WEEK_SESSIONS,
)
from knotwork.placements.provision_services import PROFILE_FIELDS

WHERE = [(AT_PROVIDER, "Provider"), (AT_SCHOOL, "School"), (NOWHERE, "Neither")]


def _text(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea)


class TimetableMixin(forms.Form):
    """Where the pupil is each of the week's ten sessions."""

    def add_timetable(self, timetable: str) -> None:
        for i, name in enumerate(SESSION_NAMES):
            self.fields[f"session_{i}"] = forms.ChoiceField(
                label=name, choices=WHERE, initial=timetable[i]
            )

    def timetable_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """Each day with its morning and afternoon fields, for the week's table."""
        return [
            (day, self[f"session_{2 * i}"], self[f"session_{2 * i + 1}"])
            for i, day in enumerate(DAYS)
        ]

    def timetable_value(self) -> str:
        return "".join(self.cleaned_data[f"session_{i}"] for i in range(WEEK_SESSIONS))


class ExclusionChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} from {obj.start_date:%-d %B %Y}"


class ProviderChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.setting.name} ({obj.setting.get_setting_type_display()})"


class PlacementForm(TimetableMixin):
    provider = ProviderChoice(
        label="Provider", queryset=ProviderProfile.objects.none(), empty_label="Choose a provider"
    )
    kind = forms.ChoiceField(label="Kind of placement", choices=ProvisionPlacement.Kind.choices)
    exclusion = ExclusionChoice(
        label="The exclusion (for education from the sixth day)",
        queryset=Exclusion.objects.none(),
        required=False,
        empty_label="None",
    )
    starts_on = forms.DateField(label="Starts on", widget=DateInput())
    planned_reintegration_on = forms.DateField(
        label="Return to school planned for", required=False, widget=DateInput()
    )

    def __init__(
        self,
        *args: Any,
        providers: QuerySet[ProviderProfile],
        exclusions: QuerySet[Exclusion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["exclusion"].queryset = exclusions  # type: ignore[attr-defined]
        self.add_timetable(AT_PROVIDER * WEEK_SESSIONS)


PASSPORT = (
    "passport_shared_on",
    "passport_needs",
    "passport_strengths",
    "passport_risks",
    "passport_strategies",
    "passport_attainment",
)
PLAN = ("plan_agreed_on", "plan_targets", "plan_curriculum", "plan_support", "plan_reintegration")


class PlacementEditForm(TimetableMixin):
    version = forms.IntegerField(widget=forms.HiddenInput)
    planned_reintegration_on = forms.DateField(
        label="Return to school planned for", required=False, widget=DateInput()
    )
    passport_shared_on = forms.DateField(
        label="Information passport shared with the provider on", required=False, widget=DateInput()
    )
    passport_needs = _text("Needs")
    passport_strengths = _text("Strengths and interests")
    passport_risks = _text("Risks and how they are managed")
    passport_strategies = _text("What works")
    passport_attainment = _text("Attainment and current work")
    plan_agreed_on = forms.DateField(
        label="Personalised learning plan agreed on", required=False, widget=DateInput()
    )
    plan_targets = _text("Targets")
    plan_curriculum = _text("Curriculum and qualifications")
    plan_support = _text("Support")
    plan_reintegration = _text("Steps back to school")

    def __init__(self, *args: Any, placement: ProvisionPlacement, **kwargs: Any) -> None:
        initial = {name: getattr(placement, name) for name in (*PASSPORT, *PLAN)}
        initial.update(kwargs.pop("initial", None) or {})
        initial["planned_reintegration_on"] = placement.planned_reintegration_on
        initial["version"] = placement.version
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.add_timetable(placement.timetable)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = {name: data[name] for name in (*PASSPORT, *PLAN, "planned_reintegration_on")}
        found["timetable"] = self.timetable_value()
        return found


class EndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ends_on = forms.DateField(label="Last day of the placement", widget=DateInput())
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome"), *ProvisionPlacement.Outcome.choices],
    )


class ReviewForm(forms.Form):
    held_on = forms.DateField(label="Held on", widget=DateInput())
    progress = forms.ChoiceField(
        label="Progress", choices=[("", "Choose"), *ProvisionReview.Progress.choices]
    )
    notes = _text("Notes")


class ProviderProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ProviderProfile
        fields = list(PROFILE_FIELDS)
        widgets = {
            "ofsted_inspected_on": DateInput(),
            "safeguarding_checked_on": DateInput(),
            "last_reviewed_on": DateInput(),
        }
        labels = {
            "ofsted_inspected_on": "Last inspected by Ofsted on",
            "safeguarding_checked_on": "Safeguarding last checked on",
            "last_reviewed_on": "Last quality assurance visit on",
            "cost_per_day": "Cost per day (£)",
        }
