"""Forms of the exclusion pages: clean and validate only (saving is in
``exclusion_services``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from knotwork.behaviour.exclusion_services import NOTICES
from knotwork.behaviour.models import Exclusion
from knotwork.behaviour.reasons import REASONS
from knotwork.pupils.models import Enrolment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


HALVES = [("AM", "Morning"), ("PM", "Afternoon")]
UNITS = [
    ("days", "School days (half days allowed)"),
    ("sessions", "Sessions (half days)"),
    ("lunchtimes", "Lunchtimes (each is half a day)"),
]
_REASONS = [("", "None")] + [(r.code, f"{r.code}: {r.label}") for r in REASONS]
_CHANNELS = [("", "Not told yet"), *list(Exclusion.Channel.choices)]


class EnrolmentField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.setting.name} ({obj.get_registration_display().lower()})"


class IssueForm(forms.Form):
    """A new suspension or permanent exclusion; a suspension has a length."""

    enrolment = EnrolmentField(label="Setting", queryset=Enrolment.objects.none(), empty_label=None)
    start_date = forms.DateField(
        label="First day",
        widget=DateInput(),
        error_messages={"required": "Enter the first day.", "invalid": "Enter a real date."},
    )
    start_half = forms.ChoiceField(
        label="Starting in the",
        choices=HALVES,
        help_text="A suspension may start in the afternoon, after a morning in school.",
    )
    length = forms.DecimalField(
        label="Length",
        min_value=Decimal("0.5"),
        max_value=Decimal(90),
        decimal_places=1,
        error_messages={"required": "Enter the length."},
        help_text="In school days: 2.5 is two and a half days. A lunchtime is half a day.",
    )
    unit = forms.ChoiceField(label="Counted in", choices=UNITS)
    reason_1 = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *_REASONS[1:]],
        error_messages={"required": "Choose the main reason."},
    )
    reason_2 = forms.ChoiceField(
        label="Second reason", choices=_REASONS, required=False, help_text="From 2020/21 only."
    )
    reason_3 = forms.ChoiceField(
        label="Third reason", choices=_REASONS, required=False, help_text="From 2020/21 only."
    )
    decided_by = forms.CharField(
        label="Decided by",
        max_length=120,
        help_text="The headteacher's name and role.",
        error_messages={"required": "Enter who decided."},
    )
    parents_told_on = forms.DateField(label="Parents told on", widget=DateInput(), required=False)
    parents_told_how = forms.ChoiceField(label="Told how", choices=_CHANNELS, required=False)

    def __init__(
        self, *args: Any, permanent: bool, enrolments: list[Enrolment], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.permanent = permanent
        self.fields["enrolment"].queryset = Enrolment.objects.filter(  # type: ignore[attr-defined]
            pk__in=[e.pk for e in enrolments]
        ).select_related("setting")
        if permanent:
            del self.fields["length"]
            del self.fields["unit"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        length: Decimal | None = data.get("length")
        unit = data.get("unit")
        if self.permanent or length is None or unit is None:
            return data
        sessions = length * 2 if unit == "days" else length
        if sessions != sessions.to_integral_value():
            self.add_error(
                "length",
                "Use whole or half days (2.5, not 2.3)."
                if unit == "days"
                else "Use a whole number of sessions or lunchtimes.",
            )
        else:
            data["sessions"] = int(sessions)
        return data

    def reasons(self) -> list[str]:
        data = self.cleaned_data
        return [data[name] for name in ("reason_1", "reason_2", "reason_3") if data.get(name)]


class NoticeForm(forms.Form):
    who = forms.ChoiceField(
        label="Who was told", choices=[(key, label) for key, (_, label) in NOTICES.items()]
    )
    on = forms.DateField(label="On", widget=DateInput())
    how = forms.ChoiceField(
        label="How (for the parents)",
        choices=[("", "Choose"), *list(Exclusion.Channel.choices)],
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProvisionForm(forms.Form):
    by = forms.ChoiceField(label="Arranged by", choices=Exclusion.ProvisionBy.choices)
    where = forms.CharField(
        label="Where", max_length=200, help_text="The provider or place the pupil is taught."
    )
    starts_on = forms.DateField(label="From", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)


class BoardForm(forms.Form):
    met_on = forms.DateField(label="The board met on", widget=DateInput())
    outcome = forms.ChoiceField(label="Decision", choices=Exclusion.BoardOutcome.choices)
    decision_sent_on = forms.DateField(
        label="Decision sent to the parents in writing on",
        widget=DateInput(),
        required=False,
        help_text="For a permanent exclusion the parents' review window runs from this day.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    applied_on = forms.DateField(label="The parents applied on", widget=DateInput())
    outcome = forms.ChoiceField(
        label="The panel's decision",
        choices=[("", "Not decided yet"), *list(Exclusion.ReviewOutcome.choices)],
        required=False,
    )
    decided_on = forms.DateField(label="Decided on", widget=DateInput(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OffRollForm(forms.Form):
    parents_declined_on = forms.DateField(
        label="The parents confirmed in writing that they will not apply, on",
        widget=DateInput(),
        required=False,
        help_text="Leave empty once the window has closed with no application.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(forms.Form):
    cancelled_on = forms.DateField(label="Cancelled on", widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)
